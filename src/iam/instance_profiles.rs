//! Instance profiles: containers for (at most) one role, with tags.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::instance_profiles::{self as store, ProfileRow};
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{ids, page};

use super::{messages, quotas, roles};

/// Roles one instance profile can hold.
const ROLES_PER_PROFILE: i64 = 1;

/// Loads a profile by name or answers NoSuchEntity.
pub fn load(c: &Connection, name: &str) -> ApiResult<ProfileRow> {
    store::by_name(c, name)?.ok_or_else(|| messages::no_such_instance_profile(name))
}

/// `instance-profile/PATH/NAME`.
pub fn resource(p: &ProfileRow) -> String {
    format!("instance-profile{}{}", p.path, p.name)
}

/// The ARN authorized for a profile name: the real one when it exists.
pub fn resource_arn(ctx: &Ctx, c: &Connection, name: &str) -> ApiResult<String> {
    Ok(match store::by_name(c, name)? {
        Some(p) => ctx.iam_arn(&resource(&p)),
        None => ctx.iam_arn(&format!("instance-profile/{name}")),
    })
}

/// The InstanceProfile shape, with its roles; tags only where IAM returns them.
pub fn to_api(ctx: &Ctx, c: &Connection, p: &ProfileRow, with_tags: bool) -> ApiResult<InstanceProfile> {
    let roles = store::roles(c, &p.id)?
        .iter()
        .map(|r| roles::to_api(ctx, c, r, roles::RoleView::Listed))
        .collect::<ApiResult<Vec<_>>>()?;
    let tags = if with_tags {
        tag_store::list(c, Kind::InstanceProfile, &p.id)?
    } else {
        Vec::new()
    };
    Ok(InstanceProfile {
        path: p.path.clone(),
        instance_profile_name: p.name.clone(),
        instance_profile_id: p.id.clone(),
        arn: ctx.iam_arn(&resource(p)),
        create_date: p.created.clone(),
        roles,
        tags: (!tags.is_empty()).then(|| tags.into_iter().map(|(key, value)| Tag { key, value }).collect()),
    })
}

/// CreateInstanceProfile.
pub fn create_instance_profile(
    ctx: &Ctx,
    input: CreateInstanceProfileRequest,
) -> ApiResult<CreateInstanceProfileResponse> {
    let path = input.path.clone().unwrap_or_else(|| "/".to_string());
    let new_tags = super::tags::pairs(input.tags.iter().flatten().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &ctx.iam_arn(&format!("instance-profile{path}{}", input.instance_profile_name)),
            &super::tags::request_keys(&new_tags),
        )?;
        super::tags::check_request(&new_tags)?;
        if store::by_name(tx, &input.instance_profile_name)?.is_some() {
            return Err(errors::entity_already_exists(format!(
                "Instance Profile {} already exists.",
                input.instance_profile_name
            )));
        }
        if store::count(tx)? >= quotas::INSTANCE_PROFILES {
            return Err(messages::quota_exceeded(
                "InstanceProfilesPerAccount",
                quotas::INSTANCE_PROFILES,
            ));
        }
        let row = ProfileRow {
            id: ids::unique_id(ids::prefix::INSTANCE_PROFILE),
            name: input.instance_profile_name.clone(),
            path: path.clone(),
            created: ctx.now_iso(),
        };
        store::insert(tx, &row)?;
        tag_store::put(tx, Kind::InstanceProfile, &row.id, &new_tags)?;
        Ok(CreateInstanceProfileResponse {
            instance_profile: to_api(ctx, tx, &row, true)?,
        })
    })
}

/// GetInstanceProfile.
pub fn get_instance_profile(ctx: &Ctx, input: GetInstanceProfileRequest) -> ApiResult<GetInstanceProfileResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.instance_profile_name)?)?;
        let p = load(c, &input.instance_profile_name)?;
        Ok(GetInstanceProfileResponse {
            instance_profile: to_api(ctx, c, &p, true)?,
        })
    })
}

