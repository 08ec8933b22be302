//! AssumeRoot: privileged root sessions on member accounts, a feature of centralized root access in
//! an AWS Organizations organization.
//!
//! AWS refuses AssumeRoot wherever centralized root access does not apply — no organization, a
//! caller outside the management account, a target outside the organization or the management
//! account itself, root sessions not enabled — with a bare AccessDenied naming the target's root
//! user (`… is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::TARGET:root`,
//! with no policy explanation even when the caller's own policies allow the action). The input is
//! validated first, with AWS's messages, and a caller whose policies deny `sts:AssumeRoot` gets the
//! same answer. Where it applies, the session is the member account's root user narrowed by the
//! task policy, for at most 900 seconds (STS API Reference, AssumeRoot).

use crate::api::sts::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Session, SessionSubject};

/// The AWS managed policies (path `/root-task/`) that may scope a root session.
pub const TASK_POLICIES: [&str; 5] = [
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];

/// The account a target principal names: a 12-digit account id or `arn:PARTITION:iam::ACCOUNT:root`.
fn target_account(target: &str, partition: &str) -> Option<String> {
    let account = match target.strip_prefix(&format!("arn:{partition}:iam::")) {
        Some(rest) => rest.strip_suffix(":root")?,
        None => target,
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_string())
}

/// Whether `arn` is one of the root-task policies in this partition.
fn is_task_policy(arn: &str, partition: &str) -> bool {
    arn.strip_prefix(&format!("arn:{partition}:iam::aws:policy/root-task/"))
        .is_some_and(|name| TASK_POLICIES.contains(&name))
}

/// The scope-down layer a task policy makes. Task policies only deny (everything but their few
/// actions, and those on anything but a root user), leaving the root user's own permissions in
/// place; as a scope layer that must also allow, they get an allow-all statement beside their
/// denies.
fn task_scope(document: &str) -> Option<String> {
    let mut doc: serde_json::Value = serde_json::from_str(document).ok()?;
    let statements = doc.get_mut("Statement")?.as_array_mut()?;
    statements.push(serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"}));
    Some(doc.to_string())
}

/// AssumeRoot.
pub fn assume_root(ctx: &Ctx, input: AssumeRootRequest) -> ApiResult<AssumeRootResponse> {
    let account = target_account(&input.target_principal, ctx.partition)
        .ok_or_else(|| ApiError::validation("Request must contain a valid target principal"))?;
    let Some(task_policy) = input.task_policy_arn.arn.as_deref() else {
        return Err(ApiError::validation(
            "1 validation error detected: Value null at 'taskPolicyArn' failed to satisfy constraint: \
             Member must not be null",
        ));
    };
    if !is_task_policy(task_policy, ctx.partition) {
        return Err(ApiError::validation(
            "Request must contain valid AWS managed task policy ARN",
        ));
    }
    let resource = format!("arn:{}:iam::{account}:root", ctx.partition);
    let denied = || crate::authz::access_denied(&ctx.caller_arn(), "sts:AssumeRoot", &resource, "");
    // The root user cannot call AssumeRoot at all (as documented); everyone else needs
    // sts:AssumeRoot on the target's root user, scoped by sts:TaskPolicyArn.
    if !ctx.principal.is_root() {
        let keys = [("sts:TaskPolicyArn".to_string(), vec![task_policy.to_string()])];
        ctx.store()
            .read(|c| ctx.authorize_with(c, &resource, &keys))
            .map_err(|e| if e.code == "AccessDenied" { denied() } else { e })?;
    } else {
        return Err(denied());
    }
    let applies = ctx.app.org.of(ctx.account()).is_some_and(|o| {
        o.management == ctx.account()
            && account != o.management
            && o.account(&account).is_some()
            && o.root_feature(crate::iam::account::ROOT_SESSIONS)
    });
    let target = ctx.app.accounts.get(&account).filter(|_| applies).ok_or_else(denied)?;
    let name = task_policy.rsplit('/').next().unwrap_or_default();
    let document = crate::catalog::managed::catalog()
        .by_resource(&format!("policy/root-task/{name}"))
        .and_then(|m| task_scope(&m.document))
        .ok_or_else(ApiError::internal)?;
    let now = ctx.now.unix_timestamp();
    let seconds = super::duration(input.duration_seconds, 900, 900, "DurationSeconds")?;
    let issuer = ctx.in_account(target);
    issuer.store().write(|tx| {
        let session = Session {
            scope_documents: vec![document],
            ..Session::new(SessionSubject::Root, now, now + seconds)
        };
        let issued = super::sessions::issue(tx, issuer.account(), &session, now)?;
        Ok(AssumeRootResponse {
            credentials: Some(super::credentials(issued)),
            ..AssumeRootResponse::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_account_ids_or_root_arns() {
        assert_eq!(target_account("123456789012", "aws").as_deref(), Some("123456789012"));
        assert_eq!(
            target_account("arn:aws:iam::123456789012:root", "aws").as_deref(),
            Some("123456789012")
        );
        assert_eq!(target_account("arn:aws:iam::123456789012:user/bob", "aws"), None);
        assert_eq!(target_account("arn:aws-cn:iam::123456789012:root", "aws"), None);
        assert_eq!(target_account("12345678901", "aws"), None);
        assert_eq!(target_account("12345678901x", "aws"), None);
    }

    #[test]
    fn only_the_five_root_task_policies_scope_a_session() {
        for name in TASK_POLICIES {
            assert!(is_task_policy(
                &format!("arn:aws:iam::aws:policy/root-task/{name}"),
                "aws"
            ));
        }
        assert!(!is_task_policy("arn:aws:iam::aws:policy/ReadOnlyAccess", "aws"));
        assert!(!is_task_policy(
            "arn:aws:iam::aws:policy/IAMAuditRootUserCredentials",
            "aws"
        ));
        assert!(!is_task_policy(
            "arn:aws:iam::123456789012:policy/root-task/IAMAuditRootUserCredentials",
            "aws"
        ));
    }
}
