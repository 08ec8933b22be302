//! The Organizations operations that change the organization, and their dispatch.

use serde_json::{json, Value};

use super::read_ops;
use super::state::{managed_policy_id, AccountRequest, OrgAccount, OrgPolicy, Organization, Unit, RCP, SCP};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::ids;

macro_rules! org_ops {
    ($($name:ident),* $(,)?) => {
        /// An Organizations operation this server answers.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum OrgOp { $(#[allow(missing_docs)] $name,)* }

        impl OrgOp {
            /// Every operation answered.
            pub const ALL: &'static [OrgOp] = &[$(OrgOp::$name,)*];

            /// Its name in the model.
            pub fn name(self) -> &'static str {
                match self { $(OrgOp::$name => stringify!($name),)* }
            }

            /// The IAM action that authorizes it.
            pub fn action(self) -> &'static str {
                match self { $(OrgOp::$name => concat!("organizations:", stringify!($name)),)* }
            }

            /// The operation named `name`.
            pub fn from_name(name: &str) -> Option<OrgOp> {
                match name { $(stringify!($name) => Some(OrgOp::$name),)* _ => None }
            }
        }
    };
}

org_ops!(
    CreateOrganization,
    DescribeOrganization,
    DeleteOrganization,
    CreateAccount,
    DescribeCreateAccountStatus,
    DescribeAccount,
    ListAccounts,
    ListRoots,
    CreateOrganizationalUnit,
    DescribeOrganizationalUnit,
    ListOrganizationalUnitsForParent,
    MoveAccount,
    ListParents,
    ListChildren,
    EnablePolicyType,
    DisablePolicyType,
    CreatePolicy,
    UpdatePolicy,
    DeletePolicy,
    DescribePolicy,
    ListPolicies,
    AttachPolicy,
    DetachPolicy,
    ListPoliciesForTarget,
    ListTargetsForPolicy,
    EnableAWSServiceAccess,
    DisableAWSServiceAccess,
    ListAWSServiceAccessForOrganization,
);

/// An Organizations error: `code` is the model's exception name.
pub(super) fn err(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::sender(code, message)
}

/// `ConstraintViolationException` with its `Reason` member (the model's enum).
fn constraint(reason: &str, message: &str) -> ApiError {
    let mut extra = serde_json::Map::new();
    extra.insert("Reason".into(), reason.into());
    err("ConstraintViolationException", message).with_extra(extra)
}

/// Organizations quotas (Organizations User Guide, "Quotas for AWS Organizations").
const MAX_POLICIES_PER_TARGET: usize = 5;
/// OUs nest at most five levels below the root.
const MAX_OU_DEPTH: usize = 5;
/// SCP and RCP documents hold at most 5,120 characters.
const MAX_POLICY_CHARS: usize = 5120;

pub(super) fn not_in_use() -> ApiError {
    err(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
}

pub(super) fn not_management() -> ApiError {
    ApiError::new(
        "AccessDenied",
        400,
        true,
        "You don't have permissions to access this resource.",
    )
}

/// A required string member.
pub(super) fn required<'a>(input: &'a Value, member: &str) -> ApiResult<&'a str> {
    input.get(member).and_then(Value::as_str).ok_or_else(|| {
        err(
            "InvalidInputException",
            format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(member)
            ),
        )
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// Runs one operation for an authenticated caller; the answer is the JSON body.
pub fn dispatch(ctx: &Ctx, op: OrgOp, body: &[u8]) -> ApiResult<String> {
    let input: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|_| {
            err(
                "SerializationException",
                "Start of structure or map found where not expected.",
            )
        })?
    };
    ctx.store().read(|c| ctx.authorize(c, "*"))?;
    let out = match op {
        OrgOp::CreateOrganization => create_organization(ctx, &input)?,
        OrgOp::DeleteOrganization => delete_organization(ctx)?,
        OrgOp::CreateAccount => create_account(ctx, &input)?,
        OrgOp::CreateOrganizationalUnit => create_unit(ctx, &input)?,
        OrgOp::MoveAccount => move_account(ctx, &input)?,
        OrgOp::EnablePolicyType => set_policy_type(ctx, &input, true)?,
        OrgOp::DisablePolicyType => set_policy_type(ctx, &input, false)?,
        OrgOp::CreatePolicy => create_policy(ctx, &input)?,
        OrgOp::UpdatePolicy => update_policy(ctx, &input)?,
        OrgOp::DeletePolicy => delete_policy(ctx, &input)?,
        OrgOp::AttachPolicy => attach(ctx, &input, true)?,
        OrgOp::DetachPolicy => attach(ctx, &input, false)?,
        OrgOp::EnableAWSServiceAccess => service_access(ctx, &input, true)?,
        OrgOp::DisableAWSServiceAccess => service_access(ctx, &input, false)?,
        read => read_ops::answer(ctx, read, &input)?,
    };
    Ok(out.to_string())
}

