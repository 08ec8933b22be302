//! Query-protocol forms and XML responses as CloudTrail writes them: camelCase JSON, lists as
//! arrays, numbers and booleans typed, dates in the Java style AWS's IAM records show.

use std::collections::BTreeMap;

use quick_xml::events::Event as Xml;
use serde_json::{Map, Value};

use super::redact::is_sensitive;

/// Members whose shape is an integer or long in the pinned IAM and STS models (compat/model);
/// no member name is a string in one shape and a number in another.
const INTEGERS: &[&str] = &[
    "AttachmentCount",
    "Column",
    "CredentialAgeDays",
    "DefaultMinorVersion",
    "DurationSeconds",
    "Line",
    "MajorVersion",
    "MaxItems",
    "MaxPasswordAge",
    "MaxSessionDuration",
    "MaxSigninSessionDuration",
    "MinimumPasswordLength",
    "MinimumSessionTokenSize",
    "MinorVersion",
    "NumberOfServicesAccessible",
    "NumberOfServicesNotAccessed",
    "PackedPolicySize",
    "PasswordReusePrevention",
    "PermissionsBoundaryUsageCount",
    "ScopedPoliciesCount",
    "SessionDuration",
    "SessionTokenSize",
    "SessionTokenUtilization",
    "TemplateMinorVersion",
    "TotalAuthenticatedEntities",
];

/// Members whose shape is a boolean in the pinned models.
const BOOLEANS: &[&str] = &[
    "AllUsers",
    "AllowUsersToChangePassword",
    "AllowedByOrganizations",
    "AllowedByPermissionsBoundary",
    "DelegationPermissionCheck",
    "Enabled",
    "ExpirePasswords",
    "HardExpiry",
    "Immutable",
    "IsAttachable",
    "IsDefaultVersion",
    "IsRequired",
    "IsTruncated",
    "IsTrustedIdentityPropagationEnabled",
    "JwtVendingEnabled",
    "OnlyAttached",
    "OnlySendByOwner",
    "PasswordResetRequired",
    "RemoveContextProvider",
    "RemoveIdentityCenterInstance",
    "RequireLowercaseCharacters",
    "RequireNumbers",
    "RequireSymbols",
    "RequireUppercaseCharacters",
    "ResetMaxSigninSessionDuration",
    "SetAsDefault",
    "VersionEnabled",
];

/// `UserName` → `userName`, `SAMLMetadataDocument` → `sAMLMetadataDocument` (AWS's records lower
/// only the first letter).
pub fn camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A scalar typed by its member's name; ISO dates become AWS's Java-style text.
fn scalar(name: &str, text: &str) -> Value {
    if INTEGERS.contains(&name) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    if BOOLEANS.contains(&name) {
        match text {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    match java_date(text) {
        Some(d) => Value::String(d),
        None => Value::String(text.to_string()),
    }
}

/// `2024-08-01T13:42:21Z` → `Aug 1, 2024 1:42:21 PM`, as dates nested in IAM's and STS's
/// responseElements are written (observed, docs/aws-messages.md).
fn java_date(text: &str) -> Option<String> {
    if text.len() < 20 || text.as_bytes().get(10) != Some(&b'T') || !text.ends_with('Z') {
        return None;
    }
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.get(usize::from(u8::from(t.month())) - 1)?;
    let (hour, half) = match t.hour() {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    Some(format!(
        "{month} {}, {} {hour}:{:02}:{:02} {half}",
        t.day(),
        t.year(),
        t.minute(),
        t.second()
    ))
}

/// A tree being built from flattened keys: `Tags.member.2.Key` is a list under `Tags`.
enum Node {
    Leaf(Value),
    Map(BTreeMap<String, Node>),
    List(BTreeMap<u32, Node>),
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(v) => v,
            Node::Map(m) => Value::Object(m.into_iter().map(|(k, v)| (camel(&k), v.into_value())).collect()),
            Node::List(l) => Value::Array(l.into_values().map(Node::into_value).collect()),
        }
    }
}

fn insert(node: &mut Node, path: &[&str], name: &str, text: &str) {
    let Some((first, rest)) = path.split_first() else {
        *node = Node::Leaf(scalar(name, text));
        return;
    };
    // `X.member.N` is the N-th item of list X.
    if let (Some(&"member"), Some(n)) = (rest.first(), rest.get(1).and_then(|n| n.parse::<u32>().ok())) {
        if !matches!(node, Node::Map(_)) {
            *node = Node::Map(BTreeMap::new());
        }
        if let Node::Map(m) = node {
            let list = m
                .entry((*first).to_string())
                .or_insert_with(|| Node::List(BTreeMap::new()));
            if !matches!(list, Node::List(_)) {
                *list = Node::List(BTreeMap::new());
            }
            if let Node::List(items) = list {
                let item = items.entry(n).or_insert_with(|| Node::Map(BTreeMap::new()));
                let tail = rest.get(2..).unwrap_or_default();
                insert(item, tail, if tail.is_empty() { first } else { name }, text);
            }
        }
        return;
    }
    if !matches!(node, Node::Map(_)) {
        *node = Node::Map(BTreeMap::new());
    }
    if let Node::Map(m) = node {
        let child = m
            .entry((*first).to_string())
            .or_insert_with(|| Node::Map(BTreeMap::new()));
        insert(child, rest, name, text);
    }
}

/// The redacted form as `requestParameters`: `null` when nothing is left.
pub fn form_to_json(fields: &BTreeMap<String, String>) -> Value {
    if fields.is_empty() {
        return Value::Null;
    }
    let mut root = Node::Map(BTreeMap::new());
    for (k, v) in fields {
        let path: Vec<&str> = k.split('.').collect();
        let name = path
            .iter()
            .rev()
            .find(|s| **s != "member" && s.parse::<u32>().is_err())
            .copied()
            .unwrap_or(k);
        insert(&mut root, &path, name, v);
    }
    root.into_value()
}

/// A JSON request body as `requestParameters`: member names in camelCase, as CloudTrail's own
/// LookupEvents record shows (`{"maxResults":100}`); `null` for an empty or unreadable body.
pub fn json_to_params(body: &[u8]) -> Value {
    fn walk(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (camel(&k), walk(v))).collect()),
            Value::Array(a) => Value::Array(a.into_iter().map(walk).collect()),
            other => other,
        }
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) if !m.is_empty() => walk(Value::Object(m)),
        _ => Value::Null,
    }
}

