//! The policy simulator: SimulatePrincipalPolicy / SimulateCustomPolicy and the context-key
//! listings. It runs the same evaluator as enforcement, over the policies it is given.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::policy::{self, AuthzRequest, DenyReason, PolicyKind, PolicyRef, PolicySet, RequestContext};
use crate::store::policies::{self as policy_store, Entity};

use super::policies as managed;

/// AWS labels every identity-based policy (inline or managed, of the principal, its groups or
/// the input list) `IAM Policy`, not the model's enum values (LocalStack's AWS-validated snapshot
/// `test_simulate_principle_policy`; AWS responses quoted in public repositories).
const IDENTITY: &str = "IAM Policy";

/// One policy taking part in a simulation, with the id and type the response reports.
struct Source {
    id: String,
    kind: &'static str,
    policy: policy::Policy,
}

fn parse(doc: &str, kind: PolicyKind, what: &str) -> ApiResult<policy::Policy> {
    policy::parse_policy(doc, kind).map_err(|e| errors::invalid_input(format!("{what} is not valid: {}", e.message)))
}

/// The SCPs that bound the caller's account, from the same organization state enforcement reads
/// (`Organization::scp_levels`); none outside an organization or in its management account.
fn organization_scps(ctx: &Ctx) -> ApiResult<Vec<Vec<Source>>> {
    let org = ctx.app.org.get();
    let Some(levels) = org.as_deref().and_then(|o| o.scp_levels(ctx.account())) else {
        return Ok(Vec::new());
    };
    levels
        .into_iter()
        .map(|level| {
            level
                .into_iter()
                .map(|(id, doc)| {
                    Ok(Source {
                        policy: parse(doc, PolicyKind::ServiceControl, id)?,
                        id: id.to_string(),
                        kind: IDENTITY,
                    })
                })
                .collect()
        })
        .collect()
}

fn inputs(docs: Option<&[String]>, label: &str, kind: &'static str) -> ApiResult<Vec<Source>> {
    docs.unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let id = format!("{label}.{}", i + 1);
            Ok(Source {
                policy: parse(d, PolicyKind::Identity, &id)?,
                id,
                kind,
            })
        })
        .collect()
}

/// Every identity policy of an entity (and, for a user, of its groups), labelled as AWS labels them.
fn entity_sources(c: &Connection, kind: Entity, id: &str, excluded: &[PolicyIdentifier]) -> ApiResult<Vec<Source>> {
    let mut out = Vec::new();
    for (k, hid) in crate::store::policies::policy_holders(c, kind, id)? {
        for (name, doc) in policy_store::inlines(c, k, &hid)? {
            if excluded.iter().any(|e| {
                e.inline_policy_identifier
                    .as_ref()
                    .is_some_and(|i| i.policy_name == name)
            }) {
                continue;
            }
            if let Ok(p) = policy::parse_policy(&doc, PolicyKind::Identity) {
                out.push(Source {
                    id: name,
                    kind: IDENTITY,
                    policy: p,
                });
            }
        }
        for pid in policy_store::attached(c, k, &hid)? {
            let Some(p) = managed::by_id(c, &pid)? else { continue };
            let name = p.name().to_string();
            if excluded.iter().any(|e| {
                e.policy_arn
                    .as_deref()
                    .is_some_and(|a| a.ends_with(&format!("/{name}")))
            }) {
                continue;
            }
            if let Ok(parsed) = policy::parse_policy(&p.default_document(c)?, PolicyKind::Identity) {
                out.push(Source {
                    id: name,
                    kind: IDENTITY,
                    policy: parsed,
                });
            }
        }
    }
    Ok(out)
}

fn context_of(entries: Option<&[ContextEntry]>) -> RequestContext {
    let mut ctx = RequestContext::new();
    for e in entries.unwrap_or_default() {
        if let Some(k) = &e.context_key_name {
            ctx.insert_all(k, e.context_key_values.clone().unwrap_or_default());
        }
    }
    ctx
}

/// What a simulation evaluates besides the action and resource.
struct Simulation<'a> {
    identity: Vec<Source>,
    boundary: Vec<Source>,
    scps: Vec<Vec<Source>>,
    resource_policy: Option<Source>,
    caller: String,
    account: &'a str,
    resource_owner: Option<String>,
    context: RequestContext,
    /// Whether results carry OrganizationsDecisionDetail (see `to_result`).
    org_detail: bool,
}

