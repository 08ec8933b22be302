//! Users: create, read, list, rename, delete, tag.

use rusqlite::Connection;

use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::tags::Kind;
use crate::store::users::{self as store, UserRow};
use crate::store::{access_keys, groups, ids, login, page, tags};

use super::{messages, quotas};

/// Loads a user by name or answers NoSuchEntity.
pub fn load(c: &Connection, name: &str) -> ApiResult<UserRow> {
    store::by_name(c, name)?.ok_or_else(|| messages::no_such_user(name))
}

/// The ARN IAM authorizes against: the real one when the user exists, else `user/NAME`.
pub fn resource_arn(ctx: &Ctx, c: &Connection, name: &str) -> ApiResult<String> {
    super::entities::arn(ctx, c, crate::store::policies::Entity::User, name)
}

/// The API shape of a user. `whole` (GetUser, CreateUser) adds the tags and permissions
/// boundary, which list answers leave out (botocore's ListUsers documentation: "does not return
/// PermissionsBoundary, Tags").
pub fn to_api(ctx: &Ctx, c: &Connection, u: &UserRow, whole: bool) -> ApiResult<User> {
    let (tags, boundary) = if whole {
        (
            tags::list(c, Kind::User, &u.id)?,
            super::boundary_to_api(ctx, c, u.boundary.as_deref())?,
        )
    } else {
        (Vec::new(), None)
    };
    Ok(User {
        path: Some(u.path.clone()),
        user_name: Some(u.name.clone()),
        user_id: u.id.clone(),
        arn: ctx.iam_arn(&super::user_resource(u)),
        create_date: u.created.clone(),
        password_last_used: u.password_last_used.clone(),
        permissions_boundary: boundary,
        tags: (!tags.is_empty()).then(|| tags.into_iter().map(|(key, value)| Tag { key, value }).collect()),
    })
}

/// CreateUser.
pub fn create_user(ctx: &Ctx, input: CreateUserRequest) -> ApiResult<CreateUserResponse> {
    let path = input.path.unwrap_or_else(|| "/".to_string());
    let tags_in = input.tags.unwrap_or_default();
    let new_tags = super::tags::pairs(tags_in.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        let keys = super::tags::request_keys(&new_tags);
        ctx.authorize_with(tx, &ctx.iam_arn(&["user", &path, &input.user_name].concat()), &keys)?;
        super::tags::check_request(&new_tags)?;
        if store::by_name(tx, &input.user_name)?.is_some() {
            return Err(messages::already_exists("User", &input.user_name));
        }
        if store::count(tx)? >= quotas::USERS {
            return Err(messages::quota_exceeded("UsersPerAccount", quotas::USERS));
        }
        let boundary = match &input.permissions_boundary {
            Some(arn) => Some(super::resolve_boundary(ctx, tx, arn)?),
            None => None,
        };
        let row = UserRow {
            id: ids::unique_id(ids::prefix::USER),
            name: input.user_name.clone(),
            path: path.clone(),
            created: ctx.now_iso(),
            password_last_used: None,
            boundary,
        };
        store::insert(tx, &row)?;
        tags::put(tx, Kind::User, &row.id, &new_tags)?;
        Ok(CreateUserResponse {
            user: Some(to_api(ctx, tx, &row, true)?),
        })
    })
}

/// GetUser: a named user, or the caller.
pub fn get_user(ctx: &Ctx, input: GetUserRequest) -> ApiResult<GetUserResponse> {
    ctx.store().read(|c| {
        if input.user_name.is_none() && ctx.principal.is_root() {
            return Ok(GetUserResponse { user: root_user(ctx) });
        }
        // Parameters are checked before authorization, as AWS does.
        if input.user_name.is_none() && ctx.principal.iam_user().is_none() {
            return Err(super::messages::user_name_required());
        }
        let u = super::user_or_caller(ctx, c, input.user_name.as_deref());
        let arn = match (&u, &input.user_name) {
            (Ok(u), _) => ctx.iam_arn(&super::user_resource(u)),
            (Err(_), Some(n)) => ctx.iam_arn(&format!("user/{n}")),
            (Err(_), None) => ctx.caller_arn(),
        };
        ctx.authorize(c, &arn)?;
        Ok(GetUserResponse {
            user: to_api(ctx, c, &u?, true)?,
        })
    })
}

