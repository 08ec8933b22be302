//! The Organizations operations that only read, the JSON shapes they answer with, and the role
//! CreateAccount leaves in a new account.

use serde_json::{json, Value};

use super::ops::{err, not_in_use, not_management, required, OrgOp};
use super::state::{
    managed_document, managed_policy_id, AccountRequest, OrgAccount, OrgPolicy, Organization, Unit, RCP, SCP,
};
use crate::accounts::Account;
use crate::context::Ctx;
use crate::error::ApiResult;

/// Answers a read-only operation.
pub(super) fn answer(ctx: &Ctx, op: OrgOp, input: &Value) -> ApiResult<Value> {
    let org = ctx.app.org.of(ctx.account()).ok_or_else(not_in_use)?;
    // Members may describe their organization; everything else is the management account's.
    if op != OrgOp::DescribeOrganization && org.management != ctx.account() {
        return Err(not_management());
    }
    Ok(match op {
        OrgOp::DescribeOrganization => json!({ "Organization": organization_json(&org) }),
        OrgOp::DescribeCreateAccountStatus => {
            let id = required(input, "CreateAccountRequestId")?;
            let request = org.requests.iter().find(|r| r.id == id).ok_or_else(|| {
                err(
                    "CreateAccountStatusNotFoundException",
                    "We can't find an create account request with the CreateAccountRequestId that you specified.",
                )
            })?;
            json!({ "CreateAccountStatus": request_json(request) })
        }
        OrgOp::DescribeAccount => {
            let id = required(input, "AccountId")?;
            let account = org.account(id).ok_or_else(account_not_found)?;
            json!({ "Account": account_json(&org, account) })
        }
        OrgOp::ListAccounts => {
            json!({ "Accounts": org.accounts.iter().map(|a| account_json(&org, a)).collect::<Vec<_>>() })
        }
        OrgOp::ListRoots => json!({ "Roots": [root_json(&org)] }),
        OrgOp::DescribeOrganizationalUnit => {
            let id = required(input, "OrganizationalUnitId")?;
            let unit = org.units.iter().find(|u| u.id == id).ok_or_else(unit_not_found)?;
            json!({ "OrganizationalUnit": unit_json(&org, unit) })
        }
        OrgOp::ListOrganizationalUnitsForParent => {
            let parent = existing_parent(&org, required(input, "ParentId")?)?;
            let units: Vec<Value> = org
                .units
                .iter()
                .filter(|u| u.parent == parent)
                .map(|u| unit_json(&org, u))
                .collect();
            json!({ "OrganizationalUnits": units })
        }
        OrgOp::ListParents => {
            let child = required(input, "ChildId")?;
            let parent = org.parent_of(child).ok_or_else(|| {
                err(
                    "ChildNotFoundException",
                    "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
                )
            })?;
            let kind = if parent == org.root_id {
                "ROOT"
            } else {
                "ORGANIZATIONAL_UNIT"
            };
            json!({ "Parents": [{ "Id": parent, "Type": kind }] })
        }
        OrgOp::ListChildren => {
            let parent = existing_parent(&org, required(input, "ParentId")?)?;
            let children: Vec<Value> = match required(input, "ChildType")? {
                "ACCOUNT" => org
                    .accounts
                    .iter()
                    .filter(|a| a.parent == parent)
                    .map(|a| json!({"Id": a.id, "Type": "ACCOUNT"}))
                    .collect(),
                "ORGANIZATIONAL_UNIT" => org
                    .units
                    .iter()
                    .filter(|u| u.parent == parent)
                    .map(|u| json!({"Id": u.id, "Type": "ORGANIZATIONAL_UNIT"}))
                    .collect(),
                _ => return Err(err("InvalidInputException", "You specified an invalid value.")),
            };
            json!({ "Children": children })
        }
        OrgOp::DescribePolicy => {
            let id = required(input, "PolicyId")?;
            json!({ "Policy": policy_json(&org, &find_policy(&org, id)?) })
        }
        OrgOp::ListPolicies => {
            let kind = required(input, "Filter")?;
            json!({ "Policies": all_policies(&org, kind).iter().map(|p| summary_json(&org, p)).collect::<Vec<_>>() })
        }
        OrgOp::ListPoliciesForTarget => {
            let target = required(input, "TargetId")?;
            let kind = required(input, "Filter")?;
            let attached: Vec<Value> = all_policies(&org, kind)
                .iter()
                .filter(|p| org.attachments.iter().any(|(pid, t)| *pid == p.id && t == target))
                .map(|p| summary_json(&org, p))
                .collect();
            json!({ "Policies": attached })
        }
        OrgOp::ListTargetsForPolicy => {
            let id = required(input, "PolicyId")?;
            find_policy(&org, id)?;
            let targets: Vec<Value> = org
                .attachments
                .iter()
                .filter(|(p, _)| p == id)
                .map(|(_, t)| target_json(&org, t))
                .collect();
            json!({ "Targets": targets })
        }
        OrgOp::ListAWSServiceAccessForOrganization => {
            let enabled: Vec<Value> = org
                .service_access
                .iter()
                .map(|p| json!({ "ServicePrincipal": p, "DateEnabled": org.accounts.first().map_or(0, |a| a.joined) }))
                .collect();
            json!({ "EnabledServicePrincipals": enabled })
        }
        _ => return Err(crate::error::ApiError::internal()),
    })
}

