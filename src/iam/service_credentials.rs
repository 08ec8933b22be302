//! Service-specific credentials: a user name and password for CodeCommit (Git) and Amazon Keyspaces,
//! or an API key (alias and secret) for Amazon Bedrock and CloudWatch Logs; at most two per user per
//! service. They are stored for the API's sake only; no service here accepts them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::Rng;
use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::credentials::{self as creds, CredentialRow, Kind};
use crate::store::{ids, page, users as user_store};

use super::{messages, quotas};

/// Services that issue a user name and password.
const PASSWORD_SERVICES: &[&str] = &["codecommit.amazonaws.com", "cassandra.amazonaws.com"];
/// Services that issue a long-term API key (alias and secret).
const API_KEY_SERVICES: &[&str] = &["bedrock.amazonaws.com", "logs.amazonaws.com"];

/// AWS answers NoSuchEntity (not the model's ServiceNotSupported) for any other service name,
/// recorded in LocalStack's AWS-validated snapshot `test_create_service_specific_credential_invalid_service`.
fn check_service(name: &str) -> ApiResult<()> {
    if PASSWORD_SERVICES.contains(&name) || API_KEY_SERVICES.contains(&name) {
        Ok(())
    } else {
        Err(errors::no_such_entity(format!(
            "No such service {name} is supported for Service Specific Credentials"
        )))
    }
}

fn is_api_key(service: &str) -> bool {
    API_KEY_SERVICES.contains(&service)
}

/// Recorded in LocalStack's AWS-validated snapshot `test_user_match_id_mismatch`.
fn no_such_credential(id: &str) -> ApiError {
    errors::no_such_entity(format!("No such credential {id} exists"))
}

/// A random secret: 32 bytes, base64 (44 characters).
fn secret() -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    STANDARD.encode(bytes)
}

fn owned(c: &Connection, user_id: &str, id: &str) -> ApiResult<CredentialRow> {
    match creds::by_id(c, Kind::Service, id)? {
        Some(k) if k.user_id == user_id => Ok(k),
        _ => Err(no_such_credential(id)),
    }
}

/// The full shape, with the password or secret (only on create and reset).
fn to_api(user: &str, k: CredentialRow) -> ServiceSpecificCredential {
    let service = k.service.unwrap_or_default();
    let api_key = is_api_key(&service);
    ServiceSpecificCredential {
        create_date: k.created,
        expiration_date: k.expires,
        service_user_name: (!api_key).then(|| k.service_user.clone()).flatten(),
        service_password: (!api_key).then(|| k.body.clone()),
        service_credential_alias: api_key.then(|| k.service_user.clone()).flatten(),
        service_credential_secret: api_key.then_some(k.body),
        service_name: service,
        service_specific_credential_id: k.id,
        user_name: user.to_string(),
        status: k.status,
    }
}

/// CreateServiceSpecificCredential.
pub fn create_service_specific_credential(
    ctx: &Ctx,
    input: CreateServiceSpecificCredentialRequest,
) -> ApiResult<CreateServiceSpecificCredentialResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::users::resource_arn(ctx, tx, &input.user_name)?)?;
        let u = super::users::load(tx, &input.user_name)?;
        check_service(&input.service_name)?;
        let per_service = creds::count_for_user(tx, Kind::Service, &u.id, Some(&input.service_name))?;
        if per_service >= quotas::SERVICE_CREDENTIALS_PER_USER_PER_SERVICE {
            return Err(messages::quota_exceeded(
                "ServiceSpecificCredentialsPerUserPerService",
                quotas::SERVICE_CREDENTIALS_PER_USER_PER_SERVICE,
            ));
        }
        let api_key = is_api_key(&input.service_name);
        let mut id = ids::unique_id("ACCA");
        id.truncate(20);
        let expires = match (api_key, input.credential_age_days) {
            (true, Some(days)) => ctx
                .now
                .checked_add(time::Duration::days(i64::from(days)))
                .map(crate::store::format_time),
            _ => None,
        };
        let service_user = if api_key {
            // Assumed shape: the user name plus a version and creation-time suffix.
            format!("{}+1-{}", u.name, ctx.now.unix_timestamp())
        } else {
            format!("{}-at-{}", u.name, ctx.account())
        };
        let row = CredentialRow {
            id,
            user_id: u.id.clone(),
            body: secret(),
            service: Some(input.service_name.clone()),
            service_user: Some(service_user),
            fingerprint: None,
            status: "Active".to_string(),
            created: ctx.now_iso(),
            expires,
        };
        creds::insert(tx, Kind::Service, &row)?;
        Ok(CreateServiceSpecificCredentialResponse {
            service_specific_credential: Some(to_api(&u.name, row)),
        })
    })
}

