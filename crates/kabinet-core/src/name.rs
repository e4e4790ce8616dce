//! Surnames, first names and patronymics, written exactly as in the passport.
//!
//! Allowed: letters of one alphabet (Cyrillic; Latin too for foreign citizens), hyphen, space and
//! apostrophe. A name starts and ends with a letter and has no two separators in a row. The
//! canonical form is trimmed, with single spaces and `'` for every apostrophe variant.

use crate::violation::{Violation, finish, required};
use unicode_normalization::UnicodeNormalization;

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// Which alphabets a name may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameScript {
    /// Citizens of Russia: Cyrillic only.
    Cyrillic,
    /// Foreign citizens: Cyrillic or Latin (one alphabet per name).
    CyrillicOrLatin,
}

/// A validated person's name part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a name part, reporting every broken rule.
    pub fn parse(input: &str, script: NameScript) -> Result<Self, Vec<Violation>> {
        let trimmed = required(input)?;
        let canonical: String = normalise(trimmed);
        let mut violations = Vec::new();
        let chars: Vec<char> = canonical.chars().collect();
        if chars.len() > MAX_NAME_CHARS {
            violations.push(Violation::new("too_long").with("max", MAX_NAME_CHARS));
        }
        let has_latin = chars.iter().any(|c| c.is_ascii_alphabetic());
        let has_cyrillic = chars.iter().copied().any(is_cyrillic);
        if chars
            .iter()
            .any(|&c| !(is_cyrillic(c) || c.is_ascii_alphabetic() || is_separator(c)))
        {
            violations.push(Violation::new("invalid_characters"));
        }
        match script {
            NameScript::Cyrillic if has_latin => {
                violations.push(Violation::new("latin_not_allowed"))
            }
            NameScript::CyrillicOrLatin if has_latin && has_cyrillic => {
                violations.push(Violation::new("mixed_alphabets"))
            }
            _ => {}
        }
        let starts_or_ends_badly = chars.first().is_some_and(|&c| is_separator(c))
            || chars.last().is_some_and(|&c| is_separator(c));
        let doubled = chars
            .windows(2)
            .any(|w| is_separator(w[0]) && is_separator(w[1]));
        if starts_or_ends_badly || doubled {
            violations.push(Violation::new("misplaced_separator"));
        }
        finish(violations, || Self(canonical))
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn normalise(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut last_space = false;
    // Composed first: «И» + combining breve is «Й», whichever way the keyboard typed it.
    for c in input.nfc() {
        let c = match c {
            '’' | 'ʼ' | '`' | '‘' => '\'',
            '‐' | '‑' | '–' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
    }
    out
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё')
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | ' ' | '\'')
}

/// Sex as written in the passport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Мужской.
    Male,
    /// Женский.
    Female,
}

impl Sex {
    /// Accepts `male`/`female`, `m`/`f` and the Russian `м`/`ж`, `муж`/`жен`.
    pub fn parse(input: &str) -> Result<Self, Vec<Violation>> {
        match required(input)?.to_lowercase().as_str() {
            "male" | "m" | "м" | "муж" | "мужской" => Ok(Self::Male),
            "female" | "f" | "ж" | "жен" | "женский" => Ok(Self::Female),
            _ => Err(vec![
                Violation::new("invalid_choice").with("allowed", "male,female"),
            ]),
        }
    }

    /// The canonical code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}
