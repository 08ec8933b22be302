//! IAM temporary delegation: a partner asks for temporary access (CreateDelegationRequest), the
//! customer claims the request (Associate), may forward it (Update → PENDING_APPROVAL), accepts or
//! rejects it, and releases a trade-in token (SendDelegationToken → FINALIZED) that STS
//! GetDelegatedAccessToken exchanges for credentials acting as the accepting principal, limited
//! to the request's permission policy.
//!
//! Lifetimes follow AWS's request lifecycle: UNASSIGNED requests expire after 1 day, every other
//! state after 7 days without action; the delegation period (token validity and credential
//! lifetime) is `SessionDuration` from SendDelegationToken. Expiry is computed when a request is
//! read, not by a background task. With no SNS here, the trade-in token is handed out by the
//! root-only admin endpoint `GET /_localiam/delegation-tokens/{id}` ([`admin_token`]).

mod template;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::api::errors;
use crate::api::iam::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Principal, Session, SessionSubject};
use crate::store::delegation::{self as store, effective_state, DelegationRow};
use crate::store::{format_time, page};
use crate::sts::sessions::Snapshot;

/// An unclaimed request lives one day.
const UNASSIGNED_LIFETIME: i64 = 86_400;
/// Any other state lives seven days without action.
const STATE_LIFETIME: i64 = 7 * 86_400;
/// The root user may only accept requests for at most four hours of access.
const ROOT_MAX_SESSION: i64 = 4 * 3600;
/// Requests expired this long ago are forgotten.
const PURGE_AFTER: i64 = 30 * 86_400;

/// `delegation-request/ID`, the ARN's resource part.
pub fn resource(id: &str) -> String {
    format!("delegation-request/{id}")
}

fn arn(ctx: &Ctx, id: &str) -> String {
    ctx.iam_arn(&resource(id))
}

fn not_found(id: &str) -> ApiError {
    errors::no_such_entity(format!("The delegation request with id {id} cannot be found."))
}

/// A transition the request's state does not allow (the model gives these operations only
/// ConcurrentModification for a conflict with the request's current state).
fn wrong_state(id: &str, state: &str, what: &str) -> ApiError {
    errors::concurrent_modification(format!(
        "Cannot {what} delegation request {id} because it is in state {state}."
    ))
}

fn denied(ctx: &Ctx, resource_arn: &str, why: &str) -> ApiError {
    crate::authz::access_denied(&ctx.caller_arn(), ctx.op.action(), resource_arn, why)
}

fn time(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(format_time)
        .unwrap_or_default()
}

fn load(c: &Connection, id: &str) -> ApiResult<DelegationRow> {
    store::get(c, id)?.ok_or_else(|| not_found(id))
}

fn is_owner(ctx: &Ctx, row: &DelegationRow) -> bool {
    row.owner_id.as_deref() == Some(ctx.caller_arn().as_str())
}

/// Authorizes the operation on the request's ARN; its owner holds a default permission for the
/// operations AWS grants owners (get, update, summary). A request targeted to another account is
/// out of reach of every identity here, root included.
fn authorize(
    ctx: &Ctx,
    c: &Connection,
    resource_arn: &str,
    row: Option<&DelegationRow>,
    owner_default: bool,
) -> ApiResult<()> {
    if owner_default && row.is_some_and(|r| is_owner(ctx, r)) {
        return Ok(());
    }
    reachable(ctx, resource_arn, row)?;
    ctx.authorize(c, resource_arn)
}

fn reachable(ctx: &Ctx, resource_arn: &str, row: Option<&DelegationRow>) -> ApiResult<()> {
    match row.and_then(|r| r.owner_account_id.as_deref()) {
        Some(a) if a != ctx.account() => Err(denied(
            ctx,
            resource_arn,
            "because the request is targeted to another account",
        )),
        _ => Ok(()),
    }
}

/// The principal that accepted a request, recorded at acceptance: the identity (and the session
/// state) the delegated credentials act as, in the form the sessions table stores sessions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Acceptor {
    /// The principal's ARN at acceptance.
    pub(crate) arn: String,
    /// Who it was and its session state (long-term users and root as bare sessions of themselves).
    #[serde(flatten)]
    snapshot: Snapshot,
}

