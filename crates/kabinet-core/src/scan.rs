//! Document scans: JPEG, PNG or PDF recognised by their first bytes (never by file name), at
//! most 5 MB.

use crate::violation::Violation;

/// The largest scan accepted: 5 MB.
pub const MAX_SCAN_BYTES: usize = 5 * 1024 * 1024;

/// What a scan's content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScanType {
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// `application/pdf`.
    Pdf,
}

impl ScanType {
    /// Recognises the content and checks the size; both problems are reported together.
    pub fn sniff(bytes: &[u8]) -> Result<Self, Vec<Violation>> {
        if bytes.is_empty() {
            return Err(vec![Violation::new("empty_file")]);
        }
        let mut violations = Vec::new();
        if bytes.len() > MAX_SCAN_BYTES {
            violations.push(Violation::new("file_too_large").with("max_bytes", MAX_SCAN_BYTES));
        }
        let kind = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        };
        match kind {
            Some(kind) if violations.is_empty() => Ok(kind),
            Some(_) => Err(violations),
            None => {
                violations.insert(
                    0,
                    Violation::new("file_type").with("allowed", "jpeg,png,pdf"),
                );
                Err(violations)
            }
        }
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
        }
    }
}
