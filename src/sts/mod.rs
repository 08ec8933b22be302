//! STS operations: caller identity, temporary credentials for roles, users and federated users.

pub mod assume_root;
pub mod delegated_access;
pub mod federation;
pub mod saml;
pub mod session_tags;
pub mod sessions;
pub mod web_identity_token;

use rusqlite::Connection;

use crate::api::errors;
use crate::api::sts::*;
use std::sync::Arc;

use crate::accounts::Account;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Principal, Session, SessionSubject};
use crate::policy::{self, Decision, PolicyKind};
use crate::store::format_time;

/// Session policies (inline + managed) may pack to at most this many characters.
const PACKED_POLICY_LIMIT: usize = 2048;

/// GetCallerIdentity: always allowed, for every kind of principal.
pub fn get_caller_identity(ctx: &Ctx, _input: GetCallerIdentityRequest) -> ApiResult<GetCallerIdentityResponse> {
    Ok(GetCallerIdentityResponse {
        user_id: Some(ctx.principal.user_id(ctx.account())),
        account: Some(ctx.account().to_string()),
        arn: Some(ctx.caller_arn()),
    })
}

/// GetAccessKeyInfo: the account a key id names. Like AWS's, the key ids issued here carry their
/// account in their bits, so any well-formed `AKIA`/`ASIA` id answers, ours or not.
pub fn get_access_key_info(ctx: &Ctx, input: GetAccessKeyInfoRequest) -> ApiResult<GetAccessKeyInfoResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let account = if input.access_key_id == ctx.app.config.root_access_key_id {
            ctx.account().to_string()
        } else {
            crate::store::ids::account_of_key(&input.access_key_id).unwrap_or_else(|| ctx.account().to_string())
        };
        Ok(GetAccessKeyInfoResponse { account: Some(account) })
    })
}

pub(crate) fn credentials(issued: sessions::Issued) -> Credentials {
    Credentials {
        access_key_id: issued.access_key_id,
        secret_access_key: issued.secret,
        session_token: issued.token,
        expiration: time::OffsetDateTime::from_unix_timestamp(issued.expires)
            .map(format_time)
            .unwrap_or_default(),
    }
}

/// Validates session policies; returns (inline documents, managed policy ids, packed size in %).
pub(crate) fn session_policies(
    ctx: &Ctx,
    c: &Connection,
    inline: Option<&str>,
    arns: Option<&[PolicyDescriptorType]>,
) -> ApiResult<(Vec<String>, Vec<String>, Option<i32>)> {
    let mut docs = Vec::new();
    let mut size = 0usize;
    if let Some(doc) = inline {
        policy::parse_policy(doc, PolicyKind::Identity).map_err(|e| errors::malformed_policy_document(e.message))?;
        size += policy::policy_size(doc);
        docs.push(doc.to_string());
    }
    let mut ids = Vec::new();
    for d in arns.unwrap_or_default() {
        let Some(arn) = d.arn.as_deref() else { continue };
        let p = crate::iam::policies::find(ctx, c, arn).ok().flatten().ok_or_else(|| {
            ApiError::sender(
                "InvalidParameterValue",
                format!("Policy {arn} does not exist or is not attachable."),
            )
        })?;
        size += arn.len();
        ids.push(p.id().to_string());
    }
    if size > PACKED_POLICY_LIMIT {
        return Err(errors::packed_policy_too_large(format!(
            "Packed policy consumes {}% of allotted space, please use smaller policy.",
            size * 100 / PACKED_POLICY_LIMIT
        )));
    }
    let packed =
        (!docs.is_empty() || !ids.is_empty()).then(|| i32::try_from(size * 100 / PACKED_POLICY_LIMIT).unwrap_or(100));
    Ok((docs, ids, packed))
}

pub(crate) fn duration(requested: Option<i32>, default: i64, max: i64, what: &str) -> ApiResult<i64> {
    let d = requested.map(i64::from).unwrap_or(default.min(max));
    if d > max {
        return Err(ApiError::validation(format!(
            "The requested DurationSeconds exceeds the {what} set for this role."
        )));
    }
    Ok(d)
}

