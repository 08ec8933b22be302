//! Roles: create, read, list, update, delete, tag; trust policies and the protection of
//! service-linked roles.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::roles::{self as store, RoleRow};
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{ids, instance_profiles, page};

use super::{messages, policies, quotas};

/// The path prefix of service-linked roles; only AWS may change them.
pub const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// MaxSessionDuration when none is given.
pub const DEFAULT_MAX_SESSION: i64 = 3600;

/// Loads a role by name or answers NoSuchEntity.
pub fn load(c: &Connection, name: &str) -> ApiResult<RoleRow> {
    store::by_name(c, name)?.ok_or_else(|| messages::no_such_role(name))
}

/// `role/PATH/NAME`.
pub fn resource(r: &RoleRow) -> String {
    r.resource()
}

/// The ARN authorized for a role name: the real one when it exists, else `role/NAME`.
pub fn resource_arn(ctx: &Ctx, c: &Connection, name: &str) -> ApiResult<String> {
    super::entities::arn(ctx, c, crate::store::policies::Entity::Role, name)
}

/// Whether a role is service-linked (created by CreateServiceLinkedRole).
pub fn is_service_linked(r: &RoleRow) -> bool {
    r.path.starts_with(SERVICE_ROLE_PATH)
}

/// Refuses changes that only AWS may make to a service-linked role.
pub fn ensure_modifiable(r: &RoleRow) -> ApiResult<()> {
    if is_service_linked(r) {
        return Err(messages::protected_role(&r.name));
    }
    Ok(())
}

/// Authorizes the current operation on a role (with `extra` context keys) and refuses it on a
/// service-linked role; for the attach/inline calls that are delegated to shared code afterwards.
pub fn guard(ctx: &Ctx, name: &str, extra: &[(String, Vec<String>)]) -> ApiResult<()> {
    ctx.store().read(|c| {
        ctx.authorize_with(c, &resource_arn(ctx, c, name)?, extra)?;
        match store::by_name(c, name)? {
            Some(r) => ensure_modifiable(&r),
            None => Ok(()),
        }
    })
}

/// Validates a trust policy and its size.
pub fn check_trust_policy(doc: &str) -> ApiResult<()> {
    crate::policy::parse_policy(doc, crate::policy::PolicyKind::Trust)
        .map_err(|e| errors::malformed_policy_document(e.message))?;
    if crate::policy::policy_size(doc) > quotas::ASSUME_ROLE_POLICY_SIZE {
        return Err(messages::quota_exceeded(
            "ACLSizePerRole",
            quotas::ASSUME_ROLE_POLICY_SIZE as i64,
        ));
    }
    Ok(())
}

fn api_tags(tags: Vec<(String, String)>) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| tags.into_iter().map(|(key, value)| Tag { key, value }).collect())
}

/// Which answer a Role shape is part of: IAM returns different subsets of the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleView {
    /// CreateRole and CreateServiceLinkedRole: no MaxSessionDuration and no RoleLastUsed
    /// (AWS-recorded: LocalStack test_iam.snapshot.json `test_create_describe_role`).
    Created,
    /// GetRole and other whole-role answers: everything, with an empty `<RoleLastUsed/>` for a
    /// role never used (AWS-recorded: same snapshot, `get_role_result`).
    Full,
    /// ListRoles and roles embedded in instance profiles: no PermissionsBoundary, RoleLastUsed or
    /// Tags (botocore's ListRoles documentation; AWS-recorded `list_roles_result`).
    Listed,
}