impl Acceptor {
    fn of(ctx: &Ctx) -> Acceptor {
        let now = ctx.now.unix_timestamp();
        let session = match &ctx.principal {
            Principal::Session(s) => s.as_ref().clone(),
            Principal::User(u) => Session::new(SessionSubject::User(u.clone()), now, now),
            Principal::Root | Principal::Anonymous => Session::new(SessionSubject::Root, now, now),
        };
        Acceptor {
            arn: ctx.caller_arn(),
            snapshot: Snapshot::of(&session),
        }
    }

    /// Reads the stored form.
    pub(crate) fn parse(text: Option<&str>) -> Option<Acceptor> {
        serde_json::from_str(text?).ok()
    }

    /// The delegated session: the accepting principal as it was, with the request's permission
    /// policy as one more scope-down layer (so only what both allow is allowed). `None` when the
    /// user or role has been deleted since.
    pub(crate) fn session(
        &self,
        c: &Connection,
        issued: i64,
        expires: i64,
        permission_policy: &str,
    ) -> ApiResult<Option<Session>> {
        self.snapshot.session(c, issued, expires, Some(permission_policy))
    }
}

/// The DelegationRequest shape, with the state as of `now`.
fn to_api(row: &DelegationRow, now: i64) -> DelegationRequest {
    let params: Vec<template::Param> = serde_json::from_str(&row.parameters).unwrap_or_default();
    let boundaries = template::boundary_arns(&row.permission_policy);
    DelegationRequest {
        delegation_request_id: Some(row.id.clone()),
        owner_account_id: row.owner_account_id.clone(),
        description: Some(row.description.clone()),
        request_message: row.request_message.clone(),
        permissions: Some(DelegationPermission {
            policy_template_arn: Some(row.template_arn.clone()),
            parameters: (!params.is_empty()).then(|| params.iter().map(template::Param::to_api).collect()),
        }),
        permission_policy: Some(row.permission_policy.clone()),
        role_permission_restriction_arns: (!boundaries.is_empty()).then_some(boundaries),
        owner_id: row.owner_id.clone(),
        approver_id: row.approver_id.clone(),
        state: Some(effective_state(row, now).to_string()),
        expiration_time: Some(time(row.expires)),
        requestor_id: Some(row.requestor_id.clone()),
        requestor_name: Some(row.requestor_name.clone()),
        create_date: Some(time(row.created)),
        session_duration: i32::try_from(row.session_duration).ok(),
        redirect_url: row.redirect_url.clone(),
        notes: row.notes.clone(),
        rejection_reason: row.rejection_reason.clone(),
        only_send_by_owner: Some(row.only_send_by_owner),
        updated_time: Some(time(row.updated)),
    }
}

/// Moves a request to `state`, restarting that state's 7-day lifetime.
fn transition(row: &mut DelegationRow, state: &str, now: i64) {
    row.state = state.to_string();
    row.updated = now;
    row.expires = now + STATE_LIFETIME;
}

fn random_token() -> String {
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Only SNS topic ARNs are accepted as the notification channel.
fn check_channel(channel: &str) -> ApiResult<()> {
    let parts: Vec<&str> = channel.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "sns", region, account, topic] if !region.is_empty() && !account.is_empty() && !topic.is_empty() => {
            Ok(())
        }
        _ => Err(errors::invalid_input(format!(
            "NotificationChannel {channel} is not an SNS topic ARN."
        ))),
    }
}

