//! Document scans attached to the profile (DOMAIN §5): JPEG, PNG or PDF judged by content, at
//! most 5 MB, one per document; and the "find my INN" request to the tax registry.

use base64::Engine;
use kabinet_api::{
    ApiError, ById, Context, Empty, ErrorCode, InnLookup, ProfileForm, ScanDocument, ScanInfo,
    ScanUpload, Scans,
};
use kabinet_core::account::{Actor, Command, Level, SecurityAction};
use kabinet_core::scan::{MAX_SCAN_BYTES, ScanType};
use kabinet_store::documents::{self as store, Scan};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::repo::{self, Extras};

fn document_str(document: ScanDocument) -> &'static str {
    match document {
        ScanDocument::PassportMain => "passport_main",
        ScanDocument::Snils => "snils",
        ScanDocument::SelfieWithPassport => "selfie_with_passport",
    }
}

fn document_of(text: &str) -> ScanDocument {
    match text {
        "snils" => ScanDocument::Snils,
        "selfie_with_passport" => ScanDocument::SelfieWithPassport,
        _ => ScanDocument::PassportMain,
    }
}

impl Service {
    pub(crate) async fn profile_scan_upload(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: ScanUpload,
    ) -> Outcome<ScanInfo> {
        let account_id = citizen.account.id;
        // Refuse an oversized upload before decoding it.
        if request.content_base64.len() > MAX_SCAN_BYTES / 3 * 4 + 8 {
            let mut errors = kabinet_core::FieldErrors::default();
            errors.add(
                "content",
                vec![
                    kabinet_core::Violation::new("file_too_large")
                        .with("max_mb", MAX_SCAN_BYTES / (1024 * 1024)),
                ],
            );
            return Err(error::fields(errors));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(request.content_base64.trim())
            .map_err(|_| ApiError::field("content", "not_base64"))?;
        let kind = ScanType::sniff(&bytes).map_err(|violations| {
            let mut errors = kabinet_core::FieldErrors::default();
            errors.add("content", violations);
            error::fields(errors)
        })?;
        let document = document_str(request.document);
        let now = self.now();
        let row = Scan {
            id: Uuid::now_v7(),
            account_id,
            document: document.to_owned(),
            content_type: kind.mime().to_owned(),
            size_bytes: bytes.len() as i64,
            sha256: Sha256::digest(&bytes).to_vec(),
            bytes,
            uploaded_at: now,
        };
        // One statement pair in one transaction: the old scan goes only if the new one lands.
        let tx = self.begin().await?;
        let row = store::replace_scan(&tx, row).await.map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(info(
            &row.id,
            &row.document,
            &row.content_type,
            row.size_bytes,
            row.uploaded_at,
        ))
    }

    pub(crate) async fn profile_scans(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Scans> {
        // Only the metadata: the bytes stay in the database.
        let rows = store::scans(self.conn(), citizen.account.id)
            .await
            .map_err(error::store)?;
        Ok(Scans {
            scans: rows
                .iter()
                .map(|s| {
                    info(
                        &s.id,
                        &s.document,
                        &s.content_type,
                        s.size_bytes,
                        s.uploaded_at,
                    )
                })
                .collect(),
        })
    }

    pub(crate) async fn profile_scan_delete(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: ById,
    ) -> Outcome<Empty> {
        let deleted = store::delete_scan(self.conn(), citizen.account.id, request.id)
            .await
            .map_err(error::store)?;
        if !deleted {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        Ok(Empty {})
    }

    pub(crate) async fn profile_find_inn(
        &self,
        citizen: Citizen,
        context: &Context,
        _request: Empty,
    ) -> Outcome<InnLookup> {
        let account_id = citizen.account.id;
        let mut row = self.profile_row(self.conn(), account_id).await?;
        let mut form: ProfileForm = row
            .submitted
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| {
                ApiError::new(ErrorCode::NotAllowed)
                    .with_message("Сначала заполните и отправьте профиль")
            })?;
        let query = crate::verify::person_query(&form);
        let inn = self
            .inner
            .ports
            .registries
            .find_inn(&query)
            .await
            .map_err(|_| ApiError::new(ErrorCode::Unavailable))?;
        let Some(inn) = inn else {
            return Ok(InnLookup { inn: None });
        };
        if form.inn == inn {
            return Ok(InnLookup { inn: Some(inn) });
        }
        form.inn = inn.clone();
        row.submitted = Some(serde_json::to_value(&form).map_err(|e| error::internal(&e))?);
        let tx = self.begin().await?;
        // Once the data is verified the INN is a login too (DOMAIN §4: "INN once known").
        if citizen.account.state.level > Level::Simplified {
            repo::execute(
                &tx,
                &citizen.account,
                &Command::RecordSecurity {
                    action: SecurityAction::InnAdded,
                },
                &self.by(&Actor::System, context),
                Extras {
                    claim: vec![("inn".to_owned(), inn.clone())],
                    release: Vec::new(),
                },
            )
            .await?;
        }
        self.save_profile_row(&tx, row).await?;
        tx.commit().await.map_err(error::store)?;
        Ok(InnLookup { inn: Some(inn) })
    }
}

fn info(
    id: &Uuid,
    document: &str,
    content_type: &str,
    size: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> ScanInfo {
    ScanInfo {
        id: *id,
        document: document_of(document),
        content_type: content_type.to_owned(),
        size_bytes: u64::try_from(size).unwrap_or_default(),
        uploaded_at: at,
    }
}
