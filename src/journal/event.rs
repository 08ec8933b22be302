//! A journal event as stored: one JSON line per call, everything CloudTrail's record needs, already
//! redacted; the record itself is rendered when it is looked up (`crate::cloudtrail::record`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::Operation;
use crate::context::Call;
use crate::identity::{Principal, SessionSubject};
use crate::store::roles::RoleRow;
use crate::store::users::UserRow;

use super::{convert, Outcome, Params, Record};

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event time, Unix milliseconds.
    pub time_ms: i64,
    /// `eventID` (a UUID of its own; AWS's differs from the request id too).
    pub id: String,
    /// `requestID`: the request id the caller got.
    pub request_id: String,
    /// `eventSource`, e.g. `iam.amazonaws.com`.
    pub source: String,
    /// `eventName`: the operation.
    pub name: String,
    /// `awsRegion`.
    pub region: String,
    /// `sourceIPAddress`.
    pub ip: String,
    /// `userAgent` (at most 1 KB).
    pub agent: String,
    /// `userIdentity`.
    pub who: Identity,
    /// `readOnly`.
    pub read_only: bool,
    /// `errorCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `errorMessage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `requestParameters`, redacted (`null` when none).
    #[serde(default)]
    pub request: Value,
    /// `responseElements`, redacted (`null` for reads, errors and operations without output).
    #[serde(default)]
    pub response: Value,
}

/// `userIdentity`, plus the entity whose use Access Advisor counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// `Root`, `IAMUser`, `AssumedRole`, `FederatedUser`, `SAMLUser`, `WebIdentityUser`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `principalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// `arn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `accountId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// `accessKeyId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// `userName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `identityProvider` (SAMLUser, WebIdentityUser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// `sessionContext`, for temporary credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionContext>,
    /// The user or role (`("user", AIDA…)`, `("role", AROA…)`) Access Advisor counts this call for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<(String, String)>,
}

/// `sessionContext`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionContext {
    /// `sessionIssuer`: the role of a role session, the user (or root) behind a federated user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Issuer>,
    /// `attributes.creationDate`, ISO 8601.
    pub creation_date: String,
    /// `attributes.mfaAuthenticated`.
    pub mfa: bool,
    /// `sourceIdentity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// `sessionIssuer`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Issuer {
    /// `Role`, `IAMUser` or `Root`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `principalId`.
    pub principal_id: String,
    /// `arn`.
    pub arn: String,
    /// `accountId`.
    pub account_id: String,
    /// `userName` (the role's or user's name; absent for root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

fn user_arn(partition: &str, account: &str, u: &UserRow) -> String {
    format!("arn:{partition}:iam::{account}:user{}{}", u.path, u.name)
}

fn role_arn(partition: &str, account: &str, r: &RoleRow) -> String {
    format!("arn:{partition}:iam::{account}:role{}{}", r.path, r.name)
}

fn iso(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix).map_or_else(|_| String::new(), crate::store::format_time)
}

/// The region IAM's (global) events are recorded in: us-east-1 for the aws partition ("IAM and
/// AWS STS global endpoint events are recorded in us-east-1", CloudTrail User Guide, "Global
/// service events"), each other partition's first region likewise.
fn global_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

