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

/// The handler set the server dispatches to.
pub struct Handlers;

impl Handler for Handlers {
    type Ctx = Ctx;

    // Users.
    fn create_user(&self, ctx: &Ctx, input: i::CreateUserRequest) -> ApiResult<i::CreateUserResponse> {
        users::create_user(ctx, input)
    }
    fn get_user(&self, ctx: &Ctx, input: i::GetUserRequest) -> ApiResult<i::GetUserResponse> {
        users::get_user(ctx, input)
    }
    fn list_users(&self, ctx: &Ctx, input: i::ListUsersRequest) -> ApiResult<i::ListUsersResponse> {
        users::list_users(ctx, input)
    }
    fn update_user(&self, ctx: &Ctx, input: i::UpdateUserRequest) -> ApiResult<()> {
        users::update_user(ctx, input)
    }
    fn delete_user(&self, ctx: &Ctx, input: i::DeleteUserRequest) -> ApiResult<()> {
        users::delete_user(ctx, input)
    }
    fn tag_user(&self, ctx: &Ctx, input: i::TagUserRequest) -> ApiResult<()> {
        users::tag_user(ctx, input)
    }
    fn untag_user(&self, ctx: &Ctx, input: i::UntagUserRequest) -> ApiResult<()> {
        users::untag_user(ctx, input)
    }
    fn list_user_tags(&self, ctx: &Ctx, input: i::ListUserTagsRequest) -> ApiResult<i::ListUserTagsResponse> {
        users::list_user_tags(ctx, input)
    }

    // Groups.
    fn create_group(&self, ctx: &Ctx, input: i::CreateGroupRequest) -> ApiResult<i::CreateGroupResponse> {
        groups::create_group(ctx, input)
    }
    fn get_group(&self, ctx: &Ctx, input: i::GetGroupRequest) -> ApiResult<i::GetGroupResponse> {
        groups::get_group(ctx, input)
    }
    fn list_groups(&self, ctx: &Ctx, input: i::ListGroupsRequest) -> ApiResult<i::ListGroupsResponse> {
        groups::list_groups(ctx, input)
    }
    fn update_group(&self, ctx: &Ctx, input: i::UpdateGroupRequest) -> ApiResult<()> {
        groups::update_group(ctx, input)
    }
    fn delete_group(&self, ctx: &Ctx, input: i::DeleteGroupRequest) -> ApiResult<()> {
        groups::delete_group(ctx, input)
    }
    fn add_user_to_group(&self, ctx: &Ctx, input: i::AddUserToGroupRequest) -> ApiResult<()> {
        groups::add_user_to_group(ctx, input)
    }
    fn remove_user_from_group(&self, ctx: &Ctx, input: i::RemoveUserFromGroupRequest) -> ApiResult<()> {
        groups::remove_user_from_group(ctx, input)
    }
    fn list_groups_for_user(
        &self,
        ctx: &Ctx,
        input: i::ListGroupsForUserRequest,
    ) -> ApiResult<i::ListGroupsForUserResponse> {
        groups::list_groups_for_user(ctx, input)
    }

    // Access keys.
    fn create_access_key(&self, ctx: &Ctx, input: i::CreateAccessKeyRequest) -> ApiResult<i::CreateAccessKeyResponse> {
        access_keys::create_access_key(ctx, input)
    }
    fn list_access_keys(&self, ctx: &Ctx, input: i::ListAccessKeysRequest) -> ApiResult<i::ListAccessKeysResponse> {
        access_keys::list_access_keys(ctx, input)
    }
    fn update_access_key(&self, ctx: &Ctx, input: i::UpdateAccessKeyRequest) -> ApiResult<()> {
        access_keys::update_access_key(ctx, input)
    }
    fn delete_access_key(&self, ctx: &Ctx, input: i::DeleteAccessKeyRequest) -> ApiResult<()> {
        access_keys::delete_access_key(ctx, input)
    }
    fn get_access_key_last_used(
        &self,
        ctx: &Ctx,
        input: i::GetAccessKeyLastUsedRequest,
    ) -> ApiResult<i::GetAccessKeyLastUsedResponse> {
        access_keys::get_access_key_last_used(ctx, input)
    }

    // Console passwords.
    fn create_login_profile(
        &self,
        ctx: &Ctx,
        input: i::CreateLoginProfileRequest,
    ) -> ApiResult<i::CreateLoginProfileResponse> {
        login_profiles::create_login_profile(ctx, input)
    }
    fn get_login_profile(&self, ctx: &Ctx, input: i::GetLoginProfileRequest) -> ApiResult<i::GetLoginProfileResponse> {
        login_profiles::get_login_profile(ctx, input)
    }
    fn update_login_profile(&self, ctx: &Ctx, input: i::UpdateLoginProfileRequest) -> ApiResult<()> {
        login_profiles::update_login_profile(ctx, input)
    }
    fn delete_login_profile(&self, ctx: &Ctx, input: i::DeleteLoginProfileRequest) -> ApiResult<()> {
        login_profiles::delete_login_profile(ctx, input)
    }
    fn change_password(&self, ctx: &Ctx, input: i::ChangePasswordRequest) -> ApiResult<()> {
        login_profiles::change_password(ctx, input)
    }
    fn update_account_password_policy(&self, ctx: &Ctx, input: i::UpdateAccountPasswordPolicyRequest) -> ApiResult<()> {
        password_policy::update_account_password_policy(ctx, input)
    }
    fn get_account_password_policy(&self, ctx: &Ctx) -> ApiResult<i::GetAccountPasswordPolicyResponse> {
        password_policy::get_account_password_policy(ctx)
    }
    fn delete_account_password_policy(&self, ctx: &Ctx) -> ApiResult<()> {
        password_policy::delete_account_password_policy(ctx)
    }

