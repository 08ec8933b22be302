//! Server certificates (account-wide, for HTTPS listeners) and signing certificates (per user,
//! X.509 for SOAP). Bodies must be PEM certificates; Expiration is read from the certificate's
//! notAfter. Signatures and key-pair matching are not checked.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::certificates::{self as store, ServerCertRow};
use crate::store::credentials::{self as creds, CredentialRow, Kind as CredKind};
use crate::store::tags::Kind;
use crate::store::{ids, page, tags};

use super::{messages, pem, quotas};

fn no_such_server_certificate(name: &str) -> ApiError {
    errors::no_such_entity(format!("The Server Certificate with name {name} cannot be found."))
}

fn no_such_signing_certificate(id: &str) -> ApiError {
    errors::no_such_entity(format!("The Certificate with id {id} cannot be found."))
}

fn malformed() -> ApiError {
    errors::malformed_certificate("Unable to parse certificate. Please ensure the certificate is in PEM format.")
}

/// Loads a server certificate by name or answers NoSuchEntity.
fn load(c: &Connection, name: &str) -> ApiResult<ServerCertRow> {
    store::by_name(c, name)?.ok_or_else(|| no_such_server_certificate(name))
}

fn cert_resource(path: &str, name: &str) -> String {
    format!("server-certificate{path}{name}")
}

/// The ARN IAM authorizes against: the real one when the certificate exists, else `server-certificate/NAME`.
fn resource_arn(ctx: &Ctx, c: &Connection, name: &str) -> ApiResult<String> {
    Ok(match store::by_name(c, name)? {
        Some(s) => ctx.iam_arn(&cert_resource(&s.path, &s.name)),
        None => ctx.iam_arn(&cert_resource("/", name)),
    })
}

fn metadata(ctx: &Ctx, s: &ServerCertRow) -> ServerCertificateMetadata {
    ServerCertificateMetadata {
        path: s.path.clone(),
        server_certificate_name: s.name.clone(),
        server_certificate_id: s.id.clone(),
        arn: ctx.iam_arn(&cert_resource(&s.path, &s.name)),
        upload_date: Some(s.uploaded.clone()),
        expiration: Some(s.expiration.clone()),
    }
}

fn api_tags(list: Vec<(String, String)>) -> Option<Vec<Tag>> {
    (!list.is_empty()).then(|| list.into_iter().map(|(key, value)| Tag { key, value }).collect())
}

/// UploadServerCertificate.
pub fn upload_server_certificate(
    ctx: &Ctx,
    input: UploadServerCertificateRequest,
) -> ApiResult<UploadServerCertificateResponse> {
    let path = input.path.clone().unwrap_or_else(|| "/".to_string());
    let new_tags = super::tags::pairs(input.tags.iter().flatten().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        let arn = ctx.iam_arn(&cert_resource(&path, &input.server_certificate_name));
        ctx.authorize_with(tx, &arn, &super::tags::request_keys(&new_tags))?;
        super::tags::check_request(&new_tags)?;
        let expiration = pem::pem_cert_not_after(&input.certificate_body).ok_or_else(malformed)?;
        if !pem::blocks(&input.private_key).is_some_and(|b| b.iter().all(|(l, _)| l.ends_with("PRIVATE KEY"))) {
            return Err(errors::malformed_certificate(
                "Unable to parse private key. Please ensure the private key is in PEM format.",
            ));
        }
        if let Some(chain) = &input.certificate_chain {
            if !pem::blocks(chain).is_some_and(|b| b.iter().all(|(l, _)| l == "CERTIFICATE")) {
                return Err(errors::malformed_certificate(
                    "Unable to parse certificate chain. Please ensure the chain is in PEM format.",
                ));
            }
        }
        if store::by_name(tx, &input.server_certificate_name)?.is_some() {
            return Err(errors::entity_already_exists(format!(
                "The Server Certificate with name {} already exists.",
                input.server_certificate_name
            )));
        }
        if store::count(tx)? >= quotas::SERVER_CERTIFICATES {
            return Err(messages::quota_exceeded(
                "ServerCertificatesPerAccount",
                quotas::SERVER_CERTIFICATES,
            ));
        }
        let row = ServerCertRow {
            id: ids::unique_id("ASCA"),
            name: input.server_certificate_name.clone(),
            path: path.clone(),
            body: input.certificate_body.trim().to_string(),
            private_key: input.private_key.clone(),
            chain: input.certificate_chain.as_ref().map(|c| c.trim().to_string()),
            uploaded: ctx.now_iso(),
            expiration,
        };
        store::insert(tx, &row)?;
        tags::put(tx, Kind::ServerCertificate, &row.id, &new_tags)?;
        Ok(UploadServerCertificateResponse {
            server_certificate_metadata: Some(metadata(ctx, &row)),
            tags: api_tags(tags::list(tx, Kind::ServerCertificate, &row.id)?),
        })
    })
}

