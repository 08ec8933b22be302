//! A journal event as stored: one JSON line per call holding what CloudTrail's record needs and
//! nothing derivable (ARNs, the event id, `readOnly` and the camelCase parameters are made when
//! the event is looked up, `crate::cloudtrail::record`). The writer serializes straight from the
//! captured [`Record`] (borrowed `Cow`s), so recording a call copies almost nothing; readers get
//! owned events ([`Event`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{Operation, Service};
use crate::context::Call;
use crate::identity::{Principal, SessionSubject};

use super::{convert, Outcome, Params, Record, SignIn, Signer};

/// The `svc` of console sign-in events (`signin.amazonaws.com`).
const SIGNIN: &str = "signin";
/// What CloudTrail records as the `errorMessage` of a failed console sign-in.
const SIGN_IN_FAILED: &str = "Failed authentication";

/// One recorded call (short member names: the journal holds millions of these lines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored<'a> {
    /// Event time, Unix milliseconds.
    pub t: i64,
    /// The request id the caller got.
    pub rid: Cow<'a, str>,
    /// The service's signing name: `iam`, `sts`, `cloudtrail`, `access-analyzer`.
    #[serde(default)]
    pub svc: Cow<'a, str>,
    /// The operation.
    pub op: Cow<'a, str>,
    /// `awsRegion`.
    #[serde(default)]
    pub region: Cow<'a, str>,
    /// The partition of the ARNs.
    #[serde(default)]
    pub part: Cow<'a, str>,
    /// `sourceIPAddress`.
    #[serde(default = "unspecified")]
    pub ip: IpAddr,
    /// `userAgent` (at most 1 KB).
    #[serde(default)]
    pub ua: Cow<'a, str>,
    /// Who called.
    #[serde(default = "unsigned")]
    pub who: Who<'a>,
    /// `errorCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub err: Option<Cow<'a, str>>,
    /// `errorMessage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<Cow<'a, str>>,
    /// A Query request's form: redacted as it is written (`super::lines::write_event`), so only
    /// forms read back are free of secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Cow<'a, BTreeMap<String, String>>>,
    /// A JSON request's parameters, camelCase.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub json: Value,
    /// `responseElements`, redacted (`null` for reads, errors and operations without output).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub resp: Value,
    /// The response's `…Result` element as written: XML with its secrets removed
    /// (`redact::xml_result`), turned into `resp` only when the event is read ([`Stored::resolve`]),
    /// which keeps converting XML off the request path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx: Option<Cow<'a, str>>,
    /// `additionalEventData` (console sign-ins only).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub add: Value,
}

/// An event read back.
pub type Event = Stored<'static>;

/// A time as Unix milliseconds (without the 128-bit division `unix_timestamp_nanos` needs).
fn unix_ms(t: time::OffsetDateTime) -> i64 {
    t.unix_timestamp() * 1000 + i64::from(t.millisecond())
}

// Event lines after a context line leave out what the context holds (`super::lines`).
fn unspecified() -> IpAddr {
    IpAddr::from([0, 0, 0, 0])
}

fn unsigned() -> Who<'static> {
    Who::Unsigned
}

/// The caller, as the parts its `userIdentity` is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Who<'a> {
    /// The root user (`s`: a GetSessionToken session).
    Root {
        /// Signing key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<Cow<'a, str>>,
        /// Session attributes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        s: Option<Session>,
    },
    /// An IAM user (`s`: a GetSessionToken session).
    User {
        /// The user.
        u: Entity<'a>,
        /// Signing key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<Cow<'a, str>>,
        /// Session attributes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        s: Option<Session>,
    },
    /// A role session.
    Role {
        /// The role.
        r: Entity<'a>,
        /// `RoleSessionName`.
        sn: Cow<'a, str>,
        /// Signing key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<Cow<'a, str>>,
        /// Session attributes.
        s: Session,
    },
    /// A federated user (GetFederationToken) on behalf of a user (`by`) or root.
    Federated {
        /// Its name.
        name: Cow<'a, str>,
        /// The user who asked for it; `None` for root.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<Entity<'a>>,
        /// Signing key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<Cow<'a, str>>,
        /// Session attributes.
        s: Session,
    },
    /// An unsigned federation call; the identity provider's user is read from the response.
    Unsigned,
    /// A console sign-in by a name that is no user: only the name, as CloudTrail shows it.
    Unknown {
        /// The recorded name.
        name: Cow<'a, str>,
    },
}

