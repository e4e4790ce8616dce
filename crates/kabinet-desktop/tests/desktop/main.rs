//! The desktop backend without a window: the embedded service through `Desktop`, sessions kept
//! on the Rust side and in the real OS keyring (the Linux kernel keyring here).

use kabinet_api::*;
use kabinet_desktop::settings::DATABASE_PASSWORD_ENTRY;
use kabinet_desktop::{
    Backend, BackendChoice, Channel, Desktop, Keyring, Settings, open_embedded, open_remote,
};
use kabinet_store::testing::TempDir;

const PASSWORD: &str = "Kabinet-2026!";

/// A keyring service name of this test's own, so runs never meet.
fn keyring(test: &str) -> Keyring {
    Keyring::platform(&format!("kabinet-test-{test}-{}", std::process::id()))
        .expect("the OS keyring")
}

async fn desktop(dir: &TempDir, keys: &Keyring) -> Desktop {
    let url = kabinet_store::connect::sqlite_url_in(&dir.path, "desktop");
    let service = open_embedded(&url, keys).await.expect("embedded service");
    Desktop::new(
        Backend::Embedded(service),
        keys.clone(),
        "device-1".into(),
        "test desktop".into(),
    )
}

async fn register(desktop: &Desktop, phone: &str) -> serde_json::Value {
    let info: AppInfo = serde_json::from_value(desktop.app_info(Empty {}).await.unwrap()).unwrap();
    let start = desktop
        .registration_start(RegistrationStart {
            surname: "Иванов".into(),
            first_name: "Иван".into(),
            contact_kind: ContactKind::Phone,
            contact: phone.into(),
            consent: true,
            consent_version: info.consent_version,
        })
        .await
        .unwrap();
    let ticket = start["ticket"].as_str().unwrap().to_owned();
    let inbox: Inbox = serde_json::from_value(desktop.dev_inbox(Empty {}).await.unwrap()).unwrap();
    let body = &inbox.messages.iter().find(|m| m.to == phone).unwrap().body;
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .into();
    desktop
        .registration_confirm(CodeEntry {
            ticket: ticket.clone(),
            code,
        })
        .await
        .unwrap();
    desktop
        .registration_set_password(NewPassword {
            ticket,
            password: PASSWORD.into(),
            password_repeat: PASSWORD.into(),
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_token_stays_in_rust_and_the_keys_in_the_keyring() {
    let dir = TempDir::new();
    let keys = keyring("keys");
    let desktop = desktop(&dir, &keys).await;
    let signed_in = register(&desktop, "+79161110001").await;
    assert!(
        signed_in.get("token").is_none(),
        "the token never reaches the window: {signed_in}"
    );
    assert_eq!(signed_in["account"]["surname"], "Иванов");
    // The session works without the window ever holding it.
    let me = desktop.me(Empty {}).await.unwrap();
    assert_eq!(me["first_name"], "Иван");
    // The embedded service's keys are in the keyring, 64 hex digits each, and stable.
    let pepper = keys
        .get("pepper")
        .unwrap()
        .expect("a pepper in the keyring");
    assert_eq!(pepper.len(), 64);
    assert_eq!(keys.key("pepper").unwrap(), keys.key("pepper").unwrap());
    // Nothing secret in the data folder's files but the database itself.
    for entry in std::fs::read_dir(dir.path.join("desktop")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(&pepper));
    }
    desktop.sign_out(Empty {}).await.unwrap();
    let after = desktop.me(Empty {}).await.unwrap_err();
    assert_eq!(after.code, ErrorCode::Unauthenticated);
    for name in ["pepper", "seal-key", "session"] {
        keys.delete(name).unwrap();
    }
}

#[tokio::test]
async fn the_first_screen_gets_each_answer_as_its_own_operation_gives_it() {
    let dir = TempDir::new();
    let keys = keyring("first");
    let desktop = desktop(&dir, &keys).await;
    let answers = |first: &kabinet_desktop::FirstScreen| serde_json::to_value(first).unwrap();
    // Nobody signed in, not a workstation: the installation's facts, and the two refusals the
    // page would have had from `me` and `workstation_info`.
    let first = answers(&desktop.first_screen().await);
    let info = desktop.app_info(Empty {}).await.unwrap();
    assert_eq!(first["app_info"]["ok"], info);
    assert_eq!(first["me"]["err"]["code"], "unauthenticated");
    let workstation = desktop.workstation_info(Empty {}).await.unwrap_err();
    assert_eq!(
        first["workstation_info"]["err"]["code"],
        serde_json::to_value(workstation.code).unwrap()
    );
    // Signed in: `me` as the operation answers it, and never a token.
    register(&desktop, "+79161110009").await;
    let first = answers(&desktop.first_screen().await);
    assert_eq!(first["me"]["ok"], desktop.me(Empty {}).await.unwrap());
    assert_eq!(first["me"]["ok"]["first_name"], "Иван");
    assert!(!first.to_string().contains("token"), "{first}");
    for name in ["pepper", "seal-key", "session"] {
        let _ = keys.delete(name);
    }
}

#[tokio::test]
async fn the_embedded_demo_becomes_a_workstation_whose_key_stays_in_the_keyring() {
    let dir = TempDir::new();
    let keys = keyring("workstation");
    let desktop = desktop(&dir, &keys).await;
    // A citizen's install is no workstation.
    let none = desktop.workstation_info(Empty {}).await.unwrap_err();
    assert_eq!(none.code, ErrorCode::WorkstationRequired);
    let codes = desktop.demo_centre().await.unwrap();
    // Once: a second demo centre would be a second first administrator.
    assert_eq!(
        desktop.demo_centre().await.unwrap_err().code,
        ErrorCode::NotAllowed
    );
    let enrolled = desktop
        .workstation_enrol(WorkstationEnrolment {
            code: codes.workstation_code,
            name: "Окно 1".into(),
        })
        .await
        .unwrap();
    assert!(
        enrolled.get("key").is_none(),
        "the key never reaches the window: {enrolled}"
    );
    let key = keys
        .get("workstation")
        .unwrap()
        .expect("the key in the keyring");
    assert_eq!(key.len(), 43);
    // A restart finds the key again.
    drop(desktop);
    let again = self::desktop(&dir, &keys).await;
    let info = again.workstation_info(Empty {}).await.unwrap();
    assert_eq!(
        info["centre"]["name"],
        "Демонстрационный центр обслуживания"
    );
    let setup = again
        .staff_setup_start(StaffSetupStart {
            code: codes.setup_code,
        })
        .await
        .unwrap();
    assert_eq!(setup["personnel_number"], "1");
    for name in ["pepper", "seal-key", "workstation"] {
        keys.delete(name).unwrap();
    }
}

#[tokio::test]
async fn remember_me_keeps_the_session_in_the_keyring_until_sign_out() {
    let dir = TempDir::new();
    let keys = keyring("remember");
    let first = desktop(&dir, &keys).await;
    first.set_remember(true).unwrap();
    register(&first, "+79161110002").await;
    assert!(
        keys.get("session").unwrap().is_some(),
        "a remembered session is in the keyring"
    );
    drop(first);
    // A restart lands signed in.
    let second = desktop(&dir, &keys).await;
    assert!(second.remembers());
    assert_eq!(second.me(Empty {}).await.unwrap()["surname"], "Иванов");
    // Sign-out removes the keyring entry; the next start is signed out.
    second.sign_out(Empty {}).await.unwrap();
    assert_eq!(keys.get("session").unwrap(), None);
    let third = desktop(&dir, &keys).await;
    assert_eq!(
        third.me(Empty {}).await.unwrap_err().code,
        ErrorCode::Unauthenticated
    );
    // Without "remember me" nothing reaches the keyring.
    third.set_remember(false).unwrap();
    third
        .sign_in(SignInRequest {
            login: "+79161110002".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    assert_eq!(keys.get("session").unwrap(), None);
    for name in ["pepper", "seal-key", "session"] {
        keys.delete(name).unwrap();
    }
}

#[tokio::test]
async fn the_remote_backend_reaches_a_server_and_keeps_the_token_too() {
    // A server on a random loopback port, with its own embedded service and simulators.
    let server_dir = TempDir::new();
    let server_keys = keyring("server");
    let url = kabinet_store::connect::sqlite_url_in(&server_dir.path, "server");
    let service = open_embedded(&url, &server_keys).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let app = kabinet_server::app(service, kabinet_server::HttpSettings::default());
    tokio::spawn(kabinet_server::serve(
        listener,
        app,
        std::future::pending::<()>(),
    ));

    let keys = keyring("remote");
    let desktop = Desktop::new(
        open_remote(&address).unwrap(),
        keys.clone(),
        "device-2".into(),
        "remote desktop".into(),
    );
    let signed_in = register(&desktop, "+79161110003").await;
    assert!(signed_in.get("token").is_none(), "{signed_in}");
    assert_eq!(desktop.me(Empty {}).await.unwrap()["surname"], "Иванов");
    // The remote desktop makes no keys of its own.
    assert_eq!(keys.get("pepper").unwrap(), None);
    // An unreachable server is `unavailable`, not a panic.
    let gone = Desktop::new(
        open_remote("http://127.0.0.1:9").unwrap(),
        keys.clone(),
        "d".into(),
        "d".into(),
    );
    assert_eq!(
        gone.app_info(Empty {}).await.unwrap_err().code,
        ErrorCode::Unavailable
    );
    for name in ["pepper", "seal-key", "session"] {
        server_keys.delete(name).unwrap();
        keys.delete(name).unwrap();
    }
}

#[test]
fn settings_are_saved_and_a_wrong_server_address_is_named() {
    let dir = TempDir::new();
    assert_eq!(Settings::load(&dir.path, None), Settings::default());
    let mut settings = Settings {
        backend: BackendChoice::Remote,
        server_url: "kabinet.example".into(),
        update_channel: Channel::Beta,
        database_url: String::new(),
        pkcs11_module: String::new(),
    };
    let error = settings.save(&dir.path).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    let fields = error.fields;
    assert_eq!(fields[0].field, "server_url");
    assert_eq!(fields[0].rules[0].rule, "url_format");
    settings.server_url = String::new();
    assert_eq!(
        settings.save(&dir.path).unwrap_err().fields[0].rules[0].rule,
        "required"
    );
    settings.server_url = "https://kabinet.example".into();
    settings.save(&dir.path).unwrap();
    assert_eq!(Settings::load(&dir.path, None), settings);
    // A damaged file falls back to the defaults rather than stopping the app.
    std::fs::write(Settings::path(&dir.path), b"{not json").unwrap();
    assert_eq!(Settings::load(&dir.path, None), Settings::default());
}

/// Runs this test binary's `test` again inside a fresh D-Bus session with an unlocked GNOME
/// Keyring (a throwaway HOME), the way a Linux desktop session provides a Secret Service.
fn inside_gnome_keyring(test: &str) {
    let home = TempDir::new();
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "echo -n kabinet | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec '{}' --exact {test} --nocapture",
        exe.display()
    );
    let status = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", &home.path)
        .env("KABINET_INSIDE_SECRET_SERVICE", "1")
        .status()
        .expect("dbus-run-session and gnome-keyring-daemon (installed by ./x test)");
    assert!(status.success(), "the inner run failed: {status}");
}

#[test]
fn a_secret_service_is_preferred_and_the_kernel_keyring_is_the_fallback() {
    if std::env::var_os("KABINET_INSIDE_SECRET_SERVICE").is_none() {
        // Outside a desktop session there is no Secret Service to answer.
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            assert_eq!(keyring("fallback").kind(), "keyutils");
        }
        inside_gnome_keyring(
            "a_secret_service_is_preferred_and_the_kernel_keyring_is_the_fallback",
        );
        return;
    }
    let keys = keyring("secret-service");
    assert_eq!(keys.kind(), "secret-service");
    let key = keys.key("seal-key").unwrap();
    assert_eq!(
        keys.key("seal-key").unwrap(),
        key,
        "a key is made once and read back"
    );
    keys.set("session", "token-1").unwrap();
    assert_eq!(keys.get("session").unwrap().as_deref(), Some("token-1"));
    keys.delete("session").unwrap();
    assert_eq!(keys.get("session").unwrap(), None);
    keys.delete("seal-key").unwrap();
}

#[test]
fn a_database_address_with_a_password_or_of_another_kind_is_refused() {
    let dir = TempDir::new();
    let keys = keyring("db-rules");
    for (address, rule) in [
        (
            "postgres://kabinet:secret@db.centre.example/kabinet",
            "password_in_url",
        ),
        (
            "mysql://kabinet@db.centre.example/kabinet",
            "postgres_url_format",
        ),
        ("db.centre.example", "postgres_url_format"),
        (
            "postgres://kabinet@db.centre.example/kabinet?password=secret",
            "password_in_url",
        ),
    ] {
        let settings = Settings {
            database_url: address.into(),
            ..Settings::default()
        };
        let error = settings
            .save_with_password(&dir.path, &keys, Some("pw"))
            .unwrap_err();
        assert_eq!(error.fields[0].field, "database_url", "{address}");
        assert_eq!(error.fields[0].rules[0].rule, rule, "{address}");
        assert_eq!(
            keys.get(DATABASE_PASSWORD_ENTRY).unwrap(),
            None,
            "{address}"
        );
    }
    assert!(
        !Settings::path(&dir.path).exists(),
        "a refused setting wrote the file"
    );
}

#[tokio::test]
async fn the_embedded_service_runs_on_postgresql_with_its_password_in_the_keyring() {
    let Some(db) = kabinet_store::testing::TestDb::postgres().await else {
        return;
    };
    let dir = TempDir::new();
    let keys = keyring("db-password");
    let mut address = url::Url::parse(&db.url).unwrap();
    address.set_password(None).unwrap();
    let password = "пароль-базы-7Zq";
    let settings = Settings {
        database_url: address.to_string(),
        ..Settings::default()
    };
    settings
        .save_with_password(&dir.path, &keys, Some(password))
        .unwrap();
    // The password is in the keyring, not in the settings file.
    let file = std::fs::read_to_string(Settings::path(&dir.path)).unwrap();
    assert!(
        !file.contains(password) && file.contains("postgres://"),
        "{file}"
    );
    let kept = keys.get(DATABASE_PASSWORD_ENTRY).unwrap().unwrap();
    assert!(kept.contains(password));
    assert!(settings.database_password_saved(&keys));
    // Saving again without a password keeps the kept one.
    settings.save_with_password(&dir.path, &keys, None).unwrap();
    assert!(settings.database_password_saved(&keys));
    // The URL the service opens carries it, in memory only.
    let url = Settings::load(&dir.path, None)
        .embedded_database_url(&dir.path, &keys)
        .unwrap();
    assert_eq!(
        url::Url::parse(&url).unwrap().password(),
        Some("%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C-%D0%B1%D0%B0%D0%B7%D1%8B-7Zq")
    );
    let service = open_embedded(&url, &keys)
        .await
        .expect("embedded service on PostgreSQL");
    let desktop = Desktop::new(
        Backend::Embedded(service),
        keys.clone(),
        "device-pg".into(),
        "test desktop".into(),
    );
    let answer = register(&desktop, "+79160000777").await;
    assert!(answer.get("token").is_none());
    // Another address without a new password: the kept one does not follow it.
    let elsewhere = Settings {
        database_url: "postgres://kabinet@elsewhere.example/kabinet".into(),
        ..Settings::default()
    };
    assert!(!elsewhere.database_password_saved(&keys));
    let elsewhere_url = elsewhere.embedded_database_url(&dir.path, &keys).unwrap();
    assert_eq!(url::Url::parse(&elsewhere_url).unwrap().password(), None);
    elsewhere
        .save_with_password(&dir.path, &keys, None)
        .unwrap();
    assert_eq!(keys.get(DATABASE_PASSWORD_ENTRY).unwrap(), None);
    // Back to SQLite with a password kept: it leaves the keyring.
    settings
        .save_with_password(&dir.path, &keys, Some(password))
        .unwrap();
    Settings::default()
        .save_with_password(&dir.path, &keys, None)
        .unwrap();
    assert_eq!(keys.get(DATABASE_PASSWORD_ENTRY).unwrap(), None);
    for name in ["pepper", "seal-key"] {
        keys.delete(name).unwrap();
    }
    db.finish().await;
}

#[test]
fn a_release_starts_on_the_portals_server_and_only_a_developers_build_on_the_demo() {
    let release = Settings::first_start_of(true, Some("https://kabinet.centre.example"));
    assert_eq!(release.backend, BackendChoice::Remote);
    assert_eq!(release.server_url, "https://kabinet.centre.example");
    // No address known yet: still the server, whose address the settings screen asks for.
    let unnamed = Settings::first_start_of(true, None);
    assert_eq!(unnamed.backend, BackendChoice::Remote);
    assert_eq!(
        unnamed.check().unwrap_err().fields[0].field,
        "server_url",
        "the settings screen names what is missing"
    );
    assert_eq!(
        Settings::first_start_of(false, Some("https://x.example")),
        Settings::default()
    );
    assert_eq!(Settings::default().backend, BackendChoice::Embedded);
}

/// A server that can be stopped and started again on the same address, as a centre's link
/// that goes down and comes back.
struct Centre {
    service: kabinet_service::Service,
    address: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Centre {
    async fn start(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.address).await.unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = kabinet_server::app(
            self.service.clone(),
            kabinet_server::HttpSettings::default(),
        );
        self.task = Some(tokio::spawn(kabinet_server::serve(
            listener,
            app,
            async move {
                let _ = stopped.await;
            },
        )));
        self.stop = Some(stop);
    }

    async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

/// The authenticator's code of `secret` at `offset` seconds from now.
fn totp_code(secret: &str, offset: i64) -> String {
    let at = (chrono::Utc::now().timestamp() + offset) as u64;
    kabinet_core::totp::TotpSecret::from_base32(secret)
        .and_then(|s| s.code_at(at))
        .unwrap()
}

/// Sets a staff member up with their one-time code and signs them in, through the desktop.
async fn staff_in(desktop: &Desktop, code: &str) -> String {
    let setup = desktop
        .staff_setup_start(StaffSetupStart { code: code.into() })
        .await
        .unwrap();
    let secret = setup["totp_secret"].as_str().unwrap().to_owned();
    desktop
        .staff_setup_finish(StaffSetupFinish {
            ticket: setup["ticket"].as_str().unwrap().into(),
            password: "Okno-Priema42!".into(),
            totp_code: totp_code(&secret, 0),
        })
        .await
        .unwrap();
    let signed = desktop
        .staff_sign_in(StaffSignIn {
            personnel_number: setup["personnel_number"].as_str().unwrap().into(),
            password: "Okno-Priema42!".into(),
            totp_code: totp_code(&secret, 30),
        })
        .await
        .unwrap();
    assert!(
        signed.get("token").is_none(),
        "the page never gets the token"
    );
    setup["personnel_number"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstation_serves_the_queue_without_the_centre_and_catches_up_when_it_returns() {
    // The centre: a server whose link the test cuts and restores.
    let server_dir = TempDir::new();
    let server_keys = keyring("centre");
    let url = kabinet_store::connect::sqlite_url_in(&server_dir.path, "centre");
    let service = open_embedded(&url, &server_keys).await.unwrap();
    let codes = service
        .bootstrap(kabinet_service::Bootstrap {
            centre_name: "МФЦ района Тверской".into(),
            centre_address: "Москва, Тверская ул., 8".into(),
            personnel_number: "1".into(),
            full_name: "Администратор Центра".into(),
        })
        .await
        .unwrap();
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = probe.local_addr().unwrap();
    drop(probe);
    let mut centre = Centre {
        service: service.clone(),
        address,
        stop: None,
        task: None,
    };
    centre.start().await;

    // The workstation: enrolled, its administrator creates an operator, who signs in online.
    let dir = TempDir::new();
    let keys = keyring("workstation-mode");
    let desktop = Desktop::new(
        kabinet_desktop::open_workstation(
            &format!("http://{address}"),
            &kabinet_desktop::workstation::replica_url(&dir.path),
            &keys,
        )
        .await
        .unwrap(),
        keys.clone(),
        "desk-3".into(),
        "Окно 3".into(),
    );
    desktop
        .workstation_enrol(WorkstationEnrolment {
            code: codes.workstation_code.clone(),
            name: "Окно 3".into(),
        })
        .await
        .unwrap();
    staff_in(&desktop, &codes.setup_code).await;
    let created = desktop
        .staff_create(StaffForm {
            personnel_number: "4512".into(),
            full_name: "Смирнова Ольга Петровна".into(),
            centre_id: codes.centre_id,
            scopes: vec![
                Scope::CitizenSearch,
                Scope::CitizenRegister,
                Scope::IdentityConfirm,
                Scope::AccessRestore,
            ],
        })
        .await
        .unwrap();
    desktop.staff_sign_out(Empty {}).await.unwrap();
    staff_in(&desktop, created["setup"]["code"].as_str().unwrap()).await;
    let online = desktop.sync_tick().await.expect("a workstation");
    assert!(online.online && online.last_success.is_some(), "{online:?}");

    // The link goes down: the desk goes on with the replica.
    centre.stop().await;
    let person = kabinet_service::ports::registry::population(4242, 1).remove(0);
    let registered = desktop
        .citizen_register(InPersonRegistration {
            profile: kabinet_service::testing::sync_sim::form_of(&person),
            phone_ticket: String::new(),
            phone_code: String::new(),
            phone_later: String::new(),
        })
        .await
        .expect("registered without the centre");
    assert_eq!(registered["temporary_password"].as_str().unwrap().len(), 12);
    let id: uuid::Uuid = registered["card"]["citizen"]["account_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let offline = desktop.sync_tick().await.unwrap();
    assert!(!offline.online, "{offline:?}");
    assert_eq!(offline.waiting, 1);
    // What needs the centre says so.
    let block = desktop
        .account_block(AccountBlockRequest {
            account_id: id,
            reason: "Проверка".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(block.code, ErrorCode::Unavailable);
    // The operator signs out and back in without the centre: the password checked against the
    // verifier kept at the online sign-in; the authenticator's code is not needed here.
    desktop.staff_sign_out(Empty {}).await.unwrap();
    let wrong = desktop
        .staff_sign_in(StaffSignIn {
            personnel_number: "4512".into(),
            password: "Не-тот-пароль-1".into(),
            totp_code: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::CredentialsInvalid);
    desktop
        .staff_sign_in(StaffSignIn {
            personnel_number: "4512".into(),
            password: "Okno-Priema42!".into(),
            totp_code: String::new(),
        })
        .await
        .expect("an offline sign-in within the window");
    let found = desktop
        .citizen_search(CitizenSearch {
            by: SearchBy::Snils,
            value: person.snils.clone(),
        })
        .await
        .unwrap();
    assert_eq!(found["citizen"]["account_id"], id.to_string());

    // The link is back: the change reaches the centre, under the same account id.
    centre.start().await;
    let back = desktop.sync_tick().await.unwrap();
    assert!(back.online, "{back:?}");
    assert_eq!(back.waiting, 0);
    let digits: String = person.snils.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        kabinet_store::accounts::find_login(service.store(), "snils", &digits)
            .await
            .unwrap(),
        Some(id)
    );
    centre.stop().await;
    for name in ["pepper", "seal-key", "session", "workstation"] {
        let _ = server_keys.delete(name);
        let _ = keys.delete(name);
    }
}

#[test]
fn a_token_library_that_is_not_pkcs11_is_named_in_words() {
    use kabinet_desktop::token;
    let dir = TempDir::new();
    let text = dir.path.join("not-a-library.so");
    std::fs::write(&text, "hello").unwrap();
    for setting in [
        text.display().to_string(),
        "/nonexistent/librtpkcs11ecp.so".into(),
    ] {
        let error = token::list(None, &setting).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert_eq!(error.fields[0].field, "module", "{setting}");
        assert_eq!(
            error.fields[0].rules[0].rule, "token_not_a_module",
            "{setting}"
        );
        // Signing never reaches a token either, and an empty PIN is asked for first.
        let error = token::sign(None, &setting, "serial", "01", "", "statement").unwrap_err();
        assert_eq!(error.fields[0].field, "pin");
    }
    // The workstation policy's library is used before the citizen's setting.
    assert_eq!(
        token::module_path(
            Some(std::path::Path::new("/opt/centre/p11.so")),
            "/usr/lib/x.so"
        ),
        Some(std::path::PathBuf::from("/opt/centre/p11.so"))
    );
    assert_eq!(
        token::module_path(None, " /usr/lib/x.so "),
        Some(std::path::PathBuf::from("/usr/lib/x.so"))
    );
}
