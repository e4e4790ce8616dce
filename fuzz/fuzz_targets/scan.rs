//! A document scan: recognised, size-checked and read whole by the decoders, whatever the
//! bytes — never a panic, never more memory than the bounds allow.
#![no_main]

use kabinet_core::scan::ScanType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ScanType::sniff(data);
});