/// The Role shape as IAM returns it in `view`.
pub fn to_api(ctx: &Ctx, c: &Connection, r: &RoleRow, view: RoleView) -> ApiResult<Role> {
    let (tags, boundary, source) = if view == RoleView::Listed {
        (None, None, None)
    } else {
        (
            api_tags(tag_store::list(c, Kind::Role, &r.id)?),
            super::boundary_to_api(ctx, c, r.boundary.as_deref())?,
            super::role_templates::source(c, &r.id)?,
        )
    };
    let last_used = (view == RoleView::Full).then(|| match &r.last_used {
        Some((when, region)) => RoleLastUsed {
            last_used_date: Some(when.clone()),
            region: Some(region.clone()),
        },
        None => RoleLastUsed::default(),
    });
    Ok(Role {
        path: r.path.clone(),
        role_name: r.name.clone(),
        role_id: r.id.clone(),
        arn: ctx.iam_arn(&resource(r)),
        create_date: r.created.clone(),
        assume_role_policy_document: Some(policies::encode_document(&r.trust_policy)),
        description: r.description.clone(),
        max_session_duration: (view != RoleView::Created).then(|| i32::try_from(r.max_session).unwrap_or(i32::MAX)),
        permissions_boundary: boundary,
        tags,
        role_last_used: last_used,
        source_role_template: source,
        ..Role::default()
    })
}

/// Inserts a new role after the name and quota checks shared by CreateRole and
/// CreateServiceLinkedRole; `taken` builds the error for a name in use.
pub fn insert_checked(
    c: &Connection,
    row: &RoleRow,
    tags: &[(String, String)],
    taken: impl FnOnce() -> crate::error::ApiError,
) -> ApiResult<()> {
    if store::by_name(c, &row.name)?.is_some() {
        return Err(taken());
    }
    if store::count(c)? >= quotas::ROLES {
        return Err(messages::quota_exceeded("RolesPerAccount", quotas::ROLES));
    }
    store::insert(c, row)?;
    tag_store::put(c, Kind::Role, &row.id, tags)?;
    Ok(())
}

/// CreateRole.
pub fn create_role(ctx: &Ctx, input: CreateRoleRequest) -> ApiResult<CreateRoleResponse> {
    let path = input.path.clone().unwrap_or_else(|| "/".to_string());
    let new_tags = super::tags::pairs(input.tags.iter().flatten().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        let mut keys = super::tags::request_keys(&new_tags);
        if let Some(b) = &input.permissions_boundary {
            keys.push(("iam:PermissionsBoundary".to_string(), vec![b.clone()]));
        }
        ctx.authorize_with(tx, &ctx.iam_arn(&format!("role{path}{}", input.role_name)), &keys)?;
        super::tags::check_request(&new_tags)?;
        check_trust_policy(&input.assume_role_policy_document)?;
        let boundary = match &input.permissions_boundary {
            Some(arn) => Some(super::resolve_boundary(ctx, tx, arn)?),
            None => None,
        };
        let row = RoleRow {
            id: ids::unique_id(ids::prefix::ROLE),
            name: input.role_name.clone(),
            path: path.clone(),
            created: ctx.now_iso(),
            description: input.description.clone(),
            max_session: input.max_session_duration.map_or(DEFAULT_MAX_SESSION, i64::from),
            trust_policy: input.assume_role_policy_document.clone(),
            boundary,
            last_used: None,
        };
        insert_checked(tx, &row, &new_tags, || {
            messages::already_exists("Role", &input.role_name)
        })?;
        let mut role = to_api(ctx, tx, &row, RoleView::Created)?;
        // Echoed only when asked for (guess: AWS's recorded answer is for the default).
        role.max_session_duration = input.max_session_duration;
        Ok(CreateRoleResponse { role })
    })
}

/// GetRole.
pub fn get_role(ctx: &Ctx, input: GetRoleRequest) -> ApiResult<GetRoleResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.role_name)?)?;
        let r = load(c, &input.role_name)?;
        Ok(GetRoleResponse {
            role: to_api(ctx, c, &r, RoleView::Full)?,
        })
    })
}

