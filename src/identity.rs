//! Who is calling: the principal behind an access key, and the cache that finds it quickly.

use crate::store::roles::RoleRow;
use crate::store::users::UserRow;

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Principal {
    /// The account's root user: never denied by identity policies.
    Root,
    /// An IAM user signing with a long-term key.
    User(UserRow),
    /// Temporary credentials from STS.
    Session(Box<Session>),
    /// No credentials (the unsigned STS federation calls).
    Anonymous,
}

/// Who a set of temporary credentials acts as.
#[derive(Debug, Clone)]
pub enum SessionSubject {
    /// `AssumeRole`: a role session.
    Role {
        /// The role.
        role: RoleRow,
        /// `RoleSessionName`.
        session_name: String,
    },
    /// `GetSessionToken` by an IAM user.
    User(UserRow),
    /// `GetSessionToken` by the root user.
    Root,
    /// `GetFederationToken`: a federated user on behalf of an IAM user or the root user.
    Federated {
        /// The IAM user whose keys asked for the token; `None` for the root user's.
        user: Option<UserRow>,
        /// The federated user's name.
        name: String,
    },
}

/// A temporary-credential session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who it acts as.
    pub subject: SessionSubject,
    /// Whether MFA was presented when it was issued.
    pub mfa: bool,
    /// Issue time, Unix seconds.
    pub issued: i64,
    /// Expiry, Unix seconds.
    pub expires: i64,
    /// Session policies: inline documents and managed policy ids.
    pub policy_documents: Vec<String>,
    /// Managed policy ids passed as `PolicyArns`.
    pub policy_ids: Vec<String>,
    /// Session tags.
    pub tags: Vec<(String, String)>,
    /// Keys of the session tags that pass on to sessions this one assumes (role chaining).
    pub transitive_tag_keys: Vec<String>,
    /// `SourceIdentity`, if set.
    pub source_identity: Option<String>,
    /// Scope-down policies from GetScopedCredentials: each must also allow.
    pub scope_documents: Vec<String>,
}

impl Session {
    /// A session acting as `subject` from `issued` to `expires` (Unix seconds), without MFA,
    /// session policies, tags or source identity.
    pub fn new(subject: SessionSubject, issued: i64, expires: i64) -> Session {
        Session {
            subject,
            mfa: false,
            issued,
            expires,
            policy_documents: Vec::new(),
            policy_ids: Vec::new(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            scope_documents: Vec::new(),
        }
    }

    /// Whether session policies were passed at all: if none of them resolves any more, the
    /// session is left with no permissions rather than the role's.
    pub fn has_session_policies(&self) -> bool {
        !self.policy_documents.is_empty() || !self.policy_ids.is_empty()
    }
}

impl Principal {
    /// The principal's ARN in `partition`.
    pub fn arn(&self, partition: &str, account: &str) -> String {
        match self {
            Principal::Root => format!("arn:{partition}:iam::{account}:root"),
            Principal::User(u) => user_arn(partition, account, u),
            Principal::Session(s) => match &s.subject {
                SessionSubject::Role { role, session_name } => {
                    format!(
                        "arn:{partition}:sts::{account}:assumed-role/{}/{session_name}",
                        role.name
                    )
                }
                SessionSubject::User(u) => user_arn(partition, account, u),
                SessionSubject::Root => format!("arn:{partition}:iam::{account}:root"),
                SessionSubject::Federated { name, .. } => {
                    format!("arn:{partition}:sts::{account}:federated-user/{name}")
                }
            },
            Principal::Anonymous => "anonymous".to_string(),
        }
    }

    /// The `aws:userid` value.
    pub fn user_id(&self, account: &str) -> String {
        match self {
            Principal::Root => account.to_string(),
            Principal::User(u) => u.id.clone(),
            Principal::Session(s) => match &s.subject {
                SessionSubject::Role { role, session_name } => format!("{}:{session_name}", role.id),
                SessionSubject::User(u) => u.id.clone(),
                SessionSubject::Root => account.to_string(),
                SessionSubject::Federated { name, .. } => format!("{account}:{name}"),
            },
            Principal::Anonymous => "anonymous".to_string(),
        }
    }

    /// The IAM user this principal acts as, for operations that default to the caller.
    pub fn iam_user(&self) -> Option<&UserRow> {
        match self {
            Principal::User(u) => Some(u),
            Principal::Session(s) => match &s.subject {
                SessionSubject::User(u) => Some(u),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the caller acts with the root user's authority.
    pub fn is_root(&self) -> bool {
        match self {
            Principal::Root => true,
            Principal::Session(s) => matches!(s.subject, SessionSubject::Root),
            _ => false,
        }
    }

    /// Short label for logs.
    pub fn label(&self) -> String {
        match self {
            Principal::Root => "root".to_string(),
            Principal::User(u) => format!("user/{}", u.name),
            Principal::Session(s) => match &s.subject {
                SessionSubject::Role { role, session_name } => format!("assumed-role/{}/{session_name}", role.name),
                SessionSubject::User(u) => format!("user/{} (session)", u.name),
                SessionSubject::Root => "root (session)".to_string(),
                SessionSubject::Federated { name, .. } => format!("federated-user/{name}"),
            },
            Principal::Anonymous => "anonymous".to_string(),
        }
    }
}

fn user_arn(partition: &str, account: &str, u: &UserRow) -> String {
    format!("arn:{partition}:iam::{account}:user{}{}", u.path, u.name)
}

/// A secret and who it belongs to.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Secret access key.
    pub secret: String,
    /// Its owner.
    pub principal: Principal,
    /// False for an Inactive key: it no longer signs.
    pub active: bool,
    /// Session token that must accompany temporary credentials.
    pub token: Option<String>,
}

/// Access key id → credential, valid for one store generation.
pub type KeyCache = crate::cache::GenerationCache<Credential>;