/// Changes the organization the caller manages.
fn manage<T>(ctx: &Ctx, change: impl FnOnce(&mut Organization) -> ApiResult<T>) -> ApiResult<T> {
    ctx.app.org.update(&ctx.app.accounts, |org| {
        let org = org.as_mut().ok_or_else(not_in_use)?;
        if org.account(ctx.account()).is_none() {
            return Err(not_in_use());
        }
        if org.management != ctx.account() {
            return Err(not_management());
        }
        change(org)
    })
}

fn random_lower(n: usize) -> String {
    ids::unique_id("")
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(n)
        .collect()
}

fn create_organization(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let feature_set = input
        .get("FeatureSet")
        .and_then(Value::as_str)
        .unwrap_or("ALL")
        .to_string();
    let now = ctx.now.unix_timestamp();
    let org = ctx.app.org.update(&ctx.app.accounts, |slot| {
        if slot.is_some() {
            return Err(err(
                "AlreadyInOrganizationException",
                "The AWS account is already a member of an organization.",
            ));
        }
        let root_id = format!("r-{}", random_lower(4));
        let org = Organization {
            id: format!("o-{}", random_lower(10)),
            management: ctx.account().to_string(),
            feature_set,
            accounts: vec![OrgAccount {
                id: ctx.account().to_string(),
                name: "management".to_string(),
                email: format!("{}@example.com", ctx.account()),
                joined_method: "CREATED".to_string(),
                joined: now,
                parent: root_id.clone(),
            }],
            root_id,
            ..Organization::default()
        };
        *slot = Some(org.clone());
        Ok(org)
    })?;
    Ok(json!({ "Organization": read_ops::organization_json(&org) }))
}

fn delete_organization(ctx: &Ctx) -> ApiResult<Value> {
    ctx.app.org.update(&ctx.app.accounts, |slot| {
        let org = slot.as_ref().ok_or_else(not_in_use)?;
        if org.management != ctx.account() {
            return Err(not_management());
        }
        if org.accounts.len() > 1 {
            return Err(err(
                "OrganizationNotEmptyException",
                "The organization isn't empty. To delete an organization, you must first remove all member accounts except the master.",
            ));
        }
        *slot = None;
        Ok(())
    })?;
    Ok(json!({}))
}

