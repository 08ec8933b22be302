//! GetAccountAuthorizationDetails: users, groups, roles and managed policies with their
//! relationships, paged together over one combined list.

use rusqlite::Connection;

use crate::api::iam::*;
use crate::catalog::managed::catalog;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::{self as policy_store, Entity};
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{groups, instance_profiles, roles as role_store, users};

use super::policies::{self, PolicyRef, Usage};
use super::{attachments, roles};

/// A page size that takes every row.
const ALL: usize = 1_000_000;

/// One entry of the combined list.
enum Detail {
    User(Box<UserDetail>),
    Group(Box<GroupDetail>),
    Role(Box<RoleDetail>),
    Policy(Box<ManagedPolicyDetail>),
}

fn inline_details(c: &Connection, kind: Entity, id: &str) -> ApiResult<Vec<PolicyDetail>> {
    Ok(policy_store::inlines(c, kind, id)?
        .into_iter()
        .map(|(name, doc)| PolicyDetail {
            policy_name: Some(name),
            policy_document: Some(policies::encode_document(&doc)),
        })
        .collect())
}

fn tags_of(c: &Connection, kind: Kind, id: &str) -> ApiResult<Option<Vec<Tag>>> {
    let t = tag_store::list(c, kind, id)?;
    Ok((!t.is_empty()).then(|| t.into_iter().map(|(key, value)| Tag { key, value }).collect()))
}

fn user_details(ctx: &Ctx, c: &Connection, out: &mut Vec<Detail>) -> ApiResult<()> {
    for u in users::list(c, "/", None, ALL)? {
        let group_list = groups::for_user(c, &u.id, None, ALL)?
            .into_iter()
            .map(|g| g.name)
            .collect();
        out.push(Detail::User(Box::new(UserDetail {
            path: Some(u.path.clone()),
            user_name: Some(u.name.clone()),
            user_id: Some(u.id.clone()),
            arn: Some(ctx.iam_arn(&super::user_resource(&u))),
            create_date: Some(u.created.clone()),
            user_policy_list: Some(inline_details(c, Entity::User, &u.id)?),
            group_list: Some(group_list),
            attached_managed_policies: Some(attachments::attached_policies(ctx, c, Entity::User, &u.id)?),
            permissions_boundary: super::boundary_to_api(ctx, c, u.boundary.as_deref())?,
            tags: tags_of(c, Kind::User, &u.id)?,
        })));
    }
    Ok(())
}

fn group_details(ctx: &Ctx, c: &Connection, out: &mut Vec<Detail>) -> ApiResult<()> {
    for g in groups::list(c, "/", None, ALL)? {
        out.push(Detail::Group(Box::new(GroupDetail {
            path: Some(g.path.clone()),
            group_name: Some(g.name.clone()),
            group_id: Some(g.id.clone()),
            arn: Some(ctx.iam_arn(&super::groups::resource(&g))),
            create_date: Some(g.created.clone()),
            group_policy_list: Some(inline_details(c, Entity::Group, &g.id)?),
            attached_managed_policies: Some(attachments::attached_policies(ctx, c, Entity::Group, &g.id)?),
        })));
    }
    Ok(())
}

fn role_details(ctx: &Ctx, c: &Connection, out: &mut Vec<Detail>) -> ApiResult<()> {
    for r in role_store::all(c)? {
        let profiles = instance_profiles::for_role(c, &r.id, None, ALL)?
            .iter()
            .map(|p| super::instance_profiles::to_api(ctx, c, p, false))
            .collect::<ApiResult<Vec<_>>>()?;
        let full = roles::to_api(ctx, c, &r, roles::RoleView::Full)?;
        out.push(Detail::Role(Box::new(RoleDetail {
            path: Some(full.path),
            role_name: Some(full.role_name),
            role_id: Some(full.role_id),
            arn: Some(full.arn),
            create_date: Some(full.create_date),
            assume_role_policy_document: full.assume_role_policy_document,
            instance_profile_list: Some(profiles),
            role_policy_list: Some(inline_details(c, Entity::Role, &r.id)?),
            attached_managed_policies: Some(attachments::attached_policies(ctx, c, Entity::Role, &r.id)?),
            permissions_boundary: full.permissions_boundary,
            tags: full.tags,
            role_last_used: Some(full.role_last_used.unwrap_or_default()),
        })));
    }
    Ok(())
}

