//! A test certification authority (ECDSA P-256) that issues citizens' certificates with a SNILS
//! and an INN written as real ones are (NumericString), and revocation lists. Only for tests.

use chrono::{DateTime, Duration, Utc};
use openssl::asn1::{Asn1Integer, Asn1Time, Asn1Type};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::{MessageDigest, hash};
use openssl::nid::Nid;
use openssl::pkey::{PKey, PKeyRef, Private, Public};
use openssl::x509::X509Extension;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{
    X509, X509Builder, X509Crl, X509CrlBuilder, X509Name, X509NameBuilder, X509RevokedBuilder,
};

use crate::Certificate;

/// A P-256 key.
pub fn p256_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    PKey::from_ec_key(EcKey::generate(&group).expect("a key")).expect("a key")
}

/// A P-256 public key from its uncompressed point (04‖X‖Y), as a token shows it.
pub fn p256_public(point: &[u8]) -> PKey<Public> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    let mut ctx = openssl::bn::BigNumContext::new().expect("a context");
    let point = openssl::ec::EcPoint::from_bytes(&group, point, &mut ctx).expect("a point");
    PKey::from_ec_key(EcKey::from_public_key(&group, &point).expect("a key")).expect("a key")
}

/// Signs as a PKCS#11 token's CKM_ECDSA does: SHA-256 of the message, r‖s in 64 bytes.
pub fn sign_like_a_token(key: &PKeyRef<Private>, message: &[u8]) -> Vec<u8> {
    let digest = hash(MessageDigest::sha256(), message).expect("a digest");
    let sig = EcdsaSig::sign(&digest, &key.ec_key().expect("an EC key")).expect("a signature");
    let mut out = sig.r().to_vec_padded(32).expect("32 bytes");
    out.extend(sig.s().to_vec_padded(32).expect("32 bytes"));
    out
}

/// Who a certificate is for, and how it is made.
#[derive(Debug, Clone)]
pub struct Subject {
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_name: String,
    /// SNILS, 11 digits (none: a certificate without one).
    pub snils: Option<String>,
    /// INN, 12 digits.
    pub inn: Option<String>,
    /// Valid from.
    pub not_before: DateTime<Utc>,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// Key usage digitalSignature and nonRepudiation (else keyEncipherment only).
    pub may_sign: bool,
    /// An OCSP responder address in the certificate.
    pub ocsp_url: Option<String>,
}

impl Subject {
    /// A citizen with this SNILS, valid for a year around `now`, allowed to sign.
    pub fn citizen(snils: &str, now: DateTime<Utc>) -> Self {
        Self {
            surname: "Иванов".into(),
            given_name: "Иван Иванович".into(),
            snils: Some(snils.into()),
            inn: Some("500100732259".into()),
            not_before: now - Duration::days(30),
            not_after: now + Duration::days(335),
            may_sign: true,
            ocsp_url: None,
        }
    }
}

/// A certification authority with its key.
pub struct TestAuthority {
    key: PKey<Private>,
    cert: X509,
    serial: std::sync::atomic::AtomicU32,
}

fn time(at: DateTime<Utc>) -> Asn1Time {
    Asn1Time::from_unix(at.timestamp()).expect("a time")
}

impl TestAuthority {
    /// A self-signed authority named `name`, valid for ten years around `now`.
    pub fn new(name: &str, now: DateTime<Utc>) -> Self {
        Self::made(name, now, None)
    }

    /// An authority named `name` certified by this one (as an accredited authority is by the
    /// state's root), valid for five years around `now`.
    pub fn intermediate(&self, name: &str, now: DateTime<Utc>) -> Self {
        Self::made(name, now, Some(self))
    }