    // Account.
    fn create_account_alias(&self, ctx: &Ctx, input: i::CreateAccountAliasRequest) -> ApiResult<()> {
        account::create_account_alias(ctx, input)
    }
    fn list_account_aliases(
        &self,
        ctx: &Ctx,
        input: i::ListAccountAliasesRequest,
    ) -> ApiResult<i::ListAccountAliasesResponse> {
        account::list_account_aliases(ctx, input)
    }
    fn delete_account_alias(&self, ctx: &Ctx, input: i::DeleteAccountAliasRequest) -> ApiResult<()> {
        account::delete_account_alias(ctx, input)
    }
    fn get_account_summary(&self, ctx: &Ctx) -> ApiResult<i::GetAccountSummaryResponse> {
        account::get_account_summary(ctx)
    }

    // Managed policies and versions.
    fn create_policy(&self, ctx: &Ctx, input: i::CreatePolicyRequest) -> ApiResult<i::CreatePolicyResponse> {
        policies::create_policy(ctx, input)
    }
    fn get_policy(&self, ctx: &Ctx, input: i::GetPolicyRequest) -> ApiResult<i::GetPolicyResponse> {
        policies::get_policy(ctx, input)
    }
    fn list_policies(&self, ctx: &Ctx, input: i::ListPoliciesRequest) -> ApiResult<i::ListPoliciesResponse> {
        policies::list_policies(ctx, input)
    }
    fn delete_policy(&self, ctx: &Ctx, input: i::DeletePolicyRequest) -> ApiResult<()> {
        policies::delete_policy(ctx, input)
    }
    fn tag_policy(&self, ctx: &Ctx, input: i::TagPolicyRequest) -> ApiResult<()> {
        policies::tag_policy(ctx, input)
    }
    fn untag_policy(&self, ctx: &Ctx, input: i::UntagPolicyRequest) -> ApiResult<()> {
        policies::untag_policy(ctx, input)
    }
    fn list_policy_tags(&self, ctx: &Ctx, input: i::ListPolicyTagsRequest) -> ApiResult<i::ListPolicyTagsResponse> {
        policies::list_policy_tags(ctx, input)
    }
    fn create_policy_version(
        &self,
        ctx: &Ctx,
        input: i::CreatePolicyVersionRequest,
    ) -> ApiResult<i::CreatePolicyVersionResponse> {
        policy_versions::create_policy_version(ctx, input)
    }
    fn get_policy_version(
        &self,
        ctx: &Ctx,
        input: i::GetPolicyVersionRequest,
    ) -> ApiResult<i::GetPolicyVersionResponse> {
        policy_versions::get_policy_version(ctx, input)
    }
    fn list_policy_versions(
        &self,
        ctx: &Ctx,
        input: i::ListPolicyVersionsRequest,
    ) -> ApiResult<i::ListPolicyVersionsResponse> {
        policy_versions::list_policy_versions(ctx, input)
    }
    fn delete_policy_version(&self, ctx: &Ctx, input: i::DeletePolicyVersionRequest) -> ApiResult<()> {
        policy_versions::delete_policy_version(ctx, input)
    }
    fn set_default_policy_version(&self, ctx: &Ctx, input: i::SetDefaultPolicyVersionRequest) -> ApiResult<()> {
        policy_versions::set_default_policy_version(ctx, input)
    }

    // Attachments.
    fn attach_user_policy(&self, ctx: &Ctx, input: i::AttachUserPolicyRequest) -> ApiResult<()> {
        attachments::attach_user_policy(ctx, input)
    }
    fn detach_user_policy(&self, ctx: &Ctx, input: i::DetachUserPolicyRequest) -> ApiResult<()> {
        attachments::detach_user_policy(ctx, input)
    }
    fn attach_group_policy(&self, ctx: &Ctx, input: i::AttachGroupPolicyRequest) -> ApiResult<()> {
        attachments::attach_group_policy(ctx, input)
    }
    fn detach_group_policy(&self, ctx: &Ctx, input: i::DetachGroupPolicyRequest) -> ApiResult<()> {
        attachments::detach_group_policy(ctx, input)
    }
    fn list_attached_user_policies(
        &self,
        ctx: &Ctx,
        input: i::ListAttachedUserPoliciesRequest,
    ) -> ApiResult<i::ListAttachedUserPoliciesResponse> {
        attachments::list_attached_user_policies(ctx, input)
    }
    fn list_attached_group_policies(
        &self,
        ctx: &Ctx,
        input: i::ListAttachedGroupPoliciesRequest,
    ) -> ApiResult<i::ListAttachedGroupPoliciesResponse> {
        attachments::list_attached_group_policies(ctx, input)
    }
    fn list_entities_for_policy(
        &self,
        ctx: &Ctx,
        input: i::ListEntitiesForPolicyRequest,
    ) -> ApiResult<i::ListEntitiesForPolicyResponse> {
        attachments::list_entities_for_policy(ctx, input)
    }