fn refs(sources: &[Source]) -> Vec<PolicyRef<'_>> {
    sources
        .iter()
        .map(|s| PolicyRef {
            id: &s.id,
            policy: &s.policy,
        })
        .collect()
}

impl Simulation<'_> {
    fn run(&self, actions: &[String], resources: &[String]) -> Vec<EvaluationResult> {
        let kinds: HashMap<&str, &str> = self
            .identity
            .iter()
            .chain(&self.boundary)
            .chain(self.scps.iter().flatten())
            .chain(self.resource_policy.iter())
            .map(|s| (s.id.as_str(), s.kind))
            .collect();
        let mut results = Vec::new();
        for action in actions {
            for resource in resources {
                let set = PolicySet {
                    identity: refs(&self.identity),
                    boundary: self.boundary.first().map(|s| PolicyRef {
                        id: &s.id,
                        policy: &s.policy,
                    }),
                    session: Vec::new(),
                    resource: self
                        .resource_policy
                        .iter()
                        .map(|s| PolicyRef {
                            id: &s.id,
                            policy: &s.policy,
                        })
                        .collect(),
                    scps: self.scps.iter().map(|level| refs(level)).collect(),
                    rcps: Vec::new(),
                };
                // The caller's account is its ARN's; a resource's owner is its ARN's account, else
                // ResourceOwner, else the caller's account (the API reference, ResourceOwner).
                let caller_account = account_of(&self.caller).unwrap_or(self.account);
                let mut req = AuthzRequest::new(&self.caller, caller_account, action, resource, &self.context);
                req.resource_account = Some(
                    account_of(resource)
                        .or_else(|| self.resource_owner.as_deref().and_then(owner_account))
                        .unwrap_or(caller_account),
                );
                let outcome = policy::authorize(&req, &set);
                results.push(to_result(
                    action,
                    resource,
                    &outcome,
                    &kinds,
                    !self.boundary.is_empty(),
                    self.org_detail,
                ));
            }
        }
        results
    }
}

