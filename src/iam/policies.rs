//! Managed policies: customer policies in the store and AWS's from the catalog, behind one reference.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::catalog::managed::{catalog, ManagedPolicy};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::policies::{self as store, PolicyRow};
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{ids, page};

use super::{messages, quotas};

/// A managed policy of either owner.
pub enum PolicyRef {
    /// Customer managed, in this account.
    Customer(PolicyRow),
    /// AWS managed, read-only.
    Aws(&'static ManagedPolicy),
}

impl PolicyRef {
    /// The policy id (the attachment key).
    pub fn id(&self) -> &str {
        match self {
            PolicyRef::Customer(p) => &p.id,
            PolicyRef::Aws(p) => &p.id,
        }
    }

    /// Name.
    pub fn name(&self) -> &str {
        match self {
            PolicyRef::Customer(p) => &p.name,
            PolicyRef::Aws(p) => &p.name,
        }
    }

    /// Path.
    pub fn path(&self) -> &str {
        match self {
            PolicyRef::Customer(p) => &p.path,
            PolicyRef::Aws(p) => &p.path,
        }
    }

    /// ARN in the request's partition.
    pub fn arn(&self, ctx: &Ctx) -> String {
        match self {
            PolicyRef::Customer(p) => ctx.iam_arn(&customer_resource(p)),
            PolicyRef::Aws(p) => format!("arn:{}:iam::aws:{}", ctx.partition, p.resource()),
        }
    }

    /// The default version's document.
    pub fn default_document(&self, c: &Connection) -> ApiResult<String> {
        match self {
            PolicyRef::Customer(p) => Ok(store::version(c, &p.id, &p.default_version)?
                .map(|v| v.document)
                .unwrap_or_default()),
            PolicyRef::Aws(p) => Ok(p.document.clone()),
        }
    }
}

/// `policy/PATH/NAME` of a customer managed policy, the ARN's resource part.
pub fn customer_resource(p: &PolicyRow) -> String {
    p.resource()
}

/// Splits a policy ARN into (account, `policy/PATH/NAME`) when it is shaped like one.
fn split_arn(arn: &str) -> Option<(&str, &str)> {
    let (_, account, resource) = super::split_arn(arn)?;
    resource.starts_with("policy/").then_some((account, resource))
}

/// Finds a managed policy by ARN; `None` when no such policy exists.
pub fn find(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<Option<PolicyRef>> {
    let Some((account, resource)) = split_arn(arn) else {
        return Err(errors::invalid_input(format!("ARN {arn} is not valid.")));
    };
    if account == "aws" {
        return Ok(catalog().by_resource(resource).map(PolicyRef::Aws));
    }
    if account != ctx.account() {
        return Ok(None);
    }
    let name = resource.rsplit('/').next().unwrap_or(resource);
    Ok(store::by_name(c, name)?
        .filter(|p| customer_resource(p) == resource)
        .map(PolicyRef::Customer))
}

/// Finds a policy or answers NoSuchEntity with GetPolicy's wording.
pub fn load(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<PolicyRef> {
    find(ctx, c, arn)?.ok_or_else(|| errors::no_such_entity(format!("Policy {arn} was not found.")))
}

/// Finds a customer policy for a write; AWS managed policies are read-only.
pub fn load_customer(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<PolicyRow> {
    match load(ctx, c, arn)? {
        PolicyRef::Customer(p) => Ok(p),
        PolicyRef::Aws(_) => Err(read_only(ctx, arn)),
    }
}

fn read_only(ctx: &Ctx, arn: &str) -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        format!(
            "User: {} is not authorized to perform: {} on resource: policy {arn}",
            ctx.caller_arn(),
            ctx.op.action()
        ),
    )
}

/// Looks up a policy by its id (attachments and boundaries store ids).
pub fn by_id(c: &Connection, id: &str) -> ApiResult<Option<PolicyRef>> {
    if let Some(p) = catalog().by_id(id) {
        return Ok(Some(PolicyRef::Aws(p)));
    }
    Ok(store::by_id(c, id)?.map(PolicyRef::Customer))
}

/// Validates a managed policy's document (identity rules, Version 2012-10-17) and its size.
pub fn check_document(doc: &str) -> ApiResult<()> {
    crate::policy::parse_policy(doc, crate::policy::PolicyKind::Managed)
        .map_err(|e| errors::malformed_policy_document(e.message))?;
    if crate::policy::policy_size(doc) > quotas::POLICY_SIZE {
        return Err(messages::quota_exceeded("PolicySize", quotas::POLICY_SIZE as i64));
    }
    Ok(())
}

/// IAM returns policy documents URL-encoded.
pub fn encode_document(doc: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'*');
    percent_encoding::utf8_percent_encode(doc, KEEP).to_string()
}

/// Counts used in the Policy shape.
pub struct Usage {
    attachments: std::collections::HashMap<String, i64>,
    boundaries: std::collections::HashMap<String, i64>,
}

impl Usage {
    /// Reads the counts for every policy.
    pub fn load(c: &Connection) -> ApiResult<Usage> {
        Ok(Usage {
            attachments: store::attachment_counts(c)?,
            boundaries: store::boundary_counts(c)?,
        })
    }

