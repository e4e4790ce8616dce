//! Notifications: every message is written to the history (`notifications`, codes masked) and
//! handed to its gateway, both in the background, so a slow gateway or database neither holds
//! a request nor tells an observer whether an account exists. Security notices follow the citizen's
//! preferences; codes always go.

use kabinet_api::{Channel, NotificationCategory};
use kabinet_store::accounts::logins_of;
use kabinet_store::notifications::{self as store, Notification};
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::Service;
use crate::messages::Text;
use crate::repo::Loaded;

/// The work [`Service::after_answer`] runs.
pub(crate) type AfterAnswer =
    std::pin::Pin<Box<dyn std::future::Future<Output = crate::error::Outcome<()>> + Send>>;

/// Messages in flight.
#[derive(Default)]
pub struct Deliveries(Mutex<JoinSet<()>>);

impl Deliveries {
    /// Waits for every message in flight.
    pub async fn settle(&self) {
        let mut set = self.0.lock().await;
        while set.join_next().await.is_some() {}
    }
}

/// A message to send.
pub struct Outgoing {
    /// Whose history it goes to.
    pub account_id: Option<Uuid>,
    /// Its category.
    pub category: NotificationCategory,
    /// SMS or e-mail.
    pub channel: Channel,
    /// Phone (E.164) or address.
    pub to: String,
    /// The text.
    pub text: Text,
}

pub fn category_str(category: NotificationCategory) -> &'static str {
    match category {
        NotificationCategory::Applications => "applications",
        NotificationCategory::Payments => "payments",
        NotificationCategory::Events => "events",
    }
}

pub fn channel_str(channel: Channel) -> &'static str {
    match channel {
        Channel::Sms => "sms",
        Channel::Email => "email",
        Channel::Push => "push",
    }
}

/// Masks a phone or e-mail for lists.
pub fn mask(recipient: &str) -> String {
    if let Ok(email) = kabinet_core::email::Email::parse(recipient) {
        return email.masked();
    }
    if let Ok(phone) = kabinet_core::phone::Phone::parse(recipient) {
        return phone.masked();
    }
    "***".to_owned()
}

impl Service {
    /// Records and sends messages. Call after the transaction that caused them committed.
    pub(crate) async fn deliver(&self, messages: Vec<Outgoing>) {
        // Recording and sending both happen in the background, in order: the request that
        // caused them answers as fast whether it sent something or nothing (a recovery for an
        // unknown login sends nothing, and hands over its empty batch all the same), so its
        // timing tells no one whether an account exists.
        let service = self.clone();
        self.inner
            .deliveries
            .0
            .lock()
            .await
            .spawn(async move { service.record_and_send(messages).await });
    }

    async fn record_and_send(&self, messages: Vec<Outgoing>) {
        for message in messages {
            let now = self.now();
            let id = Uuid::now_v7();
            let row = Notification {
                id,
                account_id: message.account_id,
                category: category_str(message.category).to_owned(),
                channel: channel_str(message.channel).to_owned(),
                recipient: message.to.clone(),
                subject: message.text.subject.clone(),
                body: message.text.kept.clone(),
                status: "queued".to_owned(),
                created_at: now,
                sent_at: None,
            };
            if let Err(error) = store::insert_notification(&self.inner.store, row).await {
                tracing::error!(%error, "could not record a notification; not sending it");
                continue;
            }
            self.send_now(id, message).await;
        }
    }

    /// Writes what a request leaves to be written after its answer (a failed attempt's entry in
    /// the account's log), in the background beside the notifications; a failure is logged.
    /// Without an account (an unknown login) nothing is written, but a task is handed over all
    /// the same, so both answers cost the same.
    pub(crate) async fn after_answer<F>(
        &self,
        context: &kabinet_api::Context,
        account: Option<&Loaded>,
        work: F,
    ) where
        F: FnOnce(Service, kabinet_api::Context, Loaded) -> AfterAnswer + Send + 'static,
    {
        let (service, context, account) = (self.clone(), context.clone(), account.cloned());
        self.inner.deliveries.0.lock().await.spawn(async move {
            let Some(account) = account else {
                return;
            };
            if let Err(error) = work(service, context, account).await {
                tracing::error!(
                    code = error.code.as_str(),
                    "could not write a security event after the answer"
                );
            }
        });
    }

    async fn send_now(&self, id: Uuid, message: Outgoing) {
        let ports = &self.inner.ports;
        let sent = match message.channel {
            Channel::Sms => ports.sms.send(id, &message.to, &message.text.body).await,
            Channel::Email => {
                ports
                    .mail
                    .send(&message.to, &message.text.subject, &message.text.body)
                    .await
            }
            Channel::Push => Ok(()), // shown in the app's history; there is no push gateway yet
        };
        let status = match &sent {
            Ok(()) => "sent",
            Err(error) => {
                tracing::warn!(%id, %error, "a notification was not delivered");
                "failed"
            }
        };
        crate::metrics::message(channel_str(message.channel), status);
        let sent_at = sent.is_ok().then(|| self.now());
        if let Err(error) =
            store::set_notification_status(&self.inner.store, id, status, sent_at).await
        {
            tracing::error!(%error, %id, "could not record a notification's outcome");
        }
    }

    /// The account's phone and e-mail, if it has them.
    pub(crate) async fn contacts(
        &self,
        account_id: Uuid,
    ) -> crate::error::Outcome<(Option<String>, Option<String>)> {
        let logins = logins_of(&self.inner.store, account_id)
            .await
            .map_err(crate::error::store)?;
        let find = |kind: &str| {
            logins
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, value)| value.clone())
        };
        Ok((find("phone"), find("email")))
    }

    /// Whether a category × channel switch is on (on unless turned off).
    pub(crate) async fn preference(
        &self,
        account_id: Uuid,
        category: NotificationCategory,
        channel: Channel,
    ) -> crate::error::Outcome<bool> {
        let set = store::preference(
            &self.inner.store,
            account_id,
            category_str(category),
            channel_str(channel),
        )
        .await
        .map_err(crate::error::store)?;
        Ok(set.unwrap_or(true))
    }

    /// Sends a security notice through every channel the citizen keeps on for events.
    pub(crate) async fn notify_event(&self, account_id: Uuid, text: Text) {
        let result: crate::error::Outcome<Vec<Outgoing>> = async {
            let (phone, email) = self.contacts(account_id).await?;
            let mut out = Vec::new();
            for (channel, to) in [
                (Channel::Sms, phone),
                (Channel::Email, email),
                (Channel::Push, Some("app".to_owned())),
            ] {
                let Some(to) = to else { continue };
                if self
                    .preference(account_id, NotificationCategory::Events, channel)
                    .await?
                {
                    out.push(Outgoing {
                        account_id: Some(account_id),
                        category: NotificationCategory::Events,
                        channel,
                        to,
                        text: text.clone(),
                    });
                }
            }
            Ok(out)
        }
        .await;
        match result {
            Ok(messages) => self.deliver(messages).await,
            Err(error) => tracing::error!(%error, "could not prepare a security notice"),
        }
    }
}

/// A code message to one recipient (codes ignore preferences: they are the point).
pub fn code_message(account_id: Option<Uuid>, channel: Channel, to: &str, text: Text) -> Outgoing {
    Outgoing {
        account_id,
        category: NotificationCategory::Events,
        channel,
        to: to.to_owned(),
        text,
    }
}