/// GetServerCertificate: body and chain, never the private key.
pub fn get_server_certificate(
    ctx: &Ctx,
    input: GetServerCertificateRequest,
) -> ApiResult<GetServerCertificateResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.server_certificate_name)?)?;
        let s = load(c, &input.server_certificate_name)?;
        Ok(GetServerCertificateResponse {
            server_certificate: ServerCertificate {
                server_certificate_metadata: metadata(ctx, &s),
                certificate_body: s.body.clone(),
                certificate_chain: s.chain.clone(),
                tags: api_tags(tags::list(c, Kind::ServerCertificate, &s.id)?),
            },
        })
    })
}

/// ListServerCertificates.
pub fn list_server_certificates(
    ctx: &Ctx,
    input: ListServerCertificatesRequest,
) -> ApiResult<ListServerCertificatesResponse> {
    ctx.store().read(|c| {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
        ctx.authorize(c, &ctx.iam_arn(&format!("server-certificate{prefix}")))?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::list(c, &prefix, after.as_deref(), limit)?, limit, |s| {
            s.name.clone()
        });
        Ok(ListServerCertificatesResponse {
            server_certificate_metadata_list: p.items.iter().map(|s| metadata(ctx, s)).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// UpdateServerCertificate: rename and/or move.
pub fn update_server_certificate(ctx: &Ctx, input: UpdateServerCertificateRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.server_certificate_name)?)?;
        let s = load(tx, &input.server_certificate_name)?;
        let name = input
            .new_server_certificate_name
            .clone()
            .unwrap_or_else(|| s.name.clone());
        let path = input.new_path.clone().unwrap_or_else(|| s.path.clone());
        if let Some(other) = store::by_name(tx, &name)? {
            if other.id != s.id {
                return Err(errors::entity_already_exists(format!(
                    "The Server Certificate with name {name} already exists."
                )));
            }
        }
        store::update_name_path(tx, &s.id, &name, &path)?;
        Ok(())
    })
}

/// DeleteServerCertificate.
pub fn delete_server_certificate(ctx: &Ctx, input: DeleteServerCertificateRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.server_certificate_name)?)?;
        let s = load(tx, &input.server_certificate_name)?;
        tags::clear(tx, Kind::ServerCertificate, &s.id)?;
        store::delete(tx, &s.id)?;
        Ok(())
    })
}

/// TagServerCertificate.
pub fn tag_server_certificate(ctx: &Ctx, input: TagServerCertificateRequest) -> ApiResult<()> {
    let new = super::tags::pairs(input.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        let arn = resource_arn(ctx, tx, &input.server_certificate_name)?;
        ctx.authorize_with(tx, &arn, &super::tags::request_keys(&new))?;
        let s = load(tx, &input.server_certificate_name)?;
        super::tags::add(tx, Kind::ServerCertificate, &s.id, &new)
    })
}

/// UntagServerCertificate.
pub fn untag_server_certificate(ctx: &Ctx, input: UntagServerCertificateRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.server_certificate_name)?)?;
        let s = load(tx, &input.server_certificate_name)?;
        tags::remove(tx, Kind::ServerCertificate, &s.id, &input.tag_keys)?;
        Ok(())
    })
}