    /// Attachments of one policy.
    pub fn attachments(&self, id: &str) -> i64 {
        self.attachments.get(id).copied().unwrap_or(0)
    }

    /// Boundary uses of one policy.
    pub fn boundaries(&self, id: &str) -> i64 {
        self.boundaries.get(id).copied().unwrap_or(0)
    }
}

fn count(n: i64) -> Option<i32> {
    Some(i32::try_from(n).unwrap_or(i32::MAX))
}

/// Which answer a Policy shape is part of: IAM returns different subsets of the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyView {
    /// CreatePolicy: no Description echoed (AWS-recorded: LocalStack test_iam.snapshot.json
    /// `create_policy_response`); Tags only when some were given.
    Created,
    /// GetPolicy: Description, and Tags always, empty when there are none.
    Full,
    /// ListPolicies: neither Description nor Tags (the Policy shape's documentation: Description
    /// "is not included in the response to the ListPolicies operation").
    Listed,
}

/// The Policy shape as IAM returns it in `view`.
pub fn to_api(ctx: &Ctx, p: &PolicyRef, usage: &Usage, view: PolicyView, tags: Vec<(String, String)>) -> Policy {
    let (description, default_version, created, updated) = match p {
        PolicyRef::Customer(r) => (
            r.description.clone(),
            r.default_version.clone(),
            r.created.clone(),
            r.updated.clone(),
        ),
        PolicyRef::Aws(m) => (
            Some(m.description.clone()),
            m.default_version.clone(),
            m.created.clone(),
            m.updated.clone(),
        ),
    };
    Policy {
        policy_name: Some(p.name().to_string()),
        policy_id: Some(p.id().to_string()),
        arn: Some(p.arn(ctx)),
        path: Some(p.path().to_string()),
        default_version_id: Some(default_version),
        attachment_count: count(usage.attachments(p.id())),
        permissions_boundary_usage_count: count(usage.boundaries(p.id())),
        is_attachable: Some(true),
        description: description.filter(|_| view == PolicyView::Full),
        create_date: Some(created),
        update_date: Some(updated),
        tags: match view {
            PolicyView::Full => Some(tags),
            PolicyView::Created => Some(tags).filter(|t| !t.is_empty()),
            PolicyView::Listed => None,
        }
        .map(|t| t.into_iter().map(|(key, value)| Tag { key, value }).collect()),
    }
}

/// CreatePolicy.
pub fn create_policy(ctx: &Ctx, input: CreatePolicyRequest) -> ApiResult<CreatePolicyResponse> {
    let path = input.path.clone().unwrap_or_else(|| "/".to_string());
    let new_tags = super::tags::pairs(input.tags.iter().flatten().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize(tx, &ctx.iam_arn(&format!("policy{path}{}", input.policy_name)))?;
        super::tags::check_request(&new_tags)?;
        check_document(&input.policy_document)?;
        if store::by_name(tx, &input.policy_name)?.is_some() {
            return Err(errors::entity_already_exists(format!(
                "A policy called {} already exists. Duplicate names are not allowed.",
                input.policy_name
            )));
        }
        if store::all(tx)?.len() as i64 >= quotas::POLICIES {
            return Err(messages::quota_exceeded("PoliciesPerAccount", quotas::POLICIES));
        }
        let now = ctx.now_iso();
        let row = PolicyRow {
            id: ids::unique_id(ids::prefix::POLICY),
            name: input.policy_name.clone(),
            path: path.clone(),
            description: input.description.clone(),
            default_version: "v1".to_string(),
            next_version: 2,
            created: now.clone(),
            updated: now,
        };
        store::insert(tx, &row, &input.policy_document)?;
        tag_store::put(tx, Kind::Policy, &row.id, &new_tags)?;
        let usage = Usage::load(tx)?;
        Ok(CreatePolicyResponse {
            policy: Some(to_api(
                ctx,
                &PolicyRef::Customer(row),
                &usage,
                PolicyView::Created,
                new_tags.clone(),
            )),
        })
    })
}

