//! Account-wide operations: the alias and the summary of counts and quotas.

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::organizations::state::{Organization, IAM_PRINCIPAL};
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

/// The caller's organization, once the checks AWS makes before any centralized root access
/// change pass (messages from the model's documentation of each error).
fn root_access_org(ctx: &Ctx, management_only: bool) -> ApiResult<std::sync::Arc<Organization>> {
    ctx.store().read(|c| ctx.authorize(c, "*"))?;
    let org = ctx.app.org.of(ctx.account()).ok_or_else(|| {
        errors::organization_not_found(
            "The request was rejected because no organization is associated with your account.",
        )
    })?;
    if org.feature_set != "ALL" {
        return Err(errors::organization_not_in_all_features_mode(
            "The request was rejected because your organization does not have All features enabled.",
        ));
    }
    if !org.service_access.iter().any(|p| p == IAM_PRINCIPAL) {
        return Err(errors::service_access_not_enabled(
            "The request was rejected because trusted access is not enabled for IAM in Organizations.",
        ));
    }
    if org.management != ctx.account() {
        return Err(if management_only {
            errors::caller_is_not_management_account(
                "The request was rejected because the account making the request is not the management account for the organization.",
            )
        } else {
            errors::account_not_management_or_delegated_administrator(
                "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.",
            )
        });
    }
    Ok(org)
}

/// Turns a centralized root access feature on or off; answers the organization and what is on.
fn set_root_feature(ctx: &Ctx, feature: &str, on: bool) -> ApiResult<(Option<String>, Option<Vec<String>>)> {
    root_access_org(ctx, true)?;
    let org = ctx.app.org.update(&ctx.app.accounts, |slot| {
        let org = slot.as_mut().ok_or_else(ApiError::internal)?;
        org.root_features.retain(|f| f != feature);
        if on {
            org.root_features.push(feature.to_string());
            org.root_features.sort();
        }
        Ok(org.clone())
    })?;
    Ok((Some(org.id), Some(org.root_features)))
}

/// ListOrganizationsFeatures.
pub fn list_organizations_features(
    ctx: &Ctx,
    _input: ListOrganizationsFeaturesRequest,
) -> ApiResult<ListOrganizationsFeaturesResponse> {
    let org = root_access_org(ctx, false)?;
    Ok(ListOrganizationsFeaturesResponse {
        organization_id: Some(org.id.clone()),
        enabled_features: Some(org.root_features.clone()),
    })
}

/// EnableOrganizationsRootCredentialsManagement.
pub fn enable_organizations_root_credentials_management(
    ctx: &Ctx,
    _input: EnableOrganizationsRootCredentialsManagementRequest,
) -> ApiResult<EnableOrganizationsRootCredentialsManagementResponse> {
    let (organization_id, enabled_features) = set_root_feature(ctx, ROOT_CREDENTIALS, true)?;
    Ok(EnableOrganizationsRootCredentialsManagementResponse {
        organization_id,
        enabled_features,
    })
}

/// DisableOrganizationsRootCredentialsManagement.
pub fn disable_organizations_root_credentials_management(
    ctx: &Ctx,
    _input: DisableOrganizationsRootCredentialsManagementRequest,
) -> ApiResult<DisableOrganizationsRootCredentialsManagementResponse> {
    let (organization_id, enabled_features) = set_root_feature(ctx, ROOT_CREDENTIALS, false)?;
    Ok(DisableOrganizationsRootCredentialsManagementResponse {
        organization_id,
        enabled_features,
    })
}

/// EnableOrganizationsRootSessions.
pub fn enable_organizations_root_sessions(
    ctx: &Ctx,
    _input: EnableOrganizationsRootSessionsRequest,
) -> ApiResult<EnableOrganizationsRootSessionsResponse> {
    let (organization_id, enabled_features) = set_root_feature(ctx, ROOT_SESSIONS, true)?;
    Ok(EnableOrganizationsRootSessionsResponse {
        organization_id,
        enabled_features,
    })
}

/// DisableOrganizationsRootSessions.
pub fn disable_organizations_root_sessions(
    ctx: &Ctx,
    _input: DisableOrganizationsRootSessionsRequest,
) -> ApiResult<DisableOrganizationsRootSessionsResponse> {
    let (organization_id, enabled_features) = set_root_feature(ctx, ROOT_SESSIONS, false)?;
    Ok(DisableOrganizationsRootSessionsResponse {
        organization_id,
        enabled_features,
    })
}

/// The feature names of the model's `FeatureType`.
const ROOT_CREDENTIALS: &str = "RootCredentialsManagement";
/// See [`ROOT_CREDENTIALS`].
pub const ROOT_SESSIONS: &str = "RootSessions";

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