/// The account a role ARN names, when this server holds it.
pub(crate) fn role_account(ctx: &Ctx, arn: &str) -> Option<Arc<Account>> {
    let (_, account, _) = crate::iam::split_arn(arn)?;
    ctx.app.accounts.get(account)
}

/// The role an `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` names in `account`, if it exists.
pub(crate) fn role_by_arn(account: &str, c: &Connection, arn: &str) -> ApiResult<Option<crate::store::roles::RoleRow>> {
    let Some((_, in_account, resource)) = crate::iam::split_arn(arn) else {
        return Ok(None);
    };
    if in_account != account {
        return Ok(None);
    }
    let name = resource.rsplit('/').next().unwrap_or_default();
    Ok(crate::store::roles::by_name(c, name)?.filter(|r| crate::iam::roles::resource(r) == resource))
}

/// AssumeRole: the trust policy and the caller's own policies decide; the session carries the
/// role's permissions narrowed by any session policies. The role may live in another account:
/// the caller's side is read in the caller's account, the session is issued in the role's.
pub fn assume_role(ctx: &Ctx, input: AssumeRoleRequest) -> ApiResult<AssumeRoleResponse> {
    let now = ctx.now.unix_timestamp();
    let denied = || crate::authz::access_denied(&ctx.caller_arn(), "sts:AssumeRole", &input.role_arn, "");
    if ctx.principal.is_root() && ctx.app.config.enforce {
        return Err(ApiError::new(
            "AccessDenied",
            403,
            true,
            "Roles may not be assumed by root accounts.",
        ));
    }
    let issuer = ctx.in_account(role_account(ctx, &input.role_arn).ok_or_else(denied)?);
    let role = issuer
        .store()
        .read(|c| role_by_arn(issuer.account(), c, &input.role_arn))?
        .ok_or_else(denied)?;
    let (mfa, tags) = ctx.store().read(|c| {
        let mfa = caller_mfa(ctx, c, input.serial_number.as_deref(), input.token_code.as_deref())?;
        let mut extra: Vec<(String, Vec<String>)> =
            vec![("sts:RoleSessionName".into(), vec![input.role_session_name.clone()])];
        if let Some(id) = &input.external_id {
            extra.push(("sts:ExternalId".into(), vec![id.clone()]));
        }
        if let Some(si) = &input.source_identity {
            extra.push(("sts:SourceIdentity".into(), vec![si.clone()]));
        }
        let requested: Vec<(String, String)> = input
            .tags
            .iter()
            .flatten()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
        let tag_session = !requested.is_empty();
        extra.extend(crate::iam::tags::request_keys(&requested));
        let tags = session_tags::resolve(
            &ctx.principal,
            requested,
            input.transitive_tag_keys.clone().unwrap_or_default(),
        )?;
        extra.push(("aws:MultiFactorAuthPresent".into(), vec![mfa.to_string()]));
        if ctx.app.config.enforce {
            let trust =
                policy::parse_policy(&role.trust_policy, PolicyKind::Trust).map_err(|_| ApiError::internal())?;
            // Passing session tags also needs sts:TagSession, from the caller's policies and the
            // trust policy alike (IAM User Guide, "Permissions required to add session tags").
            let actions: &[&str] = if tag_session {
                &["sts:AssumeRole", "sts:TagSession"]
            } else {
                &["sts:AssumeRole"]
            };
            for action in actions {
                let outcome = crate::authz::evaluate(
                    ctx,
                    c,
                    action,
                    &input.role_arn,
                    &extra,
                    &[("trust-policy", &trust)],
                    true,
                )?;
                if outcome.decision != Decision::Allow {
                    return Err(crate::authz::access_denied(
                        &ctx.caller_arn(),
                        action,
                        &input.role_arn,
                        "",
                    ));
                }
            }
        }
        Ok((mfa, tags))
    })?;
    let chained = matches!(&ctx.principal, Principal::Session(s) if matches!(s.subject, SessionSubject::Role { .. }));
    let max = if chained { 3600 } else { role.max_session };
    let seconds = duration(input.duration_seconds, 3600, max, "MaxSessionDuration")?;
    issuer.store().write(|tx| {
        // The role may have gone between the check and now.
        let role = role_by_arn(issuer.account(), tx, &input.role_arn)?.ok_or_else(denied)?;
        let (docs, ids, packed) = session_policies(&issuer, tx, input.policy.as_deref(), input.policy_arns.as_deref())?;
        let subject = SessionSubject::Role {
            role: role.clone(),
            session_name: input.role_session_name.clone(),
        };
        let session = Session {
            mfa,
            policy_documents: docs,
            policy_ids: ids,
            tags: tags.tags,
            transitive_tag_keys: tags.transitive,
            source_identity: input.source_identity.clone(),
            ..Session::new(subject, now, now + seconds)
        };
        let issued = sessions::issue(tx, issuer.account(), &session, now)?;
        crate::store::roles::touch(tx, &role.id, &ctx.now_iso(), &ctx.region)?;
        let principal = Principal::Session(Box::new(session));
        Ok(AssumeRoleResponse {
            credentials: Some(credentials(issued)),
            assumed_role_user: Some(AssumedRoleUser {
                assumed_role_id: principal.user_id(issuer.account()),
                arn: principal.arn(ctx.partition, issuer.account()),
            }),
            packed_policy_size: packed,
            source_identity: input.source_identity.clone(),
            ..AssumeRoleResponse::default()
        })
    })
}