/// One open element while reading XML: its name, children (name, value) and text.
struct Open {
    name: String,
    children: Vec<(String, Value)>,
    text: String,
    /// Inside a sensitive element: everything below is skipped.
    hidden: bool,
}

fn close(open: Open) -> Value {
    if open.children.is_empty() {
        return scalar(&open.name, &open.text);
    }
    if open.children.iter().all(|(n, _)| n == "member") {
        return Value::Array(open.children.into_iter().map(|(_, v)| v).collect());
    }
    let mut m = Map::new();
    for (n, v) in open.children {
        m.insert(camel(&n), v);
    }
    Value::Object(m)
}

/// The `…Result` element of a Query-protocol response as `responseElements`, sensitive elements
/// left out; `null` when there is none or it cannot be read.
pub fn response_to_json(xml: &str) -> Value {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Open> = Vec::new();
    let mut result = Value::Null;
    loop {
        match reader.read_event() {
            Ok(Xml::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let hidden = stack.last().is_some_and(|o| o.hidden) || is_sensitive(&name);
                stack.push(Open {
                    name,
                    children: Vec::new(),
                    text: String::new(),
                    hidden,
                });
            }
            Ok(Xml::Text(t)) => {
                if let Some(top) = stack.last_mut() {
                    if let Ok(s) = t.unescape() {
                        top.text.push_str(&s);
                    }
                }
            }
            Ok(Xml::End(_)) => {
                let Some(open) = stack.pop() else {
                    return Value::Null;
                };
                if open.hidden {
                    continue;
                }
                let is_result = stack.len() == 1 && open.name.ends_with("Result");
                let name = open.name.clone();
                let value = close(open);
                if is_result {
                    result = value;
                } else if let Some(parent) = stack.last_mut() {
                    parent.children.push((name, value));
                }
            }
            Ok(Xml::Eof) => return result,
            Err(_) => return Value::Null,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forms_become_camel_case_trees() {
        let f: BTreeMap<String, String> = [
            ("UserName", "mary"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "a"),
            ("Tags.member.2.Key", "x"),
            ("Tags.member.2.Value", "b"),
            ("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ("ActionNames.member.1", "s3:GetObject"),
            ("DurationSeconds", "900"),
            ("PasswordResetRequired", "true"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            form_to_json(&f),
            json!({
                "actionNames": ["s3:GetObject"],
                "durationSeconds": 900,
                "passwordResetRequired": true,
                "policyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                "tags": [{"key": "team", "value": "a"}, {"key": "x", "value": "b"}],
                "userName": "mary",
            })
        );
        assert_eq!(form_to_json(&BTreeMap::new()), Value::Null);
    }

    #[test]
    fn responses_keep_the_result_without_secrets() {
        let xml = r#"<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateAccessKeyResult><AccessKey><UserName>mary</UserName><AccessKeyId>AKIAX</AccessKeyId>
  <Status>Active</Status><SecretAccessKey>s3cr3t</SecretAccessKey>
  <CreateDate>2024-08-01T13:42:21Z</CreateDate></AccessKey></CreateAccessKeyResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateAccessKeyResponse>"#;
        let v = response_to_json(xml);
        assert_eq!(
            v,
            json!({"accessKey": {"userName": "mary", "accessKeyId": "AKIAX", "status": "Active",
                "createDate": "Aug 1, 2024 1:42:21 PM"}})
        );
        assert!(!v.to_string().contains("s3cr3t"));
        let sts = r#"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId>
  <SecretAccessKey>k</SecretAccessKey><SessionToken>tok</SessionToken>
  <Expiration>2024-01-01T00:05:00Z</Expiration></Credentials><PackedPolicySize>6</PackedPolicySize>
  <Tags><member><Key>a</Key></member></Tags></AssumeRoleResult></AssumeRoleResponse>"#;
        assert_eq!(
            response_to_json(sts),
            json!({"credentials": {"accessKeyId": "ASIA", "expiration": "Jan 1, 2024 12:05:00 AM"},
                "packedPolicySize": 6, "tags": [{"key": "a"}]})
        );
        assert_eq!(response_to_json("<oops"), Value::Null);
    }

    #[test]
    fn json_bodies_are_camel_cased() {
        assert_eq!(json_to_params(br#"{"MaxResults":5}"#), json!({"maxResults": 5}));
        assert_eq!(json_to_params(b"{}"), Value::Null);
        assert_eq!(json_to_params(b"not json"), Value::Null);
    }
}
