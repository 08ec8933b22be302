//! Groups and membership.

use rusqlite::Connection;

use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::groups::{self as store, GroupRow};
use crate::store::{ids, page};

use super::{messages, quotas, users};

/// Loads a group by name or answers NoSuchEntity.
pub fn load(c: &Connection, name: &str) -> ApiResult<GroupRow> {
    store::by_name(c, name)?.ok_or_else(|| messages::no_such_group(name))
}

/// `group/PATH/NAME`.
pub fn resource(g: &GroupRow) -> String {
    format!("group{}{}", g.path, g.name)
}

/// The ARN authorized for a group name: the real one if it exists.
pub fn resource_arn(ctx: &Ctx, c: &Connection, name: &str) -> ApiResult<String> {
    super::entities::arn(ctx, c, crate::store::policies::Entity::Group, name)
}

/// The API shape of a group.
pub fn to_api(ctx: &Ctx, g: &GroupRow) -> Group {
    Group {
        path: g.path.clone(),
        group_name: g.name.clone(),
        group_id: g.id.clone(),
        arn: ctx.iam_arn(&resource(g)),
        create_date: g.created.clone(),
    }
}

/// CreateGroup.
pub fn create_group(ctx: &Ctx, input: CreateGroupRequest) -> ApiResult<CreateGroupResponse> {
    let path = input.path.unwrap_or_else(|| "/".to_string());
    ctx.store().write(|tx| {
        ctx.authorize(tx, &ctx.iam_arn(&format!("group{path}{}", input.group_name)))?;
        if store::by_name(tx, &input.group_name)?.is_some() {
            return Err(messages::already_exists("Group", &input.group_name));
        }
        if store::count(tx)? >= quotas::GROUPS {
            return Err(messages::quota_exceeded("GroupsPerAccount", quotas::GROUPS));
        }
        let row = GroupRow {
            id: ids::unique_id(ids::prefix::GROUP),
            name: input.group_name.clone(),
            path: path.clone(),
            created: ctx.now_iso(),
        };
        store::insert(tx, &row)?;
        Ok(CreateGroupResponse {
            group: to_api(ctx, &row),
        })
    })
}

/// GetGroup: the group and a page of its users.
pub fn get_group(ctx: &Ctx, input: GetGroupRequest) -> ApiResult<GetGroupResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.group_name)?)?;
        let g = load(c, &input.group_name)?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows = store::members(c, &g.id, after.as_deref(), limit)?;
        let p = page::paginate(rows, limit, |u| u.name.to_lowercase());
        let users = p
            .items
            .iter()
            .map(|u| users::to_api(ctx, c, u, false))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(GetGroupResponse {
            group: to_api(ctx, &g),
            users,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// ListGroups.
pub fn list_groups(ctx: &Ctx, input: ListGroupsRequest) -> ApiResult<ListGroupsResponse> {
    ctx.store().read(|c| {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
        ctx.authorize(c, &ctx.iam_arn(&format!("group{prefix}")))?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::list(c, &prefix, after.as_deref(), limit)?, limit, |g| {
            g.name.to_lowercase()
        });
        Ok(ListGroupsResponse {
            groups: p.items.iter().map(|g| to_api(ctx, g)).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// UpdateGroup: rename and/or move.
pub fn update_group(ctx: &Ctx, input: UpdateGroupRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.group_name)?)?;
        let g = load(tx, &input.group_name)?;
        let name = input.new_group_name.clone().unwrap_or_else(|| g.name.clone());
        let path = input.new_path.clone().unwrap_or_else(|| g.path.clone());
        if let Some(other) = store::by_name(tx, &name)? {
            if other.id != g.id {
                return Err(messages::already_exists("Group", &name));
            }
        }
        store::update_name_path(tx, &g.id, &name, &path)?;
        Ok(())
    })
}

/// DeleteGroup: refused while it has members or policies.
pub fn delete_group(ctx: &Ctx, input: DeleteGroupRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.group_name)?)?;
        let g = load(tx, &input.group_name)?;
        if store::count_members(tx, &g.id)? > 0 {
            return Err(messages::delete_conflict("remove users from group"));
        }
        crate::iam::dependents_check(tx, "group", &g.id)?;
        store::delete(tx, &g.id)?;
        Ok(())
    })
}

/// AddUserToGroup (idempotent).
pub fn add_user_to_group(ctx: &Ctx, input: AddUserToGroupRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.group_name)?)?;
        let g = load(tx, &input.group_name)?;
        let u = users::load(tx, &input.user_name)?;
        if !store::is_member(tx, &g.id, &u.id)? && store::count_for_user(tx, &u.id)? >= quotas::GROUPS_PER_USER {
            return Err(messages::quota_exceeded("GroupsPerUser", quotas::GROUPS_PER_USER));
        }
        store::add_member(tx, &g.id, &u.id)?;
        Ok(())
    })
}

/// RemoveUserFromGroup.
pub fn remove_user_from_group(ctx: &Ctx, input: RemoveUserFromGroupRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.group_name)?)?;
        let g = load(tx, &input.group_name)?;
        let u = users::load(tx, &input.user_name)?;
        if !store::remove_member(tx, &g.id, &u.id)? {
            return Err(crate::api::errors::no_such_entity(format!(
                "The user with name {} cannot be found.",
                input.user_name
            )));
        }
        Ok(())
    })
}

/// ListGroupsForUser.
pub fn list_groups_for_user(ctx: &Ctx, input: ListGroupsForUserRequest) -> ApiResult<ListGroupsForUserResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &users::resource_arn(ctx, c, &input.user_name)?)?;
        let u = users::load(c, &input.user_name)?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::for_user(c, &u.id, after.as_deref(), limit)?, limit, |g| {
            g.name.to_lowercase()
        });
        Ok(ListGroupsForUserResponse {
            groups: p.items.iter().map(|g| to_api(ctx, g)).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}
