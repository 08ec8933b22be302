//! `Numeric*` operators (policy variables are not supported, per AWS).

use super::BaseOp;

/// Parses every value as a number; `None` if any is not numeric.
pub fn compile(raw: &[String]) -> Option<Vec<f64>> {
    raw.iter().map(|r| parse(r)).collect()
}

fn parse(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("nan") || s.to_ascii_lowercase().contains("inf") {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// True when the context value compares as required with any policy value.
pub fn matches(base: BaseOp, policy: &[f64], value: &str) -> bool {
    let Some(v) = parse(value) else {
        return false;
    };
    policy.iter().any(|&p| match base {
        BaseOp::NumericLessThan => v < p,
        BaseOp::NumericLessThanEquals => v <= p,
        BaseOp::NumericGreaterThan => v > p,
        BaseOp::NumericGreaterThanEquals => v >= p,
        _ => v == p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric() {
        let p = compile(&["10".into(), "2.5".into()]).unwrap();
        assert!(matches(BaseOp::NumericEquals, &p, "10.0"));
        assert!(matches(BaseOp::NumericLessThan, &p, "9"));
        assert!(!matches(BaseOp::NumericGreaterThan, &p[..1], "10"));
        assert!(matches(BaseOp::NumericGreaterThanEquals, &p, "10"));
        assert!(!matches(BaseOp::NumericEquals, &p, "ten"));
        assert!(compile(&["NaN".into()]).is_none());
        assert!(compile(&["1e3".into()]).is_some());
    }
}