    fn made(name: &str, now: DateTime<Utc>, parent: Option<&TestAuthority>) -> Self {
        let key = p256_key();
        let mut subject = X509NameBuilder::new().expect("a name");
        subject
            .append_entry_by_nid(Nid::COMMONNAME, name)
            .expect("a CN");
        subject
            .append_entry_by_nid(Nid::ORGANIZATIONNAME, name)
            .expect("an O");
        let subject = subject.build();
        let mut b = X509Builder::new().expect("a builder");
        b.set_version(2).expect("v3");
        let number = parent.map_or(1, TestAuthority::next_serial);
        b.set_serial_number(&serial(number)).expect("a serial");
        b.set_subject_name(&subject).expect("a subject");
        b.set_issuer_name(parent.map_or(&*subject, |p| p.cert.subject_name()))
            .expect("an issuer");
        b.set_pubkey(&key).expect("a key");
        b.set_not_before(&time(now - Duration::days(365)))
            .expect("a date");
        b.set_not_after(&time(now + Duration::days(3650)))
            .expect("a date");
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
            .expect("bc");
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .expect("ku"),
        )
        .expect("ku");
        let ski = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(None, None))
            .expect("ski");
        b.append_extension(ski).expect("ski");
        if let Some(parent) = parent {
            let aki = AuthorityKeyIdentifier::new()
                .keyid(true)
                .build(&b.x509v3_context(Some(&parent.cert), None))
                .expect("aki");
            b.append_extension(aki).expect("aki");
        }
        b.sign(parent.map_or(&key, |p| &p.key), MessageDigest::sha256())
            .expect("signed");
        Self {
            key,
            cert: b.build(),
            serial: std::sync::atomic::AtomicU32::new(100),
        }
    }

    fn next_serial(&self) -> u32 {
        self.serial
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1
    }

    /// Its certificate in PEM (for the trust list).
    pub fn pem(&self) -> Vec<u8> {
        self.cert.to_pem().expect("PEM")
    }

    /// Its private key, PKCS#8 DER (for an OCSP responder that signs as the authority).
    pub fn key_pkcs8_der(&self) -> Vec<u8> {
        self.key.private_key_to_pkcs8().expect("PKCS#8")
    }

    /// Its certificate.
    pub fn certificate(&self) -> Certificate {
        Certificate::from_der(&self.cert.to_der().expect("DER")).expect("a certificate")
    }

    /// A certificate for `subject` with `key`, in DER.
    pub fn issue(
        &self,
        subject: &Subject,
        key: &PKeyRef<impl openssl::pkey::HasPublic>,
    ) -> Vec<u8> {
        let n = self.next_serial();
        let mut name = X509NameBuilder::new().expect("a name");
        name.append_entry_by_nid(Nid::SURNAME, &subject.surname)
            .expect("SN");
        name.append_entry_by_nid(Nid::GIVENNAME, &subject.given_name)
            .expect("GN");
        name.append_entry_by_nid(
            Nid::COMMONNAME,
            &format!("{} {}", subject.surname, subject.given_name),
        )
        .expect("CN");
        if let Some(snils) = &subject.snils {
            name.append_entry_by_nid_with_type(Nid::from_raw(1006), snils, Asn1Type::NUMERICSTRING)
                .expect("SNILS");
        }
        if let Some(inn) = &subject.inn {
            name.append_entry_by_nid_with_type(Nid::from_raw(1004), inn, Asn1Type::NUMERICSTRING)
                .expect("INN");
        }
        let name: X509Name = name.build();
        let mut b = X509Builder::new().expect("a builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial(n)).expect("a serial");
        b.set_subject_name(&name).expect("a subject");
        b.set_issuer_name(self.cert.subject_name())
            .expect("an issuer");
        b.set_pubkey(key).expect("a key");
        b.set_not_before(&time(subject.not_before)).expect("a date");
        b.set_not_after(&time(subject.not_after)).expect("a date");
        let usage = if subject.may_sign {
            KeyUsage::new()
                .critical()
                .digital_signature()
                .non_repudiation()
                .build()
        } else {
            KeyUsage::new().critical().key_encipherment().build()
        };
        b.append_extension(usage.expect("ku")).expect("ku");
        // Which of the authority's keys signed it, as real authorities say.
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&b.x509v3_context(Some(&self.cert), None))
            .expect("aki");
        b.append_extension(aki).expect("aki");
        if let Some(url) = &subject.ocsp_url {
            // The `openssl` crate has no builder for this extension; the text form is OpenSSL's.
            #[allow(deprecated)]
            let aia = X509Extension::new_nid(
                None,
                Some(&b.x509v3_context(Some(&self.cert), None)),
                Nid::INFO_ACCESS,
                &format!("OCSP;URI:{url}"),
            )
            .expect("aia");
            b.append_extension(aia).expect("aia");
        }
        b.sign(&self.key, MessageDigest::sha256()).expect("signed");
        b.build().to_der().expect("DER")
    }

    /// A revocation list naming `revoked`, current from `this_update` to `next_update`, in
    /// PEM.
    pub fn crl(
        &self,
        revoked: &[&Certificate],
        this_update: DateTime<Utc>,
        next_update: DateTime<Utc>,
    ) -> Vec<u8> {
        let mut b = X509CrlBuilder::new().expect("a builder");
        b.set_issuer_name(self.cert.subject_name())
            .expect("an issuer");
        b.set_last_update(&time(this_update)).expect("a date");
        b.set_next_update(&time(next_update)).expect("a date");
        for cert in revoked {
            let serial = cert.x509().serial_number().to_owned().expect("a serial");
            let mut r = X509RevokedBuilder::new().expect("a builder");
            r.set_serial_number(&serial).expect("a serial");
            r.set_revocation_date(&time(this_update)).expect("a date");
            b.add_revoked(r.build()).expect("added");
        }
        let context_of_issuer = X509Builder::new().expect("a builder");
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&context_of_issuer.x509v3_context(Some(&self.cert), None))
            .expect("aki");
        b.append_extension(aki).expect("aki");
        let number = self.next_serial();
        // crlNumber has no text form in OpenSSL: its DER, an INTEGER.
        let mut bytes = BigNum::from_u32(number).expect("a number").to_vec();
        if bytes[0] & 0x80 != 0 {
            bytes.insert(0, 0); // positive
        }
        let der: Vec<u8> = [&[0x02, bytes.len() as u8][..], &bytes].concat();
        let number = X509Extension::new_from_der(
            &openssl::asn1::Asn1Object::from_str("2.5.29.20").expect("an OID"),
            false,
            &openssl::asn1::Asn1OctetString::new_from_bytes(&der).expect("DER"),
        )
        .expect("a number");
        b.append_extension(number).expect("a number");
        b.sign(&self.key, MessageDigest::sha256()).expect("signed");
        let crl: X509Crl = b.build().expect("a list");
        crl.to_pem().expect("PEM")
    }
}

fn serial(n: u32) -> Asn1Integer {
    BigNum::from_u32(n)
        .and_then(|bn| bn.to_asn1_integer())
        .expect("a serial")
}
