//! The installation's public settings, the live password check, the signed-in account, its
//! sessions, signing out, and the dev inbox.

use kabinet_api::{
    AccountSummary, ApiError, AppInfo, ById, Context, Empty, ErrorCode, Inbox, PasswordCheck,
    PasswordCheckRequest, PasswordRule, SessionInfo, Sessions,
};
use kabinet_core::account::{Actor, Command, SecurityAction};
use kabinet_core::password::{meter_score, strength};

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome, rule};
use crate::repo::{self, Extras};
use crate::sessions::{self, Which};

impl Service {
    pub(crate) async fn app_info(&self, _context: &Context, _request: Empty) -> Outcome<AppInfo> {
        let config = &self.inner.config;
        let seconds = |d: chrono::Duration| u32::try_from(d.num_seconds()).unwrap_or(u32::MAX);
        Ok(AppInfo {
            consent_version: config.consent_version.clone(),
            code_length: 6,
            sms_code_ttl_seconds: seconds(config.sms_codes.ttl),
            resend_cooldown_seconds: seconds(config.sms_codes.resend_cooldown),
            session_idle_seconds: seconds(config.session_idle),
            portal_services_url: config.portal_services_url.clone(),
            desktop_app_url: config.desktop_app_url.clone(),
            simulators: self.inner.ports.inbox.is_some(),
            banks: config
                .trusted_banks
                .iter()
                .filter(|b| b.authorize_url.is_some())
                .map(|b| kabinet_api::BankChoice {
                    id: b.id.clone(),
                    name: b.name.clone(),
                })
                .collect(),
        })
    }

    pub(crate) async fn password_check(
        &self,
        _context: &Context,
        request: PasswordCheckRequest,
    ) -> Outcome<PasswordCheck> {
        let policy = &self.inner.config.password_policy;
        let logins: Vec<&str> = request.logins.iter().map(String::as_str).collect();
        let broken = policy
            .check(&request.password, &logins)
            .err()
            .unwrap_or_default();
        let rules = policy
            .rules()
            .iter()
            .map(|r| {
                let shown = rule(r);
                PasswordRule {
                    met: !broken.iter().any(|b| b.rule == r.rule),
                    rule: shown.rule,
                    params: shown.params,
                }
            })
            .collect();
        Ok(PasswordCheck {
            rules,
            score: meter_score(strength(&request.password, &logins), broken.is_empty()),
            acceptable: broken.is_empty(),
        })
    }

    pub(crate) async fn me(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<AccountSummary> {
        let (phone, email) = &citizen.contacts;
        Ok(self.summary_of(&citizen.account, phone.as_deref(), email.as_deref()))
    }

    pub(crate) async fn sign_out(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Empty> {
        sessions::revoke(
            self.conn(),
            citizen.account.id,
            Which::One(citizen.session.id),
            self.now(),
        )
        .await?;
        Ok(Empty {})
    }

    pub(crate) async fn sessions_list(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Sessions> {
        let rows = sessions::list(self.conn(), citizen.account.id, self.now()).await?;
        Ok(Sessions {
            sessions: rows
                .into_iter()
                .map(|s| SessionInfo {
                    current: s.id == citizen.session.id,
                    id: s.id,
                    device: s.device,
                    address: s.address,
                    created_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                })
                .collect(),
        })
    }

    pub(crate) async fn session_revoke(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: ById,
    ) -> Outcome<Empty> {
        let ended = sessions::revoke(
            self.conn(),
            citizen.account.id,
            Which::One(request.id),
            self.now(),
        )
        .await?;
        if ended == 0 {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        Ok(Empty {})
    }

    pub(crate) async fn sessions_revoke_all(
        &self,
        citizen: Citizen,
        context: &Context,
        _request: Empty,
    ) -> Outcome<Empty> {
        let tx = self.begin().await?;
        repo::execute(
            &tx,
            &citizen.account,
            &Command::RecordSecurity {
                action: SecurityAction::SessionsEnded,
            },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        sessions::revoke(&tx, citizen.account.id, Which::All, self.now()).await?;
        tx.commit().await.map_err(error::store)?;
        Ok(Empty {})
    }

    pub(crate) async fn dev_inbox(&self, _context: &Context, _request: Empty) -> Outcome<Inbox> {
        let inbox = self
            .inner
            .ports
            .inbox
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorCode::NotAvailable))?;
        self.settle().await;
        Ok(Inbox {
            messages: inbox.messages(),
        })
    }
}
