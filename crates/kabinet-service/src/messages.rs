//! What Kabinet tells citizens by SMS and e-mail, in Russian (the portal's language). Codes are
//! masked in the copy the notification history keeps.

/// A message before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// E-mail subject (empty for SMS).
    pub subject: String,
    /// The text sent.
    pub body: String,
    /// The text kept in the history (codes and links masked).
    pub kept: String,
}

const MASK: &str = "••••••";

fn with_code(subject: &str, template: &str, code: &str) -> Text {
    Text {
        subject: subject.to_owned(),
        body: template.replace("{code}", code),
        kept: template.replace("{code}", MASK),
    }
}

/// The registration code by SMS.
pub fn registration_sms(code: &str) -> Text {
    with_code(
        "",
        "Код подтверждения регистрации: {code}. Никому не сообщайте его. Код действует 5 минут.",
        code,
    )
}

/// The registration letter: a link and the same code for the desktop app.
pub fn registration_email(code: &str, link: &str) -> Text {
    let template = "Здравствуйте!\n\nВы начали регистрацию в личном кабинете. Чтобы подтвердить \
                    адрес электронной почты, перейдите по ссылке:\n{link}\n\nИли введите код: \
                    {code}\n\nСсылка и код действуют 24 часа. Если вы не регистрировались, просто \
                    удалите это письмо.";
    Text {
        subject: "Подтвердите адрес электронной почты".to_owned(),
        body: template.replace("{link}", link).replace("{code}", code),
        kept: template.replace("{link}", MASK).replace("{code}", MASK),
    }
}

/// A sign-in code (second factor or a new device).
pub fn sign_in_code(code: &str, email: bool) -> Text {
    with_code(
        if email {
            "Код для входа"
        } else {
            ""
        },
        "Код для входа в личный кабинет: {code}. Если это не вы, смените пароль.",
        code,
    )
}

/// A recovery code.
pub fn recovery_code(code: &str, email: bool) -> Text {
    with_code(
        if email {
            "Восстановление доступа"
        } else {
            ""
        },
        "Код для восстановления доступа: {code}. Никому не сообщайте его.",
        code,
    )
}

/// A notice without secrets.
fn notice(subject: &str, body: String) -> Text {
    Text {
        subject: subject.to_owned(),
        kept: body.clone(),
        body,
    }
}

/// A sign-in from a new device.
pub fn new_device_notice(device: &str, address: &str) -> Text {
    notice(
        "Вход с нового устройства",
        format!(
            "Выполнен вход в личный кабинет с нового устройства ({device}, адрес {address}). \
             Если это были не вы, откройте «События безопасности» и нажмите «Это был не я»."
        ),
    )
}

/// The password changed.
pub fn password_changed_notice() -> Text {
    notice(
        "Пароль изменён",
        "Пароль от личного кабинета изменён. Если это были не вы, восстановите доступ.".to_owned(),
    )
}

/// Protections changed.
pub fn security_changed_notice(what: &str) -> Text {
    notice(
        "Изменены настройки безопасности",
        format!("В настройках безопасности личного кабинета: {what}."),
    )
}

/// The code proving a new contact.
pub fn contact_change_code(code: &str, email: bool) -> Text {
    with_code(
        if email {
            "Подтвердите новый адрес"
        } else {
            ""
        },
        "Код подтверждения нового контакта в личном кабинете: {code}. Никому не сообщайте его.",
        code,
    )
}

/// Sent to the old contact when it is replaced.
pub fn contact_replaced_notice(new_masked: &str) -> Text {
    notice(
        "Контакт изменён",
        format!(
            "Контакт для входа в личный кабинет заменён на {new_masked}. Если это были не вы, \
             обратитесь в центр обслуживания."
        ),
    )
}