fn account_not_found() -> crate::error::ApiError {
    err(
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
}

fn unit_not_found() -> crate::error::ApiError {
    err(
        "OrganizationalUnitNotFoundException",
        "We can't find an OU with the OrganizationalUnitId that you specified.",
    )
}

fn existing_parent(org: &Organization, id: &str) -> ApiResult<String> {
    if id == org.root_id || org.units.iter().any(|u| u.id == id) {
        Ok(id.to_string())
    } else {
        Err(err(
            "ParentNotFoundException",
            "We can't find a root or OU with the ParentId that you specified.",
        ))
    }
}

/// The AWS managed policy of a type, as an `OrgPolicy`.
fn managed(kind: &str) -> OrgPolicy {
    let (name, description) = if kind == SCP {
        ("FullAWSAccess", "Allows access to every operation")
    } else {
        ("RCPFullAWSAccess", "Allows access to every resource")
    };
    OrgPolicy {
        id: managed_policy_id(kind).to_string(),
        name: name.to_string(),
        description: description.to_string(),
        kind: kind.to_string(),
        content: managed_document(kind).to_string(),
    }
}

fn all_policies(org: &Organization, kind: &str) -> Vec<OrgPolicy> {
    if kind != SCP && kind != RCP {
        return Vec::new();
    }
    std::iter::once(managed(kind))
        .chain(org.policies.iter().filter(|p| p.kind == kind).cloned())
        .collect()
}

fn find_policy(org: &Organization, id: &str) -> ApiResult<OrgPolicy> {
    match org.policy_kind(id) {
        Some(kind) if id == managed_policy_id(kind) => Ok(managed(kind)),
        _ => org.policies.iter().find(|p| p.id == id).cloned().ok_or_else(|| {
            err(
                "PolicyNotFoundException",
                "We can't find a policy with the PolicyId that you specified.",
            )
        }),
    }
}

fn arn(org: &Organization, rest: &str) -> String {
    format!("arn:aws:organizations::{}:{rest}", org.management)
}

/// `Organization`.
pub(super) fn organization_json(org: &Organization) -> Value {
    let management = org.account(&org.management);
    let mut types = vec![];
    if org.feature_set == "ALL" {
        types.push(json!({"Type": SCP, "Status": "ENABLED"}));
    }
    json!({
        "Id": org.id,
        "Arn": arn(org, &format!("organization/{}", org.id)),
        "FeatureSet": org.feature_set,
        "MasterAccountArn": arn(org, &format!("account/{}/{}", org.id, org.management)),
        "MasterAccountId": org.management,
        "MasterAccountEmail": management.map(|a| a.email.clone()).unwrap_or_default(),
        // Deprecated in the model; AWS still sends it, always listing SCPs for ALL.
        "AvailablePolicyTypes": types,
    })
}

/// `Root`.
pub(super) fn root_json(org: &Organization) -> Value {
    let types: Vec<Value> = org
        .enabled_types
        .iter()
        .map(|t| json!({"Type": t, "Status": "ENABLED"}))
        .collect();
    json!({
        "Id": org.root_id,
        "Arn": arn(org, &format!("root/{}/{}", org.id, org.root_id)),
        "Name": "Root",
        "PolicyTypes": types,
    })
}

fn account_json(org: &Organization, a: &OrgAccount) -> Value {
    json!({
        "Id": a.id,
        "Arn": arn(org, &format!("account/{}/{}", org.id, a.id)),
        "Email": a.email,
        "Name": a.name,
        "Status": "ACTIVE",
        "State": "ACTIVE",
        "JoinedMethod": a.joined_method,
        "JoinedTimestamp": a.joined,
    })
}

/// `OrganizationalUnit`.
pub(super) fn unit_json(org: &Organization, u: &Unit) -> Value {
    json!({ "Id": u.id, "Arn": arn(org, &format!("ou/{}/{}", org.id, u.id)), "Name": u.name })
}

/// `CreateAccountStatus` of a finished request.
pub(super) fn request_json(r: &AccountRequest) -> Value {
    json!({
        "Id": r.id,
        "AccountName": r.name,
        "State": "SUCCEEDED",
        "RequestedTimestamp": r.requested,
        "CompletedTimestamp": r.requested,
        "AccountId": r.account_id,
    })
}

fn summary_json(org: &Organization, p: &OrgPolicy) -> Value {
    let aws_managed = p.id == managed_policy_id(&p.kind);
    let type_path = p.kind.to_ascii_lowercase();
    let arn = if aws_managed {
        format!("arn:aws:organizations::aws:policy/{type_path}/{}", p.id)
    } else {
        arn(org, &format!("policy/{}/{type_path}/{}", org.id, p.id))
    };
    json!({
        "Id": p.id,
        "Arn": arn,
        "Name": p.name,
        "Description": p.description,
        "Type": p.kind,
        "AwsManaged": aws_managed,
    })
}

/// `Policy`: summary and content.
pub(super) fn policy_json(org: &Organization, p: &OrgPolicy) -> Value {
    json!({ "PolicySummary": summary_json(org, p), "Content": p.content })
}

fn target_json(org: &Organization, target: &str) -> Value {
    let (kind, name, arn_rest) = if target == org.root_id {
        ("ROOT", "Root".to_string(), format!("root/{}/{}", org.id, target))
    } else if let Some(u) = org.units.iter().find(|u| u.id == target) {
        (
            "ORGANIZATIONAL_UNIT",
            u.name.clone(),
            format!("ou/{}/{}", org.id, target),
        )
    } else {
        let name = org.account(target).map(|a| a.name.clone()).unwrap_or_default();
        ("ACCOUNT", name, format!("account/{}/{}", org.id, target))
    };
    json!({ "TargetId": target, "Arn": arn(org, &arn_rest), "Name": name, "Type": kind })
}

/// The role CreateAccount leaves in a new account: AdministratorAccess, trusting the management
/// account (Organizations User Guide, "Accessing member accounts").
pub(super) fn access_role(ctx: &Ctx, account: &Account, name: &str) -> ApiResult<()> {
    let org = ctx.app.org.get().ok_or_else(not_in_use)?;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        org.management
    );
    let admin = crate::catalog::managed::catalog()
        .by_resource("policy/AdministratorAccess")
        .map(|p| p.id.clone());
    account.store.write(|tx| {
        if crate::store::roles::by_name(tx, name)?.is_some() {
            return Ok(());
        }
        let role = crate::store::roles::RoleRow {
            id: crate::store::ids::unique_id("AROA"),
            name: name.to_string(),
            path: "/".to_string(),
            created: ctx.now_iso(),
            description: None,
            max_session: 3600,
            trust_policy: trust.clone(),
            boundary: None,
            last_used: None,
        };
        crate::store::roles::insert(tx, &role)?;
        if let Some(admin) = &admin {
            crate::store::policies::attach(tx, crate::store::policies::Entity::Role, &role.id, admin)?;
        }
        Ok(())
    })
}
