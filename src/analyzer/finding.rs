//! A finding as `ValidatePolicy` returns it (botocore `accessanalyzer` 2019-11-01:
//! `ValidatePolicyFinding`, `Location`, `PathElement`, `Span`, `Position`).

use serde_json::{json, Value as Json};

use crate::policy::spanned::{Pos, TextSpan};

/// `findingType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingType {
    /// Part of the policy is not functional.
    Error,
    /// The policy allows access that is overly permissive.
    SecurityWarning,
    /// A stylistic improvement with no effect on access.
    Suggestion,
    /// A deviation from best practice that is not about security ("General warning" in the console).
    Warning,
}

impl FindingType {
    /// The enum value on the wire.
    pub fn api_name(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Suggestion => "SUGGESTION",
            FindingType::Warning => "WARNING",
        }
    }

    /// The part of the reference page's anchors that names the type.
    fn anchor(self) -> &'static str {
        match self {
            FindingType::Error => "error",
            FindingType::SecurityWarning => "security-warning",
            FindingType::Suggestion => "suggestion",
            FindingType::Warning => "general-warning",
        }
    }
}

/// One step of a location's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathElement {
    /// An array element.
    Index(usize),
    /// A key itself (used when the key is what is wrong, e.g. an unknown element).
    Key(String),
    /// The value of a key: AWS's paths name `{"value": "Statement"}`, `{"index": 0}`,
    /// `{"value": "Sid"}` (aws CLI `validate-policy` example).
    Value(String),
    /// A part of a string.
    Substring {
        /// First character, from 0.
        start: usize,
        /// Length in characters.
        length: usize,
    },
}

/// Where in the document a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The path from the document's root.
    pub path: Vec<PathElement>,
    /// The text it covers.
    pub span: TextSpan,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Its impact.
    pub finding_type: FindingType,
    /// The check, e.g. `PASS_ROLE_WITH_STAR_IN_RESOURCE`.
    pub issue_code: &'static str,
    /// The English message (`findingDetails`).
    pub details: String,
    /// Where it applies.
    pub locations: Vec<Location>,
}

/// The reference page every `learnMoreLink` points into.
const REFERENCE: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

impl Finding {
    /// The reference page's anchor for the check: `#access-analyzer-reference-policy-checks-<type>-<code
    /// in lower case with hyphens>` (the aws CLI example's links; the page's anchors, 2023 revision).
    pub fn learn_more_link(&self) -> String {
        format!(
            "{REFERENCE}#access-analyzer-reference-policy-checks-{}-{}",
            self.finding_type.anchor(),
            self.issue_code.to_ascii_lowercase().replace('_', "-")
        )
    }

    /// The wire form, members in the model's (alphabetical) order as AWS prints them.
    pub fn to_json(&self) -> Json {
        json!({
            "findingDetails": self.details,
            "findingType": self.finding_type.api_name(),
            "issueCode": self.issue_code,
            "learnMoreLink": self.learn_more_link(),
            "locations": self.locations.iter().map(location_json).collect::<Vec<_>>(),
        })
    }

    /// Where the finding sorts: its first location's start.
    pub(crate) fn first_offset(&self) -> u32 {
        self.locations.first().map_or(0, |l| l.span.start.offset)
    }
}

fn position_json(p: Pos) -> Json {
    json!({"column": p.column, "line": p.line, "offset": p.offset})
}

fn location_json(l: &Location) -> Json {
    let path: Vec<Json> = l
        .path
        .iter()
        .map(|e| match e {
            PathElement::Index(i) => json!({ "index": i }),
            PathElement::Key(k) => json!({ "key": k }),
            PathElement::Value(v) => json!({ "value": v }),
            PathElement::Substring { start, length } => json!({"substring": {"length": length, "start": start}}),
        })
        .collect();
    json!({
        "path": path,
        "span": {"end": position_json(l.span.end), "start": position_json(l.span.start)},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_reference_anchors() {
        let f = Finding {
            finding_type: FindingType::Suggestion,
            issue_code: "EMPTY_SID_VALUE",
            details: String::new(),
            locations: Vec::new(),
        };
        // The aws CLI example's link for this finding.
        assert_eq!(
            f.learn_more_link(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-sid-value"
        );
        let w = Finding {
            finding_type: FindingType::Warning,
            issue_code: "MISSING_VERSION",
            ..f
        };
        assert!(w.learn_more_link().ends_with("-general-warning-missing-version"));
    }
}
