//! Security events, notifications and the development inbox.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Security events and notifications

/// A page of a list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Page {
    /// 0-based page.
    #[serde(default)]
    pub page: u32,
    /// Items per page (1…100, default 20).
    #[serde(default)]
    pub per_page: u32,
}

/// One security event of the citizen's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecurityEvent {
    /// Id for "this wasn't me".
    pub id: Uuid,
    /// What happened (`signed_in`, `sign_in_failed`, `password_set`, …).
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// From which device.
    pub device: String,
    /// From which address.
    pub address: String,
    /// Who: `citizen`, `operator`, `administrator`, `system`.
    pub actor: String,
    /// A service centre's action: where and by whom.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_staff: Option<StaffMark>,
}

/// Where and by whom a service centre acted, as the citizen is shown it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffMark {
    /// The centre's name («МФЦ района Тверской»).
    pub centre: String,
    /// The staff member's personnel number.
    pub staff_number: String,
    /// The workstation's id (empty if not recorded).
    pub workstation: String,
}

/// A page of security events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecurityEvents {
    /// Newest first.
    pub events: Vec<SecurityEvent>,
    /// More pages follow.
    pub has_more: bool,
}

/// A notification category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationCategory {
    /// Applications for services.
    Applications,
    /// Payments, fines, debts.
    Payments,
    /// Account and security events.
    Events,
}

/// A notification channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// SMS to the phone.
    Sms,
    /// E-mail.
    Email,
    /// Push to the app.
    Push,
}

/// One switch of the preferences grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationPreference {
    /// Category.
    pub category: NotificationCategory,
    /// Channel.
    pub channel: Channel,
    /// On.
    pub enabled: bool,
}

/// The whole grid (3 categories × 3 channels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationPreferences {
    /// Every switch.
    pub preferences: Vec<NotificationPreference>,
}

/// One notification sent (codes are masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationRecord {
    /// Id.
    pub id: Uuid,
    /// Category.
    pub category: NotificationCategory,
    /// Channel.
    pub channel: Channel,
    /// Recipient, masked.
    pub recipient: String,
    /// Subject (e-mail).
    pub subject: String,
    /// Text, with codes masked.
    pub body: String,
    /// `queued`, `sent`, `failed`.
    pub status: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A page of notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationHistory {
    /// Newest first.
    pub notifications: Vec<NotificationRecord>,
    /// More pages follow.
    pub has_more: bool,
}

// ---------------------------------------------------------------------------------------------
// Development

/// A message a simulator "delivered".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InboxMessage {
    /// `sms` or `email`.
    pub channel: Channel,
    /// Phone or address.
    pub to: String,
    /// Subject (e-mail).
    pub subject: String,
    /// The whole text, codes included.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The dev inbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Inbox {
    /// Messages.
    pub messages: Vec<InboxMessage>,
}