    // Inline policies.
    fn put_user_policy(&self, ctx: &Ctx, input: i::PutUserPolicyRequest) -> ApiResult<()> {
        inline_policies::put_user_policy(ctx, input)
    }
    fn get_user_policy(&self, ctx: &Ctx, input: i::GetUserPolicyRequest) -> ApiResult<i::GetUserPolicyResponse> {
        inline_policies::get_user_policy(ctx, input)
    }
    fn delete_user_policy(&self, ctx: &Ctx, input: i::DeleteUserPolicyRequest) -> ApiResult<()> {
        inline_policies::delete_user_policy(ctx, input)
    }
    fn list_user_policies(
        &self,
        ctx: &Ctx,
        input: i::ListUserPoliciesRequest,
    ) -> ApiResult<i::ListUserPoliciesResponse> {
        inline_policies::list_user_policies(ctx, input)
    }
    fn put_group_policy(&self, ctx: &Ctx, input: i::PutGroupPolicyRequest) -> ApiResult<()> {
        inline_policies::put_group_policy(ctx, input)
    }
    fn get_group_policy(&self, ctx: &Ctx, input: i::GetGroupPolicyRequest) -> ApiResult<i::GetGroupPolicyResponse> {
        inline_policies::get_group_policy(ctx, input)
    }
    fn delete_group_policy(&self, ctx: &Ctx, input: i::DeleteGroupPolicyRequest) -> ApiResult<()> {
        inline_policies::delete_group_policy(ctx, input)
    }
    fn list_group_policies(
        &self,
        ctx: &Ctx,
        input: i::ListGroupPoliciesRequest,
    ) -> ApiResult<i::ListGroupPoliciesResponse> {
        inline_policies::list_group_policies(ctx, input)
    }

    // MFA devices (helper).
    fn create_virtual_mfa_device(
        &self,
        ctx: &Ctx,
        input: i::CreateVirtualMFADeviceRequest,
    ) -> ApiResult<i::CreateVirtualMFADeviceResponse> {
        crate::iam::mfa::create_virtual_mfa_device(ctx, input)
    }
    fn enable_mfa_device(&self, ctx: &Ctx, input: i::EnableMFADeviceRequest) -> ApiResult<()> {
        crate::iam::mfa::enable_mfa_device(ctx, input)
    }
    fn resync_mfa_device(&self, ctx: &Ctx, input: i::ResyncMFADeviceRequest) -> ApiResult<()> {
        crate::iam::mfa::resync_mfa_device(ctx, input)
    }
    fn deactivate_mfa_device(&self, ctx: &Ctx, input: i::DeactivateMFADeviceRequest) -> ApiResult<()> {
        crate::iam::mfa::deactivate_mfa_device(ctx, input)
    }
    fn delete_virtual_mfa_device(&self, ctx: &Ctx, input: i::DeleteVirtualMFADeviceRequest) -> ApiResult<()> {
        crate::iam::mfa::delete_virtual_mfa_device(ctx, input)
    }
    fn get_mfa_device(&self, ctx: &Ctx, input: i::GetMFADeviceRequest) -> ApiResult<i::GetMFADeviceResponse> {
        crate::iam::mfa::get_mfa_device(ctx, input)
    }
    fn list_mfa_devices(&self, ctx: &Ctx, input: i::ListMFADevicesRequest) -> ApiResult<i::ListMFADevicesResponse> {
        crate::iam::mfa::list_mfa_devices(ctx, input)
    }
    fn list_virtual_mfa_devices(
        &self,
        ctx: &Ctx,
        input: i::ListVirtualMFADevicesRequest,
    ) -> ApiResult<i::ListVirtualMFADevicesResponse> {
        crate::iam::mfa::list_virtual_mfa_devices(ctx, input)
    }
    fn tag_mfa_device(&self, ctx: &Ctx, input: i::TagMFADeviceRequest) -> ApiResult<()> {
        crate::iam::mfa::tag_mfa_device(ctx, input)
    }
    fn untag_mfa_device(&self, ctx: &Ctx, input: i::UntagMFADeviceRequest) -> ApiResult<()> {
        crate::iam::mfa::untag_mfa_device(ctx, input)
    }
    fn list_mfa_device_tags(
        &self,
        ctx: &Ctx,
        input: i::ListMFADeviceTagsRequest,
    ) -> ApiResult<i::ListMFADeviceTagsResponse> {
        crate::iam::mfa::list_mfa_device_tags(ctx, input)
    }

