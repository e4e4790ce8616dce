//! The secret question of DOMAIN §5: what a question and an answer must be, how an answer is
//! compared, and how many wrong answers a recovery allows.

use crate::violation::Violation;

/// A question: 5–200 characters after spaces are collapsed.
pub const QUESTION_CHARS: (usize, usize) = (5, 200);
/// An answer: 3–100 characters after normalisation.
pub const ANSWER_CHARS: (usize, usize) = (3, 100);

/// The question as kept: inner runs of spaces collapsed, ends trimmed.
pub fn normalise_question(question: &str) -> String {
    question.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answer as hashed and compared: spaces collapsed, lower-cased, so «Москва » and
/// «москва» are one answer.
pub fn normalise_answer(answer: &str) -> String {
    normalise_question(answer).to_lowercase()
}

/// What is wrong with a normalised text of `(min, max)` characters.
pub fn length_violations(text: &str, (min, max): (usize, usize)) -> Vec<Violation> {
    let n = text.chars().count();
    if n == 0 {
        vec![Violation::new("required")]
    } else if n < min {
        vec![Violation::new("too_short").with("min", min)]
    } else if n > max {
        vec![Violation::new("too_long").with("max", max)]
    } else {
        Vec::new()
    }
}

/// After `failures` wrong answers of `allowed`: how many remain, or `None` when the recovery
/// is over.
pub fn answers_remaining(failures: u32, allowed: u32) -> Option<u32> {
    allowed.checked_sub(failures).filter(|left| *left > 0)
}
