//! Activation codes without the link. The centre makes blocks of codes in advance for a
//! workstation (asked for by the pull, [`Blanks`]), keeps only their keyed hashes and sends
//! the codes once over the workstation's authenticated link; the replica keeps them sealed
//! under its own key from the OS keyring, never in the clear. Handing one to a citizen takes
//! a blank and writes, in the same transaction, an outbox change naming only the blank; at
//! the centre that change binds the blank to the account and starts the same activation flow
//! an online code starts, so the citizen's code works from the moment the change arrives.

use chrono::{DateTime, Utc};
use kabinet_api::{ActivationBlank, ApiError, Context, DeskChange, ErrorCode};
use kabinet_core::account::Actor;
use kabinet_core::codes::{CodePolicy, CodePurpose, activation_code};
use kabinet_core::sync::Blanks;
use kabinet_store::blanks::{self as store, Blank, HeldBlank};
use kabinet_store::{Conn, Tx};
use uuid::Uuid;

use crate::Service;
use crate::access::AtWorkstation;
use crate::error::{self, Outcome};
use crate::ports::entropy::Random;
use crate::repo::Loaded;

impl Service {
    /// At the centre: makes the blanks a workstation asked for, as many as the core allows.
    pub(crate) async fn issue_blanks(
        &self,
        at: &AtWorkstation,
        wanted: u32,
    ) -> Outcome<Vec<ActivationBlank>> {
        if wanted == 0 {
            return Ok(Vec::new());
        }
        let now = self.now();
        let outstanding = store::outstanding(self.conn(), at.workstation.id, now)
            .await
            .map_err(error::store)?;
        let count = Blanks::to_issue(wanted, outstanding);
        let expires_at = now + Blanks::LIFETIME;
        let mut sent = Vec::with_capacity(count as usize);
        let mut rows = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let code = activation_code(&mut Random(self.inner.ports.entropy.as_ref()));
            let id = Uuid::now_v7();
            rows.push(Blank {
                id,
                workstation_id: at.workstation.id,
                code_hash: self
                    .inner
                    .hasher
                    .hash(CodePurpose::Activation, &code)
                    .to_vec(),
                issued_at: now,
                expires_at,
                account_id: None,
                bound_at: None,
            });
            sent.push(ActivationBlank {
                id,
                code,
                expires_at,
            });
        }
        store::insert_blanks(self.conn(), rows)
            .await
            .map_err(error::store)?;
        Ok(sent)
    }

    /// On a replica: how many blanks the next pull asks for.
    pub(crate) async fn blanks_wanted(&self) -> Outcome<u32> {
        let held = store::held_count(self.conn(), self.now())
            .await
            .map_err(error::store)?;
        Ok(Blanks::wanted(held))
    }

    /// On a replica, inside the pull's transaction: keeps the blanks the centre sent, sealed.
    pub(crate) async fn hold_blanks(&self, tx: &Tx, blanks: &[ActivationBlank]) -> Outcome<()> {
        let rows = blanks
            .iter()
            .map(|b| HeldBlank {
                id: b.id,
                sealed: self.inner.sealer.seal(b.id, b.code.as_bytes()),
                expires_at: b.expires_at,
                account_id: None,
                taken_at: None,
            })
            .collect();
        store::hold(tx, rows).await.map_err(error::store)
    }

    /// On a replica: hands a citizen the next blank, recording it on the account and in the
    /// outbox in one transaction. Returns the code and when it expires (counted, as at the
    /// centre, from now).
    pub(crate) async fn hand_out_blank(
        &self,
        actor: &Actor,
        context: &Context,
        account: &Loaded,
    ) -> Outcome<(String, DateTime<Utc>)> {
        let by = self.by(actor, context);
        let tx = self.begin().await?;
        let Some(blank) = store::take(&tx, account.id, by.at)
            .await
            .map_err(error::store)?
        else {
            return Err(ApiError::new(ErrorCode::Unavailable).with_message(
                "Коды активации для работы без связи закончились: новые придут при связи с центром",
            ));
        };
        let code = self
            .inner
            .sealer
            .open(blank.id, &blank.sealed)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| error::internal(&"an activation blank that does not open"))?;
        crate::staff::desk::activation_recorded(&tx, account, &by).await?;
        self.record_desk_change(
            &tx,
            &by,
            account.id,
            DeskChange::ActivationCodeIssued { blank: blank.id },
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        Ok((code, CodePolicy::activation().expires_at(by.at)))
    }

    /// How many blanks a replica can still hand out (for the workstation's status).
    pub async fn blanks_held(&self) -> Result<u64, ApiError> {
        store::held_count(self.conn(), self.now())
            .await
            .map_err(error::store)
    }
}

/// A blank the centre made for `workstation`, if `id` names one.
pub(crate) async fn blank_of(
    conn: &impl Conn,
    id: Uuid,
    workstation: Uuid,
) -> Outcome<Option<Blank>> {
    Ok(store::blank(conn, id)
        .await
        .map_err(error::store)?
        .filter(|b| b.workstation_id == workstation))
}