fn create_account(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let name = required(input, "AccountName")?.to_string();
    let email = required(input, "Email")?.to_string();
    let role_name = input
        .get("RoleName")
        .and_then(Value::as_str)
        .unwrap_or("OrganizationAccountAccessRole")
        .to_string();
    let now = ctx.now.unix_timestamp();
    let request = manage(ctx, |org| {
        if org.accounts.iter().any(|a| a.email == email) {
            return Err(err(
                "DuplicateAccountException",
                "That account is already present in the specified organization.",
            ));
        }
        let id = loop {
            let candidate: String = ids::unique_id("")
                .bytes()
                .map(|b| char::from(b'0' + b % 10))
                .take(12)
                .collect();
            if ctx.app.accounts.get(&candidate).is_none() && !candidate.starts_with('0') {
                break candidate;
            }
        };
        org.accounts.push(OrgAccount {
            id: id.clone(),
            name: name.clone(),
            email: email.clone(),
            joined_method: "CREATED".to_string(),
            joined: now,
            parent: org.root_id.clone(),
        });
        default_attachments(org, &id);
        let request = AccountRequest {
            id: format!("car-{}", uuid::Uuid::new_v4().simple()),
            name: name.clone(),
            account_id: id,
            requested: now,
        };
        org.requests.push(request.clone());
        Ok(request)
    })?;
    let account = ctx.app.accounts.get_or_create(&request.account_id)?;
    super::read_ops::access_role(ctx, &account, &role_name)?;
    let mut status = read_ops::request_json(&request);
    // AWS answers while the account is still being made; DescribeCreateAccountStatus then says SUCCEEDED.
    if let Some(obj) = status.as_object_mut() {
        obj.insert("State".into(), json!("IN_PROGRESS"));
        obj.remove("AccountId");
        obj.remove("CompletedTimestamp");
    }
    Ok(json!({ "CreateAccountStatus": status }))
}

/// FullAWSAccess (and RCPFullAWSAccess) on a new target while those types are enabled.
fn default_attachments(org: &mut Organization, target: &str) {
    for kind in [SCP, RCP] {
        if org.enabled(kind) {
            org.attachments
                .push((managed_policy_id(kind).to_string(), target.to_string()));
        }
    }
}

fn create_unit(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let parent = required(input, "ParentId")?.to_string();
    let name = required(input, "Name")?.to_string();
    manage(ctx, |org| {
        if parent != org.root_id && !org.units.iter().any(|u| u.id == parent) {
            return Err(err(
                "ParentNotFoundException",
                "We can't find a root or OU with the ParentId that you specified.",
            ));
        }
        if org.path_to(&parent).len() >= MAX_OU_DEPTH {
            return Err(constraint(
                "OU_DEPTH_LIMIT_EXCEEDED",
                "You have attempted to create more levels of OUs than the maximum allowed.",
            ));
        }
        if org.units.iter().any(|u| u.parent == parent && u.name == name) {
            return Err(err(
                "DuplicateOrganizationalUnitException",
                "An OU with the same name already exists.",
            ));
        }
        let unit = Unit {
            id: format!("ou-{}-{}", org.root_id.trim_start_matches("r-"), random_lower(8)),
            name: name.clone(),
            parent: parent.clone(),
        };
        default_attachments(org, &unit.id);
        let answer = json!({ "OrganizationalUnit": read_ops::unit_json(org, &unit) });
        org.units.push(unit);
        Ok(answer)
    })
}

fn move_account(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let account = required(input, "AccountId")?.to_string();
    let source = required(input, "SourceParentId")?.to_string();
    let destination = required(input, "DestinationParentId")?.to_string();
    manage(ctx, |org| {
        let is_parent = |org: &Organization, id: &str| id == org.root_id || org.units.iter().any(|u| u.id == id);
        if !is_parent(org, &source) {
            return Err(err(
                "SourceParentNotFoundException",
                "We can't find a source root or OU with the ParentId that you specified.",
            ));
        }
        if !is_parent(org, &destination) {
            return Err(err(
                "DestinationParentNotFoundException",
                "We can't find a destination root or OU with the ParentId that you specified.",
            ));
        }
        let member = org.accounts.iter_mut().find(|a| a.id == account).ok_or_else(|| {
            err(
                "AccountNotFoundException",
                "You specified an account that doesn't exist.",
            )
        })?;
        if member.parent != source {
            return Err(err(
                "SourceParentNotFoundException",
                "We can't find a source root or OU with the ParentId that you specified.",
            ));
        }
        if member.parent == destination {
            return Err(err(
                "DuplicateAccountException",
                "That account is already present in the specified destination.",
            ));
        }
        member.parent = destination.clone();
        Ok(())
    })?;
    Ok(json!({}))
}

