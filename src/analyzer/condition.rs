//! Condition checks: operators (IAM's own operator table, `policy::condition::Operator`), keys
//! (global keys, the catalog's service keys), their types, and the values each operator reads
//! (`policy::condition::value_parses`, the same parsers evaluation uses).

use super::finding::{FindingType, Location, PathElement};
use super::known::{self, KeyType};
use super::validate::{at, join, Checker};
use crate::policy::condition::{self, BaseOp, Operator, Qualifier};
use crate::policy::spanned::{Member, Node, Value};

/// The family name AWS's messages use for an operator.
fn family(base: BaseOp) -> &'static str {
    use BaseOp::*;
    match base {
        StringEquals | StringEqualsIgnoreCase | StringLike => "String",
        NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => {
            "Numeric"
        }
        DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => "Date",
        Bool => "Bool",
        BinaryEquals => "Binary",
        IpAddress => "IpAddress",
        ArnLike => "Arn",
        Null => "Null",
    }
}

/// Whether an operator cannot read a key of this type. Only the clear cases are reported: a
/// numeric, date, Boolean or IP operator on a key of another type, or an ARN operator on such a
/// key (string operators on any key are common in AWS's own policies).
fn mismatched(base: BaseOp, key: KeyType) -> bool {
    let op = family(base);
    match key {
        KeyType::Any => false,
        _ if matches!(op, "Numeric" | "Date" | "Bool" | "IpAddress") => key.operator_family() != op,
        KeyType::Numeric | KeyType::Date | KeyType::Bool | KeyType::Ip => op == "Arn",
        _ => false,
    }
}

impl Checker {
    pub(super) fn conditions(&mut self, path: &[PathElement], block: &Node, version_2012: bool) {
        let Value::Object(ops) = &block.value else {
            self.type_mismatch(path.to_vec(), block, "object");
            return;
        };
        if ops.is_empty() {
            self.add(
                FindingType::Suggestion,
                "EMPTY_OBJECT_CONDITION",
                "This condition block is empty and it does not affect the policy. Specify conditions.".into(),
                vec![at(path.to_vec(), block.span)],
            );
        }
        for op in ops {
            self.operator(path, op, version_2012);
        }
    }

    fn operator(&mut self, path: &[PathElement], op: &Member, version_2012: bool) {
        let op_path = join(path, PathElement::Value(op.key.clone()));
        let Value::Object(keys) = &op.value.value else {
            self.type_mismatch(op_path, &op.value, "object");
            return;
        };
        let key_loc = || vec![at(join(path, PathElement::Key(op.key.clone())), op.key_span)];
        let name = op.key.as_str();
        if name.ends_with("NullIfExists") {
            self.add(
                FindingType::Error,
                "NULL_WITH_IF_EXISTS",
                "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix."
                    .into(),
                key_loc(),
            );
            return;
        }
        let Some(operator) = Operator::parse(name) else {
            // IAM accepts an unknown operator with an empty block (policy::validate), so only a
            // non-empty one is reported.
            if !keys.is_empty() {
                self.add(
                    FindingType::Error,
                    "INVALID_CONDITION_OPERATOR",
                    format!("The condition operator {name} is not valid. Use a valid condition operator."),
                    key_loc(),
                );
            }
            return;
        };
        if operator.base == BaseOp::Null && operator.qualifier != Qualifier::None {
            self.add(
                FindingType::Suggestion,
                "NULL_WITH_QUALIFIER",
                "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they always return a true or false respectively.".into(),
                key_loc(),
            );
        }
        for (i, k) in keys.iter().enumerate() {
            let dup = keys
                .iter()
                .take(i)
                .any(|earlier| earlier.key != k.key && earlier.key.eq_ignore_ascii_case(&k.key));
            let kpath = join(&op_path, PathElement::Value(k.key.clone()));
            if dup {
                self.add(
                    FindingType::Error,
                    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                    format!("The condition key {} appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys.", k.key),
                    vec![at(join(&op_path, PathElement::Key(k.key.clone())), k.key_span)],
                );
            }
            self.condition_key(&op_path, k, operator, name);
            self.values(&kpath, k, operator, name, version_2012);
        }
    }

