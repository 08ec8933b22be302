//! Account-wide operations: the alias and the summary of counts and quotas.

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::{account, groups, page, users};

use super::quotas;

/// CreateAccountAlias: an account has one alias; a new one replaces it.
pub fn create_account_alias(ctx: &Ctx, input: CreateAccountAliasRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        account::set_alias(tx, &input.account_alias)?;
        Ok(())
    })
}

/// ListAccountAliases.
pub fn list_account_aliases(ctx: &Ctx, input: ListAccountAliasesRequest) -> ApiResult<ListAccountAliasesResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows: Vec<String> = account::aliases(c)?
            .into_iter()
            .filter(|a| after.as_deref().is_none_or(|m| a.as_str() > m))
            .collect();
        let p = page::paginate(rows.into_iter().take(limit + 1).collect(), limit, Clone::clone);
        Ok(ListAccountAliasesResponse {
            account_aliases: p.items,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// DeleteAccountAlias.
pub fn delete_account_alias(ctx: &Ctx, input: DeleteAccountAliasRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        if !account::delete_alias(tx, &input.account_alias)? {
            return Err(errors::no_such_entity(format!(
                "The account alias {} cannot be found.",
                input.account_alias
            )));
        }
        Ok(())
    })
}

/// GetAccountSummary: real counts beside the quotas.
pub fn get_account_summary(ctx: &Ctx) -> ApiResult<GetAccountSummaryResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let counts = crate::iam::summary_counts(c)?;
        let q = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        let u = |v: usize| i32::try_from(v).unwrap_or(i32::MAX);
        let mut map: Vec<(String, i32)> = vec![
            ("Users".into(), q(users::count(c)?)),
            ("UsersQuota".into(), q(quotas::USERS)),
            ("Groups".into(), q(groups::count(c)?)),
            ("GroupsQuota".into(), q(quotas::GROUPS)),
            ("ServerCertificates".into(), q(counts.server_certificates)),
            ("ServerCertificatesQuota".into(), q(quotas::SERVER_CERTIFICATES)),
            ("UserPolicySizeQuota".into(), u(quotas::USER_POLICY_SIZE)),
            ("GroupPolicySizeQuota".into(), u(quotas::GROUP_POLICY_SIZE)),
            ("GroupsPerUserQuota".into(), q(quotas::GROUPS_PER_USER)),
            (
                "SigningCertificatesPerUserQuota".into(),
                q(quotas::SIGNING_CERTIFICATES_PER_USER),
            ),
            ("AccessKeysPerUserQuota".into(), q(quotas::ACCESS_KEYS_PER_USER)),
            ("MFADevices".into(), q(counts.mfa_devices)),
            ("MFADevicesInUse".into(), q(counts.mfa_devices_in_use)),
            ("AccountMFAEnabled".into(), 0),
            ("AccountAccessKeysPresent".into(), 0),
            ("AccountPasswordPresent".into(), 0),
            ("AccountSigningCertificatesPresent".into(), 0),
            ("AttachedPoliciesPerGroupQuota".into(), q(quotas::ATTACHED_POLICIES)),
            ("AttachedPoliciesPerRoleQuota".into(), q(quotas::ATTACHED_POLICIES)),
            ("AttachedPoliciesPerUserQuota".into(), q(quotas::ATTACHED_POLICIES)),
            ("Policies".into(), q(counts.policies)),
            ("PoliciesQuota".into(), q(quotas::POLICIES)),
            ("PolicySizeQuota".into(), u(quotas::POLICY_SIZE)),
            ("PolicyVersionsInUse".into(), q(counts.policy_versions_in_use)),
            ("PolicyVersionsInUseQuota".into(), 10000),
            ("VersionsPerPolicyQuota".into(), q(quotas::VERSIONS_PER_POLICY)),
            ("GlobalEndpointTokenVersion".into(), token_version(c)?),
            ("AssumeRolePolicySizeQuota".into(), u(quotas::ASSUME_ROLE_POLICY_SIZE)),
            ("InstanceProfiles".into(), q(counts.instance_profiles)),
            ("InstanceProfilesQuota".into(), q(quotas::INSTANCE_PROFILES)),
            ("Providers".into(), q(counts.providers)),
            ("RolePolicySizeQuota".into(), u(quotas::ROLE_POLICY_SIZE)),
            ("Roles".into(), q(counts.roles)),
            ("RolesQuota".into(), q(quotas::ROLES)),
        ];
        map.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(GetAccountSummaryResponse { summary_map: Some(map) })
    })
}

