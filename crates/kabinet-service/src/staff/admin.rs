//! Administration: the centres' directory, staff members and their scopes, suspension, new
//! set-up codes, staff sessions, workstation enrolment codes and the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_api::{
    ApiError, AuditEntries, AuditEntry, AuditSearch, ById, CentreForm, CentreView, Centres,
    Context, DayHours, Empty, ErrorCode, ForCentre, HoursException, OneTimeCode, StaffCreated,
    StaffForm, StaffList, StaffScopes, StaffSessionInfo, StaffSessions, StaffView,
};
use kabinet_core::centre::{Hours, Span};
use kabinet_core::staff::{self as rules, StaffStatus};
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::staff::{self as store, AuditQuery, Centre, SessionsOf, StaffMember};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Service;
use crate::access::Staff;
use crate::error::{self, Outcome};
use crate::staff::enrolment::{SETUP_CODE, WORKSTATION_CODE};
use crate::staff::{Audited, Found, back_to_pending, code_row, pending_member, scopes_json};

/// What the directory offers when a centre is made without a list.
const DEFAULT_SERVICES: [&str; 4] = [
    "registration",
    "identity_confirmation",
    "access_restore",
    "activation_code",
];

/// Moscow time, the default of a new centre.
const MOSCOW: i32 = 180;

