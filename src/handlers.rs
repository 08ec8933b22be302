//! Wires the generated [`Handler`] trait to the rule modules; operations not listed here answer
//! `NotImplemented` through the trait's defaults.

use crate::api::handler::Handler;
use crate::api::{iam as i, sts as s};
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::iam::{
    access_keys, account, attachments, groups, inline_policies, login_profiles, password_policy, policies,
    policy_versions, users,
};

/// Writes one trait method per line: `op(Input) -> Output => rule::function;` (or `op() -> …`
/// for operations without input), each passing the context (and input) to the rule function
/// after the parameter checks AWS makes before authorizing (`params`).
macro_rules! delegate {
    ($($name:ident($($input:ty)?) -> $out:ty => $path:path;)*) => {
        $(delegate!(@one $name($($input)?) -> $out => $path);)*
    };
    (@one $name:ident($input:ty) -> $out:ty => $path:path) => {
        fn $name(&self, ctx: &Ctx, input: $input) -> ApiResult<$out> {
            if let crate::context::Call::Query(op) = ctx.op {
                crate::params::check_arns(op.service(), &input.arn_members())?;
            }
            $path(ctx, input)
        }
    };
    (@one $name:ident() -> $out:ty => $path:path) => {
        fn $name(&self, ctx: &Ctx) -> ApiResult<$out> {
            $path(ctx)
        }
    };
}

/// The handler set the server dispatches to.
pub struct Handlers;

impl Handler for Handlers {
    type Ctx = Ctx;

