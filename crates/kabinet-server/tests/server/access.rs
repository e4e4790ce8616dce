//! Access from the operation list: every operation the list does not mark public refuses a
//! caller who has not proved its principal — no session, a made-up token, a session that was
//! ended — in-process and over HTTP, on both databases: a citizen's operation with
//! `unauthenticated`, a workstation's or staff member's with `workstation_required` (the
//! caller is no enrolled workstation). The walk is made from the list, so a new operation is
//! covered the day it is added. The staff half (scopes, centres, citizens at staff
//! operations and staff at citizens') is in `staff.rs`.

use kabinet_api::*;
use serde_json::{Value, json};

use crate::support::*;

/// A request of the type named `name` with every required field present, read from the
/// OpenAPI document (so the walk needs no hand-written request per operation).
pub fn sample<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let document: Value = serde_json::from_str(&kabinet_api::openapi::generate()).unwrap();
    let schemas = &document["components"]["schemas"];
    let instance = instance_of(
        schemas,
        &json!({"$ref": format!("#/components/schemas/{name}")}),
    );
    serde_json::from_value(instance.clone())
        .unwrap_or_else(|e| panic!("a sample {name} from {instance}: {e}"))
}

fn instance_of(schemas: &Value, schema: &Value) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return instance_of(schemas, &schemas[name]);
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[key].as_array() {
            return instance_of(schemas, &options[0]);
        }
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds[0].as_str().unwrap_or("null").to_owned(),
        other => other.as_str().unwrap_or("object").to_owned(),
    };
    match kind.as_str() {
        "object" => {
            let mut object = serde_json::Map::new();
            for field in schema["required"].as_array().into_iter().flatten() {
                let field = field.as_str().unwrap();
                object.insert(
                    field.to_owned(),
                    instance_of(schemas, &schema["properties"][field]),
                );
            }
            Value::Object(object)
        }
        "string" => match schema["format"].as_str() {
            Some("uuid") => json!(uuid::Uuid::nil()),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            _ => json!("x"),
        },
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        "array" => json!([]),
        _ => Value::Null,
    }
}

/// What a caller without any principal gets from an operation of `access`.
pub fn refusal_without_principal(access: Access) -> ErrorCode {
    match access {
        Access::Citizen => ErrorCode::Unauthenticated,
        _ => ErrorCode::WorkstationRequired,
    }
}

/// The access kind of the operation named `name`.
pub fn access_of(name: &str) -> Access {
    OPERATIONS
        .iter()
        .find(|op| op.name == name)
        .map(|op| op.access)
        .unwrap_or(Access::Public)
}

macro_rules! walk {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        /// Calls every non-public operation with `context`; what each answered.
        pub async fn call_every_guarded<A: Api>(api: &A, context: &Context) -> Vec<(&'static str, Result<(), ApiError>)> {
            let mut answers = Vec::new();
            $(
                if Access::$access $((Scope::$scope))? != Access::Public {
                    let request: $request = sample(stringify!($request));
                    let answer = api.$name(context, request).await.map(|_| ());
                    answers.push((stringify!($name), answer));
                }
            )*
            answers
        }
    };
}

with_operations!(walk);

fn assert_all_refused(answers: &[(&str, Result<(), ApiError>)], who: &str) {
    let guarded = OPERATIONS
        .iter()
        .filter(|op| op.access != Access::Public)
        .count();
    assert_eq!(answers.len(), guarded, "the walk covers the list");
    for (name, answer) in answers {
        let expected = refusal_without_principal(access_of(name));
        match answer {
            Err(error) if error.code == expected => {}
            other => panic!("{name} with {who} answered {other:?}, not {expected:?}"),
        }
    }
}

scenario!(every_guarded_operation_refuses_without_its_principal, |w| {
    let api = &w.api;
    let laptop = device("laptop");
    assert_all_refused(&call_every_guarded(api, &laptop).await, "no session");
    let forged = with_session(&laptop, &"A".repeat(43));
    assert_all_refused(&call_every_guarded(api, &forged).await, "a made-up token");
    let session = w.register(&laptop, "+7 912 345-67-80").await;
    let me = with_session(&laptop, &session.token);
    // The principal is there: the same context gets in.
    assert_eq!(api.me(&me, Empty {}).await.unwrap().id, session.account.id);
    api.sign_out(&me, Empty {}).await.unwrap();
    assert_all_refused(&call_every_guarded(api, &me).await, "an ended session");
});