/// GetUser for the root user: no UserName and no Path, as AWS answers.
fn root_user(ctx: &Ctx) -> User {
    User {
        user_id: ctx.account().to_string(),
        arn: ctx.caller_arn(),
        create_date: "2026-01-01T00:00:00Z".to_string(),
        ..User::default()
    }
}

/// ListUsers.
pub fn list_users(ctx: &Ctx, input: ListUsersRequest) -> ApiResult<ListUsersResponse> {
    ctx.store().read(|c| {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
        ctx.authorize(c, &ctx.iam_arn(&format!("user{prefix}")))?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows = store::list(c, &prefix, after.as_deref(), limit)?;
        let p = page::paginate(rows, limit, |u| u.name.to_lowercase());
        let users = p
            .items
            .iter()
            .map(|u| to_api(ctx, c, u, false))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(ListUsersResponse {
            users,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// UpdateUser: rename and/or move.
pub fn update_user(ctx: &Ctx, input: UpdateUserRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.user_name)?)?;
        let u = load(tx, &input.user_name)?;
        let name = input.new_user_name.clone().unwrap_or_else(|| u.name.clone());
        let path = input.new_path.clone().unwrap_or_else(|| u.path.clone());
        if let Some(other) = store::by_name(tx, &name)? {
            if other.id != u.id {
                return Err(messages::already_exists("User", &name));
            }
        }
        store::update_name_path(tx, &u.id, &name, &path)?;
        Ok(())
    })
}

/// DeleteUser: refused while anything still hangs off the user.
pub fn delete_user(ctx: &Ctx, input: DeleteUserRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.user_name)?)?;
        let u = load(tx, &input.user_name)?;
        if login::get(tx, &u.id)?.is_some() {
            return Err(messages::delete_conflict("delete login profile"));
        }
        if access_keys::count_for_user(tx, &u.id)? > 0 {
            return Err(messages::delete_conflict("delete access keys"));
        }
        {
            use crate::store::credentials::{count_for_user as creds, Kind as C};
            if creds(tx, C::Signing, &u.id, None)? > 0 {
                return Err(messages::delete_conflict("delete certificates"));
            }
            if creds(tx, C::Ssh, &u.id, None)? + creds(tx, C::Service, &u.id, None)? > 0 {
                return Err(messages::delete_conflict("remove referenced objects"));
            }
        }
        if super::mfa::has_enabled_device(tx, &u.id)? {
            return Err(messages::delete_conflict("delete MFA device"));
        }
        if groups::count_for_user(tx, &u.id)? > 0 {
            return Err(messages::delete_conflict("remove user from all groups"));
        }
        crate::iam::dependents_check(tx, "user", &u.id)?;
        tags::clear(tx, Kind::User, &u.id)?;
        store::delete(tx, &u.id)?;
        Ok(())
    })
}

/// TagUser.
pub fn tag_user(ctx: &Ctx, input: TagUserRequest) -> ApiResult<()> {
    let new = super::tags::pairs(input.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &resource_arn(ctx, tx, &input.user_name)?,
            &super::tags::request_keys(&new),
        )?;
        let u = load(tx, &input.user_name)?;
        super::tags::add(tx, Kind::User, &u.id, &new)
    })
}

/// UntagUser.
pub fn untag_user(ctx: &Ctx, input: UntagUserRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.user_name)?)?;
        let u = load(tx, &input.user_name)?;
        tags::remove(tx, Kind::User, &u.id, &input.tag_keys)?;
        Ok(())
    })
}

/// ListUserTags.
pub fn list_user_tags(ctx: &Ctx, input: ListUserTagsRequest) -> ApiResult<ListUserTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.user_name)?)?;
        let u = load(c, &input.user_name)?;
        let p = super::tags::page(c, Kind::User, &u.id, input.marker.as_deref(), input.max_items)?;
        Ok(ListUserTagsResponse {
            tags: p.items.into_iter().map(|(key, value)| Tag { key, value }).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}
