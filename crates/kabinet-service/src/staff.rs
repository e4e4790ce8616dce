//! Use cases of service-centre staff that the citizen API needs to exist: restoring access
//! with a temporary password (the workstation screens come later).

use kabinet_api::{ApiError, Context, ErrorCode};
use kabinet_core::RandomSource;
use kabinet_core::account::Actor;

use crate::Service;
use crate::error::{self, Outcome};
use crate::login;
use crate::ports::entropy::Random;
use crate::repo;
use crate::sessions::{self, Which};

impl Service {
    /// An operator restores access in person: issues a temporary password (returned once, to
    /// hand over on paper) that must be changed at the next sign-in; every session ends.
    pub async fn staff_issue_temporary_password(
        &self,
        actor: &Actor,
        context: &Context,
        login_text: &str,
    ) -> Outcome<String> {
        if !actor.is_staff() {
            return Err(ApiError::new(ErrorCode::NotAllowed));
        }
        let candidates = login::candidates(login_text);
        let (account_id, _) = login::resolve(self.conn(), &candidates)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        let password = temporary_password(&mut Random(self.inner.ports.entropy.as_ref()));
        let phc = self.hash_secret(password.clone()).await?;
        let tx = self.begin().await?;
        let account = repo::load(&tx, account_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        self.set_password(&tx, &account, phc, true, &self.by(actor, context))
            .await?;
        sessions::revoke(&tx, account_id, Which::All, self.now()).await?;
        tx.commit().await.map_err(error::store)?;
        Ok(password)
    }
}

/// Twelve characters cycling through upper case, lower case, digit and punctuation, so the
/// default policy holds and no two neighbours are equal. Easy-to-confuse characters are left
/// out, since it is read off paper.
fn temporary_password(random: &mut impl RandomSource) -> String {
    const CLASSES: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnpqrstuvwxyz",
        b"23456789",
        b"!?-_.",
    ];
    (0..12)
        .map(|i| {
            let class = CLASSES[i % 4];
            char::from(class[random.below(class.len() as u64) as usize])
        })
        .collect()
}
