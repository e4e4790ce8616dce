//! A hostile-input corpus through every operation of the list, as the caller each one expects
//! (nobody, a signed-in citizen, an enrolled workstation, a staff member holding every scope),
//! on both databases: each request's body is built from the operation's schema in the served
//! OpenAPI document, then every field in turn is replaced by a value a careless or hostile
//! client sends — wrong types, extreme numbers, huge and empty strings, NUL and control
//! characters, right-to-left overrides, decomposed and astral Unicode, lone surrogates, SQL,
//! script and template injection, paths. Nothing may answer 5xx, and every error must be the
//! `{code, message, fields}` JSON with the status its code has.

use serde_json::{Map, Value, json};

use kabinet_api::http::{CLIENT_HEADER, OPERATIONS_PREFIX, WORKSTATION_HEADER};
use kabinet_api::*;
use kabinet_server::HttpSettings;
use kabinet_store::testing::TestDb;

use crate::support::*;

/// Marks a string the serialised body carries as a lone UTF-16 surrogate escape (`"\ud800"`),
/// which no `serde_json::Value` can hold.
const LONE_SURROGATE: &str = "__lone_surrogate__";

/// What replaces one field.
fn hostile_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1e308),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(0.5),
        json!([]),
        json!({}),
        json!([[[[[[[[["deep"]]]]]]]]]),
        json!({"$gt": ""}),
        json!(""),
        json!("   "),
        json!("x".repeat(10_000)),
        json!("' OR '1'='1' --"),
        json!("'; DROP TABLE accounts; --"),
        json!("\" OR \"\"=\""),
        json!("<script>alert(1)</script>"),
        json!("{{7*7}}${7*7}#{7*7}"),
        json!("../../../../etc/passwd"),
        json!("%00%0d%0aSet-Cookie: a=b"),
        json!("\u{0}"),
        json!("a\u{0}b"),
        json!("\r\n\t\u{7}\u{1b}[31m"),
        json!("\u{202e}\u{200b}\u{feff}\u{2028}"),
        json!("И\u{306}ванов"),
        json!("𝕬𝖓𝖓𝖆 😀"),
        json!(LONE_SURROGATE),
        json!("1e999"),
        json!("NaN"),
        json!("-0"),
        json!("2026-02-30"),
        json!("0000-00-00T00:00:00Z"),
        json!("00000000-0000-0000-0000-000000000000"),
        json!("+7 (999) 999-99-99; rm -rf /"),
    ]
}

/// A plausible value for `schema`: the first variant, every property.
fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        return example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if let Some(constant) = schema.get("const") {
        return constant.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let chosen = variants
                .iter()
                .find(|v| v.get("type").and_then(Value::as_str) != Some("null"))
                .unwrap_or(&Value::Null);
            return example(doc, chosen, depth + 1);
        }
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        Some(Value::String(kind)) => kind.as_str(),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match kind {
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("00000000-0000-0000-0000-000000000000"),
            Some("date-time") => json!("2026-11-30T12:00:00Z"),
            Some("date") => json!("2026-11-30"),
            _ => json!("x"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "object" => {
            let mut object = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    object.insert(name.clone(), example(doc, property, depth + 1));
                }
            }
            Value::Object(object)
        }
        _ => Value::Null,
    }
}

/// Every field of `value` (nested ones too), as a path of keys.
fn fields(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Value::Object(object) = value {
        for (key, inner) in object {
            prefix.push(key.clone());
            out.push(prefix.clone());
            fields(inner, prefix, out);
            prefix.pop();
        }
    }
}

fn replaced(base: &Value, path: &[String], with: &Value) -> Value {
    let mut body = base.clone();
    let mut at = &mut body;
    for key in path {
        at = &mut at[key.as_str()];
    }
    *at = with.clone();
    body
}

fn request_schema<'a>(doc: &'a Value, operation: &str) -> &'a Value {
    &doc["paths"][format!("{OPERATIONS_PREFIX}{operation}")]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]
}