/// CreateDelegationRequest: the permission policy is rendered from the template now, so later
/// edits of the template policy do not change what the customer reviews.
pub fn create_delegation_request(
    ctx: &Ctx,
    input: CreateDelegationRequestRequest,
) -> ApiResult<CreateDelegationRequestResponse> {
    let now = ctx.now.unix_timestamp();
    let id = uuid::Uuid::new_v4().simple().to_string();
    ctx.store().write(|tx| {
        ctx.authorize(tx, &arn(ctx, &id))?;
        let template_arn = input
            .permissions
            .policy_template_arn
            .clone()
            .ok_or_else(|| errors::invalid_input("Permissions must name a PolicyTemplateArn."))?;
        let params = template::params(input.permissions.parameters.as_deref().unwrap_or_default())?;
        check_channel(&input.notification_channel)?;
        if store::workflow_taken(tx, &input.requestor_workflow_id)? {
            return Err(errors::entity_already_exists(format!(
                "A delegation request with RequestorWorkflowId {} already exists.",
                input.requestor_workflow_id
            )));
        }
        let found = super::policies::find(ctx, tx, &template_arn)
            .map_err(|_| errors::invalid_input(format!("PolicyTemplateArn {template_arn} is not a policy ARN.")))?
            .ok_or_else(|| errors::invalid_input(format!("Policy template {template_arn} does not exist.")))?;
        let permission_policy = template::render(&template_arn, &found.default_document(tx)?, &params)?;
        let requestor_name = crate::store::account::aliases(tx)?
            .into_iter()
            .next()
            .unwrap_or_else(|| ctx.account().to_string())
            .chars()
            .take(30)
            .collect();
        store::purge_expired(tx, now - PURGE_AFTER)?;
        store::save(
            tx,
            &DelegationRow {
                id: id.clone(),
                workflow_id: input.requestor_workflow_id.clone(),
                state: "UNASSIGNED".to_string(),
                owner_account_id: input.owner_account_id.clone(),
                requestor_id: ctx.account().to_string(),
                requestor_name,
                description: input.description.clone(),
                request_message: input.request_message.clone(),
                template_arn,
                parameters: serde_json::to_string(&params).map_err(|_| ApiError::internal())?,
                permission_policy,
                redirect_url: input.redirect_url.clone(),
                notification_channel: input.notification_channel.clone(),
                session_duration: i64::from(input.session_duration),
                only_send_by_owner: input.only_send_by_owner.unwrap_or(false),
                created: now,
                updated: now,
                expires: now + UNASSIGNED_LIFETIME,
                ..DelegationRow::default()
            },
        )?;
        let console = if ctx.partition == "aws-cn" {
            "console.amazonaws.cn"
        } else {
            "console.aws.amazon.com"
        };
        Ok(CreateDelegationRequestResponse {
            console_deep_link: Some(format!(
                "https://{console}/iam/home?region={}#/temporary-delegation/{id}",
                ctx.region
            )),
            delegation_request_id: Some(id.clone()),
        })
    })
}

/// GetDelegationRequest, with the optional permission check answered at once (COMPLETE).
pub fn get_delegation_request(
    ctx: &Ctx,
    input: GetDelegationRequestRequest,
) -> ApiResult<GetDelegationRequestResponse> {
    let now = ctx.now.unix_timestamp();
    ctx.store().read(|c| {
        let row = store::get(c, &input.delegation_request_id)?;
        authorize(ctx, c, &arn(ctx, &input.delegation_request_id), row.as_ref(), true)?;
        let row = row.ok_or_else(|| not_found(&input.delegation_request_id))?;
        let check = if input.delegation_permission_check == Some(true) {
            Some(template::permission_check(ctx, c, &row.permission_policy)?)
        } else {
            None
        };
        Ok(GetDelegationRequestResponse {
            delegation_request: Some(to_api(&row, now)),
            permission_check_status: check.map(|_| "COMPLETE".to_string()),
            permission_check_result: check.map(str::to_string),
        })
    })
}

/// ListDelegationRequests: requests that have an owner (unclaimed ones are never listed),
/// optionally only one owner's, oldest first.
pub fn list_delegation_requests(
    ctx: &Ctx,
    input: ListDelegationRequestsRequest,
) -> ApiResult<ListDelegationRequestsResponse> {
    let now = ctx.now.unix_timestamp();
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let after = page::decode_marker(input.marker.as_deref())?;
        let after = match after.as_deref().map(|m| m.split_once('|')) {
            None => None,
            Some(Some((created, id))) => Some((
                created
                    .parse::<i64>()
                    .map_err(|_| ApiError::validation("Invalid Marker value."))?,
                id,
            )),
            Some(None) => return Err(ApiError::validation("Invalid Marker value.")),
        };
        let limit = page::limit(input.max_items);
        let rows = store::list_owned(c, input.owner_id.as_deref(), after, limit)?;
        let p = page::paginate(rows, limit, |r| format!("{}|{}", r.created, r.id));
        Ok(ListDelegationRequestsResponse {
            delegation_requests: Some(p.items.iter().map(|r| to_api(r, now)).collect()),
            is_truncated: Some(p.marker.is_some()),
            marker: p.marker,
        })
    })
}

