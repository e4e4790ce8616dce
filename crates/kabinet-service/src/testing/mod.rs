//! For tests of this crate and the crates above it: a service centre set up the way an
//! administrator does it — bootstrap, a workstation enrolled with its code, staff set up with
//! their codes and signed in with password and authenticator — entirely through the public
//! API (any [`Api`]: the service in-process or a client over HTTP), so what a test does at
//! the desk is what a workstation does. The [`Service`] is needed only for the bootstrap and
//! its clock.

use kabinet_api::*;
use kabinet_core::totp::TotpSecret;
use uuid::Uuid;

use crate::{Bootstrap, Service};

pub mod sync_sim;

/// The password every test staff member chooses.
pub const STAFF_PASSWORD: &str = "Okno-Priema42!";

/// A centre with an enrolled workstation and its administrator signed in there.
pub struct Centre {
    /// The centre's id.
    pub id: Uuid,
    /// The workstation's context, no one signed in.
    pub workstation: Context,
    /// The administrator, signed in at the workstation.
    pub admin: Context,
}

/// A staff member signed in at a workstation.
pub struct Desk {
    /// The signed-in context.
    pub context: Context,
    /// Their personnel number.
    pub number: String,
    /// Their id.
    pub id: Uuid,
    /// Their authenticator secret (base32), to sign in again.
    pub totp_secret: String,
}

fn device(name: &str) -> Context {
    Context {
        session: None,
        address: "10.0.0.7".into(),
        device_id: format!("device-{name}"),
        device_name: format!("Рабочее место {name}"),
        workstation: None,
    }
}

/// The authenticator code of `secret` half a minute from now (the next step, which a code
/// just used at set-up does not block).
fn next_code(service: &Service, secret: &str) -> String {
    let at =
        u64::try_from((service.now() + chrono::Duration::seconds(30)).timestamp()).unwrap_or(0);
    TotpSecret::from_base32(secret)
        .and_then(|s| s.code_at(at))
        .unwrap_or_default()
}

/// Uses a set-up code at `workstation` and signs the member in there.
pub async fn set_up_and_sign_in(
    service: &Service,
    api: &impl Api,
    workstation: &Context,
    setup_code: &str,
) -> Result<Desk, ApiError> {
    let setup = Api::staff_setup_start(
        api,
        workstation,
        StaffSetupStart {
            code: setup_code.to_owned(),
        },
    )
    .await?;
    let now = u64::try_from(service.now().timestamp()).unwrap_or(0);
    let first = TotpSecret::from_base32(&setup.totp_secret)
        .and_then(|s| s.code_at(now))
        .unwrap_or_default();
    Api::staff_setup_finish(
        api,
        workstation,
        StaffSetupFinish {
            ticket: setup.ticket.clone(),
            password: STAFF_PASSWORD.into(),
            totp_code: first,
        },
    )
    .await?;
    let signed = Api::staff_sign_in(
        api,
        workstation,
        StaffSignIn {
            personnel_number: setup.personnel_number.clone(),
            password: STAFF_PASSWORD.into(),
            totp_code: next_code(service, &setup.totp_secret),
        },
    )
    .await?;
    Ok(Desk {
        context: Context {
            session: Some(signed.token),
            ..workstation.clone()
        },
        number: setup.personnel_number,
        id: signed.staff.id,
        totp_secret: setup.totp_secret,
    })
}

/// Bootstraps a centre named `name` and signs its administrator in at its first workstation.
pub async fn open_centre(
    service: &Service,
    api: &impl Api,
    name: &str,
) -> Result<Centre, ApiError> {
    let done = service
        .bootstrap(Bootstrap {
            centre_name: name.to_owned(),
            centre_address: "Москва, Тверская ул., 1".into(),
            personnel_number: "1".into(),
            full_name: "Администратор Центра".into(),
        })
        .await?;
    let workstation = enrol(api, &done.workstation_code, "Окно 1").await?;
    let admin = set_up_and_sign_in(service, api, &workstation, &done.setup_code).await?;
    Ok(Centre {
        id: done.centre_id,
        workstation,
        admin: admin.context,
    })
}

/// Enrols a workstation with `code`; returns its context.
pub async fn enrol(api: &impl Api, code: &str, name: &str) -> Result<Context, ApiError> {
    let enrolled = Api::workstation_enrol(
        api,
        &device(name),
        WorkstationEnrolment {
            code: code.to_owned(),
            name: name.to_owned(),
        },
    )
    .await?;
    Ok(Context {
        workstation: Some(enrolled.key),
        ..device(name)
    })
}

