//! Managed policy attachments to users, groups and roles (at most ten each).

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::{self as store, Entity};

use super::entities;
use super::policies::{self, PolicyRef};
use super::quotas;

fn not_attachable(arn: &str) -> crate::error::ApiError {
    errors::no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
}

/// The `iam:PolicyARN` condition key of attach and detach calls.
fn policy_arn_key(arn: &str) -> [(String, Vec<String>); 1] {
    [("iam:PolicyARN".to_string(), vec![arn.to_string()])]
}

/// Attaches a policy to an entity (idempotent).
pub fn attach(ctx: &Ctx, kind: Entity, name: &str, policy_arn: &str) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &entities::arn(ctx, tx, kind, name)?, &policy_arn_key(policy_arn))?;
        let e = entities::load(ctx, tx, kind, name)?;
        let p = policies::find(ctx, tx, policy_arn)?.ok_or_else(|| not_attachable(policy_arn))?;
        let current = store::attached(tx, kind, &e.id)?;
        if current.iter().any(|id| id == p.id()) {
            return Ok(());
        }
        if current.len() as i64 >= quotas::ATTACHED_POLICIES {
            let quota = match kind {
                Entity::User => "PoliciesPerUser",
                Entity::Group => "PoliciesPerGroup",
                Entity::Role => "PoliciesPerRole",
            };
            return Err(super::messages::quota_exceeded(quota, quotas::ATTACHED_POLICIES));
        }
        store::attach(tx, kind, &e.id, p.id())?;
        Ok(())
    })
}

/// Detaches a policy from an entity.
pub fn detach(ctx: &Ctx, kind: Entity, name: &str, policy_arn: &str) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(tx, &entities::arn(ctx, tx, kind, name)?, &policy_arn_key(policy_arn))?;
        let e = entities::load(ctx, tx, kind, name)?;
        let p = policies::find(ctx, tx, policy_arn)?.ok_or_else(|| not_attachable(policy_arn))?;
        if !store::detach(tx, kind, &e.id, p.id())? {
            return Err(errors::no_such_entity(format!("Policy {policy_arn} was not found.")));
        }
        Ok(())
    })
}

/// The AttachedPolicy list of an entity.
pub fn attached_policies(ctx: &Ctx, c: &Connection, kind: Entity, entity_id: &str) -> ApiResult<Vec<AttachedPolicy>> {
    let mut out = Vec::new();
    for id in store::attached(c, kind, entity_id)? {
        if let Some(p) = policies::by_id(c, &id)? {
            out.push(AttachedPolicy {
                policy_name: Some(p.name().to_string()),
                policy_arn: Some(p.arn(ctx)),
            });
        }
    }
    Ok(out)
}

