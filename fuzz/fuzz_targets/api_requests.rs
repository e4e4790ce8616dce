//! Every operation's request type decoded from any bytes, as the server and the desktop decode
//! them: an error or a value, never a panic.
#![no_main]

use kabinet_api::*;
use libfuzzer_sys::fuzz_target;

macro_rules! decode_all {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        fn decode_all(data: &[u8]) {
            $( let _ = serde_json::from_slice::<$request>(data); )*
        }
    };
}

with_operations!(decode_all);

fuzz_target!(|data: &[u8]| {
    decode_all(data);
});