/// A user or role: id, name, path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity<'a> {
    /// `AIDA…` / `AROA…`.
    pub id: Cow<'a, str>,
    /// Name.
    pub name: Cow<'a, str>,
    /// Path.
    pub path: Cow<'a, str>,
}

impl Entity<'_> {
    fn into_owned(self) -> Entity<'static> {
        use super::lines::own;
        Entity {
            id: own(self.id),
            name: own(self.name),
            path: own(self.path),
        }
    }
}

/// `sessionContext.attributes` and source identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Issue time, Unix seconds.
    pub at: i64,
    /// MFA presented when issued.
    pub mfa: bool,
    /// `sourceIdentity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub si: Option<String>,
}

/// `userIdentity` as CloudTrail shows it, built when an event is read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// `Root`, `IAMUser`, `AssumedRole`, `FederatedUser`, `SAMLUser`, `WebIdentityUser`.
    pub kind: &'static str,
    /// `principalId`.
    pub principal_id: Option<String>,
    /// `arn`.
    pub arn: Option<String>,
    /// `accountId`.
    pub account_id: Option<String>,
    /// `accessKeyId`.
    pub access_key_id: Option<String>,
    /// `userName`.
    pub user_name: Option<String>,
    /// `identityProvider` (SAMLUser, WebIdentityUser).
    pub identity_provider: Option<String>,
    /// `sessionContext.sessionIssuer`: (type, principalId, arn, userName).
    pub issuer: Option<(&'static str, String, String, Option<String>)>,
    /// `sessionContext`'s attributes.
    pub session: Option<Session>,
}

fn entity(e: &crate::store::users::UserRow) -> Entity<'_> {
    Entity {
        id: Cow::Borrowed(&e.id),
        name: Cow::Borrowed(&e.name),
        path: Cow::Borrowed(&e.path),
    }
}

fn session(s: &crate::identity::Session) -> Session {
    Session {
        at: s.issued,
        mfa: s.mfa,
        si: s.source_identity.clone(),
    }
}

impl<'a> Who<'a> {
    fn of(p: &'a Principal, key: Option<&'a str>) -> Who<'a> {
        let key = key.map(Cow::Borrowed);
        match p {
            Principal::Root => Who::Root { key, s: None },
            Principal::User(u) => Who::User {
                u: entity(u),
                key,
                s: None,
            },
            Principal::Session(sess) => {
                let s = session(sess);
                match &sess.subject {
                    SessionSubject::Root => Who::Root { key, s: Some(s) },
                    SessionSubject::User(u) => Who::User {
                        u: entity(u),
                        key,
                        s: Some(s),
                    },
                    SessionSubject::Role { role, session_name } => Who::Role {
                        r: Entity {
                            id: Cow::Borrowed(&role.id),
                            name: Cow::Borrowed(&role.name),
                            path: Cow::Borrowed(&role.path),
                        },
                        sn: Cow::Borrowed(session_name),
                        key,
                        s,
                    },
                    SessionSubject::Federated { user, name } => Who::Federated {
                        name: Cow::Borrowed(name),
                        by: user.as_ref().map(entity),
                        key,
                        s,
                    },
                }
            }
            Principal::Anonymous => Who::Unsigned,
        }
    }

    /// The same caller owning its text.
    pub fn into_owned(self) -> Who<'static> {
        use super::lines::own;
        match self {
            Who::Root { key, s } => Who::Root { key: key.map(own), s },
            Who::User { u, key, s } => Who::User {
                u: u.into_owned(),
                key: key.map(own),
                s,
            },
            Who::Role { r, sn, key, s } => Who::Role {
                r: r.into_owned(),
                sn: own(sn),
                key: key.map(own),
                s,
            },
            Who::Federated { name, by, key, s } => Who::Federated {
                name: own(name),
                by: by.map(Entity::into_owned),
                key: key.map(own),
                s,
            },
            Who::Unsigned => Who::Unsigned,
            Who::Unknown { name } => Who::Unknown { name: own(name) },
        }
    }

    /// The user or role Access Advisor counts the call for; root, federated users and unsigned
    /// calls are not IAM entities.
    pub fn entity(&self) -> Option<(&'static str, &str)> {
        match self {
            Who::User { u, .. } => Some(("user", &u.id)),
            Who::Role { r, .. } => Some(("role", &r.id)),
            _ => None,
        }
    }

    /// The signing key.
    pub fn key(&self) -> Option<&str> {
        match self {
            Who::Root { key, .. } | Who::User { key, .. } | Who::Role { key, .. } | Who::Federated { key, .. } => {
                key.as_deref()
            }
            Who::Unsigned | Who::Unknown { .. } => None,
        }
    }
}