impl Simulation<'_> {
    /// Runs every action on every resource (`*` when none) and pages the results.
    fn respond(
        &self,
        actions: &[String],
        resources: Option<Vec<String>>,
        marker: Option<&str>,
        max_items: Option<i32>,
    ) -> ApiResult<SimulatePolicyResponse> {
        let results = self.run(actions, &resources_or_star(resources));
        let (items, marker) = managed::offset_page(results, marker, max_items)?;
        Ok(SimulatePolicyResponse {
            evaluation_results: Some(items),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty() && *a != "aws")
}

/// ResourceOwner is documented as an account ARN (`arn:aws:iam::112233445566:root`) for
/// SimulatePrincipalPolicy and as an account id for SimulateCustomPolicy: both are taken.
fn owner_account(owner: &str) -> Option<&str> {
    if owner.len() == 12 && owner.bytes().all(|b| b.is_ascii_digit()) {
        Some(owner)
    } else {
        account_of(owner)
    }
}

/// One EvaluationResult as AWS writes it. Recorded shapes (LocalStack's AWS-validated snapshot
/// `test_simulate_principle_policy`, a 2020 SimulateCustomPolicy response in smoketurner's tests):
/// `EvalDecisionDetails` empty at the top level only; `OrganizationsDecisionDetail` in
/// SimulatePrincipalPolicy's answer (the recorded account was in an organization), absent from
/// SimulateCustomPolicy's without organization inputs; `PermissionsBoundaryDecisionDetail` only
/// with a boundary.
fn to_result(
    action: &str,
    resource: &str,
    outcome: &policy::Outcome,
    kinds: &HashMap<&str, &str>,
    has_boundary: bool,
    org_detail: bool,
) -> EvaluationResult {
    let decision = outcome.decision.as_simulation_str().to_string();
    let matched: Vec<Statement> = outcome
        .matched
        .iter()
        .map(|m| Statement {
            source_policy_id: Some(m.policy_id.clone()),
            source_policy_type: Some(kinds.get(m.policy_id.as_str()).copied().unwrap_or("none").to_string()),
            start_position: Some(Position {
                line: Some(m.start.0 as i32),
                column: Some(m.start.1 as i32),
            }),
            end_position: Some(Position {
                line: Some(m.end.0 as i32),
                column: Some(m.end.1 as i32),
            }),
        })
        .collect();
    let boundary_allows = !(outcome.denied_by == Some(DenyReason::Boundary));
    let scp_allows = !(outcome.denied_by == Some(DenyReason::Scp));
    let boundary_detail = has_boundary.then_some(PermissionsBoundaryDecisionDetail {
        allowed_by_permissions_boundary: Some(boundary_allows),
    });
    let missing = outcome.missing_context_keys.clone();
    EvaluationResult {
        eval_action_name: action.to_string(),
        eval_resource_name: Some(resource.to_string()),
        eval_decision: decision.clone(),
        matched_statements: Some(matched.clone()),
        missing_context_values: Some(missing.clone()),
        organizations_decision_detail: org_detail.then_some(OrganizationsDecisionDetail {
            allowed_by_organizations: Some(scp_allows),
        }),
        permissions_boundary_decision_detail: boundary_detail.clone(),
        // An empty map for a named resource and none for `*` (API reference, EvaluationResult).
        // Its cross-account content (a decision per policy type) is not filled: the keys AWS
        // uses there are not recorded.
        eval_decision_details: (resource != "*").then(Vec::new),
        resource_specific_results: Some(vec![ResourceSpecificResult {
            eval_resource_name: resource.to_string(),
            eval_resource_decision: decision,
            matched_statements: Some(matched),
            missing_context_values: Some(missing),
            eval_decision_details: None,
            permissions_boundary_decision_detail: boundary_detail,
        }]),
    }
}

fn resources_or_star(r: Option<Vec<String>>) -> Vec<String> {
    r.filter(|v| !v.is_empty()).unwrap_or_else(|| vec!["*".to_string()])
}

fn resource_policy(doc: Option<&str>) -> ApiResult<Option<Source>> {
    doc.map(|d| {
        Ok(Source {
            id: "ResourcePolicy".to_string(),
            kind: "resource",
            policy: parse(d, PolicyKind::ResourceBased, "ResourcePolicy")?,
        })
    })
    .transpose()
}

/// The entity behind a PolicySourceArn: (kind, id, ARN of the caller it stands for).
fn source_entity(ctx: &Ctx, c: &Connection, arn: &str) -> ApiResult<(Entity, String)> {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let name = resource.rsplit('/').next().unwrap_or_default();
    let kind = if resource.starts_with("user/") {
        Entity::User
    } else if resource.starts_with("group/") {
        Entity::Group
    } else if resource.starts_with("role/") {
        Entity::Role
    } else {
        return Err(errors::invalid_input(format!(
            "Invalid Entity Arn: {arn} does not clearly define entity type."
        )));
    };
    let e = super::entities::find(ctx, c, kind, name)?
        .filter(|e| e.arn.ends_with(resource))
        .ok_or_else(|| errors::no_such_entity(format!("Entity {arn} does not exist.")))?;
    Ok((kind, e.id))
}

/// SimulatePrincipalPolicy.
pub fn simulate_principal_policy(
    ctx: &Ctx,
    input: SimulatePrincipalPolicyRequest,
) -> ApiResult<SimulatePolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_source_arn)?;
        let (kind, id) = source_entity(ctx, c, &input.policy_source_arn)?;
        let mut identity = entity_sources(c, kind, &id, input.policy_exclusion_list.as_deref().unwrap_or_default())?;
        identity.extend(inputs(input.policy_input_list.as_deref(), "PolicyInputList", IDENTITY)?);
        let mut boundary = inputs(
            input.permissions_boundary_policy_input_list.as_deref(),
            "PermissionsBoundaryPolicyInputList",
            IDENTITY,
        )?;
        if boundary.is_empty() {
            let stored = match kind {
                Entity::User => crate::store::users::by_id(c, &id)?.and_then(|u| u.boundary),
                Entity::Role => crate::store::roles::by_id(c, &id)?.and_then(|r| r.boundary),
                Entity::Group => None,
            };
            if let Some(pid) = stored {
                if let Some(p) = managed::by_id(c, &pid)? {
                    boundary.push(Source {
                        id: p.name().to_string(),
                        kind: IDENTITY,
                        policy: parse(&p.default_document(c)?, PolicyKind::Identity, "PermissionsBoundary")?,
                    });
                }
            }
        }
        let caller = input
            .caller_arn
            .clone()
            .unwrap_or_else(|| input.policy_source_arn.clone());
        let sim = Simulation {
            identity,
            boundary,
            scps: organization_scps(ctx)?,
            resource_policy: resource_policy(input.resource_policy.as_deref())?,
            caller,
            account: ctx.account(),
            resource_owner: input.resource_owner.clone(),
            context: context_of(input.context_entries.as_deref()),
            org_detail: true,
        };
        sim.respond(
            &input.action_names,
            input.resource_arns.clone(),
            input.marker.as_deref(),
            input.max_items,
        )
    })
}