/// ListInstanceProfiles.
pub fn list_instance_profiles(
    ctx: &Ctx,
    input: ListInstanceProfilesRequest,
) -> ApiResult<ListInstanceProfilesResponse> {
    ctx.store().read(|c| {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
        ctx.authorize(c, &ctx.iam_arn(&format!("instance-profile{prefix}")))?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::list(c, &prefix, after.as_deref(), limit)?, limit, |p| {
            p.name.to_lowercase()
        });
        Ok(ListInstanceProfilesResponse {
            instance_profiles: p
                .items
                .iter()
                .map(|ip| to_api(ctx, c, ip, false))
                .collect::<ApiResult<Vec<_>>>()?,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// ListInstanceProfilesForRole.
pub fn list_instance_profiles_for_role(
    ctx: &Ctx,
    input: ListInstanceProfilesForRoleRequest,
) -> ApiResult<ListInstanceProfilesForRoleResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &roles::resource_arn(ctx, c, &input.role_name)?)?;
        let r = roles::load(c, &input.role_name)?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let p = page::paginate(store::for_role(c, &r.id, after.as_deref(), limit)?, limit, |p| {
            p.name.to_lowercase()
        });
        Ok(ListInstanceProfilesForRoleResponse {
            instance_profiles: p
                .items
                .iter()
                .map(|ip| to_api(ctx, c, ip, false))
                .collect::<ApiResult<Vec<_>>>()?,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// DeleteInstanceProfile: refused while it holds a role.
pub fn delete_instance_profile(ctx: &Ctx, input: DeleteInstanceProfileRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.instance_profile_name)?)?;
        let p = load(tx, &input.instance_profile_name)?;
        if !store::role_ids(tx, &p.id)?.is_empty() {
            return Err(messages::delete_conflict("remove roles from instance profile"));
        }
        tag_store::clear(tx, Kind::InstanceProfile, &p.id)?;
        store::delete(tx, &p.id)?;
        Ok(())
    })
}

/// AddRoleToInstanceProfile: one role per profile; the caller must also be allowed to pass it.
pub fn add_role_to_instance_profile(ctx: &Ctx, input: AddRoleToInstanceProfileRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.instance_profile_name)?)?;
        ctx.authorize_action(tx, "iam:PassRole", &roles::resource_arn(ctx, tx, &input.role_name)?)?;
        let p = load(tx, &input.instance_profile_name)?;
        let r = roles::load(tx, &input.role_name)?;
        if store::role_ids(tx, &p.id)?.len() as i64 >= ROLES_PER_PROFILE {
            return Err(messages::quota_exceeded(
                "InstanceSessionsPerInstanceProfile",
                ROLES_PER_PROFILE,
            ));
        }
        store::add_role(tx, &p.id, &r.id)?;
        Ok(())
    })
}

/// RemoveRoleFromInstanceProfile.
pub fn remove_role_from_instance_profile(ctx: &Ctx, input: RemoveRoleFromInstanceProfileRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.instance_profile_name)?)?;
        let p = load(tx, &input.instance_profile_name)?;
        let r = roles::load(tx, &input.role_name)?;
        if !store::remove_role(tx, &p.id, &r.id)? {
            return Err(messages::no_such_role(&input.role_name));
        }
        Ok(())
    })
}

/// TagInstanceProfile.
pub fn tag_instance_profile(ctx: &Ctx, input: TagInstanceProfileRequest) -> ApiResult<()> {
    let new = super::tags::pairs(input.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &resource_arn(ctx, tx, &input.instance_profile_name)?,
            &super::tags::request_keys(&new),
        )?;
        let p = load(tx, &input.instance_profile_name)?;
        super::tags::add(tx, Kind::InstanceProfile, &p.id, &new)
    })
}

/// UntagInstanceProfile.
pub fn untag_instance_profile(ctx: &Ctx, input: UntagInstanceProfileRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &resource_arn(ctx, tx, &input.instance_profile_name)?,
            &[("aws:TagKeys".to_string(), input.tag_keys.clone())],
        )?;
        let p = load(tx, &input.instance_profile_name)?;
        tag_store::remove(tx, Kind::InstanceProfile, &p.id, &input.tag_keys)?;
        Ok(())
    })
}

/// ListInstanceProfileTags.
pub fn list_instance_profile_tags(
    ctx: &Ctx,
    input: ListInstanceProfileTagsRequest,
) -> ApiResult<ListInstanceProfileTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.instance_profile_name)?)?;
        let p = load(c, &input.instance_profile_name)?;
        let page = super::tags::page(
            c,
            Kind::InstanceProfile,
            &p.id,
            input.marker.as_deref(),
            input.max_items,
        )?;
        Ok(ListInstanceProfileTagsResponse {
            tags: page.items.into_iter().map(|(key, value)| Tag { key, value }).collect(),
            is_truncated: Some(page.marker.is_some()),
            marker: page.marker,
        })
    })
}
