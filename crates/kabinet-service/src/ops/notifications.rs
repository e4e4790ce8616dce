//! Notification preferences (categories × channels) and the history of what was sent.

use kabinet_api::{
    Channel, Context, Empty, NotificationCategory, NotificationHistory, NotificationPreference,
    NotificationPreferences, NotificationRecord, Page,
};
use kabinet_store::notifications as store;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::notify::{category_str, channel_str, mask};

const CATEGORIES: [NotificationCategory; 3] = [
    NotificationCategory::Applications,
    NotificationCategory::Payments,
    NotificationCategory::Events,
];
const CHANNELS: [Channel; 3] = [Channel::Sms, Channel::Email, Channel::Push];

impl Service {
    pub(crate) async fn notification_preferences(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<NotificationPreferences> {
        self.preferences_view(citizen.account.id).await
    }

    pub(crate) async fn notification_preferences_set(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: NotificationPreferences,
    ) -> Outcome<NotificationPreferences> {
        let account_id = citizen.account.id;
        let tx = self.begin().await?;
        for preference in request.preferences {
            store::set_preference(
                &tx,
                account_id,
                category_str(preference.category),
                channel_str(preference.channel),
                preference.enabled,
            )
            .await
            .map_err(error::store)?;
        }
        tx.commit().await.map_err(error::store)?;
        self.preferences_view(account_id).await
    }

    pub(crate) async fn notification_history(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: Page,
    ) -> Outcome<NotificationHistory> {
        let (offset, per_page) = crate::page::window(&request);
        let rows = store::notifications_page(self.conn(), citizen.account.id, offset, per_page + 1)
            .await
            .map_err(error::store)?;
        let has_more = rows.len() as u64 > per_page;
        let notifications = rows
            .into_iter()
            .take(per_page as usize)
            .map(|row| {
                Ok(NotificationRecord {
                    id: row.id,
                    category: parse_category(&row.category)?,
                    channel: parse_channel(&row.channel)?,
                    recipient: if row.channel == "push" {
                        row.recipient
                    } else {
                        mask(&row.recipient)
                    },
                    subject: row.subject,
                    body: row.body,
                    status: row.status,
                    created_at: row.created_at,
                })
            })
            .collect::<Outcome<_>>()?;
        Ok(NotificationHistory {
            notifications,
            has_more,
        })
    }

    async fn preferences_view(&self, account_id: uuid::Uuid) -> Outcome<NotificationPreferences> {
        let mut preferences = Vec::new();
        for category in CATEGORIES {
            for channel in CHANNELS {
                preferences.push(NotificationPreference {
                    category,
                    channel,
                    enabled: self.preference(account_id, category, channel).await?,
                });
            }
        }
        Ok(NotificationPreferences { preferences })
    }
}

fn parse_category(text: &str) -> Outcome<NotificationCategory> {
    CATEGORIES
        .into_iter()
        .find(|c| category_str(*c) == text)
        .ok_or_else(|| error::internal(&format!("unknown notification category {text}")))
}

fn parse_channel(text: &str) -> Outcome<Channel> {
    CHANNELS
        .into_iter()
        .find(|c| channel_str(*c) == text)
        .ok_or_else(|| error::internal(&format!("unknown channel {text}")))
}
