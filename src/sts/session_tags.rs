//! AssumeRole's session tags: the request's own rules and what a role chain passes on.
//!
//! AWS-recorded (LocalStack's AWS-validated snapshots, test_sts.snapshot.json
//! `test_assume_role_tag_validation` and `test_iam_role_chaining_override_transitive_tags`), each
//! `InvalidParameterValue` 400: duplicate keys ignoring case; a transitive key that is not among
//! the request's tags (matched ignoring case); a request tag that would override a transitive tag
//! of the calling session (ignoring case). Transitive tags of the calling session pass on to the
//! new session, still transitive (IAM User Guide, "Chaining roles with session tags").

use crate::error::{ApiError, ApiResult};
use crate::identity::Principal;

/// The new session's tags and transitive keys.
#[derive(Debug, Default)]
pub struct Tags {
    /// Every tag of the new session: the request's, then those inherited through the chain.
    pub tags: Vec<(String, String)>,
    /// The keys that pass on again.
    pub transitive: Vec<String>,
}

fn invalid(message: &str) -> ApiError {
    ApiError::sender("InvalidParameterValue", message)
}

/// Checks the request's tags against each other and against the caller's session, and adds the
/// caller's transitive tags.
pub fn resolve(caller: &Principal, requested: Vec<(String, String)>, transitive: Vec<String>) -> ApiResult<Tags> {
    if crate::iam::tags::has_duplicate_keys(&requested) {
        return Err(invalid(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ));
    }
    let has_key = |tags: &[(String, String)], key: &str| tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key));
    if transitive.iter().any(|k| !has_key(&requested, k)) {
        return Err(invalid(
            "The specified transitive tag key must be included in the requested tags.",
        ));
    }
    let mut out = Tags {
        tags: requested,
        transitive,
    };
    if let Principal::Session(session) = caller {
        for key in &session.transitive_tag_keys {
            if has_key(&out.tags, key) {
                return Err(invalid(
                    "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
                ));
            }
            if let Some(tag) = session.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
                out.tags.push(tag.clone());
                out.transitive.push(key.clone());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Session, SessionSubject};

    fn tag(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn request_rules() {
        let root = Principal::Root;
        let err = resolve(&root, vec![tag("A", "1"), tag("a", "2")], vec![]).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValue");
        assert!(err.message.starts_with("Duplicate tag keys found."));
        let err = resolve(&root, vec![tag("A", "1")], vec!["B".into()]).unwrap_err();
        assert_eq!(
            err.message,
            "The specified transitive tag key must be included in the requested tags."
        );
        let ok = resolve(&root, vec![tag("SessionTag1", "1")], vec!["sessiontag1".into()]).unwrap();
        assert_eq!(ok.transitive, vec!["sessiontag1".to_string()]);
    }

    #[test]
    fn chain_passes_transitive_tags_and_refuses_overrides() {
        let mut s = Session::new(SessionSubject::Root, 0, 1);
        s.tags = vec![tag("Team", "a"), tag("Local", "b")];
        s.transitive_tag_keys = vec!["Team".into()];
        let caller = Principal::Session(Box::new(s));
        let next = resolve(&caller, vec![tag("Other", "c")], vec![]).unwrap();
        assert_eq!(next.tags, vec![tag("Other", "c"), tag("Team", "a")]);
        assert_eq!(next.transitive, vec!["Team".to_string()]);
        for key in ["Team", "team"] {
            let err = resolve(&caller, vec![tag(key, "x")], vec![]).unwrap_err();
            assert!(err.message.starts_with("One of the specified transitive tag keys"));
        }
        // A non-transitive tag of the caller does not pass on and may be set again.
        assert!(resolve(&caller, vec![tag("Local", "x")], vec![]).is_ok());
    }
}
