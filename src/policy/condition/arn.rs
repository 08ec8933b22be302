//! `Arn*` operators. AWS documents ArnEquals and ArnLike identically: case-sensitive,
//! each of the six colon-delimited parts checked separately, wildcards allowed.

use crate::policy::matching::{Mode, Pattern};
use crate::policy::RequestContext;

/// Compiles the values as segment-aware ARN patterns.
pub fn compile(raw: &[String], variables: bool) -> Vec<Pattern> {
    raw.iter().map(|r| Pattern::compile(r, Mode::Arn, variables)).collect()
}

/// True when `value` matches any policy value; `None` when `value` is not an ARN (six
/// colon-separated parts starting with `arn`), which no `Arn*` operator can compare.
pub fn matches(patterns: &[Pattern], value: &str, ctx: &RequestContext) -> Option<bool> {
    if !value.starts_with("arn:") || value.matches(':').count() < 5 {
        return None;
    }
    for p in patterns {
        if p.matches(value, ctx)? {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_like() {
        let ctx = RequestContext::new();
        let p = compile(&["arn:aws:iam::*:role/Admin*".to_string()], true);
        assert_eq!(matches(&p, "arn:aws:iam::1:role/AdminX", &ctx), Some(true));
        assert_eq!(matches(&p, "arn:aws:iam::1:role/adminx", &ctx), Some(false));
        assert_eq!(matches(&p, "not-an-arn", &ctx), None);
    }
}