fn policy_type(input: &Value, member: &str) -> ApiResult<String> {
    let kind = required(input, member)?;
    match kind {
        SCP | RCP => Ok(kind.to_string()),
        "TAG_POLICY" | "BACKUP_POLICY" | "AISERVICES_OPT_OUT_POLICY" | "CHATBOT_POLICY" | "DECLARATIVE_POLICY_EC2" => {
            Err(ApiError::not_implemented(&format!("policy type {kind}")))
        }
        _ => Err(err("InvalidInputException", "You specified an invalid value.")),
    }
}

fn set_policy_type(ctx: &Ctx, input: &Value, enable: bool) -> ApiResult<Value> {
    let root = required(input, "RootId")?.to_string();
    let kind = policy_type(input, "PolicyType")?;
    manage(ctx, |org| {
        if root != org.root_id {
            return Err(err(
                "RootNotFoundException",
                "We can't find a root with the RootId that you specified.",
            ));
        }
        match (enable, org.enabled(&kind)) {
            (true, true) => Err(err(
                "PolicyTypeAlreadyEnabledException",
                "The specified policy type is already enabled.",
            )),
            (false, false) => Err(err(
                "PolicyTypeNotEnabledException",
                "This operation can be performed only for enabled policy types.",
            )),
            (true, false) => {
                org.enabled_types.push(kind.clone());
                let managed = managed_policy_id(&kind);
                let targets: Vec<String> = std::iter::once(org.root_id.clone())
                    .chain(org.units.iter().map(|u| u.id.clone()))
                    .chain(org.accounts.iter().map(|a| a.id.clone()))
                    .collect();
                org.attachments
                    .extend(targets.into_iter().map(|t| (managed.to_string(), t)));
                Ok(json!({ "Root": read_ops::root_json(org) }))
            }
            (false, true) => {
                org.enabled_types.retain(|t| *t != kind);
                let of_kind: Vec<String> = org
                    .policies
                    .iter()
                    .filter(|p| p.kind == kind)
                    .map(|p| p.id.clone())
                    .chain([managed_policy_id(&kind).to_string()])
                    .collect();
                org.attachments.retain(|(p, _)| !of_kind.contains(p));
                Ok(json!({ "Root": read_ops::root_json(org) }))
            }
        }
    })
}

fn check_document(content: &str, policy_type: &str) -> ApiResult<()> {
    if content.chars().count() > MAX_POLICY_CHARS {
        return Err(constraint(
            "MAX_POLICY_SIZE_LIMIT_EXCEEDED",
            "You have exceeded the maximum size of a policy document.",
        ));
    }
    crate::policy::parse_policy(content, super::state::document_kind(policy_type))
        .map(|_| ())
        .map_err(|_| {
            err(
                "MalformedPolicyDocumentException",
                "The provided policy document doesn't meet the requirements of the specified policy type.",
            )
        })
}

fn create_policy(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let content = required(input, "Content")?.to_string();
    let name = required(input, "Name")?.to_string();
    let description = required(input, "Description")?.to_string();
    let kind = policy_type(input, "Type")?;
    check_document(&content, &kind)?;
    manage(ctx, |org| {
        if org.policies.iter().any(|p| p.name == name && p.kind == kind) {
            return Err(err(
                "DuplicatePolicyException",
                "A policy with the same name already exists.",
            ));
        }
        let policy = OrgPolicy {
            id: format!("p-{}", random_lower(8)),
            name,
            description,
            kind,
            content,
        };
        let answer = json!({ "Policy": read_ops::policy_json(org, &policy) });
        org.policies.push(policy);
        Ok(answer)
    })
}

fn policy_not_found() -> ApiError {
    err(
        "PolicyNotFoundException",
        "We can't find a policy with the PolicyId that you specified.",
    )
}

