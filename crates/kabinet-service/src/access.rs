//! Who is calling: the principal an operation's access kind (in the one operation list)
//! requires, proved before its use case runs. The generated [`kabinet_api::Api`] delegate is
//! the only caller of the `authorize_*` functions, and a [`Citizen`], [`AtWorkstation`] or
//! [`Staff`] cannot be made anywhere else, so a use case that takes one cannot run for a
//! caller who has not proved it.
//!
//! Citizens and staff never share a session: a citizen's token is looked up only among
//! citizens' sessions and a staff token only among staff sessions (each hashed under its own
//! purpose), so neither can call the other's operations.

use kabinet_api::{ApiError, Context, ErrorCode, Scope};
use kabinet_core::account::{Actor, Status};
use kabinet_core::codes::CodePurpose;
use kabinet_core::staff::StaffStatus;
use kabinet_store::accounts;
use kabinet_store::sessions::Session;
use kabinet_store::staff::{self as store, Centre, StaffMember, StaffSession, Workstation};

use crate::Service;
use crate::error::{self, Outcome};
use crate::repo::Loaded;
use crate::sessions;

/// A signed-in citizen: a live session and its account, neither blocked nor deleted.
pub(crate) struct Citizen {
    /// The session the request came with.
    pub session: Session,
    /// Its account, as read when the session was checked.
    pub account: Loaded,
    /// The account's phone and e-mail logins, read with it.
    pub contacts: (Option<String>, Option<String>),
    /// Only this module makes one.
    _proved: Proved,
}

struct Proved;

impl Service {
    /// The citizen of a request, or `unauthenticated`. The session, its account and the
    /// account's contacts are read in one statement; the session is written only when its idle
    /// end is due to move (at most once a minute).
    pub(crate) async fn authorize_citizen(&self, context: &Context) -> Outcome<Citizen> {
        let now = self.now();
        let hash = sessions::token_hash(&self.inner.hasher, context)?;
        let holder = self
            .session_holder(&hash)
            .await?
            .filter(|h| sessions::is_live(&h.session, now))
            .filter(|h| {
                !matches!(
                    h.account.state.status,
                    Status::Blocked { .. } | Status::Deleted
                )
            })
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let session = sessions::touch(self.conn(), &self.inner.config, holder.session, now).await?;
        Ok(Citizen {
            session,
            account: holder.account,
            contacts: (holder.phone, holder.email),
            _proved: Proved,
        })
    }
}

impl Service {
    /// The session of a token hash with its account and contacts: from the session cache when
    /// it holds them, else read (one round trip) and kept.
    async fn session_holder(&self, hash: &[u8]) -> Outcome<Option<accounts::SessionHolder>> {
        let cache = &self.inner.sessions;
        if let Some(holder) = cache.get(hash) {
            return Ok(Some(holder));
        }
        let seen = cache.generation();
        let holder = accounts::session_holder(self.conn(), hash)
            .await
            .map_err(error::store)?;
        if let Some(holder) = &holder {
            cache.put(hash, holder, seen);
        }
        Ok(holder)
    }
}

/// An enrolled, unrevoked workstation: the request carried its key.
pub(crate) struct AtWorkstation {
    /// The workstation.
    pub workstation: Workstation,
    /// Its centre.
    pub centre: Centre,
    /// Only this module makes one.
    _proved: Proved,
}

/// A signed-in, active staff member at an enrolled workstation of their own centre, holding
/// the scope the operation needs.
pub(crate) struct Staff {
    /// The member as read when the session was checked.
    pub member: StaffMember,
    /// The session the request came with.
    pub session: StaffSession,
    /// Where.
    pub at: AtWorkstation,
    /// Only this module makes one.
    _proved: Proved,
}

impl Staff {
    /// The actor recorded in a citizen's log for this staff member's actions.
    pub fn actor(&self) -> Actor {
        Actor::Operator {
            operator: self.member.personnel_number.clone(),
            centre: self.at.centre.id.to_string(),
            centre_name: self.at.centre.name.clone(),
            workstation: self.at.workstation.id.to_string(),
        }
    }

    /// Whether the member holds `scope`.
    pub fn holds(&self, scope: Scope) -> bool {
        crate::staff::scopes_of(&self.member).contains(&scope)
    }
}

/// A workstation's `last_seen_at` is rewritten at most this often.
const WORKSTATION_TOUCH: chrono::Duration = chrono::Duration::minutes(1);

impl Service {
    /// The workstation a request comes from, or `workstation_required`.
    pub(crate) async fn authorize_workstation(&self, context: &Context) -> Outcome<AtWorkstation> {
        let required = || ApiError::new(ErrorCode::WorkstationRequired);
        let key = context
            .workstation
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(required)?;
        let hash = self.inner.hasher.hash(CodePurpose::Workstation, key);
        let workstation = store::workstation_by_key(self.conn(), &hash)
            .await
            .map_err(error::store)?
            .filter(|w| w.status == "active")
            .ok_or_else(required)?;
        let centre = store::centre(self.conn(), workstation.centre_id)
            .await
            .map_err(error::store)?
            .ok_or_else(required)?;
        let now = self.now();
        if now - workstation.last_seen_at >= WORKSTATION_TOUCH {
            store::touch_workstation(self.conn(), workstation.id, now)
                .await
                .map_err(error::store)?;
        }
        Ok(AtWorkstation {
            workstation,
            centre,
            _proved: Proved,
        })
    }

    /// The staff member of a request, at their own centre's workstation, holding `scope` (any
    /// scope when `None`). A refusal for a missing scope or a foreign centre is audited.
    pub(crate) async fn authorize_staff(
        &self,
        context: &Context,
        scope: Option<Scope>,
        operation: &str,
    ) -> Outcome<Staff> {
        let at = self.authorize_workstation(context).await?;
        let unauthenticated = || ApiError::new(ErrorCode::Unauthenticated);
        let token = context.session.as_deref().ok_or_else(unauthenticated)?;
        let hash = self
            .inner
            .hasher
            .hash(CodePurpose::StaffSession, token.trim());
        let now = self.now();
        let session = store::session_by_token(self.conn(), &hash)
            .await
            .map_err(error::store)?
            .filter(|s| {
                s.revoked_at.is_none() && s.idle_expires_at > now && s.absolute_expires_at > now
            })
            // A session is good only at the workstation it was opened at.
            .filter(|s| s.workstation_id == at.workstation.id)
            .ok_or_else(unauthenticated)?;
        let member = store::staff_member(self.conn(), session.staff_id)
            .await
            .map_err(error::store)?
            .filter(|m| StaffStatus::parse(&m.status) == Some(StaffStatus::Active))
            .ok_or_else(unauthenticated)?;
        let staff = Staff {
            member,
            session,
            at,
            _proved: Proved,
        };
        let refusal = if staff.member.centre_id != staff.at.centre.id {
            Some("another_centre")
        } else if scope.is_some_and(|s| !staff.holds(s)) {
            Some("missing_scope")
        } else {
            None
        };
        if let Some(reason) = refusal {
            self.audit(
                &staff,
                operation,
                None,
                serde_json::json!({ "refused": reason, "scope": scope.map(Scope::as_str) }),
                "forbidden",
            )
            .await;
            return Err(ApiError::new(ErrorCode::Forbidden));
        }
        if now - staff.session.last_seen_at >= WORKSTATION_TOUCH {
            let idle = now + kabinet_core::staff::IDLE_TIMEOUT;
            store::touch_session(self.conn(), staff.session.id, now, idle)
                .await
                .map_err(error::store)?;
        }
        Ok(staff)
    }
}