/// ListAttached{User,Group,Role}Policies: (policies, truncated, marker).
pub fn list(
    ctx: &Ctx,
    kind: Entity,
    name: &str,
    path_prefix: Option<&str>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> ApiResult<(Vec<AttachedPolicy>, Option<String>)> {
    ctx.store().read(|c| {
        ctx.authorize(c, &entities::arn(ctx, c, kind, name)?)?;
        let e = entities::load(ctx, c, kind, name)?;
        let prefix = path_prefix.unwrap_or("/");
        let mut items = Vec::new();
        for id in store::attached(c, kind, &e.id)? {
            if let Some(p) = policies::by_id(c, &id)? {
                if p.path().starts_with(prefix) {
                    items.push(AttachedPolicy {
                        policy_name: Some(p.name().to_string()),
                        policy_arn: Some(p.arn(ctx)),
                    });
                }
            }
        }
        policies::offset_page(items, marker, max_items)
    })
}

/// AttachUserPolicy.
pub fn attach_user_policy(ctx: &Ctx, input: AttachUserPolicyRequest) -> ApiResult<()> {
    attach(ctx, Entity::User, &input.user_name, &input.policy_arn)
}

/// DetachUserPolicy.
pub fn detach_user_policy(ctx: &Ctx, input: DetachUserPolicyRequest) -> ApiResult<()> {
    detach(ctx, Entity::User, &input.user_name, &input.policy_arn)
}

/// AttachGroupPolicy.
pub fn attach_group_policy(ctx: &Ctx, input: AttachGroupPolicyRequest) -> ApiResult<()> {
    attach(ctx, Entity::Group, &input.group_name, &input.policy_arn)
}

/// DetachGroupPolicy.
pub fn detach_group_policy(ctx: &Ctx, input: DetachGroupPolicyRequest) -> ApiResult<()> {
    detach(ctx, Entity::Group, &input.group_name, &input.policy_arn)
}

/// ListAttachedUserPolicies.
pub fn list_attached_user_policies(
    ctx: &Ctx,
    input: ListAttachedUserPoliciesRequest,
) -> ApiResult<ListAttachedUserPoliciesResponse> {
    let (items, marker) = list(
        ctx,
        Entity::User,
        &input.user_name,
        input.path_prefix.as_deref(),
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListAttachedUserPoliciesResponse {
        attached_policies: Some(items),
        is_truncated: Some(marker.is_some()),
        marker,
    })
}

/// ListAttachedGroupPolicies.
pub fn list_attached_group_policies(
    ctx: &Ctx,
    input: ListAttachedGroupPoliciesRequest,
) -> ApiResult<ListAttachedGroupPoliciesResponse> {
    let (items, marker) = list(
        ctx,
        Entity::Group,
        &input.group_name,
        input.path_prefix.as_deref(),
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListAttachedGroupPoliciesResponse {
        attached_policies: Some(items),
        is_truncated: Some(marker.is_some()),
        marker,
    })
}

/// ListEntitiesForPolicy.
pub fn list_entities_for_policy(
    ctx: &Ctx,
    input: ListEntitiesForPolicyRequest,
) -> ApiResult<ListEntitiesForPolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_arn)?;
        let p: PolicyRef = policies::load(ctx, c, &input.policy_arn)?;
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let filter = input.entity_filter.as_deref();
        let boundary_only = input.policy_usage_filter.as_deref() == Some("PermissionsBoundary");
        let wanted = |k: &str| filter.is_none_or(|f| f.eq_ignore_ascii_case(k));
        let attachments = if boundary_only {
            Vec::new()
        } else {
            store::attachments_of(c, p.id())?
        };
        // One list in attachment order, paged as a whole, then split by kind.
        let mut entities: Vec<(Entity, String, String)> = Vec::new();
        for (kind, id) in attachments {
            let found = match kind.as_str() {
                "user" if wanted("User") => crate::store::users::by_id(c, &id)?
                    .filter(|u| u.path.starts_with(prefix))
                    .map(|u| (Entity::User, u.name, u.id)),
                "group" if wanted("Group") => crate::store::groups::by_id(c, &id)?
                    .filter(|g| g.path.starts_with(prefix))
                    .map(|g| (Entity::Group, g.name, g.id)),
                "role" if wanted("Role") => crate::store::roles::by_id(c, &id)?
                    .filter(|r| r.path.starts_with(prefix))
                    .map(|r| (Entity::Role, r.name, r.id)),
                _ => None,
            };
            entities.extend(found);
        }
        let (page, marker) = policies::offset_page(entities, input.marker.as_deref(), input.max_items)?;
        let (mut users, mut groups, mut roles) = (Vec::new(), Vec::new(), Vec::new());
        for (kind, name, id) in page {
            match kind {
                Entity::User => users.push(PolicyUser {
                    user_name: Some(name),
                    user_id: Some(id),
                }),
                Entity::Group => groups.push(PolicyGroup {
                    group_name: Some(name),
                    group_id: Some(id),
                }),
                Entity::Role => roles.push(PolicyRole {
                    role_name: Some(name),
                    role_id: Some(id),
                }),
            }
        }
        Ok(ListEntitiesForPolicyResponse {
            policy_groups: Some(groups),
            policy_users: Some(users),
            policy_roles: Some(roles),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    })
}