impl Service {
    pub(crate) async fn centres_list(
        &self,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Centres> {
        let rows = store::centres(self.conn()).await.map_err(error::store)?;
        Ok(Centres {
            centres: rows.iter().map(|c| self.centre_view(c)).collect(),
        })
    }

    pub(crate) async fn centre_save(
        &self,
        _staff: Staff,
        _context: &Context,
        request: CentreForm,
    ) -> Outcome<CentreView> {
        let (hours, week, exceptions) = parse_hours(&request)?;
        let now = self.now();
        let services: Vec<String> = request
            .services
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let stored_hours = json!({ "week": week, "exceptions": exceptions });
        let row = match request.id {
            Some(id) => {
                let old = self.centre_or_field(id, "id").await?;
                Centre {
                    name: request.name.trim().to_owned(),
                    address: request.address.trim().to_owned(),
                    services: json!(services),
                    hours: stored_hours,
                    utc_offset_minutes: hours.utc_offset_minutes,
                    updated_at: now,
                    ..old
                }
            }
            None => Centre {
                id: Uuid::now_v7(),
                name: request.name.trim().to_owned(),
                address: request.address.trim().to_owned(),
                services: json!(services),
                hours: stored_hours,
                utc_offset_minutes: hours.utc_offset_minutes,
                created_at: now,
                updated_at: now,
            },
        };
        let tx = self.begin().await?;
        if request.id.is_some() {
            store::update_centre(&tx, row.clone()).await
        } else {
            store::insert_centre(&tx, row.clone()).await
        }
        .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(self.centre_view(&row))
    }

    pub(crate) async fn staff_create(
        &self,
        staff: Staff,
        _context: &Context,
        request: StaffForm,
    ) -> Outcome<StaffCreated> {
        let mut errors = FieldErrors::default();
        let number = rules::personnel_number(&request.personnel_number)
            .map_err(|v| errors.add("personnel_number", vec![v]))
            .ok();
        if request.full_name.trim().is_empty() {
            errors.add("full_name", vec![Violation::new("required")]);
        }
        if !errors.is_empty() {
            return Err(error::fields(errors));
        }
        let centre = self.centre_or_field(request.centre_id, "centre_id").await?;
        let now = self.now();
        let member = pending_member(
            number.unwrap_or_default(),
            &request.full_name,
            centre.id,
            &request.scopes,
            now,
        );
        let code = self.new_staff_code();
        let row = code_row(
            self,
            &code,
            SETUP_CODE,
            centre.id,
            Some(member.id),
            Some(staff.member.id),
            now,
        );
        let expires_at = row.expires_at;
        let tx = self.begin().await?;
        store::insert_staff(&tx, member.clone())
            .await
            .map_err(|e| match e {
                kabinet_store::StoreError::LoginTaken { .. } => {
                    ApiError::field("personnel_number", "personnel_number_taken")
                }
                other => error::store(other),
            })?;
        store::insert_code(&tx, row).await.map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(StaffCreated {
            staff: self.staff_view(&member).await?,
            setup: OneTimeCode { code, expires_at },
        })
    }

    pub(crate) async fn staff_list(
        &self,
        _staff: Staff,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<StaffList> {
        let mut staff = Vec::new();
        for member in store::all_staff(self.conn()).await.map_err(error::store)? {
            staff.push(self.staff_view(&member).await?);
        }
        Ok(StaffList { staff })
    }

    pub(crate) async fn staff_scopes_set(
        &self,
        staff: Staff,
        _context: &Context,
        request: StaffScopes,
    ) -> Outcome<StaffView> {
        let member = self.other_member(&staff, request.id).await?;
        let member = StaffMember {
            scopes: scopes_json(&request.scopes),
            updated_at: self.now(),
            ..member
        };
        store::save_staff(self.conn(), member.clone())
            .await
            .map_err(error::store)?;
        self.staff_view(&member).await
    }

    pub(crate) async fn staff_suspend(
        &self,
        staff: Staff,
        _context: &Context,
        request: ById,
    ) -> Outcome<StaffView> {
        let member = self.other_member(&staff, request.id).await?;
        let now = self.now();
        let member = StaffMember {
            status: StaffStatus::Suspended.as_str().to_owned(),
            updated_at: now,
            ..member
        };
        let tx = self.begin().await?;
        store::save_staff(&tx, member.clone())
            .await
            .map_err(error::store)?;
        // Suspension ends every session at once, not at the next idle timeout.
        store::revoke_sessions(&tx, SessionsOf::Staff(member.id), now)
            .await
            .map_err(error::store)?;
        store::withdraw_codes(&tx, member.id, SETUP_CODE, now)
            .await
            .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        self.staff_view(&member).await
    }

    pub(crate) async fn staff_setup_code(
        &self,
        staff: Staff,
        _context: &Context,
        request: ById,
    ) -> Outcome<OneTimeCode> {
        let member = self.other_member(&staff, request.id).await?;
        let now = self.now();
        let code = self.new_staff_code();
        let row = code_row(
            self,
            &code,
            SETUP_CODE,
            member.centre_id,
            Some(member.id),
            Some(staff.member.id),
            now,
        );
        let expires_at = row.expires_at;
        let tx = self.begin().await?;
        store::withdraw_codes(&tx, member.id, SETUP_CODE, now)
            .await
            .map_err(error::store)?;
        store::insert_code(&tx, row).await.map_err(error::store)?;
        // A new set-up replaces the password and authenticator: until it is used, the member
        // cannot sign in, and no session of theirs lives on.
        store::save_staff(&tx, back_to_pending(member.clone(), now))
            .await
            .map_err(error::store)?;
        store::revoke_sessions(&tx, SessionsOf::Staff(member.id), now)
            .await
            .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(OneTimeCode { code, expires_at })
    }

    pub(crate) async fn staff_sessions(
        &self,
        _staff: Staff,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<StaffSessions> {
        let now = self.now();
        let rows = store::live_sessions(self.conn(), None, now)
            .await
            .map_err(error::store)?;
        let members = store::all_staff(self.conn()).await.map_err(error::store)?;
        let workstations = store::workstations(self.conn())
            .await
            .map_err(error::store)?;
        Ok(StaffSessions {
            sessions: rows
                .into_iter()
                .map(|s| StaffSessionInfo {
                    id: s.id,
                    personnel_number: members
                        .iter()
                        .find(|m| m.id == s.staff_id)
                        .map(|m| m.personnel_number.clone())
                        .unwrap_or_default(),
                    workstation: workstations
                        .iter()
                        .find(|w| w.id == s.workstation_id)
                        .map(|w| w.name.clone())
                        .unwrap_or_default(),
                    created_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                })
                .collect(),
        })
    }

    pub(crate) async fn staff_session_end(
        &self,
        _staff: Staff,
        _context: &Context,
        request: ById,
    ) -> Outcome<Empty> {
        let ended =
            store::revoke_sessions(self.conn(), SessionsOf::Session(request.id), self.now())
                .await
                .map_err(error::store)?;
        if ended == 0 {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        Ok(Empty {})
    }

    pub(crate) async fn workstation_code(
        &self,
        staff: Staff,
        _context: &Context,
        request: ForCentre,
    ) -> Outcome<OneTimeCode> {
        let centre = self.centre_or_field(request.centre_id, "centre_id").await?;
        let code = self.new_staff_code();
        let row = code_row(
            self,
            &code,
            WORKSTATION_CODE,
            centre.id,
            None,
            Some(staff.member.id),
            self.now(),
        );
        let expires_at = row.expires_at;
        store::insert_code(self.conn(), row)
            .await
            .map_err(error::store)?;
        Ok(OneTimeCode { code, expires_at })
    }

    pub(crate) async fn staff_audit(
        &self,
        _staff: Staff,
        _context: &Context,
        request: AuditSearch,
    ) -> Outcome<AuditEntries> {
        let (offset, per_page) = crate::page::window(&request.page);
        let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        let query = AuditQuery {
            personnel_number: text(&request.personnel_number),
            action: text(&request.action),
            account_id: request.account_id,
            centre_id: request.centre_id,
            from: request.from,
            to: request.to,
            offset,
            limit: per_page + 1,
        };
        let rows = store::audit(self.conn(), &query)
            .await
            .map_err(error::store)?;
        let has_more = rows.len() as u64 > per_page;
        Ok(AuditEntries {
            entries: rows
                .into_iter()
                .take(per_page as usize)
                .map(|r| AuditEntry {
                    at: r.at,
                    personnel_number: r.personnel_number,
                    centre_id: r.centre_id,
                    workstation_id: r.workstation_id,
                    action: r.action,
                    account_id: r.account_id,
                    outcome: r.outcome,
                    detail: r.detail,
                })
                .collect(),
            has_more,
        })
    }

    // -----------------------------------------------------------------------------------------

    /// Another staff member (an administrator does not suspend or re-scope themselves, so the
    /// last administrator cannot lock everyone out).
    async fn other_member(&self, staff: &Staff, id: Uuid) -> Outcome<StaffMember> {
        if id == staff.member.id {
            return Err(ApiError::new(ErrorCode::NotAllowed)
                .with_message("Свои права и статус меняет другой администратор"));
        }
        store::staff_member(self.conn(), id)
            .await
            .map_err(error::store)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
    }

    /// A centre as the directory shows it, with whether it is open now.
    pub(crate) fn centre_view(&self, centre: &Centre) -> CentreView {
        let week: Vec<Option<DayHours>> =
            serde_json::from_value(centre.hours["week"].clone()).unwrap_or_default();
        let exceptions: Vec<StoredException> =
            serde_json::from_value(centre.hours["exceptions"].clone()).unwrap_or_default();
        let now = self.now();
        let today =
            (now + chrono::Duration::minutes(i64::from(centre.utc_offset_minutes))).date_naive();
        let hours = core_hours(&week, &exceptions, centre.utc_offset_minutes);
        CentreView {
            id: centre.id,
            name: centre.name.clone(),
            address: centre.address.clone(),
            services: serde_json::from_value(centre.services.clone()).unwrap_or_default(),
            week,
            exceptions: exceptions
                .iter()
                .filter(|e| e.date >= today)
                .map(|e| HoursException {
                    date: e.date.format("%d.%m.%Y").to_string(),
                    hours: e.hours.clone(),
                })
                .collect(),
            utc_offset_minutes: centre.utc_offset_minutes,
            open_now: hours.is_some_and(|h| h.open_at(now)),
        }
    }

    /// A new centre with weekday hours 09:00–18:00 in Moscow time and every service.
    pub(crate) fn default_centre(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Outcome<Centre> {
        if name.trim().is_empty() {
            return Err(ApiError::field("centre_name", "required"));
        }
        let day = || {
            Some(DayHours {
                opens: "09:00".into(),
                closes: "18:00".into(),
            })
        };
        let week = vec![day(), day(), day(), day(), day(), None, None];
        Ok(Centre {
            id: Uuid::now_v7(),
            name: name.trim().to_owned(),
            address: address.trim().to_owned(),
            services: json!(DEFAULT_SERVICES),
            hours: json!({ "week": week, "exceptions": Vec::<StoredException>::new() }),
            utc_offset_minutes: MOSCOW,
            created_at: now,
            updated_at: now,
        })
    }
}

/// An exception as stored (ISO date).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredException {
    date: NaiveDate,
    hours: Option<DayHours>,
}

fn core_hours(
    week: &[Option<DayHours>],
    exceptions: &[StoredException],
    utc_offset_minutes: i32,
) -> Option<Hours> {
    let span = |d: &Option<DayHours>| -> Result<Option<Span>, Violation> {
        d.as_ref()
            .map(|h| Span::parse(&h.opens, &h.closes))
            .transpose()
    };
    let mut days = [None; 7];
    for (i, d) in week.iter().enumerate().take(7) {
        days[i] = span(d).ok()?;
    }
    Some(Hours {
        week: days,
        exceptions: exceptions
            .iter()
            .filter_map(|e| Some((e.date, span(&e.hours).ok()?)))
            .collect(),
        utc_offset_minutes,
    })
}

/// Checks a centre form's fields: every wrong one is named.
fn parse_hours(form: &CentreForm) -> Outcome<(Hours, Vec<Option<DayHours>>, Vec<StoredException>)> {
    let mut errors = FieldErrors::default();
    if form.name.trim().is_empty() {
        errors.add("name", vec![Violation::new("required")]);
    }
    if form.address.trim().is_empty() {
        errors.add("address", vec![Violation::new("required")]);
    }
    if form.week.len() != 7 {
        errors.add("week", vec![Violation::new("seven_days")]);
    }
    if !(-720..=840).contains(&form.utc_offset_minutes) {
        errors.add("utc_offset_minutes", vec![Violation::new("utc_offset")]);
    }
    let mut week = [None; 7];
    for (i, day) in form.week.iter().enumerate().take(7) {
        if let Some(h) = day {
            match Span::parse(&h.opens, &h.closes) {
                Ok(span) => week[i] = Some(span),
                Err(v) => errors.add(&format!("week.{i}"), vec![v]),
            }
        }
    }
    let mut exceptions = Vec::new();
    let mut stored = Vec::new();
    for (i, e) in form.exceptions.iter().enumerate() {
        let Ok(date) = NaiveDate::parse_from_str(e.date.trim(), "%d.%m.%Y") else {
            errors.add(
                &format!("exceptions.{i}.date"),
                vec![Violation::new("date_format")],
            );
            continue;
        };
        let span = match &e.hours {
            Some(h) => match Span::parse(&h.opens, &h.closes) {
                Ok(span) => Some(span),
                Err(v) => {
                    errors.add(&format!("exceptions.{i}.hours"), vec![v]);
                    continue;
                }
            },
            None => None,
        };
        exceptions.push((date, span));
        stored.push(StoredException {
            date,
            hours: e.hours.clone(),
        });
    }
    if !errors.is_empty() {
        return Err(error::fields(errors));
    }
    Ok((
        Hours {
            week,
            exceptions,
            utc_offset_minutes: form.utc_offset_minutes,
        },
        form.week.clone(),
        stored,
    ))
}

impl Audited for CentreForm {
    fn detail(&self) -> Value {
        json!({ "centre_id": self.id, "name": self.name })
    }
}
impl Audited for StaffForm {
    fn detail(&self) -> Value {
        json!({ "personnel_number": self.personnel_number, "centre_id": self.centre_id,
                "scopes": self.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>() })
    }
}
impl Audited for StaffScopes {
    fn detail(&self) -> Value {
        json!({ "staff_id": self.id, "scopes": self.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>() })
    }
}
impl Audited for ById {
    fn detail(&self) -> Value {
        json!({ "id": self.id })
    }
}
impl Audited for ForCentre {
    fn detail(&self) -> Value {
        json!({ "centre_id": self.centre_id })
    }
}
impl Audited for AuditSearch {
    fn subject(&self) -> Option<Uuid> {
        self.account_id
    }
}
impl Found for CentreView {}
impl Found for StaffCreated {}
impl Found for StaffList {}
impl Found for OneTimeCode {}
impl Found for StaffSessions {}
impl Found for AuditEntries {}