fn update_policy(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let id = required(input, "PolicyId")?.to_string();
    manage(ctx, |org| {
        let p = org
            .policies
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(policy_not_found)?;
        if let Some(content) = input.get("Content").and_then(Value::as_str) {
            check_document(content, &p.kind)?;
        }
        for (member, field) in [
            ("Name", &mut p.name),
            ("Description", &mut p.description),
            ("Content", &mut p.content),
        ] {
            if let Some(v) = input.get(member).and_then(Value::as_str) {
                *field = v.to_string();
            }
        }
        let updated = p.clone();
        Ok(json!({ "Policy": read_ops::policy_json(org, &updated) }))
    })
}

fn delete_policy(ctx: &Ctx, input: &Value) -> ApiResult<Value> {
    let id = required(input, "PolicyId")?.to_string();
    manage(ctx, |org| {
        if !org.policies.iter().any(|p| p.id == id) {
            return Err(policy_not_found());
        }
        if org.attachments.iter().any(|(p, _)| *p == id) {
            return Err(err("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation."));
        }
        org.policies.retain(|p| p.id != id);
        Ok(())
    })?;
    Ok(json!({}))
}

fn attach(ctx: &Ctx, input: &Value, on: bool) -> ApiResult<Value> {
    let policy = required(input, "PolicyId")?.to_string();
    let target = required(input, "TargetId")?.to_string();
    manage(ctx, |org| {
        let kind = org.policy_kind(&policy).ok_or_else(policy_not_found)?.to_string();
        let exists =
            target == org.root_id || org.units.iter().any(|u| u.id == target) || org.account(&target).is_some();
        if !exists {
            return Err(err(
                "TargetNotFoundException",
                "We can't find a root, OU, account, or policy with the TargetId that you specified.",
            ));
        }
        if !org.enabled(&kind) {
            return Err(err(
                "PolicyTypeNotEnabledException",
                "This operation can be performed only for enabled policy types.",
            ));
        }
        let pair = (policy.clone(), target.clone());
        let attached = org.attachments.contains(&pair);
        match (on, attached) {
            (true, true) => Err(err(
                "DuplicatePolicyAttachmentException",
                "A policy with the same type is already attached to the target.",
            )),
            (false, false) => Err(err(
                "PolicyNotAttachedException",
                "The policy isn't attached to the specified target in the specified root.",
            )),
            (true, false) => {
                let on_target = org
                    .attachments
                    .iter()
                    .filter(|(p, t)| *t == target && org.policy_kind(p) == Some(kind.as_str()))
                    .count();
                if on_target >= MAX_POLICIES_PER_TARGET {
                    return Err(constraint(
                        "POLICY_NUMBER_LIMIT_EXCEEDED",
                        "You have attempted to attach more policies of this type to the target than the maximum allowed.",
                    ));
                }
                org.attachments.push(pair);
                Ok(())
            }
            (false, true) => {
                // AWS keeps at least one SCP on every target (Organizations quotas: "minimum 1").
                let other_scps = org
                    .attachments
                    .iter()
                    .filter(|(p, t)| *t == target && *p != policy && org.policy_kind(p) == Some(SCP))
                    .count();
                if kind == SCP && other_scps == 0 {
                    return Err(constraint(
                        "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                        "You cannot remove the last service control policy from a target. Attach another policy first.",
                    ));
                }
                org.attachments.retain(|x| *x != pair);
                Ok(())
            }
        }
    })?;
    Ok(json!({}))
}

fn service_access(ctx: &Ctx, input: &Value, enable: bool) -> ApiResult<Value> {
    let principal = required(input, "ServicePrincipal")?.to_string();
    manage(ctx, |org| {
        org.service_access.retain(|p| *p != principal);
        if enable {
            org.service_access.push(principal);
        }
        Ok(())
    })?;
    Ok(json!({}))
}