    /// The key's name, and its type against the operator.
    fn condition_key(&mut self, op_path: &[PathElement], k: &Member, operator: Operator, written: &str) -> Option<()> {
        let key = k.key.as_str();
        let loc = || vec![at(join(op_path, PathElement::Key(key.to_string())), k.key_span)];
        let Some((service, _)) = key.split_once(':') else {
            self.add(
                FindingType::Error,
                "INVALID_CONDITION_KEY_FORMAT",
                "The condition key format is not valid. Use the format service:keyname.".into(),
                loc(),
            );
            return None;
        };
        let info = if service.eq_ignore_ascii_case("aws") {
            if key.eq_ignore_ascii_case("aws:ARN") {
                self.add(
                    FindingType::Warning,
                    "DEPRECATED_GLOBAL_CONDITION_KEY",
                    "We recommend that you update aws:ARN to use the newer condition key aws:PrincipalArn.".into(),
                    loc(),
                );
                return None;
            }
            let info = known::global_key(key);
            if info.is_none() {
                self.add(
                    FindingType::Error,
                    "INVALID_GLOBAL_CONDITION_KEY",
                    format!("The condition key {key} does not exist. Use a valid condition key."),
                    loc(),
                );
            }
            info
        } else {
            // Keys of services the catalog does not know (identity providers such as
            // `accounts.google.com:aud`, retired services) are left alone.
            let s = known::service(service)?;
            match known::service_key(s, key) {
                None => {
                    self.add(
                        FindingType::Error,
                        "INVALID_SERVICE_CONDITION_KEY",
                        format!("The condition key {key} does not exist in the service {service}. Use a valid condition key."),
                        loc(),
                    );
                    None
                }
                Some(info) => info,
            }
        }?;
        if operator.base != BaseOp::Null && mismatched(operator.base, info.key_type) {
            self.add(
                FindingType::Warning,
                "TYPE_MISMATCH",
                format!(
                    "Use the operator type {} instead of operator {} for the condition key {key}.",
                    info.key_type.operator_family(),
                    written
                ),
                loc(),
            );
        }
        if operator.qualifier == Qualifier::ForAllValues && !info.multivalued {
            self.add(
                FindingType::SecurityWarning,
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                format!("Using ForAllValues qualifier with the single-valued condition key {key} can be overly permissive. We recommend that you remove ForAllValues:."),
                loc(),
            );
        }
        Some(())
    }

    fn values(&mut self, path: &[PathElement], k: &Member, operator: Operator, written: &str, version_2012: bool) {
        let node = &k.value;
        let items: Vec<(Vec<PathElement>, &Node)> = match &node.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (join(path, PathElement::Index(i)), n))
                .collect(),
            _ => vec![(path.to_vec(), node)],
        };
        if items.is_empty() {
            let key = &k.key;
            let (code, details) = match (operator.qualifier, operator.if_exists) {
                (Qualifier::ForAllValues, _) => ("EMPTY_ARRAY_CONDITION_FORALLVALUES", format!("The ForAllValues prefix with an empty condition key matches only if the key {key} is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead.")),
                (Qualifier::ForAnyValue, _) => ("EMPTY_ARRAY_CONDITION_FORANYVALUE", format!("The ForAnyValue prefix with an empty condition key {key} never matches the request context and it does not affect the policy. Specify conditions.")),
                (_, true) => ("EMPTY_ARRAY_CONDITION_IFEXISTS", format!("The IfExists suffix with an empty condition key matches only if the key {key} is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead.")),
                _ => ("EMPTY_ARRAY_CONDITION", format!("There are no values for the condition key {key} and it does not affect the policy. Specify conditions.")),
            };
            self.add(
                FindingType::Suggestion,
                code,
                details,
                vec![at(path.to_vec(), node.span)],
            );
            return;
        }
        let mut kinds: Vec<&str> = Vec::new();
        let mut texts: Vec<(Location, String)> = Vec::new();
        for (p, n) in &items {
            let text = match &n.value {
                Value::String(s) => s.clone(),
                Value::Number(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    self.type_mismatch(p.clone(), n, "string");
                    continue;
                }
            };
            if !kinds.contains(&n.type_name()) {
                kinds.push(n.type_name());
            }
            texts.push((at(p.clone(), n.span), text));
        }
        if kinds.len() > 1 {
            self.add(
                FindingType::Error,
                "INVALID_CONDITION_DATA_TYPE",
                "The condition value data types do not match. Use condition values of the same JSON data type.".into(),
                vec![at(path.to_vec(), node.span)],
            );
        }
        if operator.base == BaseOp::Bool && texts.len() > 1 {
            self.add(
                FindingType::Error,
                "INVALID_CONDITION_MULTIPLE_BOOLEAN",
                "The condition key does not support multiple Boolean values. Use a single Boolean value.".into(),
                vec![at(path.to_vec(), node.span)],
            );
        }
        let op_name = family(operator.base);
        for (loc, text) in texts {
            let variable = version_2012 && text.contains("${");
            if variable && !matches!(op_name, "String" | "Arn") {
                self.add(
                    FindingType::Error,
                    "INVALID_VARIABLE_FOR_OPERATOR",
                    "Policy variables can only be used with String and ARN operators.".into(),
                    vec![loc],
                );
                continue;
            }
            if variable {
                continue;
            }
            if !condition::value_parses(operator.base, &text) {
                let (code, details) = match op_name {
                    "Numeric" => ("TYPE_MISMATCH_NUMBER", format!("Add a valid numeric value for the condition operator {written}.")),
                    "Date" => ("TYPE_MISMATCH_DATE", "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format.".to_string()),
                    "Bool" => ("TYPE_MISMATCH_BOOLEAN", format!("Add a valid Boolean value (true or false) for the condition operator {written}.")),
                    "IpAddress" => ("TYPE_MISMATCH_IP_RANGE", format!("The condition operator {written} is used with an invalid IP range value. Specify the IP range in standard CIDR format.")),
                    _ => ("TYPE_MISMATCH_STRING", format!("Add a valid base64-encoded string value for the condition operator {written}.")),
                };
                self.add(FindingType::Warning, code, details, vec![loc]);
                continue;
            }
            let equality = matches!(operator.base, BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase);
            if equality && text.contains(['*', '?']) {
                self.add(
                    FindingType::Warning,
                    "WILDCARD_WITHOUT_LIKE_OPERATOR",
                    "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to include Like.".into(),
                    vec![loc],
                );
            }
        }
    }
}
