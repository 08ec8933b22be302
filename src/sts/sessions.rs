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

/// The stored description of a session (the `doc` column).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Doc {
    name: String,
    mfa: bool,
    issued: i64,
    policies: Vec<String>,
    policy_ids: Vec<String>,
    has_policies: bool,
    tags: Vec<(String, String)>,
    source_identity: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
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
    let (kind, subject, name) = match &session.subject {
        SessionSubject::Role { role, session_name } => ("role", role.id.clone(), session_name.clone()),
        SessionSubject::User(u) => ("user", u.id.clone(), String::new()),
        SessionSubject::Root => ("root", String::new(), String::new()),
        SessionSubject::Federated { user, name } => ("federated", user.id.clone(), name.clone()),
    };
    let doc = Doc {
        name,
        mfa: session.mfa,
        issued: session.issued,
        policies: session.policy_documents.clone(),
        policy_ids: session.policy_ids.clone(),
        has_policies: session.has_session_policies,
        tags: session.tags.clone(),
        source_identity: session.source_identity.clone(),
        scope: session.scope_documents.clone(),
    };
    let row = SessionRow {
        access_key_id: ids::temp_access_key_id(account),
        secret: ids::secret_access_key(),
        token: new_token(),
        expires: session.expires,
        kind: kind.to_string(),
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
    let doc: Doc = serde_json::from_str(&row.doc).unwrap_or_default();
    let subject = match row.kind.as_str() {
        "role" => match roles::by_id(c, &row.subject)? {
            Some(role) => SessionSubject::Role {
                role,
                session_name: doc.name.clone(),
            },
            None => return Ok(None),
        },
        "user" => match users::by_id(c, &row.subject)? {
            Some(u) => SessionSubject::User(u),
            None => return Ok(None),
        },
        "federated" => match users::by_id(c, &row.subject)? {
            Some(user) => SessionSubject::Federated {
                user,
                name: doc.name.clone(),
            },
            None => return Ok(None),
        },
        _ => SessionSubject::Root,
    };
    let session = Session {
        subject,
        mfa: doc.mfa,
        issued: doc.issued,
        expires: row.expires,
        policy_documents: doc.policies,
        policy_ids: doc.policy_ids,
        has_session_policies: doc.has_policies,
        tags: doc.tags,
        source_identity: doc.source_identity,
        scope_documents: doc.scope,
    };
    Ok(Some(Arc::new(Credential {
        secret: row.secret,
        principal: Principal::Session(Box::new(session)),
        active: true,
        token: Some(row.token),
    })))
}