/// SimulateCustomPolicy.
pub fn simulate_custom_policy(ctx: &Ctx, input: SimulateCustomPolicyRequest) -> ApiResult<SimulatePolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let identity = inputs(Some(&input.policy_input_list), "PolicyInputList", IDENTITY)?;
        let boundary = inputs(
            input.permissions_boundary_policy_input_list.as_deref(),
            "PermissionsBoundaryPolicyInputList",
            IDENTITY,
        )?;
        let mut scps = Vec::new();
        for (i, level) in input
            .ordered_organization_policy_input_list
            .iter()
            .flatten()
            .enumerate()
        {
            scps.push(inputs(
                level.service_control_policy_input_list.as_deref(),
                &format!("OrderedOrganizationPolicyInputList.{}", i + 1),
                "Organizations Policy",
            )?);
        }
        let resource_policy = resource_policy(input.resource_policy.as_deref())?;
        if resource_policy.is_some() && input.caller_arn.is_none() {
            return Err(errors::invalid_input(
                "A CallerArn is required when a ResourcePolicy is provided.",
            ));
        }
        let caller = input
            .caller_arn
            .clone()
            .unwrap_or_else(|| ctx.iam_arn("user/simulated-user"));
        let sim = Simulation {
            identity,
            boundary,
            org_detail: !scps.is_empty(),
            scps,
            resource_policy,
            caller,
            account: ctx.account(),
            resource_owner: input.resource_owner.clone(),
            context: context_of(input.context_entries.as_deref()),
        };
        sim.respond(
            &input.action_names,
            input.resource_arns.clone(),
            input.marker.as_deref(),
            input.max_items,
        )
    })
}

fn context_keys(sources: &[Source]) -> Vec<String> {
    let mut keys: Vec<String> = sources.iter().flat_map(|s| policy::context_keys(&s.policy)).collect();
    keys.sort_by_key(|k| k.to_lowercase());
    keys.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    keys
}

/// GetContextKeysForCustomPolicy.
pub fn get_context_keys_for_custom_policy(
    ctx: &Ctx,
    input: GetContextKeysForCustomPolicyRequest,
) -> ApiResult<GetContextKeysForPolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let sources = inputs(Some(&input.policy_input_list), "PolicyInputList", "none")?;
        Ok(GetContextKeysForPolicyResponse {
            context_key_names: Some(context_keys(&sources)),
        })
    })
}

/// GetContextKeysForPrincipalPolicy.
pub fn get_context_keys_for_principal_policy(
    ctx: &Ctx,
    input: GetContextKeysForPrincipalPolicyRequest,
) -> ApiResult<GetContextKeysForPolicyResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, &input.policy_source_arn)?;
        let (kind, id) = source_entity(ctx, c, &input.policy_source_arn)?;
        let mut sources = entity_sources(c, kind, &id, &[])?;
        sources.extend(inputs(input.policy_input_list.as_deref(), "PolicyInputList", "none")?);
        Ok(GetContextKeysForPolicyResponse {
            context_key_names: Some(context_keys(&sources)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_and_positions() {
        let doc = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n  ]\n}";
        let sim = Simulation {
            identity: inputs(Some(&[doc.to_string()]), "PolicyInputList", IDENTITY).unwrap(),
            boundary: Vec::new(),
            scps: Vec::new(),
            resource_policy: None,
            caller: "arn:aws:iam::123456789012:user/a".to_string(),
            account: "123456789012",
            resource_owner: None,
            context: RequestContext::new(),
            org_detail: false,
        };
        let r = sim.run(
            &["s3:GetObject".to_string(), "ec2:RunInstances".to_string()],
            &["*".to_string()],
        );
        assert_eq!(r[0].eval_decision, "allowed");
        let m = &r[0].matched_statements.as_ref().unwrap()[0];
        assert_eq!(m.source_policy_id.as_deref(), Some("PolicyInputList.1"));
        let (start, end) = (m.start_position.as_ref().unwrap(), m.end_position.as_ref().unwrap());
        // One column past each brace, as AWS counts.
        assert_eq!((start.line, start.column), (Some(4), Some(6)));
        assert_eq!((end.line, end.column), (Some(4), Some(59)));
        assert_eq!(r[1].eval_decision, "implicitDeny");
        assert_eq!(policy::Decision::ExplicitDeny.as_simulation_str(), "explicitDeny");
    }
}
