//! Checks IAM and STS make on a request's parameters before they authorize it, so a caller
//! without permission who sends a malformed parameter gets `ValidationError`, not `AccessDenied`.
//!
//! ARN parameters (`arnType` in the models; `arn_members()` is generated for every input) must
//! parse as `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with a partition, a service and a
//! resource. AWS-recorded (LocalStack's AWS-validated snapshots, test_iam.snapshot.json
//! `test_role_attach_policy`/`test_user_attach_policy` and test_sts.snapshot.json
//! `test_sts_invalid_parameters`): IAM answers `Invalid ARN:  Could not be parsed!` (two spaces),
//! STS answers `<value> is invalid`, both `ValidationError` 400, after the model's own constraint
//! checks (a role session name that breaks its pattern is reported even with a valid RoleArn).
//! IAM's text is recorded for `PolicyArn`; that its other ARN parameters share it is a guess.

use crate::api::Service;
use crate::error::{ApiError, ApiResult};

/// True when `value` has the six fields of an ARN, with partition, service and resource set.
pub fn arn_parses(value: &str) -> bool {
    let mut fields = value.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(_region), Some(_account), Some(resource)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return false;
    };
    !partition.is_empty() && !service.is_empty() && !resource.is_empty()
}

/// Refuses the first ARN parameter that does not parse, with the service's message.
pub fn check_arns(service: Service, members: &[(&'static str, &str)]) -> ApiResult<()> {
    match members.iter().find(|(_, v)| !arn_parses(v)) {
        None => Ok(()),
        Some((_, value)) => Err(ApiError::validation(match service {
            Service::Sts => format!("{value} is invalid"),
            Service::Iam => "Invalid ARN:  Could not be parsed!".to_string(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_recorded_arns() {
        // test_sts_invalid_parameters: each refused with "<value> is invalid".
        for bad in [
            "nothing-valid-in-here",
            "arn::b:::something/test-role",
            "arn:a::::something/test-role",
            "arn:a:::something/test-role",
            "arn:a:a::aaaaaaaaaa:",
            "longpolicynamebutnoarn",
        ] {
            assert!(!arn_parses(bad), "{bad}");
        }
        for good in [
            "arn:a:b:::something/test-role",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::123456789012:role/a:b",
        ] {
            assert!(arn_parses(good), "{good}");
        }
        let err = check_arns(Service::Sts, &[("RoleArn", "nothing-valid-in-here")]).unwrap_err();
        assert_eq!(err.message, "nothing-valid-in-here is invalid");
        let err = check_arns(Service::Iam, &[("PolicyArn", "longpolicynamebutnoarn")]).unwrap_err();
        assert_eq!(err.message, "Invalid ARN:  Could not be parsed!");
    }
}