/// `GlobalEndpointTokenVersion`: 1 (v1Token, the default) or 2.
fn token_version(c: &rusqlite::Connection) -> ApiResult<i32> {
    Ok(if account::setting(c, TOKEN_VERSION)?.as_deref() == Some("v2Token") {
        2
    } else {
        1
    })
}

const TOKEN_VERSION: &str = "GlobalEndpointTokenVersion";

/// SetSecurityTokenServicePreferences: which token version the global STS endpoint issues.
pub fn set_security_token_service_preferences(
    ctx: &Ctx,
    input: SetSecurityTokenServicePreferencesRequest,
) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        account::set_setting(tx, TOKEN_VERSION, &input.global_endpoint_token_version)?;
        Ok(())
    })
}

/// Organizations features answer as they do for an account that belongs to no organization.
fn no_organization(ctx: &Ctx) -> ApiResult<()> {
    ctx.store().read(|c| ctx.authorize(c, "*"))?;
    Err(errors::organization_not_found(
        "The request was rejected because no organization is associated with your account.",
    ))
}

/// ListOrganizationsFeatures.
pub fn list_organizations_features(
    ctx: &Ctx,
    _input: ListOrganizationsFeaturesRequest,
) -> ApiResult<ListOrganizationsFeaturesResponse> {
    no_organization(ctx).map(|()| ListOrganizationsFeaturesResponse::default())
}

/// EnableOrganizationsRootCredentialsManagement.
pub fn enable_organizations_root_credentials_management(
    ctx: &Ctx,
    _input: EnableOrganizationsRootCredentialsManagementRequest,
) -> ApiResult<EnableOrganizationsRootCredentialsManagementResponse> {
    no_organization(ctx).map(|()| EnableOrganizationsRootCredentialsManagementResponse::default())
}

/// DisableOrganizationsRootCredentialsManagement.
pub fn disable_organizations_root_credentials_management(
    ctx: &Ctx,
    _input: DisableOrganizationsRootCredentialsManagementRequest,
) -> ApiResult<DisableOrganizationsRootCredentialsManagementResponse> {
    no_organization(ctx).map(|()| DisableOrganizationsRootCredentialsManagementResponse::default())
}

/// EnableOrganizationsRootSessions.
pub fn enable_organizations_root_sessions(
    ctx: &Ctx,
    _input: EnableOrganizationsRootSessionsRequest,
) -> ApiResult<EnableOrganizationsRootSessionsResponse> {
    no_organization(ctx).map(|()| EnableOrganizationsRootSessionsResponse::default())
}

/// DisableOrganizationsRootSessions.
pub fn disable_organizations_root_sessions(
    ctx: &Ctx,
    _input: DisableOrganizationsRootSessionsRequest,
) -> ApiResult<DisableOrganizationsRootSessionsResponse> {
    no_organization(ctx).map(|()| DisableOrganizationsRootSessionsResponse::default())
}

/// Account properties live beside other settings under this prefix.
const PROPERTY: &str = "property:";

/// GetAccountProperties: the `Namespace/PropertyName` pairs set with PutAccountProperties.
pub fn get_account_properties(
    ctx: &Ctx,
    _input: GetAccountPropertiesRequest,
) -> ApiResult<GetAccountPropertiesResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let properties = account::settings_with_prefix(c, PROPERTY)?
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches(PROPERTY).to_string(), v))
            .collect();
        Ok(GetAccountPropertiesResponse {
            properties: Some(properties),
        })
    })
}

/// PutAccountProperties: keys are `Namespace/PropertyName`, all in one namespace per request.
pub fn put_account_properties(
    ctx: &Ctx,
    input: PutAccountPropertiesRequest,
) -> ApiResult<PutAccountPropertiesResponse> {
    let mut namespaces = input
        .properties
        .iter()
        .map(|(k, _)| k.split_once('/').map(|(ns, _)| ns));
    if namespaces.clone().any(|ns| ns.is_none()) {
        return Err(errors::invalid_input(
            "Property keys must have the form Namespace/PropertyName.",
        ));
    }
    let first = namespaces.next().flatten();
    if namespaces.any(|ns| ns != first) {
        return Err(errors::invalid_input(
            "All properties in a single request must belong to the same namespace.",
        ));
    }
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        for (k, v) in &input.properties {
            account::set_setting(tx, &format!("{PROPERTY}{k}"), v)?;
        }
        Ok(PutAccountPropertiesResponse {})
    })
}