impl Centre {
    /// A new staff member of this centre with `scopes`, signed in at its workstation.
    pub async fn staff(
        &self,
        service: &Service,
        api: &impl Api,
        number: &str,
        scopes: &[Scope],
    ) -> Result<Desk, ApiError> {
        let created = Api::staff_create(
            api,
            &self.admin,
            StaffForm {
                personnel_number: number.to_owned(),
                full_name: format!("Сотрудник {number}"),
                centre_id: self.id,
                scopes: scopes.to_vec(),
            },
        )
        .await?;
        set_up_and_sign_in(service, api, &self.workstation, &created.setup.code).await
    }
}

impl Desk {
    /// Signs in again when the session has ended (the idle timeout after a long wait).
    pub async fn keep_signed_in(
        &mut self,
        service: &Service,
        api: &impl Api,
    ) -> Result<(), ApiError> {
        match Api::staff_me(api, &self.context, Empty {}).await {
            Err(e) if e.code == ErrorCode::Unauthenticated => {}
            other => return other.map(|_| ()),
        }
        let workstation = Context {
            session: None,
            ..self.context.clone()
        };
        let signed = Api::staff_sign_in(
            api,
            &workstation,
            StaffSignIn {
                personnel_number: self.number.clone(),
                password: STAFF_PASSWORD.into(),
                totp_code: next_code(service, &self.totp_secret),
            },
        )
        .await?;
        self.context.session = Some(signed.token);
        Ok(())
    }

    /// The account with this SNILS, found at the desk.
    pub async fn find(&self, api: &impl Api, by: SearchBy, value: &str) -> Result<Uuid, ApiError> {
        Api::citizen_search(
            api,
            &self.context,
            CitizenSearch {
                by,
                value: value.to_owned(),
            },
        )
        .await?
        .citizen
        .map(|c| c.account_id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
    }

    /// Issues an activation code for the account with this SNILS.
    pub async fn activation_code(&self, api: &impl Api, snils: &str) -> Result<String, ApiError> {
        let account_id = self.find(api, SearchBy::Snils, snils).await?;
        Ok(
            Api::activation_code_issue(api, &self.context, ForAccount { account_id })
                .await?
                .code,
        )
    }

    /// Confirms the identity of the account with this SNILS in person.
    pub async fn confirm_in_person(
        &self,
        api: &impl Api,
        snils: &str,
        documents: &[&str],
    ) -> Result<CitizenCard, ApiError> {
        let account_id = self.find(api, SearchBy::Snils, snils).await?;
        Api::identity_confirm_in_person(
            api,
            &self.context,
            InPersonConfirmation {
                account_id,
                documents: documents.iter().map(|d| (*d).to_owned()).collect(),
            },
        )
        .await
    }

    /// Restores access to the account with this phone: the temporary password.
    pub async fn restore_by_phone(&self, api: &impl Api, phone: &str) -> Result<String, ApiError> {
        let account_id = self.find(api, SearchBy::Phone, phone).await?;
        Ok(Api::access_restore(
            api,
            &self.context,
            AccessRestore {
                account_id,
                documents: vec!["passport".into()],
            },
        )
        .await?
        .temporary_password)
    }
}

/// The profile a person of the simulated population would give.
pub fn form_of(person: &crate::ports::registry::Person) -> ProfileForm {
    let dotted = |iso: &str| {
        let p: Vec<&str> = iso.split('-').collect();
        format!("{}.{}.{}", p[2], p[1], p[0])
    };
    ProfileForm {
        surname: person.surname.clone(),
        first_name: person.first_name.clone(),
        patronymic: person.patronymic.clone(),
        sex: person.sex.clone(),
        birth_date: dotted(&person.birth_date),
        birth_place: "г. Москва".into(),
        citizenship: "RU".into(),
        passport: PassportForm {
            series: person.passport[..4].into(),
            number: person.passport[4..].into(),
            issued_on: dotted(&person.passport_issued_on),
            issuer: "ОВД района Хамовники г. Москвы".into(),
            department_code: "772-001".into(),
        },
        foreign_passport: ForeignPassportForm::default(),
        snils: person.snils.clone(),
        inn: String::new(),
        address: AddressForm {
            postcode: "119021".into(),
            region: "Москва".into(),
            city: "Москва".into(),
            street: "Льва Толстого".into(),
            house: "16".into(),
            building: String::new(),
            flat: "5".into(),
        },
    }
}
