//! Rule violations: what the parsers return instead of a value.

use std::fmt;

/// One broken rule: a stable code (e.g. `too_long`) and its parameters (e.g. `max = 60`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule's code; the UI maps it to a message in the user's language.
    pub rule: &'static str,
    /// Named parameters of the message, e.g. `("max", "60")`.
    pub params: Vec<(&'static str, String)>,
}

impl Violation {
    /// A violation without parameters.
    pub fn new(rule: &'static str) -> Self {
        Self {
            rule,
            params: Vec::new(),
        }
    }

    /// Adds a parameter.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// The value of a parameter, if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rule)?;
        for (name, value) in &self.params {
            write!(f, " {name}={value}")?;
        }
        Ok(())
    }
}

/// The violations of one field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the API and the UI call it, e.g. `passport.series`.
    pub field: String,
    /// Every rule the field's value broke.
    pub violations: Vec<Violation>,
}

/// Every wrong field of a form; empty means the form is valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records the outcome of parsing one field and hands back its value, if valid.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Vec<Violation>>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(violations) => {
                self.add(field, violations);
                None
            }
        }
    }

    /// Adds violations to a field.
    pub fn add(&mut self, field: &str, violations: Vec<Violation>) {
        if violations.is_empty() {
            return;
        }
        match self.0.iter_mut().find(|e| e.field == field) {
            Some(existing) => existing.violations.extend(violations),
            None => self.0.push(FieldError {
                field: field.to_owned(),
                violations,
            }),
        }
    }

    /// True when no field is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The violations of one field.
    pub fn of(&self, field: &str) -> &[Violation] {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map_or(&[], |e| e.violations.as_slice())
    }

    /// `Ok(value)` when no field is wrong, else `Err(self)`.
    pub fn into_result<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if self.is_empty() {
            value().ok_or(self)
        } else {
            Err(self)
        }
    }
}

/// Collects violations, returning `Ok(value)` only if there are none.
pub(crate) fn finish<T>(
    violations: Vec<Violation>,
    value: impl FnOnce() -> T,
) -> Result<T, Vec<Violation>> {
    if violations.is_empty() {
        Ok(value())
    } else {
        Err(violations)
    }
}

/// Trims and rejects empty input with `required`.
pub(crate) fn required(input: &str) -> Result<&str, Vec<Violation>> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Err(vec![Violation::new("required")])
    } else {
        Ok(trimmed)
    }
}
