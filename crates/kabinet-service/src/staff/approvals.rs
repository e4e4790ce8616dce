//! Four-eyes (maker–checker): unblocking an account, restoring access to a Confirmed one and
//! changing a Confirmed citizen's SNILS or passport wait in the centre's queue until a different staff member holding `approval:grant`
//! approves or rejects them. The maker can never decide their own request; an undecided
//! request expires after [`kabinet_core::staff::APPROVAL_TTL`].
//!
//! An approved request is carried out in the same transaction that marks it approved, so of
//! two checkers deciding at once exactly one carries it out. The citizen's log names the maker
//! (whom the citizen met at the desk); the audit log names both.

use kabinet_api::{
    ApiError, ApprovalDecision, ApprovalOutcome, ApprovalView, Approvals, Context, Empty,
    ErrorCode, Scope,
};
use kabinet_core::account::Command;
use kabinet_core::staff::{self as rules, ApprovalRefusal, FourEyes, Pending};
use kabinet_store::events::decode_actor;
use kabinet_store::staff::{self as store, Approval};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Service;
use crate::access::Staff;
use crate::error::{self, Outcome};
use crate::messages;
use crate::repo::{self, Extras, Loaded};
use crate::sessions::{self, Which};
use crate::staff::{Audited, Found};

impl Service {
    pub(crate) async fn approvals_list(
        &self,
        staff: Staff,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Approvals> {
        let now = self.now();
        let mut approvals = Vec::new();
        for row in store::pending_approvals(self.conn(), staff.at.centre.id)
            .await
            .map_err(error::store)?
        {
            if row.expires_at <= now {
                store::decide_approval(self.conn(), row.id, "expired", None, None, now)
                    .await
                    .map_err(error::store)?;
                continue;
            }
            approvals.push(self.approval_view(&row).await?);
        }
        Ok(Approvals { approvals })
    }

    pub(crate) async fn approval_decide(
        &self,
        staff: Staff,
        context: &Context,
        request: ApprovalDecision,
    ) -> Outcome<ApprovalOutcome> {
        let now = self.now();
        let row = store::approval(self.conn(), request.id)
            .await
            .map_err(error::store)?
            .filter(|a| a.centre_id == staff.at.centre.id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        if row.status != "pending" {
            return Err(decided());
        }
        let pending = Pending {
            maker: row.maker_id,
            expires_at: row.expires_at,
        };
        match rules::may_decide(
            &pending,
            &staff.member.id,
            staff.holds(Scope::ApprovalGrant),
            now,
        ) {
            Ok(()) => {}
            Err(ApprovalRefusal::OwnRequest) => {
                return Err(super::forbidden(
                    "Свой запрос подтверждает другой сотрудник",
                ));
            }
            Err(ApprovalRefusal::NotAChecker) => {
                return Err(ApiError::new(ErrorCode::Forbidden));
            }
            Err(ApprovalRefusal::Expired) => {
                store::decide_approval(self.conn(), row.id, "expired", None, None, now)
                    .await
                    .map_err(error::store)?;
                return Err(ApiError::new(ErrorCode::NotAllowed)
                    .with_message("Срок запроса истёк: его нужно создать заново"));
            }
        }
        let reason = request.reason.trim().to_owned();
        if !request.approve {
            if reason.is_empty() {
                return Err(ApiError::field("reason", "required"));
            }
            if !store::decide_approval(
                self.conn(),
                row.id,
                "rejected",
                Some(staff.member.id),
                Some(reason),
                now,
            )
            .await
            .map_err(error::store)?
            {
                return Err(decided());
            }
            return self.approval_outcome(row.id, String::new()).await;
        }
        let kind = FourEyes::parse(&row.kind)
            .ok_or_else(|| error::internal(&format!("an approval of kind {:?}", row.kind)))?;
        let account = self.citizen_account(row.account_id).await?;
        let maker = decode_actor(&row.payload["actor"]).map_err(error::store)?;
        let prepared = match kind {
            FourEyes::RestoreConfirmed => Some(self.new_temporary_password().await?),
            _ => None,
        };
        let documents_change = match kind {
            FourEyes::IdentityDocumentChange => {
                let previous = self
                    .submitted_profile(account.id)
                    .await?
                    .ok_or_else(|| error::internal(&"a document change without a profile"))?;
                let next: kabinet_api::ProfileForm =
                    serde_json::from_value(row.payload["profile"].clone())
                        .map_err(|e| error::internal(&e))?;
                Some((previous, next))
            }
            _ => None,
        };
        let tx = self.begin().await?;
        if !store::decide_approval(
            &tx,
            row.id,
            "approved",
            Some(staff.member.id),
            Some(reason).filter(|r| !r.is_empty()),
            now,
        )
        .await
        .map_err(error::store)?
        {
            return Err(decided());
        }
        let by = self.by(&maker, context);
        let mut temporary_password = String::new();
        let notice = match (kind, prepared) {
            (FourEyes::Unblock, _) => {
                let reason = row.payload["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                repo::execute(
                    &tx,
                    &account,
                    &Command::Unblock { reason },
                    &by,
                    Extras::default(),
                )
                .await?;
                Some(messages::unblocked_notice())
            }
            (FourEyes::RestoreConfirmed, Some((password, phc))) => {
                self.apply_restore(&tx, &by, &account, phc).await?;
                temporary_password = password;
                None
            }
            (FourEyes::IdentityDocumentChange, _) => {
                let (previous, next) = documents_change
                    .ok_or_else(|| error::internal(&"a document change without its data"))?;
                self.apply_document_change(&tx, &maker, context, &account, &previous, next)
                    .await?;
                None
            }
            _ => {
                return Err(error::internal(
                    &"an approval this version cannot carry out",
                ));
            }
        };
        tx.commit().await.map_err(error::store)?;
        if let Some(notice) = notice {
            self.notify_event(account.id, notice).await;
        }
        self.approval_outcome(row.id, temporary_password).await
    }

    // -----------------------------------------------------------------------------------------

    /// Files a four-eyes request by `staff` about `account`.
    pub(crate) async fn request_approval(
        &self,
        staff: &Staff,
        kind: FourEyes,
        account: &Loaded,
        mut payload: Value,
        reason: &str,
    ) -> Outcome<ApprovalView> {
        let now = self.now();
        payload["actor"] = repo::actor_json(&staff.actor());
        payload["reason_text"] = json!(reason);
        let row = Approval {
            id: Uuid::now_v7(),
            kind: kind.as_str().to_owned(),
            account_id: account.id,
            payload,
            centre_id: staff.at.centre.id,
            maker_id: staff.member.id,
            requested_at: now,
            expires_at: now + rules::APPROVAL_TTL,
            status: "pending".into(),
            checker_id: None,
            decided_at: None,
            decision_reason: None,
        };
        store::insert_approval(self.conn(), row.clone())
            .await
            .map_err(error::store)?;
        // Ending the sessions of an account about to be restored is not waited for: a
        // restore asked for at the desk means the citizen may not hold their account now.
        if kind == FourEyes::RestoreConfirmed {
            sessions::revoke(self.conn(), account.id, Which::All, now).await?;
        }
        self.approval_view(&row).await
    }

    async fn approval_outcome(
        &self,
        id: Uuid,
        temporary_password: String,
    ) -> Outcome<ApprovalOutcome> {
        let row = store::approval(self.conn(), id)
            .await
            .map_err(error::store)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        Ok(ApprovalOutcome {
            approval: self.approval_view(&row).await?,
            temporary_password,
        })
    }

    async fn approval_view(&self, row: &Approval) -> Outcome<ApprovalView> {
        let account = self.citizen_account(row.account_id).await?;
        let maker = store::staff_member(self.conn(), row.maker_id)
            .await
            .map_err(error::store)?
            .map(|m| m.personnel_number)
            .unwrap_or_default();
        Ok(ApprovalView {
            id: row.id,
            kind: row.kind.clone(),
            citizen: self.brief(&account).await?,
            maker,
            reason: row.payload["reason_text"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            status: row.status.clone(),
        })
    }
}

fn decided() -> ApiError {
    ApiError::new(ErrorCode::NotAllowed).with_message("Запрос уже рассмотрен")
}

impl Audited for ApprovalDecision {
    fn detail(&self) -> Value {
        json!({ "approval_id": self.id, "approve": self.approve, "reason": self.reason })
    }
}
impl Found for Approvals {}
impl Found for ApprovalOutcome {
    fn found(&self) -> Option<Uuid> {
        Some(self.approval.citizen.account_id)
    }
}
