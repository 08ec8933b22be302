//! IAM rules, one file per resource family. Handlers authorize first, then check and change state
//! in one store transaction.

pub mod access_advisor;
pub mod access_keys;
pub mod account;
pub mod attachments;
pub mod authorization_details;
pub mod boundaries;
pub mod certificates;
pub mod credential_report;
pub mod delegation;
pub mod entities;
pub mod groups;
pub mod inline_policies;
pub mod instance_profiles;
pub mod login_profiles;
pub mod messages;
pub mod mfa;
pub mod oidc_context;
pub mod org_access_report;
pub mod outbound_federation;
pub mod password_policy;
pub mod pem;
pub mod policies;
pub mod policy_versions;
pub mod providers;
pub mod quotas;
pub mod role_policies;
pub mod role_templates;
pub mod roles;
pub mod service_credentials;
pub mod service_linked_roles;
pub mod simulate;
pub mod ssh_keys;
pub mod tags;
pub mod users;

use rusqlite::Connection;

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::users::UserRow;

/// The user named by `name`, or the caller when `name` is absent (IAM's "defaults to the caller").
pub fn user_or_caller(ctx: &Ctx, c: &Connection, name: Option<&str>) -> ApiResult<UserRow> {
    match name {
        Some(n) => users::load(c, n),
        None => match ctx.principal.iam_user() {
            Some(u) => crate::store::users::by_id(c, &u.id)?.ok_or_else(|| messages::no_such_user(&u.name)),
            None if ctx.principal.is_root() => Err(messages::root_has_no_user()),
            None => Err(messages::user_name_required()),
        },
    }
}

/// Splits an IAM ARN `arn:PARTITION:iam::ACCOUNT:RESOURCE` into (partition, account, resource);
/// `None` for anything else (another service, a region, too few parts).
pub fn split_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) => {
            Some((partition, account, resource))
        }
        _ => None,
    }
}

/// `user/PATH/NAME` for a user, used in ARNs.
pub fn user_resource(u: &UserRow) -> String {
    u.resource()
}

/// Refuses to delete a user or group that still has managed or inline policies.
pub fn dependents_check(c: &Connection, entity_kind: &str, entity_id: &str) -> ApiResult<()> {
    let attached: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM attachments WHERE entity_kind = ?1 AND entity_id = ?2")?
        .query_row([entity_kind, entity_id], |r| r.get(0))?;
    if attached > 0 {
        return Err(messages::delete_conflict("detach all policies"));
    }
    let inline: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM inline_policies WHERE entity_kind = ?1 AND entity_id = ?2")?
        .query_row([entity_kind, entity_id], |r| r.get(0))?;
    if inline > 0 {
        return Err(messages::delete_conflict("delete policies"));
    }
    Ok(())
}

/// A permissions boundary must name an existing managed policy; returns its id.
pub fn resolve_boundary(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<String> {
    match policies::find(ctx, c, arn) {
        Ok(Some(p)) => Ok(p.id().to_string()),
        _ => Err(crate::api::errors::no_such_entity(format!(
            "Scope ARN: {arn} does not exist or is not attachable."
        ))),
    }
}

/// The AttachedPermissionsBoundary shape for a stored boundary policy id.
pub fn boundary_to_api(
    ctx: &Ctx,
    c: &Connection,
    id: Option<&str>,
) -> ApiResult<Option<crate::api::iam::AttachedPermissionsBoundary>> {
    let Some(id) = id else { return Ok(None) };
    Ok(
        policies::by_id(c, id)?.map(|p| crate::api::iam::AttachedPermissionsBoundary {
            permissions_boundary_type: Some("PermissionsBoundaryPolicy".to_string()),
            permissions_boundary_arn: Some(p.arn(ctx)),
        }),
    )
}

/// Counts for GetAccountSummary that span several families.
#[derive(Default)]
pub struct SummaryCounts {
    /// Customer managed policies.
    pub policies: i64,
    /// Versions of customer managed policies.
    pub policy_versions_in_use: i64,
    /// Roles.
    pub roles: i64,
    /// Instance profiles.
    pub instance_profiles: i64,
    /// Identity providers.
    pub providers: i64,
    /// MFA devices.
    pub mfa_devices: i64,
    /// MFA devices assigned to a user.
    pub mfa_devices_in_use: i64,
    /// Server certificates.
    pub server_certificates: i64,
}

/// Reads the cross-family counts.
pub fn summary_counts(c: &Connection) -> ApiResult<SummaryCounts> {
    let count = |sql: &str| -> ApiResult<i64> { Ok(c.prepare_cached(sql)?.query_row([], |r| r.get(0))?) };
    Ok(SummaryCounts {
        policies: count("SELECT COUNT(*) FROM policies")?,
        policy_versions_in_use: count("SELECT COUNT(*) FROM policy_versions")?,
        roles: count("SELECT COUNT(*) FROM roles")?,
        instance_profiles: count("SELECT COUNT(*) FROM instance_profiles")?,
        providers: count("SELECT (SELECT COUNT(*) FROM oidc_providers) + (SELECT COUNT(*) FROM saml_providers)")?,
        mfa_devices: count("SELECT COUNT(*) FROM mfa_devices")?,
        mfa_devices_in_use: count("SELECT COUNT(*) FROM mfa_devices WHERE user_id IS NOT NULL")?,
        server_certificates: count("SELECT COUNT(*) FROM server_certificates")?,
    })
}
