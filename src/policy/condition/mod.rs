//! Condition operators: parsing, `...IfExists`, and `ForAllValues:`/`ForAnyValue:` set semantics.
//!
//! Missing-key rule, from the IAM User Guide ("Condition operators", Important box): "If the key
//! that you specify in a policy condition is not present in the request context, the values do
//! not match and the condition is false. If the policy condition requires that the key is not
//! matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
//! is true. This logic applies to all condition operators except ...IfExists and Null check."
//! So a negated operator with a missing key is true; `...IfExists` is true when missing.
//! Set operators (multi-value page): `ForAllValues` is true when the key is missing or empty;
//! `ForAnyValue` is false when it is missing (true with `IfExists`).
//! Multiple values for a key are ORed (NOR for negated operators); keys and operators are ANDed.

mod arn;
mod binary;
mod bool;
mod date;
mod ip;
mod null;
mod numeric;
mod string;

use serde_json::Value;

use super::matching::Pattern;
use super::RequestContext;

/// Set qualifier in front of an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// No qualifier: single-valued semantics.
    None,
    /// `ForAllValues:`.
    ForAllValues,
    /// `ForAnyValue:`.
    ForAnyValue,
}

/// Operator family with its positive comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseOp {
    /// `StringEquals` / `StringNotEquals`.
    StringEquals,
    /// `StringEqualsIgnoreCase` / `StringNotEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike` / `StringNotLike`.
    StringLike,
    /// `NumericEquals` / `NumericNotEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `DateEquals` / `DateNotEquals`.
    DateEquals,
    /// `DateLessThan`.
    DateLessThan,
    /// `DateLessThanEquals`.
    DateLessThanEquals,
    /// `DateGreaterThan`.
    DateGreaterThan,
    /// `DateGreaterThanEquals`.
    DateGreaterThanEquals,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    BinaryEquals,
    /// `IpAddress` / `NotIpAddress`.
    IpAddress,
    /// `ArnEquals`/`ArnLike` (identical matching per AWS) and their negations.
    ArnLike,
    /// `Null`.
    Null,
}

const OPERATORS: &[(&str, BaseOp, bool)] = &[
    ("StringEquals", BaseOp::StringEquals, false),
    ("StringNotEquals", BaseOp::StringEquals, true),
    ("StringEqualsIgnoreCase", BaseOp::StringEqualsIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", BaseOp::StringEqualsIgnoreCase, true),
    ("StringLike", BaseOp::StringLike, false),
    ("StringNotLike", BaseOp::StringLike, true),
    ("NumericEquals", BaseOp::NumericEquals, false),
    ("NumericNotEquals", BaseOp::NumericEquals, true),
    ("NumericLessThan", BaseOp::NumericLessThan, false),
    ("NumericLessThanEquals", BaseOp::NumericLessThanEquals, false),
    ("NumericGreaterThan", BaseOp::NumericGreaterThan, false),
    ("NumericGreaterThanEquals", BaseOp::NumericGreaterThanEquals, false),
    ("DateEquals", BaseOp::DateEquals, false),
    ("DateNotEquals", BaseOp::DateEquals, true),
    ("DateLessThan", BaseOp::DateLessThan, false),
    ("DateLessThanEquals", BaseOp::DateLessThanEquals, false),
    ("DateGreaterThan", BaseOp::DateGreaterThan, false),
    ("DateGreaterThanEquals", BaseOp::DateGreaterThanEquals, false),
    ("Bool", BaseOp::Bool, false),
    ("BinaryEquals", BaseOp::BinaryEquals, false),
    ("IpAddress", BaseOp::IpAddress, false),
    ("NotIpAddress", BaseOp::IpAddress, true),
    ("ArnEquals", BaseOp::ArnLike, false),
    ("ArnNotEquals", BaseOp::ArnLike, true),
    ("ArnLike", BaseOp::ArnLike, false),
    ("ArnNotLike", BaseOp::ArnLike, true),
    ("Null", BaseOp::Null, false),
];

/// A parsed operator name such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    /// Set qualifier.
    pub qualifier: Qualifier,
    /// Comparison family.
    pub base: BaseOp,
    /// Negated form (`StringNotEquals`, `NotIpAddress`, ...).
    pub negated: bool,
    /// `...IfExists` suffix.
    pub if_exists: bool,
}

