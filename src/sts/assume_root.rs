//! AssumeRoot: privileged root sessions on member accounts, a feature of centralized root access in
//! an AWS Organizations organization.
//!
//! localiam emulates one standalone account: it has no organization, so no member accounts and no
//! centralized root access. AWS refuses AssumeRoot in an account where centralized root access is
//! not enabled with a bare AccessDenied naming the target's root user (`… is not authorized to
//! perform: sts:AssumeRoot on resource: arn:aws:iam::TARGET:root`, with no policy explanation even
//! when the caller's own policies allow the action), and that is the honest answer here for every
//! well-formed request. The input is still validated first, with AWS's messages, and a caller whose
//! policies deny `sts:AssumeRoot` gets the same answer.

use crate::api::sts::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};

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
    }
    Err(denied())
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