/// A registry disagreed with the profile. The fields are named in words, never by the codes
/// the registries answer with.
pub fn check_mismatch_notice(check: &str, fields: &[String]) -> Text {
    let registry = if check == "snils" {
        "Социальный фонд"
    } else {
        "МВД"
    };
    let mut named: Vec<&str> = fields.iter().map(|f| field_in_words(f)).collect();
    named.dedup();
    notice(
        "Данные не прошли проверку",
        format!(
            "{registry} не подтвердил данные профиля: {}. Проверьте их и отправьте профиль снова.",
            named.join(", ")
        ),
    )
}

/// A profile field, or a registry's finding about one, as a citizen reads it.
fn field_in_words(field: &str) -> &'static str {
    match field {
        "surname" => "фамилия",
        "first_name" => "имя",
        "patronymic" => "отчество",
        "sex" => "пол",
        "birth_date" => "дата рождения",
        "birth_place" => "место рождения",
        "citizenship" => "гражданство",
        "snils" => "СНИЛС",
        "inn" => "ИНН",
        "passport" => "паспорт",
        "passport.series" | "passport_series" => "серия паспорта",
        "passport.number" | "passport_number" => "номер паспорта",
        "passport.issued_on" | "passport_issued_on" => "дата выдачи паспорта",
        "passport.issuer" | "passport_issuer" => "кем выдан паспорт",
        "passport.department_code" | "passport_department_code" => "код подразделения",
        "snils_in_use" => "СНИЛС уже указан в другой учётной записи",
        "passport_in_use" => "паспорт уже указан в другой учётной записи",
        _ => "другие данные профиля",
    }
}

/// Both checks passed.
pub fn standard_level_notice() -> Text {
    notice(
        "Учётная запись подтверждена до стандартной",
        "Данные профиля проверены. Учётная запись стала стандартной, СНИЛС теперь можно \
         использовать для входа."
            .to_owned(),
    )
}

/// The identity was confirmed.
pub fn confirmed_notice() -> Text {
    notice(
        "Учётная запись подтверждена",
        "Личность подтверждена: учётная запись стала подтверждённой, доступны все услуги портала."
            .to_owned(),
    )
}

/// The code a citizen registering at a service centre reads out to the operator.
pub fn in_person_phone_code(code: &str, centre: &str) -> Text {
    let template = format!(
        "Код подтверждения номера: {{code}}. Назовите его сотруднику центра обслуживания «{centre}». \
         Никому другому его не сообщайте."
    );
    with_code("", &template, code)
}

/// The link that proves a phone noted at a service centre's desk (the link is masked in the
/// history, as a code is).
pub fn phone_link_sms(link: &str) -> Text {
    with_code(
        "",
        "Подтвердите номер телефона, указанный в центре обслуживания, по ссылке:\n{code}\n\
         Ссылка действует 7 дней. Если вы не были в центре обслуживания, ничего не делайте.",
        link,
    )
}

/// A block was lifted (two staff members agreed).
pub fn unblocked_notice() -> Text {
    notice(
        "Учётная запись разблокирована",
        "Блокировка учётной записи снята в центре обслуживания. Вы снова можете войти.".to_owned(),
    )
}

/// A change made for the citizen at a service centre without a link was not carried out.
pub fn desk_change_rejected(reason: &str) -> Text {
    notice(
        "Действие в центре обслуживания не выполнено",
        format!(
            "Действие, выполненное для вас в центре обслуживания, не было принято: {reason}. \
             Обратитесь в центр обслуживания ещё раз."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mismatch_names_the_fields_in_words() {
        let text = check_mismatch_notice(
            "passport",
            &[
                "passport".into(),
                "birth_date".into(),
                "some_new_code".into(),
            ],
        );
        let body = &text.body;
        assert!(
            body.contains(
                "МВД не подтвердил данные профиля: паспорт, дата рождения, другие данные профиля."
            ),
            "{body}"
        );
        assert!(!body.contains('_') && !body.contains("поля:"), "{body}");
    }
}