/// ListServerCertificateTags.
pub fn list_server_certificate_tags(
    ctx: &Ctx,
    input: ListServerCertificateTagsRequest,
) -> ApiResult<ListServerCertificateTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.server_certificate_name)?)?;
        let s = load(c, &input.server_certificate_name)?;
        let p = super::tags::page(
            c,
            Kind::ServerCertificate,
            &s.id,
            input.marker.as_deref(),
            input.max_items,
        )?;
        Ok(ListServerCertificateTagsResponse {
            tags: p.items.into_iter().map(|(key, value)| Tag { key, value }).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// A 32-character certificate id in the alphabet of IAM's ids.
fn signing_certificate_id() -> String {
    let mut id = format!("{}{}", ids::unique_id(""), ids::unique_id(""));
    id.truncate(32);
    id
}

fn signing_to_api(user: &str, k: CredentialRow) -> SigningCertificate {
    SigningCertificate {
        user_name: user.to_string(),
        certificate_id: k.id,
        certificate_body: k.body,
        status: k.status,
        upload_date: Some(k.created),
    }
}

fn owned_signing(c: &Connection, user_id: &str, id: &str) -> ApiResult<CredentialRow> {
    match creds::by_id(c, CredKind::Signing, id)? {
        Some(k) if k.user_id == user_id => Ok(k),
        _ => Err(no_such_signing_certificate(id)),
    }
}

/// UploadSigningCertificate: at most two per user; the same certificate only once in the account.
pub fn upload_signing_certificate(
    ctx: &Ctx,
    input: UploadSigningCertificateRequest,
) -> ApiResult<UploadSigningCertificateResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::ssh_keys::user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        pem::pem_cert_not_after(&input.certificate_body).ok_or_else(malformed)?;
        // The body comes back exactly as uploaded (AWS-recorded: moto's aws_verified
        // test_signing_certs compares it with the PEM sent, trailing newline included).
        let body = input.certificate_body.clone();
        if creds::body_exists(tx, CredKind::Signing, None, &body)? {
            return Err(errors::duplicate_certificate(
                "The same certificate is already associated with an IAM user in the account.",
            ));
        }
        // AWS-recorded quota name: moto's aws_verified test_create_too_many_certificates.
        if creds::count_for_user(tx, CredKind::Signing, &u.id, None)? >= quotas::SIGNING_CERTIFICATES_PER_USER {
            return Err(messages::quota_exceeded(
                "CertificatesPerUser",
                quotas::SIGNING_CERTIFICATES_PER_USER,
            ));
        }
        let row = CredentialRow {
            id: signing_certificate_id(),
            user_id: u.id.clone(),
            body,
            service: None,
            service_user: None,
            fingerprint: None,
            status: "Active".to_string(),
            created: ctx.now_iso(),
            expires: None,
        };
        creds::insert(tx, CredKind::Signing, &row)?;
        Ok(UploadSigningCertificateResponse {
            certificate: signing_to_api(&u.name, row),
        })
    })
}

/// ListSigningCertificates.
pub fn list_signing_certificates(
    ctx: &Ctx,
    input: ListSigningCertificatesRequest,
) -> ApiResult<ListSigningCertificatesResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &super::ssh_keys::user_arn(ctx, c, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, c, input.user_name.as_deref())?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows = creds::list(c, CredKind::Signing, Some(&u.id), None, after.as_deref(), limit)?;
        let p = page::paginate(rows, limit, |k| k.id.clone());
        Ok(ListSigningCertificatesResponse {
            certificates: p.items.into_iter().map(|k| signing_to_api(&u.name, k)).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// UpdateSigningCertificate: Active/Inactive.
pub fn update_signing_certificate(ctx: &Ctx, input: UpdateSigningCertificateRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::ssh_keys::user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        let k = owned_signing(tx, &u.id, &input.certificate_id)?;
        creds::set_status(tx, &k.id, &input.status)?;
        Ok(())
    })
}

/// DeleteSigningCertificate.
pub fn delete_signing_certificate(ctx: &Ctx, input: DeleteSigningCertificateRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::ssh_keys::user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        let k = owned_signing(tx, &u.id, &input.certificate_id)?;
        creds::delete(tx, &k.id)?;
        Ok(())
    })
}
