//! The citizen's security events — read from the account's event log, newest first — and
//! "this wasn't me", which ends every session and starts a recovery.

use kabinet_api::{ById, Context, Page, Recovery, SecurityEvent, SecurityEvents, StaffMark};
use kabinet_core::account::{Actor, Command, SecurityAction};
use kabinet_store::event_log;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::repo::{self, Extras};
use crate::sessions::{self, Which};

/// Events that are progress of a background check rather than something the citizen did or
/// should know about as security.
const NOT_SECURITY: &[&str] = &["check_queued", "check_started"];

impl Service {
    pub(crate) async fn security_events(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: Page,
    ) -> Outcome<SecurityEvents> {
        let (offset, per_page) = crate::page::window(&request);
        let rows = event_log::page_except(
            self.conn(),
            citizen.account.id,
            NOT_SECURITY,
            offset,
            per_page + 1,
        )
        .await
        .map_err(error::store)?;
        let has_more = rows.len() as u64 > per_page;
        let events = rows
            .into_iter()
            .take(per_page as usize)
            .map(|row| {
                let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
                let kind = match row.payload["action"].as_str() {
                    Some(action) if row.kind == "security_action" => action.to_owned(),
                    _ => row.kind.clone(),
                };
                SecurityEvent {
                    id: row.id,
                    kind,
                    at: row.recorded_at,
                    device: text(&row.payload["context"]["device"]),
                    address: text(&row.payload["context"]["address"]),
                    actor: text(&row.actor["kind"]),
                    by_staff: (row.actor["kind"] == "operator").then(|| StaffMark {
                        centre: text(&row.actor["centre_name"]),
                        staff_number: text(&row.actor["operator"]),
                        workstation: text(&row.actor["workstation"]),
                    }),
                }
            })
            .collect();
        Ok(SecurityEvents { events, has_more })
    }

    pub(crate) async fn security_event_not_me(
        &self,
        citizen: Citizen,
        context: &Context,
        request: ById,
    ) -> Outcome<Recovery> {
        let account_id = citizen.account.id;
        event_log::get(self.conn(), request.id)
            .await
            .map_err(error::store)?
            .filter(|e| e.account_id == account_id)
            .ok_or_else(|| kabinet_api::ApiError::new(kabinet_api::ErrorCode::NotFound))?;
        let now = self.now();
        let tx = self.begin().await?;
        let by = self.by(&Actor::Citizen, context);
        let account = repo::execute(
            &tx,
            &citizen.account,
            &Command::RecordSecurity {
                action: SecurityAction::NotMeReported,
            },
            &by,
            Extras::default(),
        )
        .await?;
        repo::execute(
            &tx,
            &account,
            &Command::RecordSecurity {
                action: SecurityAction::SessionsEnded,
            },
            &by,
            Extras::default(),
        )
        .await?;
        sessions::revoke(&tx, account_id, Which::All, now).await?;
        tx.commit().await.map_err(error::store)?;
        self.begin_recovery(Some(account_id), format!("recovery:account:{account_id}"))
            .await
    }
}
