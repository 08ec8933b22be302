//! A journal event as CloudTrail shows it: the record (`CloudTrailEvent`, "CloudTrail record
//! contents") and the summary LookupEvents returns (`Event` in the CloudTrail model).

use serde_json::{json, Map, Value};

use crate::journal::event::Identity;
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
pub fn resources(params: &Value, response: &Value) -> Vec<(&'static str, String)> {
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
    if let Some(req) = params.as_object() {
        add(req);
    }
    if let Some(resp) = response.as_object() {
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

fn session_json(who: &Identity) -> Option<Value> {
    let s = who.session.as_ref()?;
    let mut m = Map::new();
    if let Some((kind, id, arn, name)) = &who.issuer {
        let mut issuer = Map::new();
        issuer.insert("type".into(), (*kind).into());
        issuer.insert("principalId".into(), id.clone().into());
        issuer.insert("arn".into(), arn.clone().into());
        issuer.insert("accountId".into(), who.account_id.clone().into());
        if let Some(n) = name {
            issuer.insert("userName".into(), n.clone().into());
        }
        m.insert("sessionIssuer".into(), Value::Object(issuer));
        m.insert("webIdFederationData".into(), json!({}));
    }
    m.insert(
        "attributes".into(),
        json!({"creationDate": crate::store::format_unix(s.at), "mfaAuthenticated": s.mfa.to_string()}),
    );
    if let Some(si) = &s.si {
        m.insert("sourceIdentity".into(), si.clone().into());
    }
    Some(Value::Object(m))
}

/// `userIdentity` ("CloudTrail userIdentity element"), fields in AWS's order.
fn identity_json(who: &Identity) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), who.kind.into());
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
    if let Some(s) = session_json(who) {
        m.insert("sessionContext".into(), s);
    }
    Value::Object(m)
}

/// A sign-in record's `userIdentity` as AWS's documented `ConsoleLogin` records show it ("AWS
/// Management Console sign-in events"): `accessKeyId` empty for the root user and for failures,
/// and no ARN for an IAM user whose sign-in failed.
fn sign_in_identity(identity: Value, failed: bool) -> Value {
    let Value::Object(fields) = identity else {
        return identity;
    };
    let root = fields.get("type").and_then(Value::as_str) == Some("Root");
    let mut m = Map::new();
    for (k, v) in fields {
        if k == "arn" && failed && !root {
            continue;
        }
        let after_account = k == "accountId";
        m.insert(k, v);
        if after_account && (root || failed) {
            m.insert("accessKeyId".into(), "".into());
        }
    }
    Value::Object(m)
}

/// The full record, fields in the order AWS writes them (`params`: the event's
/// `requestParameters`).
pub fn record(e: &Event, params: &Value, account: &str) -> Value {
    let sign_in = e.is_sign_in();
    let mut m = Map::new();
    m.insert("eventVersion".into(), EVENT_VERSION.into());
    let identity = identity_json(&e.identity(account));
    let identity = if sign_in {
        sign_in_identity(identity, e.msg.is_some())
    } else {
        identity
    };
    m.insert("userIdentity".into(), identity);
    m.insert("eventTime".into(), crate::store::format_unix(e.seconds()).into());
    m.insert("eventSource".into(), e.source().into());
    m.insert("eventName".into(), e.op.as_ref().into());
    m.insert("awsRegion".into(), e.region.as_ref().into());
    m.insert("sourceIPAddress".into(), e.ip.to_string().into());
    m.insert("userAgent".into(), e.ua.as_ref().into());
    if let Some(code) = &e.err {
        m.insert("errorCode".into(), code.as_ref().into());
    }
    // A failed sign-in has a message without a code.
    if e.err.is_some() || e.msg.is_some() {
        m.insert("errorMessage".into(), e.msg.as_deref().unwrap_or("").into());
    }
    m.insert("requestParameters".into(), params.clone());
    m.insert("responseElements".into(), e.resp.clone());
    if !e.add.is_null() {
        m.insert("additionalEventData".into(), e.add.clone());
    }
    // Sign-ins are no API request: AWS's records of them carry no request id.
    if !sign_in {
        m.insert("requestID".into(), e.rid.as_ref().into());
    }
    m.insert("eventID".into(), e.event_id().into());
    m.insert("readOnly".into(), e.read_only().into());
    // AWS lists the assumed role as the resource of STS's AssumeRole* records.
    if e.op.starts_with("AssumeRole") {
        if let Some(arn) = params.get("roleArn").and_then(Value::as_str) {
            m.insert(
                "resources".into(),
                json!([{"accountId": account, "type": "AWS::IAM::Role", "ARN": arn}]),
            );
        }
    }
    let kind = if sign_in { "AwsConsoleSignIn" } else { "AwsApiCall" };
    m.insert("eventType".into(), kind.into());
    m.insert("managementEvent".into(), true.into());
    m.insert("recipientAccountId".into(), account.into());
    m.insert("eventCategory".into(), "Management".into());
    Value::Object(m)
}

/// One entry of LookupEvents' `Events` (members as the CloudTrail model names them; `ReadOnly`
/// is a string there, `EventTime` epoch seconds).
pub fn summary(e: &Event, account: &str) -> Value {
    let params = e.request_parameters();
    let mut m = Map::new();
    m.insert("EventId".into(), e.event_id().into());
    m.insert("EventName".into(), e.op.as_ref().into());
    m.insert("ReadOnly".into(), e.read_only().to_string().into());
    if let Some(k) = e.who.key() {
        m.insert("AccessKeyId".into(), k.into());
    }
    m.insert("EventTime".into(), e.seconds().into());
    m.insert("EventSource".into(), e.source().into());
    if let Some(u) = e.username() {
        m.insert("Username".into(), u.into());
    }
    let resources: Vec<Value> = resources(&params, &e.resp)
        .into_iter()
        .map(|(kind, name)| json!({"ResourceType": kind, "ResourceName": name}))
        .collect();
    m.insert("Resources".into(), Value::Array(resources));
    m.insert("CloudTrailEvent".into(), record(e, &params, account).to_string().into());
    Value::Object(m)
}