    delegate! {
        // Users.
        create_user(i::CreateUserRequest) -> i::CreateUserResponse => users::create_user;
        get_user(i::GetUserRequest) -> i::GetUserResponse => users::get_user;
        list_users(i::ListUsersRequest) -> i::ListUsersResponse => users::list_users;
        update_user(i::UpdateUserRequest) -> () => users::update_user;
        delete_user(i::DeleteUserRequest) -> () => users::delete_user;
        tag_user(i::TagUserRequest) -> () => users::tag_user;
        untag_user(i::UntagUserRequest) -> () => users::untag_user;
        list_user_tags(i::ListUserTagsRequest) -> i::ListUserTagsResponse => users::list_user_tags;

        // Groups.
        create_group(i::CreateGroupRequest) -> i::CreateGroupResponse => groups::create_group;
        get_group(i::GetGroupRequest) -> i::GetGroupResponse => groups::get_group;
        list_groups(i::ListGroupsRequest) -> i::ListGroupsResponse => groups::list_groups;
        update_group(i::UpdateGroupRequest) -> () => groups::update_group;
        delete_group(i::DeleteGroupRequest) -> () => groups::delete_group;
        add_user_to_group(i::AddUserToGroupRequest) -> () => groups::add_user_to_group;
        remove_user_from_group(i::RemoveUserFromGroupRequest) -> () => groups::remove_user_from_group;
        list_groups_for_user(i::ListGroupsForUserRequest) -> i::ListGroupsForUserResponse => groups::list_groups_for_user;

        // Access keys.
        create_access_key(i::CreateAccessKeyRequest) -> i::CreateAccessKeyResponse => access_keys::create_access_key;
        list_access_keys(i::ListAccessKeysRequest) -> i::ListAccessKeysResponse => access_keys::list_access_keys;
        update_access_key(i::UpdateAccessKeyRequest) -> () => access_keys::update_access_key;
        delete_access_key(i::DeleteAccessKeyRequest) -> () => access_keys::delete_access_key;
        get_access_key_last_used(i::GetAccessKeyLastUsedRequest) -> i::GetAccessKeyLastUsedResponse => access_keys::get_access_key_last_used;

        // Console passwords.
        create_login_profile(i::CreateLoginProfileRequest) -> i::CreateLoginProfileResponse => login_profiles::create_login_profile;
        get_login_profile(i::GetLoginProfileRequest) -> i::GetLoginProfileResponse => login_profiles::get_login_profile;
        update_login_profile(i::UpdateLoginProfileRequest) -> () => login_profiles::update_login_profile;
        delete_login_profile(i::DeleteLoginProfileRequest) -> () => login_profiles::delete_login_profile;
        change_password(i::ChangePasswordRequest) -> () => login_profiles::change_password;
        update_account_password_policy(i::UpdateAccountPasswordPolicyRequest) -> () => password_policy::update_account_password_policy;
        get_account_password_policy() -> i::GetAccountPasswordPolicyResponse => password_policy::get_account_password_policy;
        delete_account_password_policy() -> () => password_policy::delete_account_password_policy;

        // Account.
        create_account_alias(i::CreateAccountAliasRequest) -> () => account::create_account_alias;
        list_account_aliases(i::ListAccountAliasesRequest) -> i::ListAccountAliasesResponse => account::list_account_aliases;
        delete_account_alias(i::DeleteAccountAliasRequest) -> () => account::delete_account_alias;
        get_account_summary() -> i::GetAccountSummaryResponse => account::get_account_summary;

        // Managed policies and versions.
        create_policy(i::CreatePolicyRequest) -> i::CreatePolicyResponse => policies::create_policy;
        get_policy(i::GetPolicyRequest) -> i::GetPolicyResponse => policies::get_policy;
        list_policies(i::ListPoliciesRequest) -> i::ListPoliciesResponse => policies::list_policies;
        delete_policy(i::DeletePolicyRequest) -> () => policies::delete_policy;
        tag_policy(i::TagPolicyRequest) -> () => policies::tag_policy;
        untag_policy(i::UntagPolicyRequest) -> () => policies::untag_policy;
        list_policy_tags(i::ListPolicyTagsRequest) -> i::ListPolicyTagsResponse => policies::list_policy_tags;
        create_policy_version(i::CreatePolicyVersionRequest) -> i::CreatePolicyVersionResponse => policy_versions::create_policy_version;
        get_policy_version(i::GetPolicyVersionRequest) -> i::GetPolicyVersionResponse => policy_versions::get_policy_version;
        list_policy_versions(i::ListPolicyVersionsRequest) -> i::ListPolicyVersionsResponse => policy_versions::list_policy_versions;
        delete_policy_version(i::DeletePolicyVersionRequest) -> () => policy_versions::delete_policy_version;
        set_default_policy_version(i::SetDefaultPolicyVersionRequest) -> () => policy_versions::set_default_policy_version;

        // Attachments.
        attach_user_policy(i::AttachUserPolicyRequest) -> () => attachments::attach_user_policy;
        detach_user_policy(i::DetachUserPolicyRequest) -> () => attachments::detach_user_policy;
        attach_group_policy(i::AttachGroupPolicyRequest) -> () => attachments::attach_group_policy;
        detach_group_policy(i::DetachGroupPolicyRequest) -> () => attachments::detach_group_policy;
        list_attached_user_policies(i::ListAttachedUserPoliciesRequest) -> i::ListAttachedUserPoliciesResponse => attachments::list_attached_user_policies;
        list_attached_group_policies(i::ListAttachedGroupPoliciesRequest) -> i::ListAttachedGroupPoliciesResponse => attachments::list_attached_group_policies;
        list_entities_for_policy(i::ListEntitiesForPolicyRequest) -> i::ListEntitiesForPolicyResponse => attachments::list_entities_for_policy;

        // Inline policies.
        put_user_policy(i::PutUserPolicyRequest) -> () => inline_policies::put_user_policy;
        get_user_policy(i::GetUserPolicyRequest) -> i::GetUserPolicyResponse => inline_policies::get_user_policy;
        delete_user_policy(i::DeleteUserPolicyRequest) -> () => inline_policies::delete_user_policy;
        list_user_policies(i::ListUserPoliciesRequest) -> i::ListUserPoliciesResponse => inline_policies::list_user_policies;
        put_group_policy(i::PutGroupPolicyRequest) -> () => inline_policies::put_group_policy;
        get_group_policy(i::GetGroupPolicyRequest) -> i::GetGroupPolicyResponse => inline_policies::get_group_policy;
        delete_group_policy(i::DeleteGroupPolicyRequest) -> () => inline_policies::delete_group_policy;
        list_group_policies(i::ListGroupPoliciesRequest) -> i::ListGroupPoliciesResponse => inline_policies::list_group_policies;

        // MFA devices (helper).
        create_virtual_mfa_device(i::CreateVirtualMFADeviceRequest) -> i::CreateVirtualMFADeviceResponse => crate::iam::mfa::create_virtual_mfa_device;
        enable_mfa_device(i::EnableMFADeviceRequest) -> () => crate::iam::mfa::enable_mfa_device;
        resync_mfa_device(i::ResyncMFADeviceRequest) -> () => crate::iam::mfa::resync_mfa_device;
        deactivate_mfa_device(i::DeactivateMFADeviceRequest) -> () => crate::iam::mfa::deactivate_mfa_device;
        delete_virtual_mfa_device(i::DeleteVirtualMFADeviceRequest) -> () => crate::iam::mfa::delete_virtual_mfa_device;
        get_mfa_device(i::GetMFADeviceRequest) -> i::GetMFADeviceResponse => crate::iam::mfa::get_mfa_device;
        list_mfa_devices(i::ListMFADevicesRequest) -> i::ListMFADevicesResponse => crate::iam::mfa::list_mfa_devices;
        list_virtual_mfa_devices(i::ListVirtualMFADevicesRequest) -> i::ListVirtualMFADevicesResponse => crate::iam::mfa::list_virtual_mfa_devices;
        tag_mfa_device(i::TagMFADeviceRequest) -> () => crate::iam::mfa::tag_mfa_device;
        untag_mfa_device(i::UntagMFADeviceRequest) -> () => crate::iam::mfa::untag_mfa_device;
        list_mfa_device_tags(i::ListMFADeviceTagsRequest) -> i::ListMFADeviceTagsResponse => crate::iam::mfa::list_mfa_device_tags;

        // Policy simulation.
        simulate_principal_policy(i::SimulatePrincipalPolicyRequest) -> i::SimulatePolicyResponse => crate::iam::simulate::simulate_principal_policy;
        simulate_custom_policy(i::SimulateCustomPolicyRequest) -> i::SimulatePolicyResponse => crate::iam::simulate::simulate_custom_policy;
        get_context_keys_for_custom_policy(i::GetContextKeysForCustomPolicyRequest) -> i::GetContextKeysForPolicyResponse => crate::iam::simulate::get_context_keys_for_custom_policy;
        get_context_keys_for_principal_policy(i::GetContextKeysForPrincipalPolicyRequest) -> i::GetContextKeysForPolicyResponse => crate::iam::simulate::get_context_keys_for_principal_policy;

        // Roles, instance profiles and providers (helper).
        create_role(i::CreateRoleRequest) -> i::CreateRoleResponse => crate::iam::roles::create_role;
        get_role(i::GetRoleRequest) -> i::GetRoleResponse => crate::iam::roles::get_role;
        list_roles(i::ListRolesRequest) -> i::ListRolesResponse => crate::iam::roles::list_roles;
        update_role(i::UpdateRoleRequest) -> i::UpdateRoleResponse => crate::iam::roles::update_role;
        update_role_description(i::UpdateRoleDescriptionRequest) -> i::UpdateRoleDescriptionResponse => crate::iam::roles::update_role_description;
        update_assume_role_policy(i::UpdateAssumeRolePolicyRequest) -> () => crate::iam::roles::update_assume_role_policy;
        delete_role(i::DeleteRoleRequest) -> () => crate::iam::roles::delete_role;
        tag_role(i::TagRoleRequest) -> () => crate::iam::roles::tag_role;
        untag_role(i::UntagRoleRequest) -> () => crate::iam::roles::untag_role;
        list_role_tags(i::ListRoleTagsRequest) -> i::ListRoleTagsResponse => crate::iam::roles::list_role_tags;
        attach_role_policy(i::AttachRolePolicyRequest) -> () => crate::iam::role_policies::attach_role_policy;
        detach_role_policy(i::DetachRolePolicyRequest) -> () => crate::iam::role_policies::detach_role_policy;
        list_attached_role_policies(i::ListAttachedRolePoliciesRequest) -> i::ListAttachedRolePoliciesResponse => crate::iam::role_policies::list_attached_role_policies;
        put_role_policy(i::PutRolePolicyRequest) -> () => crate::iam::role_policies::put_role_policy;
        get_role_policy(i::GetRolePolicyRequest) -> i::GetRolePolicyResponse => crate::iam::role_policies::get_role_policy;
        delete_role_policy(i::DeleteRolePolicyRequest) -> () => crate::iam::role_policies::delete_role_policy;
        list_role_policies(i::ListRolePoliciesRequest) -> i::ListRolePoliciesResponse => crate::iam::role_policies::list_role_policies;
        put_user_permissions_boundary(i::PutUserPermissionsBoundaryRequest) -> () => crate::iam::boundaries::put_user_permissions_boundary;
        delete_user_permissions_boundary(i::DeleteUserPermissionsBoundaryRequest) -> () => crate::iam::boundaries::delete_user_permissions_boundary;
        put_role_permissions_boundary(i::PutRolePermissionsBoundaryRequest) -> () => crate::iam::boundaries::put_role_permissions_boundary;
        delete_role_permissions_boundary(i::DeleteRolePermissionsBoundaryRequest) -> () => crate::iam::boundaries::delete_role_permissions_boundary;
        create_service_linked_role(i::CreateServiceLinkedRoleRequest) -> i::CreateServiceLinkedRoleResponse => crate::iam::service_linked_roles::create_service_linked_role;
        delete_service_linked_role(i::DeleteServiceLinkedRoleRequest) -> i::DeleteServiceLinkedRoleResponse => crate::iam::service_linked_roles::delete_service_linked_role;
        get_service_linked_role_deletion_status(i::GetServiceLinkedRoleDeletionStatusRequest) -> i::GetServiceLinkedRoleDeletionStatusResponse => crate::iam::service_linked_roles::get_service_linked_role_deletion_status;
        create_instance_profile(i::CreateInstanceProfileRequest) -> i::CreateInstanceProfileResponse => crate::iam::instance_profiles::create_instance_profile;
        get_instance_profile(i::GetInstanceProfileRequest) -> i::GetInstanceProfileResponse => crate::iam::instance_profiles::get_instance_profile;
        list_instance_profiles(i::ListInstanceProfilesRequest) -> i::ListInstanceProfilesResponse => crate::iam::instance_profiles::list_instance_profiles;
        list_instance_profiles_for_role(i::ListInstanceProfilesForRoleRequest) -> i::ListInstanceProfilesForRoleResponse => crate::iam::instance_profiles::list_instance_profiles_for_role;
        delete_instance_profile(i::DeleteInstanceProfileRequest) -> () => crate::iam::instance_profiles::delete_instance_profile;
        add_role_to_instance_profile(i::AddRoleToInstanceProfileRequest) -> () => crate::iam::instance_profiles::add_role_to_instance_profile;
        remove_role_from_instance_profile(i::RemoveRoleFromInstanceProfileRequest) -> () => crate::iam::instance_profiles::remove_role_from_instance_profile;
        tag_instance_profile(i::TagInstanceProfileRequest) -> () => crate::iam::instance_profiles::tag_instance_profile;
        untag_instance_profile(i::UntagInstanceProfileRequest) -> () => crate::iam::instance_profiles::untag_instance_profile;
        list_instance_profile_tags(i::ListInstanceProfileTagsRequest) -> i::ListInstanceProfileTagsResponse => crate::iam::instance_profiles::list_instance_profile_tags;
        create_open_id_connect_provider(i::CreateOpenIDConnectProviderRequest) -> i::CreateOpenIDConnectProviderResponse => crate::iam::providers::create_open_id_connect_provider;
        get_open_id_connect_provider(i::GetOpenIDConnectProviderRequest) -> i::GetOpenIDConnectProviderResponse => crate::iam::providers::get_open_id_connect_provider;
        list_open_id_connect_providers(i::ListOpenIDConnectProvidersRequest) -> i::ListOpenIDConnectProvidersResponse => crate::iam::providers::list_open_id_connect_providers;
        delete_open_id_connect_provider(i::DeleteOpenIDConnectProviderRequest) -> () => crate::iam::providers::delete_open_id_connect_provider;
        add_client_id_to_open_id_connect_provider(i::AddClientIDToOpenIDConnectProviderRequest) -> () => crate::iam::providers::add_client_id_to_open_id_connect_provider;
        remove_client_id_from_open_id_connect_provider(i::RemoveClientIDFromOpenIDConnectProviderRequest) -> () => crate::iam::providers::remove_client_id_from_open_id_connect_provider;
        update_open_id_connect_provider_thumbprint(i::UpdateOpenIDConnectProviderThumbprintRequest) -> () => crate::iam::providers::update_open_id_connect_provider_thumbprint;
        update_open_id_connect_provider(i::UpdateOpenIDConnectProviderRequest) -> () => crate::iam::oidc_context::update_open_id_connect_provider;
        tag_open_id_connect_provider(i::TagOpenIDConnectProviderRequest) -> () => crate::iam::providers::tag_open_id_connect_provider;
        untag_open_id_connect_provider(i::UntagOpenIDConnectProviderRequest) -> () => crate::iam::providers::untag_open_id_connect_provider;
        list_open_id_connect_provider_tags(i::ListOpenIDConnectProviderTagsRequest) -> i::ListOpenIDConnectProviderTagsResponse => crate::iam::providers::list_open_id_connect_provider_tags;
        create_saml_provider(i::CreateSAMLProviderRequest) -> i::CreateSAMLProviderResponse => crate::iam::providers::create_saml_provider;
        get_saml_provider(i::GetSAMLProviderRequest) -> i::GetSAMLProviderResponse => crate::iam::providers::get_saml_provider;
        list_saml_providers(i::ListSAMLProvidersRequest) -> i::ListSAMLProvidersResponse => crate::iam::providers::list_saml_providers;
        update_saml_provider(i::UpdateSAMLProviderRequest) -> i::UpdateSAMLProviderResponse => crate::iam::providers::update_saml_provider;
        delete_saml_provider(i::DeleteSAMLProviderRequest) -> () => crate::iam::providers::delete_saml_provider;
        tag_saml_provider(i::TagSAMLProviderRequest) -> () => crate::iam::providers::tag_saml_provider;
        untag_saml_provider(i::UntagSAMLProviderRequest) -> () => crate::iam::providers::untag_saml_provider;
        list_saml_provider_tags(i::ListSAMLProviderTagsRequest) -> i::ListSAMLProviderTagsResponse => crate::iam::providers::list_saml_provider_tags;
        get_role_template_version(i::GetRoleTemplateVersionRequest) -> i::GetRoleTemplateVersionResponse => crate::iam::role_templates::get_role_template_version;
        acquire_role(i::AcquireRoleRequest) -> i::AcquireRoleResponse => crate::iam::role_templates::acquire_role;
        get_account_authorization_details(i::GetAccountAuthorizationDetailsRequest) -> i::GetAccountAuthorizationDetailsResponse => crate::iam::authorization_details::get_account_authorization_details;

        // Credential report and Access Advisor (helper).
        generate_credential_report() -> i::GenerateCredentialReportResponse => crate::iam::credential_report::generate_credential_report;
        get_credential_report() -> i::GetCredentialReportResponse => crate::iam::credential_report::get_credential_report;
        generate_service_last_accessed_details(i::GenerateServiceLastAccessedDetailsRequest) -> i::GenerateServiceLastAccessedDetailsResponse => crate::iam::access_advisor::generate_service_last_accessed_details;
        get_service_last_accessed_details(i::GetServiceLastAccessedDetailsRequest) -> i::GetServiceLastAccessedDetailsResponse => crate::iam::access_advisor::get_service_last_accessed_details;
        get_service_last_accessed_details_with_entities(i::GetServiceLastAccessedDetailsWithEntitiesRequest) -> i::GetServiceLastAccessedDetailsWithEntitiesResponse => crate::iam::access_advisor::get_service_last_accessed_details_with_entities;
        list_policies_granting_service_access(i::ListPoliciesGrantingServiceAccessRequest) -> i::ListPoliciesGrantingServiceAccessResponse => crate::iam::access_advisor::list_policies_granting_service_access;
        generate_organizations_access_report(i::GenerateOrganizationsAccessReportRequest) -> i::GenerateOrganizationsAccessReportResponse => crate::iam::org_access_report::generate_organizations_access_report;
        get_organizations_access_report(i::GetOrganizationsAccessReportRequest) -> i::GetOrganizationsAccessReportResponse => crate::iam::org_access_report::get_organizations_access_report;

        // Certificates, SSH keys, service credentials (helper).
        upload_server_certificate(i::UploadServerCertificateRequest) -> i::UploadServerCertificateResponse => crate::iam::certificates::upload_server_certificate;
        get_server_certificate(i::GetServerCertificateRequest) -> i::GetServerCertificateResponse => crate::iam::certificates::get_server_certificate;
        list_server_certificates(i::ListServerCertificatesRequest) -> i::ListServerCertificatesResponse => crate::iam::certificates::list_server_certificates;
        update_server_certificate(i::UpdateServerCertificateRequest) -> () => crate::iam::certificates::update_server_certificate;
        delete_server_certificate(i::DeleteServerCertificateRequest) -> () => crate::iam::certificates::delete_server_certificate;
        tag_server_certificate(i::TagServerCertificateRequest) -> () => crate::iam::certificates::tag_server_certificate;
        untag_server_certificate(i::UntagServerCertificateRequest) -> () => crate::iam::certificates::untag_server_certificate;
        list_server_certificate_tags(i::ListServerCertificateTagsRequest) -> i::ListServerCertificateTagsResponse => crate::iam::certificates::list_server_certificate_tags;
        upload_signing_certificate(i::UploadSigningCertificateRequest) -> i::UploadSigningCertificateResponse => crate::iam::certificates::upload_signing_certificate;
        list_signing_certificates(i::ListSigningCertificatesRequest) -> i::ListSigningCertificatesResponse => crate::iam::certificates::list_signing_certificates;
        update_signing_certificate(i::UpdateSigningCertificateRequest) -> () => crate::iam::certificates::update_signing_certificate;
        delete_signing_certificate(i::DeleteSigningCertificateRequest) -> () => crate::iam::certificates::delete_signing_certificate;
        upload_ssh_public_key(i::UploadSSHPublicKeyRequest) -> i::UploadSSHPublicKeyResponse => crate::iam::ssh_keys::upload_ssh_public_key;
        get_ssh_public_key(i::GetSSHPublicKeyRequest) -> i::GetSSHPublicKeyResponse => crate::iam::ssh_keys::get_ssh_public_key;
        list_ssh_public_keys(i::ListSSHPublicKeysRequest) -> i::ListSSHPublicKeysResponse => crate::iam::ssh_keys::list_ssh_public_keys;
        update_ssh_public_key(i::UpdateSSHPublicKeyRequest) -> () => crate::iam::ssh_keys::update_ssh_public_key;
        delete_ssh_public_key(i::DeleteSSHPublicKeyRequest) -> () => crate::iam::ssh_keys::delete_ssh_public_key;
        create_service_specific_credential(i::CreateServiceSpecificCredentialRequest) -> i::CreateServiceSpecificCredentialResponse => crate::iam::service_credentials::create_service_specific_credential;
        list_service_specific_credentials(i::ListServiceSpecificCredentialsRequest) -> i::ListServiceSpecificCredentialsResponse => crate::iam::service_credentials::list_service_specific_credentials;
        reset_service_specific_credential(i::ResetServiceSpecificCredentialRequest) -> i::ResetServiceSpecificCredentialResponse => crate::iam::service_credentials::reset_service_specific_credential;
        update_service_specific_credential(i::UpdateServiceSpecificCredentialRequest) -> () => crate::iam::service_credentials::update_service_specific_credential;
        delete_service_specific_credential(i::DeleteServiceSpecificCredentialRequest) -> () => crate::iam::service_credentials::delete_service_specific_credential;

        // Account settings and Organizations features (a standalone account).
        set_security_token_service_preferences(i::SetSecurityTokenServicePreferencesRequest) -> () => account::set_security_token_service_preferences;
        list_organizations_features(i::ListOrganizationsFeaturesRequest) -> i::ListOrganizationsFeaturesResponse => account::list_organizations_features;
        enable_organizations_root_credentials_management(i::EnableOrganizationsRootCredentialsManagementRequest) -> i::EnableOrganizationsRootCredentialsManagementResponse => account::enable_organizations_root_credentials_management;
        disable_organizations_root_credentials_management(i::DisableOrganizationsRootCredentialsManagementRequest) -> i::DisableOrganizationsRootCredentialsManagementResponse => account::disable_organizations_root_credentials_management;
        enable_organizations_root_sessions(i::EnableOrganizationsRootSessionsRequest) -> i::EnableOrganizationsRootSessionsResponse => account::enable_organizations_root_sessions;
        disable_organizations_root_sessions(i::DisableOrganizationsRootSessionsRequest) -> i::DisableOrganizationsRootSessionsResponse => account::disable_organizations_root_sessions;

        get_account_properties(i::GetAccountPropertiesRequest) -> i::GetAccountPropertiesResponse => account::get_account_properties;
        put_account_properties(i::PutAccountPropertiesRequest) -> i::PutAccountPropertiesResponse => account::put_account_properties;

        // Outbound web identity federation.
        enable_outbound_web_identity_federation() -> i::EnableOutboundWebIdentityFederationResponse => crate::iam::outbound_federation::enable_outbound_web_identity_federation;
        disable_outbound_web_identity_federation() -> () => crate::iam::outbound_federation::disable_outbound_web_identity_federation;
        get_outbound_web_identity_federation_info() -> i::GetOutboundWebIdentityFederationInfoResponse => crate::iam::outbound_federation::get_outbound_web_identity_federation_info;

        // Temporary delegation.
        create_delegation_request(i::CreateDelegationRequestRequest) -> i::CreateDelegationRequestResponse => crate::iam::delegation::create_delegation_request;
        get_delegation_request(i::GetDelegationRequestRequest) -> i::GetDelegationRequestResponse => crate::iam::delegation::get_delegation_request;
        list_delegation_requests(i::ListDelegationRequestsRequest) -> i::ListDelegationRequestsResponse => crate::iam::delegation::list_delegation_requests;
        associate_delegation_request(i::AssociateDelegationRequestRequest) -> () => crate::iam::delegation::associate_delegation_request;
        update_delegation_request(i::UpdateDelegationRequestRequest) -> () => crate::iam::delegation::update_delegation_request;
        accept_delegation_request(i::AcceptDelegationRequestRequest) -> () => crate::iam::delegation::accept_delegation_request;
        reject_delegation_request(i::RejectDelegationRequestRequest) -> () => crate::iam::delegation::reject_delegation_request;
        send_delegation_token(i::SendDelegationTokenRequest) -> () => crate::iam::delegation::send_delegation_token;
        get_human_readable_summary(i::GetHumanReadableSummaryRequest) -> i::GetHumanReadableSummaryResponse => crate::iam::delegation::get_human_readable_summary;

        // STS.
        get_caller_identity(s::GetCallerIdentityRequest) -> s::GetCallerIdentityResponse => crate::sts::get_caller_identity;
        assume_role(s::AssumeRoleRequest) -> s::AssumeRoleResponse => crate::sts::assume_role;
        get_session_token(s::GetSessionTokenRequest) -> s::GetSessionTokenResponse => crate::sts::get_session_token;
        get_federation_token(s::GetFederationTokenRequest) -> s::GetFederationTokenResponse => crate::sts::get_federation_token;
        assume_role_with_web_identity(s::AssumeRoleWithWebIdentityRequest) -> s::AssumeRoleWithWebIdentityResponse => crate::sts::federation::assume_role_with_web_identity;
        assume_role_with_saml(s::AssumeRoleWithSAMLRequest) -> s::AssumeRoleWithSAMLResponse => crate::sts::federation::assume_role_with_saml;
        decode_authorization_message(s::DecodeAuthorizationMessageRequest) -> s::DecodeAuthorizationMessageResponse => crate::sts::federation::decode_authorization_message;
        get_scoped_credentials(s::GetScopedCredentialsRequest) -> s::GetScopedCredentialsResponse => crate::sts::get_scoped_credentials;
        get_access_key_info(s::GetAccessKeyInfoRequest) -> s::GetAccessKeyInfoResponse => crate::sts::get_access_key_info;
        assume_root(s::AssumeRootRequest) -> s::AssumeRootResponse => crate::sts::assume_root::assume_root;
        get_delegated_access_token(s::GetDelegatedAccessTokenRequest) -> s::GetDelegatedAccessTokenResponse => crate::sts::delegated_access::get_delegated_access_token;
        get_web_identity_token(s::GetWebIdentityTokenRequest) -> s::GetWebIdentityTokenResponse => crate::sts::web_identity_token::get_web_identity_token;
    }
}