/// Loads a request for a state change after authorizing it; `allowed` are the states it may
/// leave, `what` words the change for the error.
fn for_change(
    ctx: &Ctx,
    c: &Connection,
    id: &str,
    owner_default: bool,
    allowed: &[&str],
    what: &str,
) -> ApiResult<DelegationRow> {
    let row = store::get(c, id)?;
    authorize(ctx, c, &arn(ctx, id), row.as_ref(), owner_default)?;
    let row = row.ok_or_else(|| not_found(id))?;
    let state = effective_state(&row, ctx.now.unix_timestamp());
    if !allowed.contains(&state) {
        return Err(wrong_state(id, state, what));
    }
    Ok(row)
}

/// One state change: authorize and load the request (owners may when `owner_default`), check it may
/// leave its state (`from`; `what` words the change for the error), apply `edit`, move it to `to`.
fn change_state(
    ctx: &Ctx,
    id: &str,
    owner_default: bool,
    (from, to, what): (&[&str], &str, &str),
    edit: impl FnOnce(&mut DelegationRow, i64) -> ApiResult<()>,
) -> ApiResult<()> {
    let now = ctx.now.unix_timestamp();
    ctx.store().write(|tx| {
        let mut row = for_change(ctx, tx, id, owner_default, from, what)?;
        edit(&mut row, now)?;
        transition(&mut row, to, now);
        store::save(tx, &row)?;
        Ok(())
    })
}

/// AssociateDelegationRequest: the caller becomes the owner (UNASSIGNED → ASSIGNED).
pub fn associate_delegation_request(ctx: &Ctx, input: AssociateDelegationRequestRequest) -> ApiResult<()> {
    let moves = (&["UNASSIGNED"][..], "ASSIGNED", "associate");
    change_state(ctx, &input.delegation_request_id, false, moves, |row, _| {
        row.owner_id = Some(ctx.caller_arn());
        row.owner_account_id = Some(ctx.account().to_string());
        Ok(())
    })
}

/// UpdateDelegationRequest: adds notes and forwards the request for approval (→ PENDING_APPROVAL).
pub fn update_delegation_request(ctx: &Ctx, input: UpdateDelegationRequestRequest) -> ApiResult<()> {
    let moves = (&["ASSIGNED", "PENDING_APPROVAL"][..], "PENDING_APPROVAL", "update");
    change_state(ctx, &input.delegation_request_id, true, moves, |row, _| {
        if input.notes.is_some() {
            row.notes = input.notes.clone();
        }
        Ok(())
    })
}

/// AcceptDelegationRequest: records the caller as the identity the credentials will act as.
pub fn accept_delegation_request(ctx: &Ctx, input: AcceptDelegationRequestRequest) -> ApiResult<()> {
    let moves = (&["ASSIGNED", "PENDING_APPROVAL"][..], "ACCEPTED", "accept");
    change_state(ctx, &input.delegation_request_id, false, moves, |row, _| {
        if ctx.principal.is_root() && row.session_duration > ROOT_MAX_SESSION {
            return Err(ApiError::new(
                "AccessDenied",
                403,
                true,
                format!(
                    "The root user can only accept delegation requests with a SessionDuration of {ROOT_MAX_SESSION} \
                     seconds (4 hours) or less."
                ),
            ));
        }
        let acceptor = Acceptor::of(ctx);
        row.approver_id = Some(acceptor.arn.clone());
        row.acceptor = Some(serde_json::to_string(&acceptor).map_err(|_| ApiError::internal())?);
        Ok(())
    })
}

