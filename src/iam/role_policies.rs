//! Managed and inline policies of roles, through the shared attachment and inline-policy rules;
//! service-linked roles refuse changes.

use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::Entity;

use super::{attachments, inline_policies, roles};

fn policy_arn_key(arn: &str) -> [(String, Vec<String>); 1] {
    [("iam:PolicyARN".to_string(), vec![arn.to_string()])]
}

/// AttachRolePolicy.
pub fn attach_role_policy(ctx: &Ctx, input: AttachRolePolicyRequest) -> ApiResult<()> {
    roles::guard(ctx, &input.role_name, &policy_arn_key(&input.policy_arn))?;
    attachments::attach(ctx, Entity::Role, &input.role_name, &input.policy_arn)
}

/// DetachRolePolicy.
pub fn detach_role_policy(ctx: &Ctx, input: DetachRolePolicyRequest) -> ApiResult<()> {
    roles::guard(ctx, &input.role_name, &policy_arn_key(&input.policy_arn))?;
    attachments::detach(ctx, Entity::Role, &input.role_name, &input.policy_arn)
}

/// ListAttachedRolePolicies.
pub fn list_attached_role_policies(
    ctx: &Ctx,
    input: ListAttachedRolePoliciesRequest,
) -> ApiResult<ListAttachedRolePoliciesResponse> {
    let (items, marker) = attachments::list(
        ctx,
        Entity::Role,
        &input.role_name,
        input.path_prefix.as_deref(),
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListAttachedRolePoliciesResponse {
        attached_policies: Some(items),
        is_truncated: Some(marker.is_some()),
        marker,
    })
}

/// PutRolePolicy.
pub fn put_role_policy(ctx: &Ctx, input: PutRolePolicyRequest) -> ApiResult<()> {
    roles::guard(ctx, &input.role_name, &[])?;
    inline_policies::put(
        ctx,
        Entity::Role,
        &input.role_name,
        &input.policy_name,
        &input.policy_document,
    )
}

/// GetRolePolicy.
pub fn get_role_policy(ctx: &Ctx, input: GetRolePolicyRequest) -> ApiResult<GetRolePolicyResponse> {
    let (role_name, policy_document) = inline_policies::get(ctx, Entity::Role, &input.role_name, &input.policy_name)?;
    Ok(GetRolePolicyResponse {
        role_name,
        policy_name: input.policy_name,
        policy_document,
    })
}

/// DeleteRolePolicy.
pub fn delete_role_policy(ctx: &Ctx, input: DeleteRolePolicyRequest) -> ApiResult<()> {
    roles::guard(ctx, &input.role_name, &[])?;
    inline_policies::delete(ctx, Entity::Role, &input.role_name, &input.policy_name)
}

/// ListRolePolicies.
pub fn list_role_policies(ctx: &Ctx, input: ListRolePoliciesRequest) -> ApiResult<ListRolePoliciesResponse> {
    let (policy_names, marker) = inline_policies::list(
        ctx,
        Entity::Role,
        &input.role_name,
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListRolePoliciesResponse {
        policy_names,
        is_truncated: Some(marker.is_some()),
        marker,
    })
}