    // Policy simulation.
    fn simulate_principal_policy(
        &self,
        ctx: &Ctx,
        input: i::SimulatePrincipalPolicyRequest,
    ) -> ApiResult<i::SimulatePolicyResponse> {
        crate::iam::simulate::simulate_principal_policy(ctx, input)
    }
    fn simulate_custom_policy(
        &self,
        ctx: &Ctx,
        input: i::SimulateCustomPolicyRequest,
    ) -> ApiResult<i::SimulatePolicyResponse> {
        crate::iam::simulate::simulate_custom_policy(ctx, input)
    }
    fn get_context_keys_for_custom_policy(
        &self,
        ctx: &Ctx,
        input: i::GetContextKeysForCustomPolicyRequest,
    ) -> ApiResult<i::GetContextKeysForPolicyResponse> {
        crate::iam::simulate::get_context_keys_for_custom_policy(ctx, input)
    }
    fn get_context_keys_for_principal_policy(
        &self,
        ctx: &Ctx,
        input: i::GetContextKeysForPrincipalPolicyRequest,
    ) -> ApiResult<i::GetContextKeysForPolicyResponse> {
        crate::iam::simulate::get_context_keys_for_principal_policy(ctx, input)
    }

    // Roles, instance profiles and providers (helper).
    fn create_role(&self, ctx: &Ctx, input: i::CreateRoleRequest) -> ApiResult<i::CreateRoleResponse> {
        crate::iam::roles::create_role(ctx, input)
    }
    fn get_role(&self, ctx: &Ctx, input: i::GetRoleRequest) -> ApiResult<i::GetRoleResponse> {
        crate::iam::roles::get_role(ctx, input)
    }
    fn list_roles(&self, ctx: &Ctx, input: i::ListRolesRequest) -> ApiResult<i::ListRolesResponse> {
        crate::iam::roles::list_roles(ctx, input)
    }
    fn update_role(&self, ctx: &Ctx, input: i::UpdateRoleRequest) -> ApiResult<i::UpdateRoleResponse> {
        crate::iam::roles::update_role(ctx, input)
    }
    fn update_role_description(
        &self,
        ctx: &Ctx,
        input: i::UpdateRoleDescriptionRequest,
    ) -> ApiResult<i::UpdateRoleDescriptionResponse> {
        crate::iam::roles::update_role_description(ctx, input)
    }
    fn update_assume_role_policy(&self, ctx: &Ctx, input: i::UpdateAssumeRolePolicyRequest) -> ApiResult<()> {
        crate::iam::roles::update_assume_role_policy(ctx, input)
    }
    fn delete_role(&self, ctx: &Ctx, input: i::DeleteRoleRequest) -> ApiResult<()> {
        crate::iam::roles::delete_role(ctx, input)
    }
    fn tag_role(&self, ctx: &Ctx, input: i::TagRoleRequest) -> ApiResult<()> {
        crate::iam::roles::tag_role(ctx, input)
    }
    fn untag_role(&self, ctx: &Ctx, input: i::UntagRoleRequest) -> ApiResult<()> {
        crate::iam::roles::untag_role(ctx, input)
    }
    fn list_role_tags(&self, ctx: &Ctx, input: i::ListRoleTagsRequest) -> ApiResult<i::ListRoleTagsResponse> {
        crate::iam::roles::list_role_tags(ctx, input)
    }
    fn attach_role_policy(&self, ctx: &Ctx, input: i::AttachRolePolicyRequest) -> ApiResult<()> {
        crate::iam::role_policies::attach_role_policy(ctx, input)
    }
    fn detach_role_policy(&self, ctx: &Ctx, input: i::DetachRolePolicyRequest) -> ApiResult<()> {
        crate::iam::role_policies::detach_role_policy(ctx, input)
    }
    fn list_attached_role_policies(
        &self,
        ctx: &Ctx,
        input: i::ListAttachedRolePoliciesRequest,
    ) -> ApiResult<i::ListAttachedRolePoliciesResponse> {
        crate::iam::role_policies::list_attached_role_policies(ctx, input)
    }
    fn put_role_policy(&self, ctx: &Ctx, input: i::PutRolePolicyRequest) -> ApiResult<()> {
        crate::iam::role_policies::put_role_policy(ctx, input)
    }
    fn get_role_policy(&self, ctx: &Ctx, input: i::GetRolePolicyRequest) -> ApiResult<i::GetRolePolicyResponse> {
        crate::iam::role_policies::get_role_policy(ctx, input)
    }
    fn delete_role_policy(&self, ctx: &Ctx, input: i::DeleteRolePolicyRequest) -> ApiResult<()> {
        crate::iam::role_policies::delete_role_policy(ctx, input)
    }
    fn list_role_policies(
        &self,
        ctx: &Ctx,
        input: i::ListRolePoliciesRequest,
    ) -> ApiResult<i::ListRolePoliciesResponse> {
        crate::iam::role_policies::list_role_policies(ctx, input)
    }
    fn put_user_permissions_boundary(&self, ctx: &Ctx, input: i::PutUserPermissionsBoundaryRequest) -> ApiResult<()> {
        crate::iam::boundaries::put_user_permissions_boundary(ctx, input)
    }
    fn delete_user_permissions_boundary(
        &self,
        ctx: &Ctx,
        input: i::DeleteUserPermissionsBoundaryRequest,
    ) -> ApiResult<()> {
        crate::iam::boundaries::delete_user_permissions_boundary(ctx, input)
    }
    fn put_role_permissions_boundary(&self, ctx: &Ctx, input: i::PutRolePermissionsBoundaryRequest) -> ApiResult<()> {
        crate::iam::boundaries::put_role_permissions_boundary(ctx, input)
    }
    fn delete_role_permissions_boundary(
        &self,
        ctx: &Ctx,
        input: i::DeleteRolePermissionsBoundaryRequest,
    ) -> ApiResult<()> {
        crate::iam::boundaries::delete_role_permissions_boundary(ctx, input)
    }
    fn create_service_linked_role(
        &self,
        ctx: &Ctx,
        input: i::CreateServiceLinkedRoleRequest,
    ) -> ApiResult<i::CreateServiceLinkedRoleResponse> {
        crate::iam::service_linked_roles::create_service_linked_role(ctx, input)
    }
    fn delete_service_linked_role(
        &self,
        ctx: &Ctx,
        input: i::DeleteServiceLinkedRoleRequest,
    ) -> ApiResult<i::DeleteServiceLinkedRoleResponse> {
        crate::iam::service_linked_roles::delete_service_linked_role(ctx, input)
    }
    fn get_service_linked_role_deletion_status(
        &self,
        ctx: &Ctx,
        input: i::GetServiceLinkedRoleDeletionStatusRequest,
    ) -> ApiResult<i::GetServiceLinkedRoleDeletionStatusResponse> {
        crate::iam::service_linked_roles::get_service_linked_role_deletion_status(ctx, input)
    }
    fn create_instance_profile(
        &self,
        ctx: &Ctx,
        input: i::CreateInstanceProfileRequest,
    ) -> ApiResult<i::CreateInstanceProfileResponse> {
        crate::iam::instance_profiles::create_instance_profile(ctx, input)
    }
    fn get_instance_profile(
        &self,
        ctx: &Ctx,
        input: i::GetInstanceProfileRequest,
    ) -> ApiResult<i::GetInstanceProfileResponse> {
        crate::iam::instance_profiles::get_instance_profile(ctx, input)
    }
    fn list_instance_profiles(
        &self,
        ctx: &Ctx,
        input: i::ListInstanceProfilesRequest,
    ) -> ApiResult<i::ListInstanceProfilesResponse> {
        crate::iam::instance_profiles::list_instance_profiles(ctx, input)
    }
    fn list_instance_profiles_for_role(
        &self,
        ctx: &Ctx,
        input: i::ListInstanceProfilesForRoleRequest,
    ) -> ApiResult<i::ListInstanceProfilesForRoleResponse> {
        crate::iam::instance_profiles::list_instance_profiles_for_role(ctx, input)
    }
    fn delete_instance_profile(&self, ctx: &Ctx, input: i::DeleteInstanceProfileRequest) -> ApiResult<()> {
        crate::iam::instance_profiles::delete_instance_profile(ctx, input)
    }
    fn add_role_to_instance_profile(&self, ctx: &Ctx, input: i::AddRoleToInstanceProfileRequest) -> ApiResult<()> {
        crate::iam::instance_profiles::add_role_to_instance_profile(ctx, input)
    }
    fn remove_role_from_instance_profile(
        &self,
        ctx: &Ctx,
        input: i::RemoveRoleFromInstanceProfileRequest,
    ) -> ApiResult<()> {
        crate::iam::instance_profiles::remove_role_from_instance_profile(ctx, input)
    }
    fn tag_instance_profile(&self, ctx: &Ctx, input: i::TagInstanceProfileRequest) -> ApiResult<()> {
        crate::iam::instance_profiles::tag_instance_profile(ctx, input)
    }
    fn untag_instance_profile(&self, ctx: &Ctx, input: i::UntagInstanceProfileRequest) -> ApiResult<()> {
        crate::iam::instance_profiles::untag_instance_profile(ctx, input)
    }
    fn list_instance_profile_tags(
        &self,
        ctx: &Ctx,
        input: i::ListInstanceProfileTagsRequest,
    ) -> ApiResult<i::ListInstanceProfileTagsResponse> {
        crate::iam::instance_profiles::list_instance_profile_tags(ctx, input)
    }
    fn create_open_id_connect_provider(
        &self,
        ctx: &Ctx,
        input: i::CreateOpenIDConnectProviderRequest,
    ) -> ApiResult<i::CreateOpenIDConnectProviderResponse> {
        crate::iam::providers::create_open_id_connect_provider(ctx, input)
    }
    fn get_open_id_connect_provider(
        &self,
        ctx: &Ctx,
        input: i::GetOpenIDConnectProviderRequest,
    ) -> ApiResult<i::GetOpenIDConnectProviderResponse> {
        crate::iam::providers::get_open_id_connect_provider(ctx, input)
    }
    fn list_open_id_connect_providers(
        &self,
        ctx: &Ctx,
        input: i::ListOpenIDConnectProvidersRequest,
    ) -> ApiResult<i::ListOpenIDConnectProvidersResponse> {
        crate::iam::providers::list_open_id_connect_providers(ctx, input)
    }
    fn delete_open_id_connect_provider(
        &self,
        ctx: &Ctx,
        input: i::DeleteOpenIDConnectProviderRequest,
    ) -> ApiResult<()> {
        crate::iam::providers::delete_open_id_connect_provider(ctx, input)
    }
    fn add_client_id_to_open_id_connect_provider(
        &self,
        ctx: &Ctx,
        input: i::AddClientIDToOpenIDConnectProviderRequest,
    ) -> ApiResult<()> {
        crate::iam::providers::add_client_id_to_open_id_connect_provider(ctx, input)
    }
    fn remove_client_id_from_open_id_connect_provider(
        &self,
        ctx: &Ctx,
        input: i::RemoveClientIDFromOpenIDConnectProviderRequest,
    ) -> ApiResult<()> {
        crate::iam::providers::remove_client_id_from_open_id_connect_provider(ctx, input)
    }
    fn update_open_id_connect_provider_thumbprint(
        &self,
        ctx: &Ctx,
        input: i::UpdateOpenIDConnectProviderThumbprintRequest,
    ) -> ApiResult<()> {
        crate::iam::providers::update_open_id_connect_provider_thumbprint(ctx, input)
    }
    fn tag_open_id_connect_provider(&self, ctx: &Ctx, input: i::TagOpenIDConnectProviderRequest) -> ApiResult<()> {
        crate::iam::providers::tag_open_id_connect_provider(ctx, input)
    }
    fn untag_open_id_connect_provider(&self, ctx: &Ctx, input: i::UntagOpenIDConnectProviderRequest) -> ApiResult<()> {
        crate::iam::providers::untag_open_id_connect_provider(ctx, input)
    }
    fn list_open_id_connect_provider_tags(
        &self,
        ctx: &Ctx,
        input: i::ListOpenIDConnectProviderTagsRequest,
    ) -> ApiResult<i::ListOpenIDConnectProviderTagsResponse> {
        crate::iam::providers::list_open_id_connect_provider_tags(ctx, input)
    }
    fn create_saml_provider(
        &self,
        ctx: &Ctx,
        input: i::CreateSAMLProviderRequest,
    ) -> ApiResult<i::CreateSAMLProviderResponse> {
        crate::iam::providers::create_saml_provider(ctx, input)
    }
    fn get_saml_provider(&self, ctx: &Ctx, input: i::GetSAMLProviderRequest) -> ApiResult<i::GetSAMLProviderResponse> {
        crate::iam::providers::get_saml_provider(ctx, input)
    }
    fn list_saml_providers(
        &self,
        ctx: &Ctx,
        input: i::ListSAMLProvidersRequest,
    ) -> ApiResult<i::ListSAMLProvidersResponse> {
        crate::iam::providers::list_saml_providers(ctx, input)
    }
    fn update_saml_provider(
        &self,
        ctx: &Ctx,
        input: i::UpdateSAMLProviderRequest,
    ) -> ApiResult<i::UpdateSAMLProviderResponse> {
        crate::iam::providers::update_saml_provider(ctx, input)
    }
    fn delete_saml_provider(&self, ctx: &Ctx, input: i::DeleteSAMLProviderRequest) -> ApiResult<()> {
        crate::iam::providers::delete_saml_provider(ctx, input)
    }
    fn tag_saml_provider(&self, ctx: &Ctx, input: i::TagSAMLProviderRequest) -> ApiResult<()> {
        crate::iam::providers::tag_saml_provider(ctx, input)
    }
    fn untag_saml_provider(&self, ctx: &Ctx, input: i::UntagSAMLProviderRequest) -> ApiResult<()> {
        crate::iam::providers::untag_saml_provider(ctx, input)
    }
    fn list_saml_provider_tags(
        &self,
        ctx: &Ctx,
        input: i::ListSAMLProviderTagsRequest,
    ) -> ApiResult<i::ListSAMLProviderTagsResponse> {
        crate::iam::providers::list_saml_provider_tags(ctx, input)
    }
    fn get_account_authorization_details(
        &self,
        ctx: &Ctx,
        input: i::GetAccountAuthorizationDetailsRequest,
    ) -> ApiResult<i::GetAccountAuthorizationDetailsResponse> {
        crate::iam::authorization_details::get_account_authorization_details(ctx, input)
    }

