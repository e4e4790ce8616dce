//! A workstation's replica made ready to serve without the link: the centre and the
//! workstation as the centre's server describes them (the workstation's key kept only as a
//! keyed hash under the replica's own pepper), and each staff member who signs in at the
//! centre from this workstation: their record, a verifier of the password they typed (argon2id,
//! made here), good for [`OFFLINE_SIGN_IN`], and their session, so the same token works on the
//! replica while the link is down.

use chrono::{DateTime, Utc};
use kabinet_api::{ApiError, StaffSignedIn, WorkstationInfo};
use kabinet_core::codes::CodePurpose;
use kabinet_core::staff::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, OFFLINE_SIGN_IN, StaffStatus};
use kabinet_store::staff::{self as store, Centre, StaffMember, StaffSession, Workstation};
use kabinet_store::sync as sync_store;
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};

/// The replica's note of how long a staff member may sign in offline.
fn offline_key(staff: Uuid) -> String {
    format!("staff_offline_until:{staff}")
}

impl Service {
    /// On a replica: records this workstation and its centre as the centre's server described
    /// them. Done again, it updates them.
    pub async fn adopt_workstation(
        &self,
        info: &WorkstationInfo,
        key: &str,
    ) -> Result<(), ApiError> {
        self.replica_only().await?;
        let now = self.now();
        let centre = Centre {
            id: info.centre.id,
            name: info.centre.name.clone(),
            address: info.centre.address.clone(),
            services: json!(info.centre.services),
            hours: json!({ "week": info.centre.week, "exceptions": info.centre.exceptions }),
            utc_offset_minutes: info.centre.utc_offset_minutes,
            created_at: now,
            updated_at: now,
        };
        let known = store::centre(self.conn(), centre.id)
            .await
            .map_err(error::store)?;
        if known.is_some() {
            store::update_centre(self.conn(), centre).await
        } else {
            store::insert_centre(self.conn(), centre).await
        }
        .map_err(error::store)?;
        if store::workstation(self.conn(), info.workstation_id)
            .await
            .map_err(error::store)?
            .is_none()
        {
            store::insert_workstation(
                self.conn(),
                Workstation {
                    id: info.workstation_id,
                    centre_id: info.centre.id,
                    name: info.name.clone(),
                    key_hash: self
                        .inner
                        .hasher
                        .hash(CodePurpose::Workstation, key)
                        .to_vec(),
                    status: "active".into(),
                    enrolled_at: now,
                    last_seen_at: now,
                },
            )
            .await
            .map_err(error::store)?;
        }
        Ok(())
    }

    /// On a replica: keeps a staff member who has just signed in at the centre from this
    /// workstation — record, password verifier, session — for [`OFFLINE_SIGN_IN`].
    pub async fn adopt_staff_session(
        &self,
        signed: &StaffSignedIn,
        password: &str,
        workstation_id: Uuid,
    ) -> Result<(), ApiError> {
        self.replica_only().await?;
        let now = self.now();
        let phc = self.hash_secret(password.to_owned()).await?;
        let view = &signed.staff;
        let scopes = crate::staff::scopes_json(&view.scopes);
        let known = store::staff_by_number(self.conn(), &view.personnel_number)
            .await
            .map_err(error::store)?;
        let member = StaffMember {
            id: known.as_ref().map_or(view.id, |m| m.id),
            personnel_number: view.personnel_number.clone(),
            full_name: view.full_name.clone(),
            centre_id: view.centre.id,
            scopes,
            status: StaffStatus::Active.as_str().to_owned(),
            password_phc: Some(phc),
            totp_secret: None,
            totp_last_step: None,
            failures: 0,
            locked_until: None,
            created_at: known.as_ref().map_or(now, |m| m.created_at),
            updated_at: now,
        };
        let tx = self.begin().await?;
        if known.is_some() {
            store::save_staff(&tx, member.clone()).await
        } else {
            store::insert_staff(&tx, member.clone()).await
        }
        .map_err(error::store)?;
        store::insert_session(
            &tx,
            StaffSession {
                id: Uuid::now_v7(),
                token_hash: self
                    .inner
                    .hasher
                    .hash(CodePurpose::StaffSession, &signed.token)
                    .to_vec(),
                staff_id: member.id,
                workstation_id,
                address: "workstation".into(),
                created_at: now,
                last_seen_at: now,
                idle_expires_at: now + IDLE_TIMEOUT,
                absolute_expires_at: now + ABSOLUTE_TIMEOUT,
                revoked_at: None,
            },
        )
        .await
        .map_err(error::store)?;
        sync_store::set_state(
            &tx,
            &offline_key(member.id),
            json!(now + OFFLINE_SIGN_IN),
            now,
        )
        .await
        .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(())
    }

    /// Until when a staff member may sign in on this replica without the link (none: never, or
    /// no longer).
    pub(crate) async fn offline_sign_in_until(
        &self,
        staff: Uuid,
    ) -> Outcome<Option<DateTime<Utc>>> {
        let until: Option<DateTime<Utc>> = sync_store::state(self.conn(), &offline_key(staff))
            .await
            .map_err(error::store)?
            .and_then(|v| serde_json::from_value(v).ok());
        Ok(until.filter(|until| *until > self.now()))
    }

    async fn replica_only(&self) -> Outcome<()> {
        if self.is_replica(self.conn()).await? {
            Ok(())
        } else {
            Err(error::internal(
                &"a workstation's adoption on a database that is not a replica",
            ))
        }
    }
}