/// Checks one answer; returns a description of what is wrong with it.
fn judge(operation: &str, body: &str, status: u16, answer: &str) -> Option<String> {
    let why = |what: String| Some(format!("{operation} with {body:.300}: {what}"));
    if status >= 500 {
        return why(format!("{status} {answer:.300}"));
    }
    if status < 400 {
        return None;
    }
    let Ok(Value::Object(error)) = serde_json::from_str::<Value>(answer) else {
        return why(format!("{status}, not a JSON object: {answer:.300}"));
    };
    let Ok(parsed) = serde_json::from_value::<ApiError>(Value::Object(error.clone())) else {
        return why(format!(
            "{status}, not {{code, message, fields}}: {answer:.300}"
        ));
    };
    if parsed.message.trim().is_empty() {
        return why("an error without a message".into());
    }
    if error.get("fields").is_some_and(|f| !f.is_array()) {
        return why(format!("fields is not a list: {answer:.300}"));
    }
    if kabinet_api::http::status(parsed.code) != status {
        return why(format!("{status} for the code {}", parsed.code.as_str()));
    }
    None
}

async fn corpus(db: TestDb) {
    let w = World::over_http(db).await;
    // Every request from its own address, so no per-address cap steps in before the body is
    // read and judged.
    let settings = HttpSettings {
        trust_forwarded_for: true,
        ..HttpSettings::default()
    };
    let server = Running::start(w.service.clone(), settings).await;
    let citizen = w.register(&device("citizen"), "+79123456780").await;
    let centre = kabinet_service::testing::open_centre(&w.service, &w.api, "МФЦ")
        .await
        .unwrap();
    let desk = centre
        .staff(&w.service, &w.api, "77", &Scope::ALL)
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(&kabinet_api::openapi::generate()).unwrap();
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut sent = 0usize;
    // Operations that end the caller's session go last, so the others run signed in.
    let mut operations: Vec<&Operation> = OPERATIONS.iter().collect();
    operations.sort_by_key(|op| op.session == SessionEffect::Ends);
    for op in operations {
        let base = example(&doc, request_schema(&doc, op.name), 0);
        let base = if base.is_object() { base } else { json!({}) };
        let mut paths = Vec::new();
        fields(&base, &mut Vec::new(), &mut paths);
        let mut bodies: Vec<String> = vec![
            base.to_string(),
            replaced(&base, &["__unknown__".into()], &json!("x")).to_string(),
        ];
        for path in &paths {
            for value in hostile_values() {
                bodies.push(
                    replaced(&base, path, &value)
                        .to_string()
                        .replace(&format!("\"{LONE_SURROGATE}\""), "\"\\ud800\""),
                );
            }
        }
        let (session, workstation) = match op.access {
            Access::Public => (None, None),
            Access::Citizen => (Some(citizen.token.clone()), None),
            Access::Workstation => (None, centre.workstation.workstation.clone()),
            Access::AnyStaff | Access::Staff(_) => (
                desk.context.session.clone(),
                desk.context.workstation.clone(),
            ),
        };
        for body in bodies {
            sent += 1;
            let mut request = http
                .post(format!("{}{OPERATIONS_PREFIX}{}", server.url, op.name))
                .header(CLIENT_HEADER, "hostile-corpus")
                .header(
                    "x-forwarded-for",
                    format!(
                        "10.{}.{}.{}",
                        (sent >> 16) & 255,
                        (sent >> 8) & 255,
                        sent & 255
                    ),
                )
                .header("content-type", "application/json")
                .body(body.clone());
            if let Some(token) = &session {
                request = request.bearer_auth(token);
            }
            if let Some(key) = &workstation {
                request = request.header(WORKSTATION_HEADER, key);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let answer = response.text().await.unwrap_or_default();
            if let Some(failure) = judge(op.name, &body, status, &answer) {
                failures.push(failure);
            }
        }
    }
    eprintln!(
        "hostile corpus: {sent} requests, {} answered wrongly",
        failures.len()
    );
    let mut by_operation = std::collections::BTreeMap::<&str, usize>::new();
    for failure in &failures {
        *by_operation
            .entry(failure.split(' ').next().unwrap_or(""))
            .or_default() += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} answers were wrong ({by_operation:?}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    server.stop().await;
    w.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_through_every_operation_sqlite() {
    corpus(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_through_every_operation_postgres() {
    if let Some(db) = TestDb::postgres().await {
        corpus(db).await;
    }
}