    // Credential report and Access Advisor (helper).
    fn generate_credential_report(&self, ctx: &Ctx) -> ApiResult<i::GenerateCredentialReportResponse> {
        crate::iam::credential_report::generate_credential_report(ctx)
    }
    fn get_credential_report(&self, ctx: &Ctx) -> ApiResult<i::GetCredentialReportResponse> {
        crate::iam::credential_report::get_credential_report(ctx)
    }
    fn generate_service_last_accessed_details(
        &self,
        ctx: &Ctx,
        input: i::GenerateServiceLastAccessedDetailsRequest,
    ) -> ApiResult<i::GenerateServiceLastAccessedDetailsResponse> {
        crate::iam::access_advisor::generate_service_last_accessed_details(ctx, input)
    }
    fn get_service_last_accessed_details(
        &self,
        ctx: &Ctx,
        input: i::GetServiceLastAccessedDetailsRequest,
    ) -> ApiResult<i::GetServiceLastAccessedDetailsResponse> {
        crate::iam::access_advisor::get_service_last_accessed_details(ctx, input)
    }
    fn get_service_last_accessed_details_with_entities(
        &self,
        ctx: &Ctx,
        input: i::GetServiceLastAccessedDetailsWithEntitiesRequest,
    ) -> ApiResult<i::GetServiceLastAccessedDetailsWithEntitiesResponse> {
        crate::iam::access_advisor::get_service_last_accessed_details_with_entities(ctx, input)
    }
    fn list_policies_granting_service_access(
        &self,
        ctx: &Ctx,
        input: i::ListPoliciesGrantingServiceAccessRequest,
    ) -> ApiResult<i::ListPoliciesGrantingServiceAccessResponse> {
        crate::iam::access_advisor::list_policies_granting_service_access(ctx, input)
    }

