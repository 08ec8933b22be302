//! The resource ARN rules of IAM's policy grammar: format, partition, region and IAM path
//! checks (reported after the Sid and action checks) and the legacy checks that fail the whole
//! document with "The policy failed legacy parsing".
//!
//! Sources: moto PR 2269 (getmoto/moto#2269), whose author checked every case against AWS:
//! `Resource adf must be in ARN format or "*".`, `Partition "b" is not valid for resource
//! "arn:b:c:d:e:f:g:h".`, `Resource vendor must be fully qualified and cannot contain regexes.`,
//! `IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.`,
//! `Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.` and the IAM
//! path sentence; `arn:aws:fdsasf`, `arn:aws:s33:::b` and `arn:aws:iam:::user/b` are accepted.
//! AWS's own managed policies add what the message list leaves out: `arn:aws:iam::*:root` and
//! regional S3 resources (access points, Access Grants; compat/data/aws-managed-policies.json).

/// Partitions IAM knows (`*` is accepted as well).
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// IAM resource types named in AWS's path message, in its order.
const IAM_PATH_PREFIXES: &[&str] = &[
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// IAM resource types the message does not name but AWS accepts (the Service Authorization
/// Reference's IAM resource types, and `root` as AWS managed policies use it).
const IAM_OTHER_PREFIXES: &[&str] = &["assumed-role/", "delegation-request/", "role-template/"];

/// S3 resource types that carry a region (Service Authorization Reference, S3 resource types).
const S3_REGIONAL_PREFIXES: &[&str] = &[
    "accesspoint/",
    "access-grants/",
    "job/",
    "storage-lens/",
    "storage-lens-group/",
    "async-request/",
];

const VENDOR_REGEX: &str = "Resource vendor must be fully qualified and cannot contain regexes.";

/// Which of IAM's resource format rules an entry breaks (Access Analyzer names each differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnProblem {
    /// No `:` at all: not an ARN.
    NotArn,
    /// A partition IAM does not know.
    Partition,
    /// No service field ("Resource vendor must be fully qualified").
    Vendor,
    /// A region where the service has none (IAM, S3 buckets).
    Region,
    /// An IAM resource of a type IAM does not know.
    IamPath,
}

/// AWS's format error for one `Resource`/`NotResource` entry, if any.
pub fn format_error(res: &str) -> Option<String> {
    check(res).map(|(_, message)| message)
}

/// The rule `res` breaks, with AWS's MalformedPolicyDocument message.
pub fn check(res: &str) -> Option<(ArnProblem, String)> {
    if res == "*" {
        return None;
    }
    let Some((_, rest)) = res.split_once(':') else {
        return Some((
            ArnProblem::NotArn,
            format!("Resource {res} must be in ARN format or \"*\"."),
        ));
    };
    let (partition, after) = match rest.split_once(':') {
        Some((p, a)) => (p, Some(a)),
        None => (rest, None),
    };
    if partition != "*" && !PARTITIONS.contains(&partition) {
        return Some((ArnProblem::Partition, partition_error(partition, after.unwrap_or(""))));
    }
    let Some(after) = after else {
        return Some((ArnProblem::Vendor, VENDOR_REGEX.to_string()));
    };
    let mut fields = after.splitn(4, ':');
    let service = fields.next().unwrap_or("");
    let region = fields.next().unwrap_or("");
    let _account = fields.next();
    let resource = fields.next().unwrap_or("");
    match service {
        "iam" if !region.is_empty() => Some((
            ArnProblem::Region,
            format!("IAM resource {res} cannot contain region information."),
        )),
        "iam" if !iam_resource_ok(resource) => Some((
            ArnProblem::IamPath,
            format!(
                "IAM resource path must either be \"*\" or start with {}.",
                IAM_PATH_PREFIXES.join(", ")
            ),
        )),
        "s3" if !region.is_empty() && !S3_REGIONAL_PREFIXES.iter().any(|p| resource.starts_with(p)) => Some((
            ArnProblem::Region,
            format!("Resource {res} can not contain region information."),
        )),
        _ => None,
    }
}

fn iam_resource_ok(resource: &str) -> bool {
    resource.starts_with('*')
        || resource == "root"
        || IAM_PATH_PREFIXES
            .iter()
            .chain(IAM_OTHER_PREFIXES)
            .any(|p| resource.starts_with(p))
}

/// AWS writes the ARN back with `*` for each missing field.
fn partition_error(partition: &str, after: &str) -> String {
    let fields: Vec<&str> = after.split(':').collect();
    let field = |i: usize| -> &str {
        match fields.get(i) {
            Some(f) if !(f.is_empty() && i == 0 && fields.len() == 1) => f,
            _ => "*",
        }
    };
    let rest = if fields.len() > 3 {
        fields.get(3..).map(|r| r.join(":")).unwrap_or_default()
    } else {
        "*".to_string()
    };
    format!(
        "Partition \"{partition}\" is not valid for resource \"arn:{partition}:{}:{}:{}:{rest}\".",
        field(0),
        field(1),
        field(2)
    )
}

/// True when IAM's legacy parser refuses the resource: `::` in an ARN of fewer than six fields,
/// or an empty service.
pub fn fails_legacy(res: &str) -> bool {
    if res == "*" {
        return false;
    }
    let colons = res.matches(':').count();
    (colons < 5 && res.contains("::")) || res.split(':').nth(2) == Some("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_recorded_messages() {
        let cases = [
            ("adf", Some("Resource adf must be in ARN format or \"*\".")),
            ("", Some("Resource  must be in ARN format or \"*\".")),
            (
                "arn:bsdfdsafsad",
                Some("Partition \"bsdfdsafsad\" is not valid for resource \"arn:bsdfdsafsad:*:*:*:*\"."),
            ),
            (
                "arn:b:c:d:e:f:g:h",
                Some("Partition \"b\" is not valid for resource \"arn:b:c:d:e:f:g:h\"."),
            ),
            (
                "arn:s3:::example_bucket:*",
                Some("Partition \"s3\" is not valid for resource \"arn:s3:::example_bucket:*\"."),
            ),
            ("arn:aws", Some(VENDOR_REGEX)),
            (
                "arn:aws:iam:us-east-1::example_bucket",
                Some("IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."),
            ),
            (
                "arn:aws:s3:us-east-1::example_bucket",
                Some("Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."),
            ),
            ("arn:aws:fdsasf", None),
            ("arn:aws:s33:::example_bucket", None),
            ("arn:aws:iam:::user/example_bucket", None),
            ("arn:aws:iam::*:root", None),
            ("arn:aws:s3:us-west-2:123456789012:accesspoint/ap", None),
            ("arn:aws:s3:*:*:access-grants/default", None),
            ("arn:aws:ec2:us-east-1::example_bucket", None),
            ("*", None),
        ];
        for (res, want) in cases {
            assert_eq!(format_error(res).as_deref(), want, "{res}");
        }
        assert!(format_error("arn:aws:iam::123456789012:bucket")
            .unwrap_or_default()
            .starts_with("IAM resource path must either be \"*\" or start with user/, federated-user/"));
        assert!(format_error("arn:${ARN_PARTITION}:s3:::b")
            .unwrap_or_default()
            .starts_with("Partition \"${ARN_PARTITION}\" is not valid"));
    }

    #[test]
    fn legacy() {
        assert!(fails_legacy("arn:aws::b"));
        assert!(fails_legacy("arn:aws::::b"));
        assert!(!fails_legacy("arn:aws:fdsasf"));
        assert!(!fails_legacy("arn:aws:s3:::b"));
        assert!(!fails_legacy("*"));
    }
}