/// ListRoles.
pub fn list_roles(ctx: &Ctx, input: ListRolesRequest) -> ApiResult<ListRolesResponse> {
    ctx.store().read(|c| {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
        ctx.authorize(c, &ctx.iam_arn(&format!("role{prefix}")))?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let limit = page::limit(input.max_items);
        let rows = store::list(c, &prefix, after.as_deref(), limit)?;
        let p = page::paginate(rows, limit, |r| r.name.to_lowercase());
        let roles = p
            .items
            .iter()
            .map(|r| to_api(ctx, c, r, RoleView::Listed))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(ListRolesResponse {
            roles,
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// UpdateRole: description and/or maximum session duration.
pub fn update_role(ctx: &Ctx, input: UpdateRoleRequest) -> ApiResult<UpdateRoleResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.role_name)?)?;
        let r = load(tx, &input.role_name)?;
        if let Some(d) = &input.description {
            store::set_description(tx, &r.id, Some(d))?;
        }
        if let Some(m) = input.max_session_duration {
            store::set_max_session(tx, &r.id, i64::from(m))?;
        }
        Ok(UpdateRoleResponse {})
    })
}

/// UpdateRoleDescription (allowed on service-linked roles too).
pub fn update_role_description(
    ctx: &Ctx,
    input: UpdateRoleDescriptionRequest,
) -> ApiResult<UpdateRoleDescriptionResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.role_name)?)?;
        let r = load(tx, &input.role_name)?;
        store::set_description(tx, &r.id, Some(&input.description))?;
        let r = load(tx, &input.role_name)?;
        Ok(UpdateRoleDescriptionResponse {
            role: Some(to_api(ctx, tx, &r, RoleView::Full)?),
        })
    })
}

/// UpdateAssumeRolePolicy.
pub fn update_assume_role_policy(ctx: &Ctx, input: UpdateAssumeRolePolicyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.role_name)?)?;
        let r = load(tx, &input.role_name)?;
        ensure_modifiable(&r)?;
        check_trust_policy(&input.policy_document)?;
        store::set_trust_policy(tx, &r.id, &input.policy_document)?;
        Ok(())
    })
}

/// DeleteRole: refused for service-linked roles and while policies or instance profiles remain.
pub fn delete_role(ctx: &Ctx, input: DeleteRoleRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &resource_arn(ctx, tx, &input.role_name)?)?;
        let r = load(tx, &input.role_name)?;
        ensure_modifiable(&r)?;
        crate::iam::dependents_check(tx, "role", &r.id)?;
        if instance_profiles::count_for_role(tx, &r.id)? > 0 {
            return Err(messages::delete_conflict("remove roles from instance profile"));
        }
        tag_store::clear(tx, Kind::Role, &r.id)?;
        super::role_templates::forget(tx, &r.id)?;
        store::delete(tx, &r.id)?;
        Ok(())
    })
}

/// TagRole.
pub fn tag_role(ctx: &Ctx, input: TagRoleRequest) -> ApiResult<()> {
    let new = super::tags::pairs(input.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &resource_arn(ctx, tx, &input.role_name)?,
            &super::tags::request_keys(&new),
        )?;
        let r = load(tx, &input.role_name)?;
        super::tags::add(tx, Kind::Role, &r.id, &new)
    })
}

/// UntagRole.
pub fn untag_role(ctx: &Ctx, input: UntagRoleRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &resource_arn(ctx, tx, &input.role_name)?,
            &[("aws:TagKeys".to_string(), input.tag_keys.clone())],
        )?;
        let r = load(tx, &input.role_name)?;
        tag_store::remove(tx, Kind::Role, &r.id, &input.tag_keys)?;
        Ok(())
    })
}

/// ListRoleTags.
pub fn list_role_tags(ctx: &Ctx, input: ListRoleTagsRequest) -> ApiResult<ListRoleTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &resource_arn(ctx, c, &input.role_name)?)?;
        let r = load(c, &input.role_name)?;
        let p = super::tags::page(c, Kind::Role, &r.id, input.marker.as_deref(), input.max_items)?;
        Ok(ListRoleTagsResponse {
            tags: p.items.into_iter().map(|(key, value)| Tag { key, value }).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}