fn policy_detail(ctx: &Ctx, c: &Connection, p: &PolicyRef, usage: &Usage) -> ApiResult<ManagedPolicyDetail> {
    let shape = policies::to_api(ctx, p, usage, policies::PolicyView::Full, Vec::new());
    let versions = match p {
        PolicyRef::Customer(row) => policy_store::versions(c, &row.id)?
            .into_iter()
            .map(|v| PolicyVersion {
                is_default_version: Some(v.version == row.default_version),
                document: Some(policies::encode_document(&v.document)),
                version_id: Some(v.version),
                create_date: Some(v.created),
            })
            .collect(),
        PolicyRef::Aws(m) => vec![PolicyVersion {
            document: Some(policies::encode_document(&m.document)),
            version_id: Some(m.default_version.clone()),
            is_default_version: Some(true),
            create_date: Some(m.updated.clone()),
        }],
    };
    Ok(ManagedPolicyDetail {
        policy_name: shape.policy_name,
        policy_id: shape.policy_id,
        arn: shape.arn,
        path: shape.path,
        default_version_id: shape.default_version_id,
        attachment_count: shape.attachment_count,
        permissions_boundary_usage_count: shape.permissions_boundary_usage_count,
        is_attachable: shape.is_attachable,
        description: shape.description,
        create_date: shape.create_date,
        update_date: shape.update_date,
        policy_version_list: Some(versions),
    })
}

fn policy_details(ctx: &Ctx, c: &Connection, local: bool, aws: bool, out: &mut Vec<Detail>) -> ApiResult<()> {
    let usage = Usage::load(c)?;
    let mut refs: Vec<PolicyRef> = Vec::new();
    if local {
        refs.extend(policy_store::all(c)?.into_iter().map(PolicyRef::Customer));
    }
    if aws {
        // Only the AWS managed policies this account uses, as IAM returns them.
        refs.extend(
            catalog()
                .policies
                .iter()
                .filter(|m| usage.attachments(&m.id) + usage.boundaries(&m.id) > 0)
                .map(PolicyRef::Aws),
        );
    }
    for p in &refs {
        out.push(Detail::Policy(Box::new(policy_detail(ctx, c, p, &usage)?)));
    }
    Ok(())
}

/// GetAccountAuthorizationDetails.
pub fn get_account_authorization_details(
    ctx: &Ctx,
    input: GetAccountAuthorizationDetailsRequest,
) -> ApiResult<GetAccountAuthorizationDetailsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let filter = input.filter.clone().unwrap_or_default();
        let wanted = |k: &str| filter.is_empty() || filter.iter().any(|f| f == k);
        let mut all = Vec::new();
        if wanted("User") {
            user_details(ctx, c, &mut all)?;
        }
        if wanted("Group") {
            group_details(ctx, c, &mut all)?;
        }
        if wanted("Role") {
            role_details(ctx, c, &mut all)?;
        }
        let (local, aws) = (wanted("LocalManagedPolicy"), wanted("AWSManagedPolicy"));
        if local || aws {
            policy_details(ctx, c, local, aws, &mut all)?;
        }
        let (page, marker) = policies::offset_page(all, input.marker.as_deref(), input.max_items)?;
        let mut out = GetAccountAuthorizationDetailsResponse {
            user_detail_list: Some(Vec::new()),
            group_detail_list: Some(Vec::new()),
            role_detail_list: Some(Vec::new()),
            policies: Some(Vec::new()),
            is_truncated: Some(marker.is_some()),
            marker,
        };
        for d in page {
            match d {
                Detail::User(u) => out.user_detail_list.get_or_insert_with(Vec::new).push(*u),
                Detail::Group(g) => out.group_detail_list.get_or_insert_with(Vec::new).push(*g),
                Detail::Role(r) => out.role_detail_list.get_or_insert_with(Vec::new).push(*r),
                Detail::Policy(p) => out.policies.get_or_insert_with(Vec::new).push(*p),
            }
        }
        Ok(out)
    })
}
