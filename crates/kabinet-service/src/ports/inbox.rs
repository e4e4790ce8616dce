//! The dev inbox: every message a simulator "delivered", newest last, for the UI's dev panel,
//! a demo without a phone, and the tests.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use kabinet_api::{Channel, InboxMessage};

/// Shared by the SMS and mail simulators (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct DevInbox(Arc<Mutex<Vec<InboxMessage>>>);

impl DevInbox {
    /// An empty inbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a delivered message.
    pub fn push(&self, channel: Channel, to: &str, subject: &str, body: &str, at: DateTime<Utc>) {
        self.lock().push(InboxMessage {
            channel,
            to: to.to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            at,
        });
    }

    /// Every message, newest first.
    pub fn messages(&self) -> Vec<InboxMessage> {
        let mut all = self.lock().clone();
        all.reverse();
        all
    }

    /// Messages to one recipient, newest first.
    pub fn to(&self, recipient: &str) -> Vec<InboxMessage> {
        self.messages()
            .into_iter()
            .filter(|m| m.to == recipient)
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<InboxMessage>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