/// RejectDelegationRequest: final; the notes become the rejection reason.
pub fn reject_delegation_request(ctx: &Ctx, input: RejectDelegationRequestRequest) -> ApiResult<()> {
    let moves = (&["ASSIGNED", "PENDING_APPROVAL", "ACCEPTED"][..], "REJECTED", "reject");
    change_state(ctx, &input.delegation_request_id, false, moves, |row, _| {
        row.rejection_reason = input.notes.clone();
        Ok(())
    })
}

/// SendDelegationToken: releases the trade-in token (ACCEPTED → FINALIZED) and starts the
/// delegation period.
pub fn send_delegation_token(ctx: &Ctx, input: SendDelegationTokenRequest) -> ApiResult<()> {
    let moves = (&["ACCEPTED"][..], "FINALIZED", "send the token of");
    change_state(ctx, &input.delegation_request_id, false, moves, |row, now| {
        if row.only_send_by_owner && !is_owner(ctx, row) {
            return Err(denied(
                ctx,
                &arn(ctx, &row.id),
                "because only the owner of this delegation request may send its token",
            ));
        }
        row.token = Some(random_token());
        row.token_expires = Some(now + row.session_duration);
        Ok(())
    })
}

/// The request id in `arn:PARTITION:iam::ACCOUNT:delegation-request/ID`, if `arn` is one of ours.
fn request_id_of<'a>(ctx: &Ctx, entity_arn: &'a str) -> ApiResult<Option<&'a str>> {
    let Some((_, account, resource)) = super::split_arn(entity_arn) else {
        return Err(errors::invalid_input(format!(
            "EntityArn {entity_arn} is not a valid IAM ARN."
        )));
    };
    let Some(id) = resource.strip_prefix("delegation-request/") else {
        return Err(errors::invalid_input(
            "Summaries are only available for delegation-request entities.",
        ));
    };
    Ok((account == ctx.account()).then_some(id))
}

/// GetHumanReadableSummary: AWS writes the summary with a language model; this one is built from
/// the request's fields, the same text every time. English only: other locales answer
/// NOT_SUPPORTED. Whoever may call GetDelegationRequest may read the summary.
pub fn get_human_readable_summary(
    ctx: &Ctx,
    input: GetHumanReadableSummaryRequest,
) -> ApiResult<GetHumanReadableSummaryResponse> {
    let now = ctx.now.unix_timestamp();
    ctx.store().read(|c| {
        let id = request_id_of(ctx, &input.entity_arn)?;
        let row = match id {
            Some(id) => store::get(c, id)?,
            None => None,
        };
        if !row.as_ref().is_some_and(|r| is_owner(ctx, r)) {
            reachable(ctx, &input.entity_arn, row.as_ref())?;
            if let Err(e) = ctx.authorize(c, &input.entity_arn) {
                // Whoever may read the request may read its summary.
                ctx.authorize_action(c, "iam:GetDelegationRequest", &input.entity_arn)
                    .map_err(|_| e)?;
            }
        }
        let row = row.ok_or_else(|| not_found(id.unwrap_or(&input.entity_arn)))?;
        let locale = input.locale.clone().unwrap_or_else(|| "en-US".to_string());
        if !locale.to_ascii_lowercase().starts_with("en") {
            return Ok(GetHumanReadableSummaryResponse {
                summary_content: None,
                locale: Some(locale),
                summary_state: Some("NOT_SUPPORTED".to_string()),
            });
        }
        Ok(GetHumanReadableSummaryResponse {
            summary_content: Some(summary(&row, now)),
            locale: Some(locale),
            summary_state: Some("AVAILABLE".to_string()),
        })
    })
}

/// `1 hour 30 minutes`.
fn duration_text(seconds: i64) -> String {
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let parts: Vec<String> = [(h, "hour"), (m, "minute"), (s, "second")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, one)| unit(*n, one))
        .collect();
    if parts.is_empty() {
        "0 seconds".to_string()
    } else {
        parts.join(" ")
    }
}

