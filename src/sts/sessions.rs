//! Issuing temporary credentials and finding the session behind an `ASIA…` key.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::identity::{Credential, Principal, Session, SessionSubject};
use crate::store::sessions::{self as store, SessionRow};
use crate::store::{ids, roles, users};

/// A session as stored: who it acts as (kind, user or role id, session or federated user name)
/// and its state. The `sessions` table keeps it in its `doc` column; a delegation request keeps the
/// accepting principal's in the same form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// `role`, `user`, `root` or `federated` (left empty in the table, which has a column for it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    kind: String,
    /// The user or role id (empty for root; left empty in the table, which has a column for it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    id: String,
    name: String,
    mfa: bool,
    issued: i64,
    policies: Vec<String>,
    policy_ids: Vec<String>,
    tags: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    transitive: Vec<String>,
    source_identity: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
}

impl Snapshot {
    /// Records `session`.
    pub fn of(session: &Session) -> Snapshot {
        let (kind, id, name) = match &session.subject {
            SessionSubject::Role { role, session_name } => ("role", role.id.clone(), session_name.clone()),
            SessionSubject::User(u) => ("user", u.id.clone(), String::new()),
            SessionSubject::Root => ("root", String::new(), String::new()),
            SessionSubject::Federated { user, name } => (
                "federated",
                user.as_ref().map(|u| u.id.clone()).unwrap_or_default(),
                name.clone(),
            ),
        };
        Snapshot {
            kind: kind.to_string(),
            id,
            name,
            mfa: session.mfa,
            issued: session.issued,
            policies: session.policy_documents.clone(),
            policy_ids: session.policy_ids.clone(),
            tags: session.tags.clone(),
            transitive: session.transitive_tag_keys.clone(),
            source_identity: session.source_identity.clone(),
            scope: session.scope_documents.clone(),
        }
    }

    /// Reads the session back against the current user or role, with `issued`/`expires` as given
    /// and `extra_scope` added to its scope-down policies; `None` when the user or role is gone.
    pub fn session(
        &self,
        c: &Connection,
        issued: i64,
        expires: i64,
        extra_scope: Option<&str>,
    ) -> ApiResult<Option<Session>> {
        let subject = match self.kind.as_str() {
            "role" => match roles::by_id(c, &self.id)? {
                Some(role) => SessionSubject::Role {
                    role,
                    session_name: self.name.clone(),
                },
                None => return Ok(None),
            },
            "user" => match users::by_id(c, &self.id)? {
                Some(u) => SessionSubject::User(u),
                None => return Ok(None),
            },
            // An empty id is the root user's federation token.
            "federated" if self.id.is_empty() => SessionSubject::Federated {
                user: None,
                name: self.name.clone(),
            },
            "federated" => match users::by_id(c, &self.id)? {
                Some(user) => SessionSubject::Federated {
                    user: Some(user),
                    name: self.name.clone(),
                },
                None => return Ok(None),
            },
            _ => SessionSubject::Root,
        };
        let mut scope_documents = self.scope.clone();
        scope_documents.extend(extra_scope.map(str::to_string));
        Ok(Some(Session {
            mfa: self.mfa,
            policy_documents: self.policies.clone(),
            policy_ids: self.policy_ids.clone(),
            tags: self.tags.clone(),
            transitive_tag_keys: self.transitive.clone(),
            source_identity: self.source_identity.clone(),
            scope_documents,
            ..Session::new(subject, issued, expires)
        }))
    }
}

/// Freshly issued credentials.
pub struct Issued {
    /// `ASIA…` key id.
    pub access_key_id: String,
    /// Secret key.
    pub secret: String,
    /// Session token.
    pub token: String,
    /// Expiry, Unix seconds.
    pub expires: i64,
}

fn new_token() -> String {
    let mut bytes = [0u8; 96];
    rand::thread_rng().fill_bytes(&mut bytes);
    // Real tokens start with the same base64 prefix; SDKs treat the value as opaque.
    format!("IQoJb3JpZ2luX2VjE{}", STANDARD.encode(bytes))
}

/// Stores a new session for `session` and returns its credentials.
pub fn issue(c: &Connection, account: &str, session: &Session, now: i64) -> ApiResult<Issued> {
    let mut doc = Snapshot::of(session);
    // The table has columns for who the session acts as.
    let kind = std::mem::take(&mut doc.kind);
    let subject = std::mem::take(&mut doc.id);
    let row = SessionRow {
        access_key_id: ids::temp_access_key_id(account),
        secret: ids::secret_access_key(),
        token: new_token(),
        expires: session.expires,
        kind,
        subject,
        doc: serde_json::to_string(&doc).map_err(|_| crate::error::ApiError::internal())?,
    };
    // Keep the table small: sessions expired for a day can never be used again.
    store::purge_expired(c, now - 86_400)?;
    store::insert(c, &row)?;
    Ok(Issued {
        access_key_id: row.access_key_id,
        secret: row.secret,
        token: row.token,
        expires: row.expires,
    })
}

/// The credential behind a temporary key id, if it is one of ours.
pub fn credential(c: &Connection, key_id: &str) -> ApiResult<Option<Arc<Credential>>> {
    let Some(row) = store::get(c, key_id)? else {
        return Ok(None);
    };
    let mut doc: Snapshot = serde_json::from_str(&row.doc).unwrap_or_default();
    doc.kind = row.kind;
    doc.id = row.subject;
    let Some(session) = doc.session(c, doc.issued, row.expires, None)? else {
        return Ok(None);
    };
    Ok(Some(Arc::new(Credential {
        secret: row.secret,
        principal: Principal::Session(Box::new(session)),
        active: true,
        token: Some(row.token),
    })))
}
