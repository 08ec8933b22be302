//! `String*` operators: exact, case-insensitive and wildcard comparisons.

use super::BaseOp;
use crate::policy::matching::{Mode, Pattern};
use crate::policy::RequestContext;

/// Compiles the values; only `StringLike` interprets `*` and `?`.
pub fn compile(base: BaseOp, raw: &[String], variables: bool) -> Vec<Pattern> {
    let mode = if base == BaseOp::StringLike {
        Mode::Glob
    } else {
        Mode::Literal
    };
    raw.iter().map(|r| Pattern::compile(r, mode, variables)).collect()
}

/// True when `value` matches any policy value.
pub fn matches(base: BaseOp, patterns: &[Pattern], value: &str, ctx: &RequestContext) -> Option<bool> {
    let mut lowered: Option<String> = None;
    for p in patterns {
        let hit = match base {
            BaseOp::StringEqualsIgnoreCase => {
                let v = lowered.get_or_insert_with(|| value.to_lowercase());
                p.literal(ctx)?.to_lowercase() == *v
            }
            BaseOp::StringLike => p.matches(value, ctx)?,
            _ => p.literal(ctx)? == value,
        };
        if hit {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(base: BaseOp, pat: &str, v: &str) -> bool {
        let ctx = RequestContext::new();
        matches(base, &compile(base, &[pat.to_string()], true), v, &ctx).unwrap()
    }

    #[test]
    fn string_ops() {
        assert!(check(BaseOp::StringEquals, "abc", "abc"));
        assert!(!check(BaseOp::StringEquals, "abc", "ABC"));
        assert!(!check(BaseOp::StringEquals, "a*", "abc"));
        assert!(check(BaseOp::StringEquals, "a*", "a*"));
        assert!(check(BaseOp::StringEqualsIgnoreCase, "ÄBC", "äbc"));
        assert!(check(BaseOp::StringLike, "a*c", "abbc"));
        assert!(!check(BaseOp::StringLike, "a*c", "ABBC"));
    }
}
