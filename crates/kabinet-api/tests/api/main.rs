//! The API boundary's own tests: the committed TypeScript is fresh, the list is consistent, and
//! errors serialise as `{code, message, fields}`.

use std::collections::HashSet;
use std::path::Path;

use kabinet_api::typescript::{GENERATED_PATH, generate};
use kabinet_api::{ApiError, ErrorCode, OPERATIONS};

#[test]
fn committed_typescript_matches_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(GENERATED_PATH);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generate(),
        "{GENERATED_PATH} is stale: run `cargo xtask codegen` and commit the result"
    );
}

#[test]
fn operation_names_are_unique() {
    let mut seen = HashSet::new();
    for op in OPERATIONS {
        assert!(seen.insert(op.name), "{} listed twice", op.name);
    }
    assert!(OPERATIONS.len() >= 30);
}

#[test]
fn errors_serialise_with_code_message_and_fields() {
    let error = ApiError::field("password", "too_short");
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["code"], "invalid_input");
    assert_eq!(json["fields"][0]["field"], "password");
    assert_eq!(json["fields"][0]["rules"][0]["rule"], "too_short");
    assert!(json["message"].as_str().unwrap().len() > 5);
    let plain = serde_json::to_value(ApiError::new(ErrorCode::Unauthenticated)).unwrap();
    assert!(
        plain.get("fields").is_none(),
        "no empty fields list: {plain}"
    );
    let back: ApiError = serde_json::from_value(json).unwrap();
    assert_eq!(back, error);
}

#[test]
fn every_error_code_has_its_own_string() {
    let codes = [
        ErrorCode::InvalidInput,
        ErrorCode::ContactInUse,
        ErrorCode::CodeWrong,
        ErrorCode::Internal,
    ];
    for code in codes {
        let json = serde_json::to_value(code).unwrap();
        assert_eq!(json, code.as_str());
    }
}

#[test]
fn every_type_is_declared_once_and_every_operation_type_is_declared() {
    let generated = generate();
    let mut names = HashSet::new();
    for line in generated.lines() {
        if let Some(rest) = line.strip_prefix("export type ") {
            let name = rest.split([' ', '<']).next().unwrap();
            assert!(names.insert(name.to_owned()), "{name} is declared twice");
        }
    }
    for op in OPERATIONS {
        for ty in [op.request, op.response] {
            assert!(
                names.contains(ty),
                "{} uses {ty}, which is not declared",
                op.name
            );
        }
    }
}