impl Operator {
    /// Parses an operator name; names are case-sensitive as in AWS's grammar. `Null` takes the
    /// set qualifiers and `IfExists` like every operator (AWS accepts `ForAllValues:Null`).
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Qualifier::ForAllValues, r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Qualifier::ForAnyValue, r)
        } else {
            (Qualifier::None, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        let &(_, base, negated) = OPERATORS.iter().find(|(n, _, _)| *n == rest)?;
        Some(Operator {
            qualifier,
            base,
            negated,
            if_exists,
        })
    }
}

/// Compiled condition values for one operator/key pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// String and ARN operators (patterns carry wildcards/variables as the operator allows).
    Patterns(Vec<Pattern>),
    /// Numeric operators.
    Numbers(Vec<f64>),
    /// Date operators, as Unix nanoseconds.
    Dates(Vec<i128>),
    /// `Bool` (variables allowed, so kept as patterns and compared case-insensitively).
    Bools(Vec<Pattern>),
    /// `BinaryEquals`, decoded.
    Binary(Vec<Vec<u8>>),
    /// `IpAddress` ranges.
    Ips(Vec<ip::Cidr>),
    /// `Null`: true = key must be absent.
    Null(Vec<bool>),
}

/// One `operator: { key: values }` entry of a Condition block.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// Operator name as written.
    pub operator_name: String,
    /// Parsed operator.
    pub operator: Operator,
    /// Condition key as written.
    pub key: String,
    /// Lowercased key for context lookups.
    pub key_lower: String,
    /// Compiled values.
    pub values: Values,
}

/// Stringifies a condition scalar; AWS accepts JSON strings, numbers and booleans.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The values of one condition key as strings (a scalar or an array of scalars); `None` when
/// the JSON shape is not one IAM's grammar allows.
pub fn raw_values(raw: &Value) -> Option<Vec<String>> {
    match raw {
        Value::Array(a) => a.iter().map(scalar).collect(),
        v => Some(vec![scalar(v)?]),
    }
}

/// True when IAM's lenient date grammar reads `value` (see `date`).
pub fn date_parses(value: &str) -> bool {
    date::parse(value).is_some()
}

/// Whether one condition value reads as the operator's type (the check `parse_block` uses to
/// drop values that can never match); strings, ARNs and `Null` take anything.
pub fn value_parses(base: BaseOp, value: &str) -> bool {
    use BaseOp::*;
    let one = std::slice::from_ref;
    let v = value.to_string();
    match base {
        StringEquals | StringEqualsIgnoreCase | StringLike | ArnLike | Null => true,
        NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => {
            numeric::compile(one(&v)).is_some()
        }
        DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => date_parses(value),
        Bool => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
        BinaryEquals => binary::compile(one(&v)).is_some(),
        IpAddress => ip::compile(one(&v)).is_some(),
    }
}

/// True for an operator name IAM knows (with its `ForAllValues:`/`ForAnyValue:` and `IfExists`
/// forms).
pub fn is_known_operator(name: &str) -> bool {
    Operator::parse(name).is_some()
}

/// Compiles a statement's Condition block, already checked by `validate`, into clauses.
///
/// The block's shape was validated before this runs; what IAM accepts but cannot be compared
/// (a number that does not parse, an unknown operator with an empty block, an empty value list)
/// compiles to a clause that never matches, so nothing fails open.
pub fn parse_block(block: &serde_json::Map<String, Value>, variables: bool) -> Vec<Clause> {
    let mut out = Vec::new();
    for (op_name, keys) in block {
        let (Some(operator), Value::Object(keys)) = (Operator::parse(op_name), keys) else {
            continue;
        };
        for (key, raw) in keys {
            let raw_values = raw_values(raw).unwrap_or_default();
            out.push(Clause {
                operator_name: op_name.clone(),
                operator,
                key: key.clone(),
                key_lower: key.to_ascii_lowercase(),
                values: compile_values(operator.base, &raw_values, variables),
            });
        }
    }
    out
}

fn compile_values(base: BaseOp, raw: &[String], variables: bool) -> Values {
    use BaseOp::*;
    match base {
        StringEquals | StringEqualsIgnoreCase | StringLike => Values::Patterns(string::compile(base, raw, variables)),
        ArnLike => Values::Patterns(arn::compile(raw, variables)),
        NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => {
            Values::Numbers(parsed(raw, numeric::compile))
        }
        DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => {
            Values::Dates(parsed(raw, date::compile))
        }
        Bool => Values::Bools(bool::compile(raw, variables)),
        BinaryEquals => Values::Binary(parsed(raw, binary::compile)),
        IpAddress => Values::Ips(parsed(raw, ip::compile)),
        Null => Values::Null(parsed(raw, null::compile)),
    }
}