/// The deterministic summary: who asks, for how long, in which state, and each statement of the
/// permission policy in plain words.
fn summary(row: &DelegationRow, now: i64) -> String {
    let mut out = format!(
        "{} (AWS account {}) requests temporary access to your AWS account for {} through delegation request {}. \
         The request is {}.",
        row.requestor_name,
        row.requestor_id,
        duration_text(row.session_duration),
        row.id,
        effective_state(row, now)
    );
    out.push_str(&format!("\n\nDescription: {}", row.description));
    if let Some(m) = &row.request_message {
        out.push_str(&format!("\nMessage from the requestor: {m}"));
    }
    out.push_str(&format!(
        "\n\nRequested permissions (from policy template {}):",
        row.template_arn
    ));
    for g in template::grants(&row.permission_policy) {
        let verb = if g.effect == "Deny" { "Denies" } else { "Allows" };
        let actions = g.actions.join(", ");
        let actions = if g.not_action {
            format!("every action except {actions}")
        } else {
            actions
        };
        let resources = if g.resources.is_empty() {
            "any resource".to_string()
        } else if g.not_resource {
            format!("every resource except {}", g.resources.join(", "))
        } else {
            g.resources.join(", ")
        };
        let when = if g.conditional { ", under conditions" } else { "" };
        out.push_str(&format!("\n- {verb} {actions} on {resources}{when}."));
    }
    out.push_str(&format!(
        "\n\nIf accepted, the requestor acts as the accepting principal, limited to these permissions, for {} \
         from the moment the token is sent.",
        duration_text(row.session_duration)
    ));
    let mut end = out.len().min(10_000);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

/// `GET /_localiam/delegation-tokens/{id}` (root only): the trade-in token SendDelegationToken
/// would have published to the notification channel, as JSON.
pub fn admin_token(app: &crate::app::App, id: &str) -> ApiResult<String> {
    // Request ids are unique across accounts: the one holding it answers (NoSuchEntity when none does).
    let mut found = Err(crate::error::ApiError::internal());
    for account in app.accounts.all() {
        found = account.store.read(|c| load(c, id));
        if found.is_ok() {
            break;
        }
    }
    let row = found?;
    let token = row.token.ok_or_else(|| {
        errors::no_such_entity(format!(
            "Delegation request {id} has no trade-in token: call SendDelegationToken first."
        ))
    })?;
    Ok(serde_json::json!({
        "DelegationRequestId": row.id,
        "TradeInToken": token,
        "NotificationChannel": row.notification_channel,
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(3600), "1 hour");
        assert_eq!(duration_text(5400), "1 hour 30 minutes");
        assert_eq!(duration_text(300), "5 minutes");
        assert_eq!(duration_text(43_200), "12 hours");
        assert_eq!(duration_text(7322), "2 hours 2 minutes 2 seconds");
    }

    #[test]
    fn channels_must_be_sns_topics() {
        assert!(check_channel("arn:aws:sns:us-east-1:123456789012:partner-topic").is_ok());
        assert!(check_channel("arn:aws:sqs:us-east-1:123456789012:queue").is_err());
        assert!(check_channel("topic").is_err());
    }

    #[test]
    fn summary_lists_the_statements() {
        let row = DelegationRow {
            id: "0123456789abcdef".to_string(),
            requestor_id: "123456789012".to_string(),
            requestor_name: "partner".to_string(),
            description: "Deploy the agent".to_string(),
            template_arn: "arn:aws:iam::123456789012:policy/t".to_string(),
            permission_policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotAction":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#.to_string(),
            session_duration: 5400,
            state: "ASSIGNED".to_string(),
            expires: 100,
            ..DelegationRow::default()
        };
        let text = summary(&row, 0);
        assert!(text.contains("for 1 hour 30 minutes"), "{text}");
        assert!(text.contains("The request is ASSIGNED."), "{text}");
        assert!(
            text.contains("- Allows s3:GetObject, s3:PutObject on arn:aws:s3:::b/*."),
            "{text}"
        );
        assert!(
            text.contains("- Denies every action except s3:* on *, under conditions."),
            "{text}"
        );
        assert_eq!(text, summary(&row, 0));
        assert!(summary(&row, 100).contains("The request is EXPIRED."));
    }
}