impl Identity {
    fn of(principal: &Principal, key: Option<String>, partition: &str, account: &str) -> Identity {
        let base = |kind: &str, id: String, arn: String| Identity {
            kind: kind.to_string(),
            principal_id: Some(id),
            arn: Some(arn),
            account_id: Some(account.to_string()),
            access_key_id: key.clone(),
            ..Identity::default()
        };
        let root_arn = format!("arn:{partition}:iam::{account}:root");
        let user = |u: &UserRow| Identity {
            user_name: Some(u.name.clone()),
            entity: Some(("user".to_string(), u.id.clone())),
            ..base("IAMUser", u.id.clone(), user_arn(partition, account, u))
        };
        match principal {
            Principal::Root => base("Root", account.to_string(), root_arn),
            Principal::User(u) => user(u),
            Principal::Session(s) => {
                let mut context = SessionContext {
                    issuer: None,
                    creation_date: iso(s.issued),
                    mfa: s.mfa,
                    source_identity: s.source_identity.clone(),
                };
                let mut id = match &s.subject {
                    SessionSubject::Role { role, session_name } => {
                        context.issuer = Some(Issuer {
                            kind: "Role".to_string(),
                            principal_id: role.id.clone(),
                            arn: role_arn(partition, account, role),
                            account_id: account.to_string(),
                            user_name: Some(role.name.clone()),
                        });
                        Identity {
                            entity: Some(("role".to_string(), role.id.clone())),
                            ..base(
                                "AssumedRole",
                                format!("{}:{session_name}", role.id),
                                format!(
                                    "arn:{partition}:sts::{account}:assumed-role/{}/{session_name}",
                                    role.name
                                ),
                            )
                        }
                    }
                    // GetSessionToken: the original identity, with the session's attributes
                    // (IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail").
                    SessionSubject::User(u) => user(u),
                    SessionSubject::Root => base("Root", account.to_string(), root_arn.clone()),
                    SessionSubject::Federated { user: owner, name } => {
                        context.issuer = Some(match owner {
                            Some(u) => Issuer {
                                kind: "IAMUser".to_string(),
                                principal_id: u.id.clone(),
                                arn: user_arn(partition, account, u),
                                account_id: account.to_string(),
                                user_name: Some(u.name.clone()),
                            },
                            None => Issuer {
                                kind: "Root".to_string(),
                                principal_id: account.to_string(),
                                arn: root_arn.clone(),
                                account_id: account.to_string(),
                                user_name: None,
                            },
                        });
                        base(
                            "FederatedUser",
                            format!("{account}:{name}"),
                            format!("arn:{partition}:sts::{account}:federated-user/{name}"),
                        )
                    }
                };
                id.session = Some(context);
                id
            }
            Principal::Anonymous => Identity::default(),
        }
    }

    /// The unsigned federation calls: AWS names the identity provider's user
    /// ("CloudTrail userIdentity element": SAMLUser `principalId` = `NameQualifier:Subject`,
    /// WebIdentityUser `principalId` = `provider:audience:subject`), read from the response; a
    /// failed call only has the type.
    fn federated(op: Operation, response: &Value) -> Identity {
        let field = |name: &str| response.get(name).and_then(Value::as_str).map(str::to_string);
        match op {
            Operation::AssumeRoleWithSAML => {
                let (qualifier, subject) = (field("nameQualifier"), field("subject"));
                Identity {
                    kind: "SAMLUser".to_string(),
                    principal_id: qualifier
                        .as_ref()
                        .zip(subject.as_ref())
                        .map(|(q, s)| format!("{q}:{s}")),
                    user_name: subject,
                    identity_provider: qualifier,
                    ..Identity::default()
                }
            }
            _ => {
                let (provider, audience, subject) = (
                    field("provider"),
                    field("audience"),
                    field("subjectFromWebIdentityToken"),
                );
                let principal_id = match (&provider, &audience, &subject) {
                    (Some(p), Some(a), Some(s)) => Some(format!("{p}:{a}:{s}")),
                    _ => None,
                };
                Identity {
                    kind: "WebIdentityUser".to_string(),
                    principal_id,
                    user_name: subject,
                    identity_provider: provider,
                    ..Identity::default()
                }
            }
        }
    }

    /// The `Username` LookupEvents reports and filters on: `root`, the user's name, a role
    /// session's session name, a federated user's name, the identity provider's user name.
    pub fn username(&self) -> Option<String> {
        match self.kind.as_str() {
            "Root" => Some("root".to_string()),
            "AssumedRole" | "FederatedUser" => self
                .arn
                .as_deref()
                .and_then(|a| a.rsplit('/').next())
                .map(str::to_string),
            _ => self.user_name.clone(),
        }
    }

    /// A short label for `localiam events`: `root`, `user/NAME`, `assumed-role/ROLE/SESSION`.
    pub fn label(&self) -> String {
        match self.kind.as_str() {
            "Root" => "root".to_string(),
            "IAMUser" => format!("user/{}", self.user_name.as_deref().unwrap_or("?")),
            "AssumedRole" | "FederatedUser" => self
                .arn
                .as_deref()
                .and_then(|a| a.splitn(6, ':').nth(5))
                .unwrap_or(&self.kind)
                .to_string(),
            other => format!("{other}/{}", self.username().as_deref().unwrap_or("?")),
        }
    }
}