/// Whether the caller presented MFA: its own session's, or a valid code with this request.
fn caller_mfa(ctx: &Ctx, c: &Connection, serial: Option<&str>, code: Option<&str>) -> ApiResult<bool> {
    if let Principal::Session(s) = &ctx.principal {
        if s.mfa {
            return Ok(true);
        }
    }
    let (Some(serial), Some(code)) = (serial, code) else {
        return Ok(false);
    };
    let Some(user) = ctx.principal.iam_user() else {
        return Err(mfa_failed());
    };
    if crate::iam::mfa::check_code(ctx.now.unix_timestamp(), c, &user.id, serial, code)? {
        Ok(true)
    } else {
        Err(mfa_failed())
    }
}

fn mfa_failed() -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    )
}

/// GetSessionToken: long-term credentials only; with SerialNumber + TokenCode the session has MFA.
pub fn get_session_token(ctx: &Ctx, input: GetSessionTokenRequest) -> ApiResult<GetSessionTokenResponse> {
    let now = ctx.now.unix_timestamp();
    ctx.store().write(|tx| {
        // AWS requires no permission for GetSessionToken.
        let subject = match &ctx.principal {
            Principal::Root => SessionSubject::Root,
            Principal::User(u) => SessionSubject::User(u.clone()),
            _ => {
                return Err(ApiError::new(
                    "AccessDenied",
                    403,
                    true,
                    "Cannot call GetSessionToken with session credentials",
                ))
            }
        };
        let max = if matches!(subject, SessionSubject::Root) {
            3600
        } else {
            129_600
        };
        let seconds = duration(input.duration_seconds, 43_200, max, "maximum session duration")?;
        let mfa = caller_mfa(ctx, tx, input.serial_number.as_deref(), input.token_code.as_deref())?;
        let session = Session {
            mfa,
            ..Session::new(subject, now, now + seconds)
        };
        let issued = sessions::issue(tx, ctx.account(), &session, now)?;
        Ok(GetSessionTokenResponse {
            credentials: Some(credentials(issued)),
            ..GetSessionTokenResponse::default()
        })
    })
}

