//! The signature crate against certificates made by OpenSSL: ECDSA ones by the test authority,
//! GOST ones by OpenSSL's GOST engine on the command line, as an accredited authority's tools
//! would make them.

mod ecdsa;
mod gost;