impl<'a> Stored<'a> {
    /// The stored form of a captured record, borrowing from it.
    pub fn of(r: &'a Record) -> Stored<'a> {
        let (svc, op) = match r.call {
            Call::Query(op) => (op.service().signing_name(), op.name()),
            Call::Json(op) => (op.signing_name(), op.name()),
        };
        // IAM is global: its events are recorded in us-east-1 ("Global service events"), each other
        // partition's first region likewise.
        let region = match (r.call, r.partition) {
            (Call::Query(op), "aws-cn") if op.service() == Service::Iam => "cn-north-1",
            (Call::Query(op), "aws-us-gov") if op.service() == Service::Iam => "us-gov-west-1",
            (Call::Query(op), _) if op.service() == Service::Iam => "us-east-1",
            _ => r.region.as_str(),
        };
        let (form, json) = match &r.params {
            Params::Form(f) => (Some(Cow::Borrowed(f)), Value::Null),
            Params::Json(body) => (None, convert::json_to_params(body)),
        };
        let (rx, err, msg) = match &r.outcome {
            Outcome::Ok(Some(xml)) => (super::redact::xml_result(xml), None, None),
            Outcome::Ok(None) => (None, None, None),
            Outcome::Err(code, message) => (
                None,
                Some(Cow::Borrowed(code.as_str())),
                Some(Cow::Borrowed(message.as_str())),
            ),
        };
        Stored {
            t: unix_ms(r.time),
            rid: Cow::Borrowed(&r.request_id),
            svc: Cow::Borrowed(svc),
            op: Cow::Borrowed(op),
            region: Cow::Borrowed(region),
            part: Cow::Borrowed(r.partition),
            ip: r.source_ip,
            ua: Cow::Borrowed(&r.user_agent),
            who: Who::of(&r.principal, r.access_key_id.as_deref()),
            err,
            msg,
            form,
            json,
            resp: Value::Null,
            rx,
            add: Value::Null,
        }
    }

    /// Turns the stored response XML into `responseElements` (events read back).
    pub fn resolve(&mut self) {
        if let Some(rx) = self.rx.take() {
            // Wrapped so the `…Result` element sits where a whole response has it.
            self.resp = convert::response_to_json(&format!("<R>{rx}</R>"));
        }
    }

    /// The stored form of a console sign-in: `ConsoleLogin` from `signin.amazonaws.com`, recorded
    /// where AWS records a root or global-endpoint sign-in (us-east-1, or the partition's first
    /// region), with AWS's `responseElements` and `additionalEventData`.
    pub fn sign_in(s: &'a SignIn) -> Stored<'a> {
        let who = match &s.signer {
            Signer::Root => Who::Root { key: None, s: None },
            Signer::User(u) => Who::User {
                u: entity(u),
                key: None,
                s: None,
            },
            Signer::Unknown(name) => Who::Unknown {
                name: Cow::Borrowed(name),
            },
        };
        let region = match s.partition {
            "aws-cn" => "cn-north-1",
            "aws-us-gov" => "us-gov-west-1",
            _ => "us-east-1",
        };
        let yes_no = |b: bool| if b { "Yes" } else { "No" };
        Stored {
            t: unix_ms(s.time),
            rid: Cow::Borrowed(&s.request_id),
            svc: Cow::Borrowed(SIGNIN),
            op: Cow::Borrowed("ConsoleLogin"),
            region: Cow::Borrowed(region),
            part: Cow::Borrowed(s.partition),
            ip: s.source_ip,
            ua: Cow::Borrowed(&s.user_agent),
            who,
            // AWS's failed sign-in has an errorMessage and no errorCode.
            err: None,
            msg: (!s.success).then_some(Cow::Borrowed(SIGN_IN_FAILED)),
            form: None,
            json: Value::Null,
            resp: serde_json::json!({ "ConsoleLogin": if s.success { "Success" } else { "Failure" } }),
            rx: None,
            add: serde_json::json!({
                "LoginTo": s.login_to,
                "MobileVersion": "No",
                "MFAUsed": yes_no(s.mfa_used),
            }),
        }
    }

    /// Whether this is a console sign-in (`AwsConsoleSignIn`) rather than an API call.
    pub fn is_sign_in(&self) -> bool {
        self.svc == SIGNIN
    }

    /// The event time, whole seconds (CloudTrail's precision).
    pub fn seconds(&self) -> i64 {
        self.t.div_euclid(1000)
    }

    /// `eventSource`.
    pub fn source(&self) -> String {
        format!("{}.amazonaws.com", self.svc)
    }

    /// The operation, when it is one of the Query models'.
    fn operation(&self) -> Option<Operation> {
        let service = match self.svc.as_ref() {
            "iam" => Service::Iam,
            "sts" => Service::Sts,
            _ => return None,
        };
        Operation::from_action(service, &self.op)
    }

    /// `readOnly` (`super::read_only`); a sign-in is not a read.
    pub fn read_only(&self) -> bool {
        match self.operation() {
            Some(op) => super::read_only(Call::Query(op)),
            None if self.is_sign_in() => false,
            // The JSON services' operations served here are all reads.
            None => true,
        }
    }

    /// `eventID`: a UUID derived from the (random, unique) request id, so recording a call draws
    /// no randomness of its own; like AWS's, it differs from the request id.
    pub fn event_id(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("eventID:{}", self.rid).as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }

    /// `requestParameters`: the form as a camelCase tree, or the JSON body's members.
    pub fn request_parameters(&self) -> Value {
        match &self.form {
            Some(f) => convert::form_to_json(f),
            None => self.json.clone(),
        }
    }

    /// `userIdentity`'s parts (`account`: the server's account).
    pub fn identity(&self, account: &str) -> Identity {
        let p = self.part.as_ref();
        let user_arn = |u: &Entity<'_>| format!("arn:{p}:iam::{account}:user{}{}", u.path, u.name);
        let root_arn = format!("arn:{p}:iam::{account}:root");
        let base = |kind, id: String, arn: String, key: &Option<Cow<'_, str>>| Identity {
            kind,
            principal_id: Some(id),
            arn: Some(arn),
            account_id: Some(account.to_string()),
            access_key_id: key.as_deref().map(str::to_string),
            ..Identity::default()
        };
        match &self.who {
            Who::Root { key, s } => Identity {
                session: s.clone(),
                ..base("Root", account.to_string(), root_arn, key)
            },
            // GetSessionToken sessions show the original identity with the session's attributes
            // (IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail").
            Who::User { u, key, s } => Identity {
                user_name: Some(u.name.to_string()),
                session: s.clone(),
                ..base("IAMUser", u.id.to_string(), user_arn(u), key)
            },
            Who::Role { r, sn, key, s } => Identity {
                issuer: Some((
                    "Role",
                    r.id.to_string(),
                    format!("arn:{p}:iam::{account}:role{}{}", r.path, r.name),
                    Some(r.name.to_string()),
                )),
                session: Some(s.clone()),
                ..base(
                    "AssumedRole",
                    format!("{}:{sn}", r.id),
                    format!("arn:{p}:sts::{account}:assumed-role/{}/{sn}", r.name),
                    key,
                )
            },
            Who::Federated { name, by, key, s } => Identity {
                issuer: Some(match by {
                    Some(u) => ("IAMUser", u.id.to_string(), user_arn(u), Some(u.name.to_string())),
                    None => ("Root", account.to_string(), root_arn.clone(), None),
                }),
                session: Some(s.clone()),
                ..base(
                    "FederatedUser",
                    format!("{account}:{name}"),
                    format!("arn:{p}:sts::{account}:federated-user/{name}"),
                    key,
                )
            },
            Who::Unsigned => self.federated_identity(),
            Who::Unknown { name } => Identity {
                kind: "IAMUser",
                account_id: Some(account.to_string()),
                user_name: Some(name.to_string()),
                ..Identity::default()
            },
        }
    }

    /// The unsigned federation calls: AWS names the identity provider's user ("CloudTrail
    /// userIdentity element": SAMLUser `principalId` = `NameQualifier:Subject`, WebIdentityUser
    /// `principalId` = `provider:audience:subject`), read from the response; a failed call only has
    /// the type.
    fn federated_identity(&self) -> Identity {
        let field = |name: &str| self.resp.get(name).and_then(Value::as_str).map(str::to_string);
        if self.op == "AssumeRoleWithSAML" {
            let (qualifier, subject) = (field("nameQualifier"), field("subject"));
            return Identity {
                kind: "SAMLUser",
                principal_id: qualifier
                    .as_ref()
                    .zip(subject.as_ref())
                    .map(|(q, s)| format!("{q}:{s}")),
                user_name: subject,
                identity_provider: qualifier,
                ..Identity::default()
            };
        }
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
            kind: "WebIdentityUser",
            principal_id,
            user_name: subject,
            identity_provider: provider,
            ..Identity::default()
        }
    }

