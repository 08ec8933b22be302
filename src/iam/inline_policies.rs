//! Inline policies of users, groups and roles, with IAM's per-entity size quotas.

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::{self as store, Entity};

use super::{entities, policies, quotas};

fn size_quota(kind: Entity) -> usize {
    match kind {
        Entity::User => quotas::USER_POLICY_SIZE,
        Entity::Group => quotas::GROUP_POLICY_SIZE,
        Entity::Role => quotas::ROLE_POLICY_SIZE,
    }
}

fn no_such_policy(kind: Entity, name: &str) -> crate::error::ApiError {
    errors::no_such_entity(format!(
        "The {} policy with name {name} cannot be found.",
        match kind {
            Entity::User => "user",
            Entity::Group => "group",
            Entity::Role => "role",
        }
    ))
}

/// Put{User,Group,Role}Policy: validates, then creates or replaces.
pub fn put(ctx: &Ctx, kind: Entity, name: &str, policy_name: &str, document: &str) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &entities::arn(ctx, tx, kind, name)?)?;
        let e = entities::load(ctx, tx, kind, name)?;
        crate::policy::parse_policy(document, crate::policy::PolicyKind::Identity)
            .map_err(|err| errors::malformed_policy_document(err.message))?;
        let others: usize = store::inlines(tx, kind, &e.id)?
            .iter()
            .filter(|(n, _)| n != policy_name)
            .map(|(_, d)| crate::policy::policy_size(d))
            .sum();
        let quota = size_quota(kind);
        if others + crate::policy::policy_size(document) > quota {
            return Err(errors::limit_exceeded(format!(
                "Maximum policy size of {quota} bytes exceeded for {} {}",
                kind.as_str(),
                e.name
            )));
        }
        store::put_inline(tx, kind, &e.id, policy_name, document)?;
        Ok(())
    })
}

/// Get{User,Group,Role}Policy: (entity name, document URL-encoded).
pub fn get(ctx: &Ctx, kind: Entity, name: &str, policy_name: &str) -> ApiResult<(String, String)> {
    ctx.store().read(|c| {
        ctx.authorize(c, &entities::arn(ctx, c, kind, name)?)?;
        let e = entities::load(ctx, c, kind, name)?;
        let doc = store::inline(c, kind, &e.id, policy_name)?.ok_or_else(|| no_such_policy(kind, policy_name))?;
        Ok((e.name, policies::encode_document(&doc)))
    })
}

/// Delete{User,Group,Role}Policy.
pub fn delete(ctx: &Ctx, kind: Entity, name: &str, policy_name: &str) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &entities::arn(ctx, tx, kind, name)?)?;
        let e = entities::load(ctx, tx, kind, name)?;
        if !store::delete_inline(tx, kind, &e.id, policy_name)? {
            return Err(no_such_policy(kind, policy_name));
        }
        Ok(())
    })
}

/// List{User,Group,Role}Policies: (names, marker).
pub fn list(
    ctx: &Ctx,
    kind: Entity,
    name: &str,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> ApiResult<(Vec<String>, Option<String>)> {
    ctx.store().read(|c| {
        ctx.authorize(c, &entities::arn(ctx, c, kind, name)?)?;
        let e = entities::load(ctx, c, kind, name)?;
        let names = store::inlines(c, kind, &e.id)?.into_iter().map(|(n, _)| n).collect();
        policies::offset_page(names, marker, max_items)
    })
}

/// PutUserPolicy.
pub fn put_user_policy(ctx: &Ctx, input: PutUserPolicyRequest) -> ApiResult<()> {
    put(
        ctx,
        Entity::User,
        &input.user_name,
        &input.policy_name,
        &input.policy_document,
    )
}

/// GetUserPolicy.
pub fn get_user_policy(ctx: &Ctx, input: GetUserPolicyRequest) -> ApiResult<GetUserPolicyResponse> {
    let (user_name, policy_document) = get(ctx, Entity::User, &input.user_name, &input.policy_name)?;
    Ok(GetUserPolicyResponse {
        user_name,
        policy_name: input.policy_name,
        policy_document,
    })
}

/// DeleteUserPolicy.
pub fn delete_user_policy(ctx: &Ctx, input: DeleteUserPolicyRequest) -> ApiResult<()> {
    delete(ctx, Entity::User, &input.user_name, &input.policy_name)
}

/// ListUserPolicies.
pub fn list_user_policies(ctx: &Ctx, input: ListUserPoliciesRequest) -> ApiResult<ListUserPoliciesResponse> {
    let (policy_names, marker) = list(
        ctx,
        Entity::User,
        &input.user_name,
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListUserPoliciesResponse {
        policy_names,
        is_truncated: Some(marker.is_some()),
        marker,
    })
}

/// PutGroupPolicy.
pub fn put_group_policy(ctx: &Ctx, input: PutGroupPolicyRequest) -> ApiResult<()> {
    put(
        ctx,
        Entity::Group,
        &input.group_name,
        &input.policy_name,
        &input.policy_document,
    )
}

/// GetGroupPolicy.
pub fn get_group_policy(ctx: &Ctx, input: GetGroupPolicyRequest) -> ApiResult<GetGroupPolicyResponse> {
    let (group_name, policy_document) = get(ctx, Entity::Group, &input.group_name, &input.policy_name)?;
    Ok(GetGroupPolicyResponse {
        group_name,
        policy_name: input.policy_name,
        policy_document,
    })
}

/// DeleteGroupPolicy.
pub fn delete_group_policy(ctx: &Ctx, input: DeleteGroupPolicyRequest) -> ApiResult<()> {
    delete(ctx, Entity::Group, &input.group_name, &input.policy_name)
}

/// ListGroupPolicies.
pub fn list_group_policies(ctx: &Ctx, input: ListGroupPoliciesRequest) -> ApiResult<ListGroupPoliciesResponse> {
    let (policy_names, marker) = list(
        ctx,
        Entity::Group,
        &input.group_name,
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListGroupPoliciesResponse {
        policy_names,
        is_truncated: Some(marker.is_some()),
        marker,
    })
}
