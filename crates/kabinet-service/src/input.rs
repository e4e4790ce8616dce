//! Checks every request's text before its use case runs: a NUL character (U+0000) is refused
//! in any string field, named by its path (`address.city`, `changes[2].note`). No rule of the
//! domain allows it, PostgreSQL cannot store it in text, and a string cut at it by some other
//! program would not be what the citizen saw — so it is an input error everywhere, on either
//! database, in every transport.

use kabinet_core::{FieldErrors, Violation};
use serde::Serialize;
use serde_json::Value;

use crate::error::{self, Outcome};

/// `invalid_input` naming each field whose text holds a NUL character.
pub(crate) fn plain_text(request: &impl Serialize) -> Outcome<()> {
    let Ok(value) = serde_json::to_value(request) else {
        return Ok(());
    };
    let mut errors = FieldErrors::default();
    walk(&value, &mut String::new(), &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(error::fields(errors))
    }
}

fn walk(value: &Value, path: &mut String, errors: &mut FieldErrors) {
    match value {
        Value::String(text) if text.contains('\0') => {
            let field = if path.is_empty() {
                "body"
            } else {
                path.as_str()
            };
            errors.add(field, vec![Violation::new("nul_character")]);
        }
        Value::Object(fields) => {
            for (key, inner) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(inner, path, errors);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(inner, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