/// The values that parse; the others are dropped, as they can never equal a context value.
fn parsed<T>(raw: &[String], compile: impl Fn(&[String]) -> Option<Vec<T>>) -> Vec<T> {
    raw.iter()
        .filter_map(|r| compile(std::slice::from_ref(r)))
        .flatten()
        .collect()
}

impl Clause {
    /// Positive comparison of one context value against all policy values (OR).
    /// `None` when the two cannot be compared: a policy variable cannot be resolved, or an `Arn*`
    /// operator meets a value that is not an ARN (AWS: then `ArnNotLike` is false too).
    fn positive(&self, value: &str, ctx: &RequestContext) -> Option<bool> {
        match &self.values {
            Values::Patterns(p) => match self.operator.base {
                BaseOp::ArnLike => arn::matches(p, value, ctx),
                base => string::matches(base, p, value, ctx),
            },
            Values::Numbers(n) => Some(numeric::matches(self.operator.base, n, value)),
            Values::Dates(d) => Some(date::matches(self.operator.base, d, value)),
            Values::Bools(b) => bool::matches(b, value, ctx),
            Values::Binary(b) => Some(binary::matches(b, value)),
            Values::Ips(c) => Some(ip::matches(c, value)),
            Values::Null(_) => Some(false),
        }
    }

    /// Evaluates this clause against the request context.
    pub fn evaluate(&self, ctx: &RequestContext) -> bool {
        let op = self.operator;
        let present = ctx.get_lower(&self.key_lower).filter(|v| !v.is_empty());
        if let Values::Null(wanted) = &self.values {
            return null::matches(wanted, present.is_some());
        }
        let Some(values) = present else {
            return match op.qualifier {
                Qualifier::ForAllValues => true,
                Qualifier::ForAnyValue => op.if_exists,
                Qualifier::None => op.if_exists || op.negated,
            };
        };
        // Without `ForAnyValue:`/`ForAllValues:` an operator does not match a key that carries
        // several values (the issue's AWS-verified case; the IAM User Guide: "Multivalued context
        // keys require a condition set operator").
        if op.qualifier == Qualifier::None && values.len() > 1 {
            return false;
        }
        // An unresolvable variable makes the statement inapplicable rather than flipping a
        // negated operator to true, so an Allow can never be widened by a missing variable.
        self.evaluate_present(values, ctx).unwrap_or(false)
    }

    fn evaluate_present(&self, values: &[String], ctx: &RequestContext) -> Option<bool> {
        let op = self.operator;
        match op.qualifier {
            Qualifier::None => {
                for v in values {
                    if self.positive(v, ctx)? {
                        return Some(!op.negated);
                    }
                }
                Some(op.negated)
            }
            Qualifier::ForAnyValue => {
                for v in values {
                    if self.positive(v, ctx)? != op.negated {
                        return Some(true);
                    }
                }
                Some(false)
            }
            Qualifier::ForAllValues => {
                for v in values {
                    if self.positive(v, ctx)? == op.negated {
                        return Some(false);
                    }
                }
                Some(true)
            }
        }
    }

    /// Variable keys referenced in this clause's values, as written.
    pub fn variable_keys(&self) -> Vec<&str> {
        match &self.values {
            Values::Patterns(p) | Values::Bools(p) => p.iter().flat_map(Pattern::variable_keys).collect(),
            _ => Vec::new(),
        }
    }
}