    // Certificates, SSH keys, service credentials (helper).
    fn upload_server_certificate(
        &self,
        ctx: &Ctx,
        input: i::UploadServerCertificateRequest,
    ) -> ApiResult<i::UploadServerCertificateResponse> {
        crate::iam::certificates::upload_server_certificate(ctx, input)
    }
    fn get_server_certificate(
        &self,
        ctx: &Ctx,
        input: i::GetServerCertificateRequest,
    ) -> ApiResult<i::GetServerCertificateResponse> {
        crate::iam::certificates::get_server_certificate(ctx, input)
    }
    fn list_server_certificates(
        &self,
        ctx: &Ctx,
        input: i::ListServerCertificatesRequest,
    ) -> ApiResult<i::ListServerCertificatesResponse> {
        crate::iam::certificates::list_server_certificates(ctx, input)
    }
    fn update_server_certificate(&self, ctx: &Ctx, input: i::UpdateServerCertificateRequest) -> ApiResult<()> {
        crate::iam::certificates::update_server_certificate(ctx, input)
    }
    fn delete_server_certificate(&self, ctx: &Ctx, input: i::DeleteServerCertificateRequest) -> ApiResult<()> {
        crate::iam::certificates::delete_server_certificate(ctx, input)
    }
    fn tag_server_certificate(&self, ctx: &Ctx, input: i::TagServerCertificateRequest) -> ApiResult<()> {
        crate::iam::certificates::tag_server_certificate(ctx, input)
    }
    fn untag_server_certificate(&self, ctx: &Ctx, input: i::UntagServerCertificateRequest) -> ApiResult<()> {
        crate::iam::certificates::untag_server_certificate(ctx, input)
    }
    fn list_server_certificate_tags(
        &self,
        ctx: &Ctx,
        input: i::ListServerCertificateTagsRequest,
    ) -> ApiResult<i::ListServerCertificateTagsResponse> {
        crate::iam::certificates::list_server_certificate_tags(ctx, input)
    }
    fn upload_signing_certificate(
        &self,
        ctx: &Ctx,
        input: i::UploadSigningCertificateRequest,
    ) -> ApiResult<i::UploadSigningCertificateResponse> {
        crate::iam::certificates::upload_signing_certificate(ctx, input)
    }
    fn list_signing_certificates(
        &self,
        ctx: &Ctx,
        input: i::ListSigningCertificatesRequest,
    ) -> ApiResult<i::ListSigningCertificatesResponse> {
        crate::iam::certificates::list_signing_certificates(ctx, input)
    }
    fn update_signing_certificate(&self, ctx: &Ctx, input: i::UpdateSigningCertificateRequest) -> ApiResult<()> {
        crate::iam::certificates::update_signing_certificate(ctx, input)
    }
    fn delete_signing_certificate(&self, ctx: &Ctx, input: i::DeleteSigningCertificateRequest) -> ApiResult<()> {
        crate::iam::certificates::delete_signing_certificate(ctx, input)
    }
    fn upload_ssh_public_key(
        &self,
        ctx: &Ctx,
        input: i::UploadSSHPublicKeyRequest,
    ) -> ApiResult<i::UploadSSHPublicKeyResponse> {
        crate::iam::ssh_keys::upload_ssh_public_key(ctx, input)
    }
    fn get_ssh_public_key(&self, ctx: &Ctx, input: i::GetSSHPublicKeyRequest) -> ApiResult<i::GetSSHPublicKeyResponse> {
        crate::iam::ssh_keys::get_ssh_public_key(ctx, input)
    }
    fn list_ssh_public_keys(
        &self,
        ctx: &Ctx,
        input: i::ListSSHPublicKeysRequest,
    ) -> ApiResult<i::ListSSHPublicKeysResponse> {
        crate::iam::ssh_keys::list_ssh_public_keys(ctx, input)
    }
    fn update_ssh_public_key(&self, ctx: &Ctx, input: i::UpdateSSHPublicKeyRequest) -> ApiResult<()> {
        crate::iam::ssh_keys::update_ssh_public_key(ctx, input)
    }
    fn delete_ssh_public_key(&self, ctx: &Ctx, input: i::DeleteSSHPublicKeyRequest) -> ApiResult<()> {
        crate::iam::ssh_keys::delete_ssh_public_key(ctx, input)
    }
    fn create_service_specific_credential(
        &self,
        ctx: &Ctx,
        input: i::CreateServiceSpecificCredentialRequest,
    ) -> ApiResult<i::CreateServiceSpecificCredentialResponse> {
        crate::iam::service_credentials::create_service_specific_credential(ctx, input)
    }
    fn list_service_specific_credentials(
        &self,
        ctx: &Ctx,
        input: i::ListServiceSpecificCredentialsRequest,
    ) -> ApiResult<i::ListServiceSpecificCredentialsResponse> {
        crate::iam::service_credentials::list_service_specific_credentials(ctx, input)
    }
    fn reset_service_specific_credential(
        &self,
        ctx: &Ctx,
        input: i::ResetServiceSpecificCredentialRequest,
    ) -> ApiResult<i::ResetServiceSpecificCredentialResponse> {
        crate::iam::service_credentials::reset_service_specific_credential(ctx, input)
    }
    fn update_service_specific_credential(
        &self,
        ctx: &Ctx,
        input: i::UpdateServiceSpecificCredentialRequest,
    ) -> ApiResult<()> {
        crate::iam::service_credentials::update_service_specific_credential(ctx, input)
    }
    fn delete_service_specific_credential(
        &self,
        ctx: &Ctx,
        input: i::DeleteServiceSpecificCredentialRequest,
    ) -> ApiResult<()> {
        crate::iam::service_credentials::delete_service_specific_credential(ctx, input)
    }

