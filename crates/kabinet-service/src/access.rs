//! Who is calling: the principal an operation's access kind (in the one operation list)
//! requires, proved before its use case runs. The generated [`kabinet_api::Api`] delegate is
//! the only caller of [`Service::authorize_citizen`], and a [`Citizen`] cannot be made anywhere
//! else, so a use case that takes one cannot run for a caller who has not proved it.

use kabinet_api::{ApiError, Context, ErrorCode};
use kabinet_core::account::Status;
use kabinet_store::sessions::Session;

use crate::Service;
use crate::error::Outcome;
use crate::repo::{self, Loaded};
use crate::sessions;

/// A signed-in citizen: a live session and its account, neither blocked nor deleted.
pub(crate) struct Citizen {
    /// The session the request came with.
    pub session: Session,
    /// Its account, as read when the session was checked.
    pub account: Loaded,
    /// Only this module makes one.
    _proved: Proved,
}

struct Proved;

impl Service {
    /// The citizen of a request, or `unauthenticated`.
    pub(crate) async fn authorize_citizen(&self, context: &Context) -> Outcome<Citizen> {
        let session = sessions::authenticate(
            self.conn(),
            &self.inner.hasher,
            &self.inner.config,
            context,
            self.now(),
        )
        .await?;
        let account = repo::load(self.conn(), session.account_id)
            .await?
            .filter(|a| !matches!(a.state.status, Status::Blocked { .. } | Status::Deleted))
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        Ok(Citizen {
            session,
            account,
            _proved: Proved,
        })
    }
}