/// Evaluates a whole Condition block (AND of clauses).
pub fn evaluate_all(clauses: &[Clause], ctx: &RequestContext) -> bool {
    clauses.iter().all(|c| c.evaluate(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(json: &str) -> Vec<Clause> {
        let v: serde_json::Map<String, Value> = serde_json::from_str(json).unwrap();
        parse_block(&v, true)
    }

    fn eval(json: &str, ctx: &RequestContext) -> bool {
        evaluate_all(&clause(json), ctx)
    }

    #[test]
    fn operator_names() {
        assert!(Operator::parse("ForAnyValue:StringNotLikeIfExists").is_some());
        assert!(Operator::parse("ForAllValues:Null").is_some());
        assert!(Operator::parse("ForAnyValue:Null").is_some());
        assert!(Operator::parse("stringequals").is_none());
        assert!(Operator::parse("StringEqualz").is_none());
    }

    #[test]
    fn missing_keys() {
        let ctx = RequestContext::new();
        assert!(!eval(r#"{"StringEquals":{"aws:x":"a"}}"#, &ctx));
        assert!(eval(r#"{"StringNotEquals":{"aws:x":"a"}}"#, &ctx));
        assert!(eval(r#"{"StringEqualsIfExists":{"aws:x":"a"}}"#, &ctx));
        assert!(eval(r#"{"ForAllValues:StringEquals":{"aws:x":"a"}}"#, &ctx));
        assert!(!eval(r#"{"ForAnyValue:StringEquals":{"aws:x":"a"}}"#, &ctx));
        assert!(!eval(r#"{"ForAnyValue:StringNotEquals":{"aws:x":"a"}}"#, &ctx));
        assert!(eval(r#"{"Null":{"aws:x":"true"}}"#, &ctx));
        assert!(!eval(r#"{"Null":{"aws:x":"false"}}"#, &ctx));
        assert!(!eval(r#"{"NumericLessThan":{"aws:x":"3"}}"#, &ctx));
    }

    #[test]
    fn set_operators() {
        let mut ctx = RequestContext::new();
        ctx.insert_all("aws:TagKeys", ["a", "b"]);
        assert!(eval(
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}"#,
            &ctx
        ));
        assert!(!eval(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#, &ctx));
        assert!(eval(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["b","z"]}}"#, &ctx));
        assert!(!eval(r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["z"]}}"#, &ctx));
        assert!(eval(r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}"#, &ctx));
        assert!(!eval(r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}"#, &ctx));
        assert!(eval(r#"{"ForAllValues:StringNotLike":{"aws:TagKeys":["z*"]}}"#, &ctx));
    }

    /// AWS-verified (issue 10): no set qualifier, several request values: no match, either way.
    #[test]
    fn plain_operators_do_not_match_multivalued_keys() {
        let mut ctx = RequestContext::new();
        ctx.insert_all("aws:TagKeys", ["a", "b"]);
        assert!(!eval(r#"{"StringEquals":{"aws:TagKeys":["a","b"]}}"#, &ctx));
        assert!(!eval(r#"{"StringNotEquals":{"aws:TagKeys":"z"}}"#, &ctx));
        assert!(!eval(r#"{"StringLike":{"aws:TagKeys":"*"}}"#, &ctx));
        let mut ctx = RequestContext::new();
        ctx.insert_all("aws:TagKeys", ["a"]);
        assert!(eval(r#"{"StringEquals":{"aws:TagKeys":"a"}}"#, &ctx));
    }

    #[test]
    fn arn_operators_on_values_that_are_not_arns_are_false() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:SourceArn", "not-an-arn");
        assert!(!eval(r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, &ctx));
        assert!(!eval(r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, &ctx));
        assert!(!eval(r#"{"ArnNotEquals":{"aws:SourceArn":"*"}}"#, &ctx));
        let mut ctx = RequestContext::new();
        ctx.insert("aws:SourceArn", "arn:aws:s3:::other");
        assert!(eval(r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, &ctx));
    }

    #[test]
    fn and_or_semantics() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:a", "1");
        ctx.insert("aws:b", "2");
        assert!(eval(r#"{"StringEquals":{"aws:a":["0","1"],"aws:b":"2"}}"#, &ctx));
        assert!(!eval(r#"{"StringEquals":{"aws:a":"1","aws:b":"3"}}"#, &ctx));
        assert!(!eval(
            r#"{"StringEquals":{"aws:a":"1"},"StringLike":{"aws:b":"3*"}}"#,
            &ctx
        ));
        assert!(!eval(r#"{"StringNotEquals":{"aws:a":["0","1"]}}"#, &ctx));
        assert!(eval(r#"{"StringNotEquals":{"aws:a":["0","2"]}}"#, &ctx));
    }

    #[test]
    fn unresolved_variable_is_false_even_when_negated() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:a", "1");
        assert!(!eval(r#"{"StringNotEquals":{"aws:a":"${aws:nope}"}}"#, &ctx));
        assert!(eval(r#"{"StringNotEquals":{"aws:a":"${aws:nope, '2'}"}}"#, &ctx));
    }

    #[test]
    fn values_that_do_not_parse_never_match() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:x", "1");
        for never in [
            r#"{"StringEquals":{"aws:x":[]}}"#,
            r#"{"NumericEquals":{"aws:x":"abc"}}"#,
            r#"{"DateEquals":{"aws:x":"yesterday"}}"#,
            r#"{"IpAddress":{"aws:x":"10.0.0.0/33"}}"#,
            r#"{"BinaryEquals":{"aws:x":"***"}}"#,
        ] {
            assert!(!eval(never, &ctx), "{never}");
        }
        // An unknown operator with an empty block contributes no clause.
        assert!(clause(r#"{"Foo":{}}"#).is_empty());
    }
}
