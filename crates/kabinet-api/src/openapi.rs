//! The OpenAPI 3.1 document of the HTTP routes, made from the one operation list and the
//! types' JSON Schemas; the server serves it at [`crate::http::OPENAPI_PATH`] and a copy is
//! committed at [`COMMITTED_PATH`] (a test fails when it is stale; `cargo xtask codegen`
//! rewrites it).

use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::http::OPERATIONS_PREFIX;
use crate::operations::Access;
use crate::types::*;
use crate::with_operations;

/// Where the committed copy lives, from the repository root.
pub const COMMITTED_PATH: &str = "docs/openapi.json";

macro_rules! paths {
    ($($(#[doc = $doc:literal])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        fn paths(generator: &mut SchemaGenerator) -> Map<String, Value> {
            let mut paths = Map::new();
            $(
                let summary = [$($doc),*].join(" ").trim().to_owned();
                let request = generator.subschema_for::<$request>().to_value();
                let body_required = has_required_fields(generator, &request);
                let response = generator.subschema_for::<$response>().to_value();
                paths.insert(
                    format!("{OPERATIONS_PREFIX}{}", stringify!($name)),
                    operation(stringify!($name), &summary, request, body_required, response, Access::$access $((Scope::$scope))?),
                );
            )*
            paths
        }
    };
}

with_operations!(paths);

/// Whether a request type has fields a body must carry (an empty body stands for `{}`, so only
/// such bodies are required).
fn has_required_fields(generator: &SchemaGenerator, schema: &Value) -> bool {
    let resolved = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            generator
                .definitions()
                .get(name)
                .cloned()
                .unwrap_or(Value::Null)
        }
        None => schema.clone(),
    };
    resolved["required"]
        .as_array()
        .is_some_and(|fields| !fields.is_empty())
}

fn operation(
    name: &str,
    summary: &str,
    request: Value,
    body_required: bool,
    response: Value,
    access: Access,
) -> Value {
    let security = match access {
        Access::Public => json!([{}, { "csrf": [] }]),
        Access::Citizen => json!([{ "bearer": [] }, { "session_cookie": [], "csrf": [] }]),
        Access::Workstation => json!([{ "workstation": [] }]),
        Access::AnyStaff | Access::Staff(_) => json!([{ "workstation": [], "bearer": [] }]),
    };
    json!({
        "post": {
            "operationId": name,
            "summary": summary,
            "x-kabinet-access": access.name(),
            "security": security,
            "requestBody": {
                "required": body_required,
                "content": { "application/json": { "schema": request } }
            },
            "responses": {
                "200": {
                    "description": "Done",
                    "content": { "application/json": { "schema": response } }
                },
                "default": {
                    "description": "An error: its `code` sets the status (see kabinet_api::http::status)",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } }
                }
            }
        }
    })
}

/// The whole document.
pub fn document() -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "#/components/schemas".into();
    });
    let mut generator = SchemaGenerator::new(settings);
    let paths = paths(&mut generator);
    generator.subschema_for::<ApiError>();
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Kabinet",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Registration and sign-in of a citizen-services portal. Browsers authenticate with the kabinet_session cookie and echo the kabinet_csrf cookie in X-CSRF-Token; programs send X-Kabinet-Client and a bearer token. Service-centre workstations send their enrolment key in X-Kabinet-Workstation, and staff their bearer token."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session_cookie": { "type": "apiKey", "in": "cookie", "name": crate::http::SESSION_COOKIE },
                "csrf": { "type": "apiKey", "in": "header", "name": crate::http::CSRF_HEADER },
                "workstation": { "type": "apiKey", "in": "header", "name": crate::http::WORKSTATION_HEADER }
            }
        }
    })
}

/// The document as committed: pretty JSON with a final newline.
pub fn generate() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
