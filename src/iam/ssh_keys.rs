//! SSH public keys for CodeCommit: RSA keys of at least 2048 bits in OpenSSH (`ssh-rsa …`) or PEM
//! form, at most five per user, fingerprinted with MD5 over the OpenSSH key blob.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::credentials::{self as creds, CredentialRow, Kind};
use crate::store::{ids, page};

use super::{messages, pem, quotas};

/// The user ARN IAM authorizes per-user credential calls against (the caller's when no name is given).
pub fn user_arn(ctx: &Ctx, c: &Connection, name: Option<&str>) -> ApiResult<String> {
    match name {
        Some(n) => super::users::resource_arn(ctx, c, n),
        None => Ok(ctx.caller_arn()),
    }
}

fn no_such_key(id: &str) -> ApiError {
    errors::no_such_entity(format!("The Public Key with id {id} cannot be found."))
}

fn owned(c: &Connection, user_id: &str, id: &str) -> ApiResult<CredentialRow> {
    match creds::by_id(c, Kind::Ssh, id)? {
        Some(k) if k.user_id == user_id => Ok(k),
        _ => Err(no_such_key(id)),
    }
}

fn to_api(user: &str, k: CredentialRow, body: String) -> SSHPublicKey {
    SSHPublicKey {
        user_name: user.to_string(),
        ssh_public_key_id: k.id,
        fingerprint: k.fingerprint.unwrap_or_default(),
        ssh_public_key_body: body,
        status: k.status,
        upload_date: Some(k.created),
    }
}

/// UploadSSHPublicKey.
pub fn upload_ssh_public_key(ctx: &Ctx, input: UploadSSHPublicKeyRequest) -> ApiResult<UploadSSHPublicKeyResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        let key = pem::parse_rsa_public_key(&input.ssh_public_key_body)
            .ok_or_else(|| errors::invalid_public_key("The public key is malformed or otherwise invalid."))?;
        if key.bits() < 2048 {
            return Err(errors::invalid_public_key(
                "The public key must be an RSA key of at least 2048 bits.",
            ));
        }
        let fingerprint = pem::md5_fingerprint(&key.ssh_blob());
        if creds::fingerprint_exists(tx, &u.id, &fingerprint)? {
            return Err(errors::duplicate_ssh_public_key(
                "The SSH public key is already associated with the specified IAM user.",
            ));
        }
        if creds::count_for_user(tx, Kind::Ssh, &u.id, None)? >= quotas::SSH_PUBLIC_KEYS_PER_USER {
            return Err(messages::quota_exceeded(
                "PublicKeysPerUser",
                quotas::SSH_PUBLIC_KEYS_PER_USER,
            ));
        }
        let mut id = ids::unique_id("APKA");
        id.truncate(20);
        let row = CredentialRow {
            id,
            user_id: u.id.clone(),
            body: input.ssh_public_key_body.trim().to_string(),
            service: None,
            service_user: None,
            fingerprint: Some(fingerprint),
            status: "Active".to_string(),
            created: ctx.now_iso(),
            expires: None,
        };
        creds::insert(tx, Kind::Ssh, &row)?;
        let body = row.body.clone();
        Ok(UploadSSHPublicKeyResponse {
            ssh_public_key: Some(to_api(&u.name, row, body)),
        })
    })
}

/// GetSSHPublicKey in the requested encoding (SSH or PEM), converted when uploaded in the other.
pub fn get_ssh_public_key(ctx: &Ctx, input: GetSSHPublicKeyRequest) -> ApiResult<GetSSHPublicKeyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &super::users::resource_arn(ctx, c, &input.user_name)?)?;
        let u = super::users::load(c, &input.user_name)?;
        let k = owned(c, &u.id, &input.ssh_public_key_id)?;
        let is_pem = k.body.starts_with("-----BEGIN");
        let key = pem::parse_rsa_public_key(&k.body);
        let body = match (input.encoding.as_str(), is_pem, key) {
            ("SSH", false, _) | ("PEM", true, _) => k.body.clone(),
            ("SSH", true, Some(key)) => key.to_ssh(),
            ("PEM", false, Some(key)) => key.to_pem(),
            _ => {
                return Err(errors::unrecognized_public_key_encoding(format!(
                    "The encoding {} is not recognized.",
                    input.encoding
                )))
            }
        };
        Ok(GetSSHPublicKeyResponse {
            ssh_public_key: Some(to_api(&u.name, k, body)),
        })
    })
}

/// ListSSHPublicKeys (metadata only).
pub fn list_ssh_public_keys(ctx: &Ctx, input: ListSSHPublicKeysRequest) -> ApiResult<ListSSHPublicKeysResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &user_arn(ctx, c, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, c, input.user_name.as_deref())?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows = creds::list(c, Kind::Ssh, Some(&u.id), None, after.as_deref(), limit)?;
        let p = page::paginate(rows, limit, |k| k.id.clone());
        Ok(ListSSHPublicKeysResponse {
            ssh_public_keys: Some(
                p.items
                    .into_iter()
                    .map(|k| SSHPublicKeyMetadata {
                        user_name: u.name.clone(),
                        ssh_public_key_id: k.id,
                        status: k.status,
                        upload_date: k.created,
                    })
                    .collect(),
            ),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// UpdateSSHPublicKey: Active/Inactive.
pub fn update_ssh_public_key(ctx: &Ctx, input: UpdateSSHPublicKeyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        let k = owned(tx, &u.id, &input.ssh_public_key_id)?;
        creds::set_status(tx, &k.id, &input.status)?;
        Ok(())
    })
}

/// DeleteSSHPublicKey.
pub fn delete_ssh_public_key(ctx: &Ctx, input: DeleteSSHPublicKeyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        let k = owned(tx, &u.id, &input.ssh_public_key_id)?;
        creds::delete(tx, &k.id)?;
        Ok(())
    })
}