    /// The `Username` LookupEvents reports and filters on: `root`, the user's name, a role
    /// session's session name, a federated user's name, the identity provider's user name.
    pub fn username(&self) -> Option<String> {
        match &self.who {
            Who::Root { .. } => Some("root".to_string()),
            Who::User { u, .. } => Some(u.name.to_string()),
            Who::Role { sn, .. } => Some(sn.to_string()),
            Who::Federated { name, .. } => Some(name.to_string()),
            Who::Unsigned => self.federated_identity().user_name,
            Who::Unknown { name } => Some(name.to_string()),
        }
    }

    /// A short label for `localiam events`: `root`, `user/NAME`, `assumed-role/ROLE/SESSION`.
    pub fn label(&self) -> String {
        match &self.who {
            Who::Root { .. } => "root".to_string(),
            Who::User { u, .. } => format!("user/{}", u.name),
            Who::Role { r, sn, .. } => format!("assumed-role/{}/{sn}", r.name),
            Who::Federated { name, .. } => format!("federated-user/{name}"),
            Who::Unknown { name } => format!("user/{name}"),
            Who::Unsigned => {
                let id = self.federated_identity();
                format!("{}/{}", id.kind, id.user_name.as_deref().unwrap_or("?"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::UserRow;

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

    fn record(principal: Principal, op: Operation) -> Record {
        Record {
            account: crate::journal::test_account(),
            time: time::OffsetDateTime::UNIX_EPOCH,
            call: Call::Query(op),
            region: "eu-west-1".into(),
            partition: "aws",
            principal,
            access_key_id: Some("AKIAKEY".into()),
            request_id: "req-1".into(),
            source_ip: IpAddr::from([127, 0, 0, 1]),
            user_agent: "ua".into(),
            params: Params::Form(BTreeMap::new()),
            outcome: Outcome::Ok(None),
        }
    }

    /// Written and read back, as the journal does.
    fn stored(r: &Record) -> Event {
        let line = serde_json::to_string(&Stored::of(r)).expect("serialize");
        let mut e: Event = serde_json::from_str(&line).expect("parse");
        e.resolve();
        e
    }

    #[test]
    fn identities_per_principal_type() {
        let root = stored(&record(Principal::Root, Operation::ListUsers));
        let id = root.identity("123456789012");
        assert_eq!(id.kind, "Root");
        assert_eq!(id.principal_id.as_deref(), Some("123456789012"));
        assert_eq!(id.arn.as_deref(), Some("arn:aws:iam::123456789012:root"));
        assert_eq!(root.username().as_deref(), Some("root"));
        assert_eq!(root.region, "us-east-1", "IAM is recorded in us-east-1");
        assert!(root.read_only());
        assert_ne!(root.event_id(), "req-1");
        assert_eq!(root.event_id(), root.clone().event_id(), "stable");

        let mary = stored(&record(Principal::User(user()), Operation::CreateUser));
        let id = mary.identity("123456789012");
        assert_eq!(
            (id.kind, id.arn.as_deref()),
            ("IAMUser", Some("arn:aws:iam::123456789012:user/mary"))
        );
        assert_eq!(mary.username().as_deref(), Some("mary"));
        assert_eq!(mary.who.entity(), Some(("user", "AIDAMARY")));
        assert_eq!(mary.label(), "user/mary");
        assert!(!mary.read_only());

        let fed = crate::identity::Session::new(
            SessionSubject::Federated {
                user: Some(user()),
                name: "bob".into(),
            },
            0,
            900,
        );
        let f = stored(&record(Principal::Session(Box::new(fed)), Operation::GetCallerIdentity));
        let id = f.identity("123456789012");
        assert_eq!(id.kind, "FederatedUser");
        assert_eq!(id.arn.as_deref(), Some("arn:aws:sts::123456789012:federated-user/bob"));
        assert_eq!(id.issuer.as_ref().map(|i| i.0), Some("IAMUser"));
        assert_eq!(f.username().as_deref(), Some("bob"));
        assert_eq!(f.who.entity(), None);
        assert_eq!(f.label(), "federated-user/bob");
        assert_eq!(f.region, "eu-west-1", "STS is recorded where it was called");

        let mut saml = record(Principal::Anonymous, Operation::AssumeRoleWithSAML);
        saml.outcome = Outcome::Ok(Some(
            "<R><AssumeRoleWithSAMLResult><Subject>alice</Subject><NameQualifier>Q1</NameQualifier></AssumeRoleWithSAMLResult></R>"
                .into(),
        ));
        let s = stored(&saml);
        let id = s.identity("123456789012");
        assert_eq!(
            (id.kind, id.principal_id.as_deref(), s.username().as_deref()),
            ("SAMLUser", Some("Q1:alice"), Some("alice"))
        );
    }

    fn sign_in(signer: Signer, success: bool) -> SignIn {
        SignIn {
            account: crate::journal::test_account(),
            time: time::OffsetDateTime::UNIX_EPOCH,
            partition: "aws",
            signer,
            request_id: "req-2".into(),
            source_ip: IpAddr::from([127, 0, 0, 1]),
            user_agent: "Mozilla/5.0".into(),
            success,
            mfa_used: true,
            login_to: "http://localhost/console/iam/".into(),
        }
    }

    #[test]
    fn console_sign_ins_are_recorded_as_aws_documents_them() {
        let line = serde_json::to_string(&Stored::sign_in(&sign_in(Signer::User(user()), true))).expect("serialize");
        let ok: Event = serde_json::from_str(&line).expect("parse");
        assert!(ok.is_sign_in() && !ok.read_only());
        assert_eq!(
            (ok.source().as_str(), ok.op.as_ref()),
            ("signin.amazonaws.com", "ConsoleLogin")
        );
        assert_eq!(ok.username().as_deref(), Some("mary"));
        let r = crate::cloudtrail::record::record(&ok, &ok.request_parameters(), "123456789012");
        assert_eq!(r["eventType"], "AwsConsoleSignIn");
        assert_eq!(r["awsRegion"], "us-east-1");
        assert_eq!(r["responseElements"], serde_json::json!({"ConsoleLogin": "Success"}));
        assert_eq!(r["additionalEventData"]["MFAUsed"], "Yes");
        assert_eq!(r["additionalEventData"]["MobileVersion"], "No");
        assert_eq!(r["userIdentity"]["arn"], "arn:aws:iam::123456789012:user/mary");
        assert_eq!(
            (r["readOnly"].as_bool(), r["managementEvent"].as_bool()),
            (Some(false), Some(true))
        );
        assert!(r.get("errorMessage").is_none() && r.get("requestID").is_none(), "{r}");
        assert_eq!(r["requestParameters"], Value::Null);

        let line = serde_json::to_string(&Stored::sign_in(&sign_in(Signer::User(user()), false))).expect("serialize");
        let failed: Event = serde_json::from_str(&line).expect("parse");
        let r = crate::cloudtrail::record::record(&failed, &Value::Null, "123456789012");
        assert_eq!(r["errorMessage"], "Failed authentication");
        assert!(r.get("errorCode").is_none());
        assert_eq!(r["responseElements"]["ConsoleLogin"], "Failure");
        assert!(
            r["userIdentity"].get("arn").is_none(),
            "no ARN for a failed IAM user: {r}"
        );
        assert_eq!(r["userIdentity"]["accessKeyId"], "");

        let root = sign_in(Signer::Root, true);
        assert_eq!(Stored::sign_in(&root).identity("123456789012").kind, "Root");
        let hidden = sign_in(Signer::Unknown("HIDDEN_DUE_TO_SECURITY_REASONS".into()), false);
        let hidden = Stored::sign_in(&hidden);
        let id = hidden.identity("123456789012");
        assert_eq!((id.kind, id.arn), ("IAMUser", None));
        assert_eq!(hidden.username().as_deref(), Some("HIDDEN_DUE_TO_SECURITY_REASONS"));
        assert_eq!(hidden.who.entity(), None, "not counted for Access Advisor");
    }
}
