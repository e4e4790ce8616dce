//! Document scans: JPEG, PNG or PDF recognised by their first bytes (never by file name), at
//! most 5 MB, and then read whole by maintained decoders (png, zune-jpeg, lopdf), so a known
//! signature in front of anything else is refused as a damaged file. The decoders work within
//! bounds: an image of at most 12,000 × 12,000 pixels and 200 MiB decoded.

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
            violations.push(
                Violation::new("file_too_large").with("max_mb", MAX_SCAN_BYTES / (1024 * 1024)),
            );
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
            Some(kind) if violations.is_empty() => {
                kind.read_whole(bytes)?;
                Ok(kind)
            }
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

    /// Reads the whole file as this type; `file_damaged` when it is not one.
    fn read_whole(self, bytes: &[u8]) -> Result<(), Vec<Violation>> {
        let whole = match self {
            Self::Png => read_png(bytes),
            Self::Jpeg => read_jpeg(bytes),
            Self::Pdf => read_pdf(bytes),
        };
        if whole {
            Ok(())
        } else {
            Err(vec![Violation::new("file_damaged")])
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

/// The largest side of an image accepted, in pixels.
const MAX_SIDE: usize = 12_000;
/// The most memory a decoder may take.
const MAX_DECODED_BYTES: usize = 200 * 1024 * 1024;

/// Whether the bytes are a whole PNG: every chunk to the end and its checksum, the image data
/// inflated.
fn read_png(bytes: &[u8]) -> bool {
    let limits = png::Limits {
        bytes: MAX_DECODED_BYTES,
    };
    let decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    let Ok(mut reader) = decoder.read_info() else {
        return false;
    };
    let info = reader.info();
    if info.width as usize > MAX_SIDE || info.height as usize > MAX_SIDE {
        return false;
    }
    let Some(size) = reader.output_buffer_size() else {
        return false;
    };
    let mut buffer = vec![0; size];
    // The image, then every chunk to the end (IEND), each checksum checked.
    reader.next_frame(&mut buffer).is_ok() && reader.finish().is_ok()
}

/// Whether the bytes are a whole JPEG: headers, tables and the entropy-coded image decoded.
fn read_jpeg(bytes: &[u8]) -> bool {
    let options = zune_core::options::DecoderOptions::default()
        .set_max_width(MAX_SIDE)
        .set_max_height(MAX_SIDE)
        .set_strict_mode(true);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    decoder.decode().is_ok()
}

/// Whether the bytes are a whole PDF: it ends as the format says (`startxref` and `%%EOF` in its
/// last kilobyte, which a cut-off upload lacks), its objects parse, and it has a page.
fn read_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let ends_well =
        tail.windows(5).any(|w| w == b"%%EOF") && tail.windows(9).any(|w| w == b"startxref");
    ends_well
        && lopdf::Document::load_mem(bytes).is_ok_and(|document| !document.get_pages().is_empty())
}