/// ListServiceSpecificCredentials: one user's (the caller's by default) or, with AllUsers, everyone's.
pub fn list_service_specific_credentials(
    ctx: &Ctx,
    input: ListServiceSpecificCredentialsRequest,
) -> ApiResult<ListServiceSpecificCredentialsResponse> {
    ctx.store().read(|c| {
        let all = input.all_users.unwrap_or(false);
        let arn = if all {
            ctx.iam_arn("user/*")
        } else {
            super::ssh_keys::user_arn(ctx, c, input.user_name.as_deref())?
        };
        ctx.authorize(c, &arn)?;
        if all && input.user_name.is_some() {
            return Err(errors::invalid_input(
                "AllUsers cannot be specified together with UserName.",
            ));
        }
        if let Some(s) = &input.service_name {
            check_service(s)?;
        }
        let user = if all {
            None
        } else {
            Some(super::user_or_caller(ctx, c, input.user_name.as_deref())?)
        };
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows = creds::list(
            c,
            Kind::Service,
            user.as_ref().map(|u| u.id.as_str()),
            input.service_name.as_deref(),
            after.as_deref(),
            limit,
        )?;
        let p = page::paginate(rows, limit, |k| k.id.clone());
        let mut out = Vec::with_capacity(p.items.len());
        for k in p.items {
            let user_name = match &user {
                Some(u) => u.name.clone(),
                None => user_store::by_id(c, &k.user_id)?.map(|u| u.name).unwrap_or_default(),
            };
            let full = to_api(&user_name, k);
            out.push(ServiceSpecificCredentialMetadata {
                user_name: full.user_name,
                status: full.status,
                service_user_name: full.service_user_name,
                service_credential_alias: full.service_credential_alias,
                create_date: full.create_date,
                expiration_date: full.expiration_date,
                service_specific_credential_id: full.service_specific_credential_id,
                service_name: full.service_name,
            });
        }
        Ok(ListServiceSpecificCredentialsResponse {
            service_specific_credentials: Some(out),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// ResetServiceSpecificCredential: a new password (or secret), returned once.
pub fn reset_service_specific_credential(
    ctx: &Ctx,
    input: ResetServiceSpecificCredentialRequest,
) -> ApiResult<ResetServiceSpecificCredentialResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::ssh_keys::user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        let mut k = owned(tx, &u.id, &input.service_specific_credential_id)?;
        k.body = secret();
        creds::set_body(tx, &k.id, &k.body)?;
        Ok(ResetServiceSpecificCredentialResponse {
            service_specific_credential: Some(to_api(&u.name, k)),
        })
    })
}

/// UpdateServiceSpecificCredential: Active/Inactive.
pub fn update_service_specific_credential(ctx: &Ctx, input: UpdateServiceSpecificCredentialRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::ssh_keys::user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        let k = owned(tx, &u.id, &input.service_specific_credential_id)?;
        creds::set_status(tx, &k.id, &input.status)?;
        Ok(())
    })
}

/// DeleteServiceSpecificCredential.
pub fn delete_service_specific_credential(ctx: &Ctx, input: DeleteServiceSpecificCredentialRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &super::ssh_keys::user_arn(ctx, tx, input.user_name.as_deref())?)?;
        let u = super::user_or_caller(ctx, tx, input.user_name.as_deref())?;
        let k = owned(tx, &u.id, &input.service_specific_credential_id)?;
        creds::delete(tx, &k.id)?;
        Ok(())
    })
}