    // STS.
    fn get_caller_identity(
        &self,
        ctx: &Ctx,
        _input: s::GetCallerIdentityRequest,
    ) -> ApiResult<s::GetCallerIdentityResponse> {
        crate::sts::get_caller_identity(ctx)
    }
    fn assume_role(&self, ctx: &Ctx, input: s::AssumeRoleRequest) -> ApiResult<s::AssumeRoleResponse> {
        crate::sts::assume_role(ctx, input)
    }
    fn get_session_token(&self, ctx: &Ctx, input: s::GetSessionTokenRequest) -> ApiResult<s::GetSessionTokenResponse> {
        crate::sts::get_session_token(ctx, input)
    }
    fn get_federation_token(
        &self,
        ctx: &Ctx,
        input: s::GetFederationTokenRequest,
    ) -> ApiResult<s::GetFederationTokenResponse> {
        crate::sts::get_federation_token(ctx, input)
    }
    fn assume_role_with_web_identity(
        &self,
        ctx: &Ctx,
        input: s::AssumeRoleWithWebIdentityRequest,
    ) -> ApiResult<s::AssumeRoleWithWebIdentityResponse> {
        crate::sts::federation::assume_role_with_web_identity(ctx, input)
    }
    fn assume_role_with_saml(
        &self,
        ctx: &Ctx,
        input: s::AssumeRoleWithSAMLRequest,
    ) -> ApiResult<s::AssumeRoleWithSAMLResponse> {
        crate::sts::federation::assume_role_with_saml(ctx, input)
    }
    fn decode_authorization_message(
        &self,
        ctx: &Ctx,
        input: s::DecodeAuthorizationMessageRequest,
    ) -> ApiResult<s::DecodeAuthorizationMessageResponse> {
        crate::sts::federation::decode_authorization_message(ctx, input)
    }
    fn get_scoped_credentials(
        &self,
        ctx: &Ctx,
        input: s::GetScopedCredentialsRequest,
    ) -> ApiResult<s::GetScopedCredentialsResponse> {
        crate::sts::get_scoped_credentials(ctx, input)
    }
    fn get_access_key_info(
        &self,
        ctx: &Ctx,
        input: s::GetAccessKeyInfoRequest,
    ) -> ApiResult<s::GetAccessKeyInfoResponse> {
        crate::sts::get_access_key_info(ctx, input)
    }
}