/// GetPolicy.
pub fn get_policy(ctx: &Ctx, input: GetPolicyRequest) -> ApiResult<GetPolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_arn)?;
        let p = load(ctx, c, &input.policy_arn)?;
        let tags = match &p {
            PolicyRef::Customer(r) => tag_store::list(c, Kind::Policy, &r.id)?,
            PolicyRef::Aws(_) => Vec::new(),
        };
        Ok(GetPolicyResponse {
            policy: Some(to_api(ctx, &p, &Usage::load(c)?, PolicyView::Full, tags)),
        })
    })
}

/// ListPolicies: AWS and/or local policies, filtered, in a stable order.
pub fn list_policies(ctx: &Ctx, input: ListPoliciesRequest) -> ApiResult<ListPoliciesResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &ctx.iam_arn("policy/"))?;
        let usage = Usage::load(c)?;
        let scope = input.scope.as_deref().unwrap_or("All");
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let only_attached = input.only_attached.unwrap_or(false);
        let mut all: Vec<PolicyRef> = Vec::new();
        if scope != "Local" {
            all.extend(catalog().policies.iter().map(PolicyRef::Aws));
        }
        if scope != "AWS" {
            all.extend(store::all(c)?.into_iter().map(PolicyRef::Customer));
        }
        let usage_filter = input.policy_usage_filter.as_deref();
        let selected: Vec<PolicyRef> = all
            .into_iter()
            .filter(|p| p.path().starts_with(prefix))
            .filter(|p| !only_attached || usage.attachments(p.id()) + usage.boundaries(p.id()) > 0)
            .filter(|p| match usage_filter {
                Some("PermissionsPolicy") => !only_attached || usage.attachments(p.id()) > 0,
                Some("PermissionsBoundary") => !only_attached || usage.boundaries(p.id()) > 0,
                _ => true,
            })
            .collect();
        let (items, marker) = offset_page(selected, input.marker.as_deref(), input.max_items)?;
        Ok(ListPoliciesResponse {
            policies: Some(
                items
                    .iter()
                    .map(|p| to_api(ctx, p, &usage, PolicyView::Listed, Vec::new()))
                    .collect(),
            ),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    })
}

/// Pages an in-memory list with an offset marker.
pub fn offset_page<T>(
    items: Vec<T>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> ApiResult<(Vec<T>, Option<String>)> {
    let start = match page::decode_marker(marker)? {
        Some(m) => m
            .parse::<usize>()
            .map_err(|_| ApiError::validation("Invalid Marker value."))?,
        None => 0,
    };
    let limit = page::limit(max_items);
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let end = start + out.len();
    Ok((out, (end < total).then(|| page::encode_marker(&end.to_string()))))
}

/// DeletePolicy: only when detached and with no versions but the default.
pub fn delete_policy(ctx: &Ctx, input: DeletePolicyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.policy_arn)?;
        let p = load_customer(ctx, tx, &input.policy_arn)?;
        if !store::attachments_of(tx, &p.id)?.is_empty() || Usage::load(tx)?.boundaries(&p.id) > 0 {
            return Err(errors::delete_conflict("Cannot delete a policy attached to entities."));
        }
        if store::versions(tx, &p.id)?.len() > 1 {
            return Err(errors::delete_conflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            ));
        }
        tag_store::clear(tx, Kind::Policy, &p.id)?;
        store::delete(tx, &p.id)?;
        Ok(())
    })
}

/// TagPolicy.
pub fn tag_policy(ctx: &Ctx, input: TagPolicyRequest) -> ApiResult<()> {
    let new = super::tags::pairs(input.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.policy_arn)?;
        let p = load_customer(ctx, tx, &input.policy_arn)?;
        super::tags::add(tx, Kind::Policy, &p.id, &new)
    })
}

/// UntagPolicy.
pub fn untag_policy(ctx: &Ctx, input: UntagPolicyRequest) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &input.policy_arn)?;
        let p = load_customer(ctx, tx, &input.policy_arn)?;
        tag_store::remove(tx, Kind::Policy, &p.id, &input.tag_keys)?;
        Ok(())
    })
}

/// ListPolicyTags (AWS managed policies have none).
pub fn list_policy_tags(ctx: &Ctx, input: ListPolicyTagsRequest) -> ApiResult<ListPolicyTagsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_arn)?;
        let id = load(ctx, c, &input.policy_arn)?.id().to_string();
        let p = super::tags::page(c, Kind::Policy, &id, input.marker.as_deref(), input.max_items)?;
        Ok(ListPolicyTagsResponse {
            tags: p.items.into_iter().map(|(key, value)| Tag { key, value }).collect(),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}
