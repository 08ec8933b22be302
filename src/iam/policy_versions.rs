//! Policy versions: at most five, one default, the default never deleted.

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::{self as store, VersionRow};

use super::policies::{self, PolicyRef};
use super::quotas;

fn no_such_version(arn: &str, version: &str) -> crate::error::ApiError {
    errors::no_such_entity(format!(
        "Policy {arn} version {version} does not exist or is not attachable."
    ))
}

/// CreatePolicyVersion.
pub fn create_policy_version(ctx: &Ctx, input: CreatePolicyVersionRequest) -> ApiResult<CreatePolicyVersionResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.policy_arn)?;
        let p = policies::load_customer(ctx, tx, &input.policy_arn)?;
        policies::check_document(&input.policy_document)?;
        if store::versions(tx, &p.id)?.len() as i64 >= quotas::VERSIONS_PER_POLICY {
            return Err(errors::limit_exceeded(format!(
                "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing version.",
                quotas::VERSIONS_PER_POLICY
            )));
        }
        let version = format!("v{}", p.next_version);
        let now = ctx.now_iso();
        store::insert_version(
            tx,
            &p.id,
            &VersionRow { version: version.clone(), document: input.policy_document.clone(), created: now.clone() },
        )?;
        store::set_next_version(tx, &p.id, p.next_version + 1)?;
        let set_default = input.set_as_default.unwrap_or(false);
        if set_default {
            store::set_default(tx, &p.id, &version, &now)?;
        }
        Ok(CreatePolicyVersionResponse {
            policy_version: Some(PolicyVersion {
                document: None,
                version_id: Some(version),
                is_default_version: Some(set_default),
                create_date: Some(now),
            }),
        })
    })
}

/// GetPolicyVersion: the document URL-encoded, as IAM returns it.
pub fn get_policy_version(ctx: &Ctx, input: GetPolicyVersionRequest) -> ApiResult<GetPolicyVersionResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_arn)?;
        let version = match policies::load(ctx, c, &input.policy_arn)? {
            PolicyRef::Customer(p) => store::version(c, &p.id, &input.version_id)?
                .map(|v| (v.document, v.created, v.version == p.default_version, v.version)),
            PolicyRef::Aws(m) => (m.default_version == input.version_id)
                .then(|| (m.document.clone(), m.updated.clone(), true, m.default_version.clone())),
        };
        let (document, created, is_default, id) =
            version.ok_or_else(|| no_such_version(&input.policy_arn, &input.version_id))?;
        Ok(GetPolicyVersionResponse {
            policy_version: Some(PolicyVersion {
                document: Some(policies::encode_document(&document)),
                version_id: Some(id),
                is_default_version: Some(is_default),
                create_date: Some(created),
            }),
        })
    })
}

/// ListPolicyVersions, newest first.
pub fn list_policy_versions(ctx: &Ctx, input: ListPolicyVersionsRequest) -> ApiResult<ListPolicyVersionsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_arn)?;
        let versions: Vec<PolicyVersion> = match policies::load(ctx, c, &input.policy_arn)? {
            PolicyRef::Customer(p) => store::versions(c, &p.id)?
                .into_iter()
                .map(|v| PolicyVersion {
                    document: None,
                    is_default_version: Some(v.version == p.default_version),
                    version_id: Some(v.version),
                    create_date: Some(v.created),
                })
                .collect(),
            PolicyRef::Aws(m) => vec![PolicyVersion {
                document: None,
                version_id: Some(m.default_version.clone()),
                is_default_version: Some(true),
                create_date: Some(m.updated.clone()),
            }],
        };
        let (items, marker) = policies::offset_page(versions, input.marker.as_deref(), input.max_items)?;
        Ok(ListPolicyVersionsResponse {
            versions: Some(items),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    })
}

/// DeletePolicyVersion: never the default.
pub fn delete_policy_version(ctx: &Ctx, input: DeletePolicyVersionRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.policy_arn)?;
        let p = policies::load_customer(ctx, tx, &input.policy_arn)?;
        if store::version(tx, &p.id, &input.version_id)?.is_none() {
            return Err(no_such_version(&input.policy_arn, &input.version_id));
        }
        if p.default_version == input.version_id {
            return Err(errors::delete_conflict(
                "Cannot delete the default version of a policy.",
            ));
        }
        store::delete_version(tx, &p.id, &input.version_id)?;
        Ok(())
    })
}

/// SetDefaultPolicyVersion.
pub fn set_default_policy_version(ctx: &Ctx, input: SetDefaultPolicyVersionRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.policy_arn)?;
        let p = policies::load_customer(ctx, tx, &input.policy_arn)?;
        if store::version(tx, &p.id, &input.version_id)?.is_none() {
            return Err(no_such_version(&input.policy_arn, &input.version_id));
        }
        store::set_default(tx, &p.id, &input.version_id, &ctx.now_iso())?;
        Ok(())
    })
}
