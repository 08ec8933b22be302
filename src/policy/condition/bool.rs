//! `Bool` operator: case-insensitive "true"/"false" comparison (variables supported).

use crate::policy::matching::{Mode, Pattern};
use crate::policy::RequestContext;

/// Keeps the values as literal patterns so policy variables can be expanded.
pub fn compile(raw: &[String], variables: bool) -> Vec<Pattern> {
    raw.iter()
        .map(|r| Pattern::compile(r, Mode::Literal, variables))
        .collect()
}

/// True when the context value equals any policy value, ignoring ASCII case.
pub fn matches(policy: &[Pattern], value: &str, ctx: &RequestContext) -> Option<bool> {
    for p in policy {
        if p.literal(ctx)?.eq_ignore_ascii_case(value) {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bools() {
        let ctx = RequestContext::new();
        let p = compile(&["true".into()], true);
        assert_eq!(matches(&p, "TRUE", &ctx), Some(true));
        assert_eq!(matches(&p, "false", &ctx), Some(false));
    }
}