impl Event {
    /// Turns a captured record into the stored event (on the journal writer's thread).
    pub fn from_record(r: Record, account: &str) -> Event {
        let (source, name, region) = match r.call {
            Call::Query(op) => match op.service() {
                crate::api::Service::Iam => ("iam", op.name(), global_region(r.partition).to_string()),
                crate::api::Service::Sts => ("sts", op.name(), r.region.clone()),
            },
            Call::Json(op) => (op.signing_name(), op.name(), r.region.clone()),
        };
        let request = match &r.params {
            Params::Form(f) => convert::form_to_json(f),
            Params::Json(body) => convert::json_to_params(body),
        };
        let (response, error_code, error_message) = match r.outcome {
            Outcome::Ok(Some(xml)) => (convert::response_to_json(&xml), None, None),
            Outcome::Ok(None) => (Value::Null, None, None),
            Outcome::Err(code, message) => (Value::Null, Some(code), Some(message)),
        };
        let who = match (&r.principal, r.call) {
            (Principal::Anonymous, Call::Query(op)) => Identity::federated(op, &response),
            (p, _) => Identity::of(p, r.access_key_id, r.partition, account),
        };
        Event {
            time_ms: (r.time.unix_timestamp_nanos() / 1_000_000) as i64,
            id: uuid::Uuid::new_v4().to_string(),
            request_id: r.request_id,
            source: format!("{source}.amazonaws.com"),
            name: name.to_string(),
            region,
            ip: r.source_ip.to_string(),
            agent: r.user_agent,
            who,
            read_only: super::read_only(r.call),
            error_code,
            error_message,
            request,
            response,
        }
    }

    /// The event time, whole seconds (CloudTrail's precision).
    pub fn seconds(&self) -> i64 {
        self.time_ms.div_euclid(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Session;

    fn user() -> UserRow {
        UserRow {
            id: "AIDAMARY".to_string(),
            name: "mary".to_string(),
            path: "/".to_string(),
            created: String::new(),
            password_last_used: None,
            boundary: None,
        }
    }

    #[test]
    fn identities_per_principal_type() {
        let root = Identity::of(&Principal::Root, Some("AKROOT".into()), "aws", "123456789012");
        assert_eq!(root.kind, "Root");
        assert_eq!(root.principal_id.as_deref(), Some("123456789012"));
        assert_eq!(root.arn.as_deref(), Some("arn:aws:iam::123456789012:root"));
        assert_eq!(root.username().as_deref(), Some("root"));
        assert_eq!(root.entity, None);

        let mary = Identity::of(&Principal::User(user()), Some("AKIAM".into()), "aws", "123456789012");
        assert_eq!(mary.kind, "IAMUser");
        assert_eq!(mary.arn.as_deref(), Some("arn:aws:iam::123456789012:user/mary"));
        assert_eq!(mary.username().as_deref(), Some("mary"));
        assert_eq!(mary.entity, Some(("user".into(), "AIDAMARY".into())));
        assert_eq!(mary.label(), "user/mary");

        let fed = Session::new(
            SessionSubject::Federated {
                user: Some(user()),
                name: "bob".into(),
            },
            0,
            900,
        );
        let f = Identity::of(&Principal::Session(Box::new(fed)), None, "aws", "123456789012");
        assert_eq!(f.kind, "FederatedUser");
        assert_eq!(f.arn.as_deref(), Some("arn:aws:sts::123456789012:federated-user/bob"));
        let issuer = f
            .session
            .as_ref()
            .and_then(|s| s.issuer.as_ref())
            .map(|i| i.kind.as_str());
        assert_eq!(issuer, Some("IAMUser"));
        assert_eq!(f.username().as_deref(), Some("bob"));
        assert_eq!(f.entity, None);
        assert_eq!(f.label(), "federated-user/bob");

        let saml = Identity::federated(
            Operation::AssumeRoleWithSAML,
            &serde_json::json!({"subject": "alice", "nameQualifier": "Q1"}),
        );
        assert_eq!(
            (
                saml.kind.as_str(),
                saml.principal_id.as_deref(),
                saml.username().as_deref()
            ),
            ("SAMLUser", Some("Q1:alice"), Some("alice"))
        );
    }
}