/// GetFederationToken: an IAM user's (or the root user's) permissions intersected with the passed
/// session policies. AWS lets the root user call it ("we don't recommend it", GetFederationToken
/// API reference); the session then lasts at most an hour.
pub fn get_federation_token(ctx: &Ctx, input: GetFederationTokenRequest) -> ApiResult<GetFederationTokenResponse> {
    let now = ctx.now.unix_timestamp();
    ctx.store().write(|tx| {
        let user = match &ctx.principal {
            Principal::User(user) => Some(user.clone()),
            Principal::Root => None,
            _ => {
                return Err(ApiError::new(
                    "AccessDenied",
                    403,
                    true,
                    "Only IAM users with long-term credentials can call GetFederationToken.",
                ))
            }
        };
        let resource = ctx
            .iam_arn(&format!("federated-user/{}", input.name))
            .replace(":iam::", ":sts::");
        ctx.authorize(tx, &resource)?;
        let max = if user.is_some() { 129_600 } else { 3_600 };
        let seconds = duration(input.duration_seconds, 43_200, max, "maximum session duration")?;
        let (docs, ids, packed) = session_policies(ctx, tx, input.policy.as_deref(), input.policy_arns.as_deref())?;
        let subject = SessionSubject::Federated {
            user,
            name: input.name.clone(),
        };
        let session = Session {
            policy_documents: docs,
            policy_ids: ids,
            tags: input
                .tags
                .iter()
                .flatten()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            ..Session::new(subject, now, now + seconds)
        };
        let issued = sessions::issue(tx, ctx.account(), &session, now)?;
        let principal = Principal::Session(Box::new(session));
        Ok(GetFederationTokenResponse {
            credentials: Some(credentials(issued)),
            federated_user: Some(FederatedUser {
                federated_user_id: principal.user_id(ctx.account()),
                arn: principal.arn(ctx.partition, ctx.account()),
            }),
            // Always present, 0 without session policies (AWS-recorded: LocalStack
            // test_sts.snapshot.json `test_get_federation_token`).
            packed_policy_size: packed.or(Some(0)),
            ..GetFederationTokenResponse::default()
        })
    })
}

/// GetScopedCredentials: the caller's own temporary session, narrowed by a scope-down policy and/or
/// a shorter lifetime. Long-term credentials cannot call it.
pub fn get_scoped_credentials(
    ctx: &Ctx,
    input: GetScopedCredentialsRequest,
) -> ApiResult<GetScopedCredentialsResponse> {
    let now = ctx.now.unix_timestamp();
    let Principal::Session(current) = &ctx.principal else {
        return Err(errors::invalid_subject_credentials(
            "GetScopedCredentials must be called with temporary security credentials.",
        ));
    };
    if input.policy.is_none() && input.duration_seconds.is_none() {
        return Err(ApiError::validation(
            "A request must provide at least one of Policy or DurationSeconds.",
        ));
    }
    ctx.store().write(|tx| {
        let mut session = current.as_ref().clone();
        if let Some(doc) = &input.policy {
            policy::parse_policy(doc, PolicyKind::Identity)
                .map_err(|e| errors::malformed_policy_document(e.message))?;
            session.scope_documents.push(doc.clone());
        }
        if let Some(d) = input.duration_seconds {
            let expires = now + i64::from(d);
            if expires > current.expires {
                return Err(errors::insufficient_session_lifetime(
                    "The requested DurationSeconds exceeds the remaining lifetime of the calling session.",
                ));
            }
            session.expires = expires;
        }
        let count = i32::try_from(session.scope_documents.len()).unwrap_or(i32::MAX);
        let issued = sessions::issue(tx, ctx.account(), &session, now)?;
        let principal = Principal::Session(Box::new(session));
        Ok(GetScopedCredentialsResponse {
            credentials: Some(credentials(issued)),
            session_info: Some(ScopedSession {
                scoped_session_id: principal.user_id(ctx.account()),
                arn: principal.arn(ctx.partition, ctx.account()),
            }),
            scoped_policies_count: Some(count),
            ..GetScopedCredentialsResponse::default()
        })
    })
}
