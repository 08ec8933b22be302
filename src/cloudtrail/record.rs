//! A journal event as CloudTrail shows it: the record (`CloudTrailEvent`, "CloudTrail record
//! contents") and the summary LookupEvents returns (`Event` in the CloudTrail model).

use serde_json::{json, Map, Value};

use crate::journal::event::{Identity, SessionContext};
use crate::journal::Event;

/// `eventVersion`: the version AWS's recorded LookupEvents and IAM records of 2024 carry.
const EVENT_VERSION: &str = "1.10";

/// Request or response members that name a resource, with the CloudTrail resource type
/// LookupEvents reports for them (`ResourceType`/`ResourceName`; localiam's mapping,
/// docs/aws-messages.md).
const RESOURCE_MEMBERS: &[(&str, &str)] = &[
    ("userName", "AWS::IAM::User"),
    ("groupName", "AWS::IAM::Group"),
    ("roleName", "AWS::IAM::Role"),
    ("roleArn", "AWS::IAM::Role"),
    ("policyArn", "AWS::IAM::Policy"),
    ("accessKeyId", "AWS::IAM::AccessKey"),
    ("instanceProfileName", "AWS::IAM::InstanceProfile"),
    ("serialNumber", "AWS::IAM::MFADevice"),
    ("sAMLProviderArn", "AWS::IAM::SAMLProvider"),
    ("openIDConnectProviderArn", "AWS::IAM::OIDCProvider"),
    ("serverCertificateName", "AWS::IAM::ServerCertificate"),
];

/// The resources an event names: from its request parameters, and from the objects its response
/// returns (CreateAccessKey's new key, CreatePolicy's ARN); each (type, name) once.
pub fn resources(e: &Event) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut add = |obj: &Map<String, Value>| {
        for (member, kind) in RESOURCE_MEMBERS {
            if let Some(name) = obj.get(*member).and_then(Value::as_str) {
                if !out.iter().any(|(k, n)| k == kind && n == name) {
                    out.push((kind, name.to_string()));
                }
            }
        }
    };
    if let Some(req) = e.request.as_object() {
        add(req);
    }
    if let Some(resp) = e.response.as_object() {
        for (member, value) in resp {
            if let Some(obj) = value.as_object() {
                add(obj);
                if member == "policy" {
                    if let Some(arn) = obj.get("arn").and_then(Value::as_str) {
                        add(&Map::from_iter([("policyArn".to_string(), Value::from(arn))]));
                    }
                }
            }
        }
    }
    out
}

fn session_json(s: &SessionContext) -> Value {
    let mut m = Map::new();
    if let Some(i) = &s.issuer {
        let mut issuer = Map::new();
        issuer.insert("type".into(), i.kind.clone().into());
        issuer.insert("principalId".into(), i.principal_id.clone().into());
        issuer.insert("arn".into(), i.arn.clone().into());
        issuer.insert("accountId".into(), i.account_id.clone().into());
        if let Some(n) = &i.user_name {
            issuer.insert("userName".into(), n.clone().into());
        }
        m.insert("sessionIssuer".into(), Value::Object(issuer));
        m.insert("webIdFederationData".into(), json!({}));
    }
    m.insert(
        "attributes".into(),
        json!({"creationDate": s.creation_date, "mfaAuthenticated": s.mfa.to_string()}),
    );
    if let Some(si) = &s.source_identity {
        m.insert("sourceIdentity".into(), si.clone().into());
    }
    Value::Object(m)
}

/// `userIdentity` ("CloudTrail userIdentity element"), fields in AWS's order.
fn identity_json(who: &Identity) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), who.kind.clone().into());
    let fields = [
        ("principalId", &who.principal_id),
        ("arn", &who.arn),
        ("accountId", &who.account_id),
        ("accessKeyId", &who.access_key_id),
        ("userName", &who.user_name),
        ("identityProvider", &who.identity_provider),
    ];
    for (name, value) in fields {
        if let Some(v) = value {
            m.insert(name.into(), v.clone().into());
        }
    }
    if let Some(s) = &who.session {
        m.insert("sessionContext".into(), session_json(s));
    }
    Value::Object(m)
}

/// The full record, fields in the order AWS writes them.
pub fn record(e: &Event, account: &str) -> Value {
    let mut m = Map::new();
    m.insert("eventVersion".into(), EVENT_VERSION.into());
    m.insert("userIdentity".into(), identity_json(&e.who));
    m.insert("eventTime".into(), iso(e.seconds()).into());
    m.insert("eventSource".into(), e.source.clone().into());
    m.insert("eventName".into(), e.name.clone().into());
    m.insert("awsRegion".into(), e.region.clone().into());
    m.insert("sourceIPAddress".into(), e.ip.clone().into());
    m.insert("userAgent".into(), e.agent.clone().into());
    if let Some(code) = &e.error_code {
        m.insert("errorCode".into(), code.clone().into());
        m.insert(
            "errorMessage".into(),
            e.error_message.clone().unwrap_or_default().into(),
        );
    }
    m.insert("requestParameters".into(), e.request.clone());
    m.insert("responseElements".into(), e.response.clone());
    m.insert("requestID".into(), e.request_id.clone().into());
    m.insert("eventID".into(), e.id.clone().into());
    m.insert("readOnly".into(), e.read_only.into());
    // AWS lists the assumed role as the resource of STS's AssumeRole* records.
    if e.name.starts_with("AssumeRole") {
        if let Some(arn) = e.request.get("roleArn").and_then(Value::as_str) {
            m.insert(
                "resources".into(),
                json!([{"accountId": account, "type": "AWS::IAM::Role", "ARN": arn}]),
            );
        }
    }
    m.insert("eventType".into(), "AwsApiCall".into());
    m.insert("managementEvent".into(), true.into());
    m.insert("recipientAccountId".into(), account.into());
    m.insert("eventCategory".into(), "Management".into());
    Value::Object(m)
}

/// One entry of LookupEvents' `Events` (members as the CloudTrail model names them; `ReadOnly`
/// is a string there, `EventTime` epoch seconds).
pub fn summary(e: &Event, account: &str) -> Value {
    let mut m = Map::new();
    m.insert("EventId".into(), e.id.clone().into());
    m.insert("EventName".into(), e.name.clone().into());
    m.insert("ReadOnly".into(), e.read_only.to_string().into());
    if let Some(k) = &e.who.access_key_id {
        m.insert("AccessKeyId".into(), k.clone().into());
    }
    m.insert("EventTime".into(), e.seconds().into());
    m.insert("EventSource".into(), e.source.clone().into());
    if let Some(u) = e.who.username() {
        m.insert("Username".into(), u.into());
    }
    let resources: Vec<Value> = resources(e)
        .into_iter()
        .map(|(kind, name)| json!({"ResourceType": kind, "ResourceName": name}))
        .collect();
    m.insert("Resources".into(), Value::Array(resources));
    m.insert("CloudTrailEvent".into(), record(e, account).to_string().into());
    Value::Object(m)
}

/// `eventTime`: ISO 8601 UTC to the second.
pub fn iso(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds).map_or_else(|_| String::new(), crate::store::format_time)
}
