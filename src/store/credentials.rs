//! The `user_credentials` table: a user's signing certificates, SSH public keys and
//! service-specific credentials, told apart by `kind`.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// What a credential row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// X.509 signing certificate (body = PEM).
    Signing,
    /// SSH public key (body = the key as uploaded, `fingerprint` set).
    Ssh,
    /// Service-specific credential (body = password or secret, `service` set).
    Service,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Signing => "signing",
            Kind::Ssh => "ssh",
            Kind::Service => "service",
        }
    }
}

/// One per-user credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    /// Id (`APKA…`, `ACCA…`, or a 32-character certificate id).
    pub id: String,
    /// Owner's user id.
    pub user_id: String,
    /// Certificate body, SSH key, or service password/secret.
    pub body: String,
    /// Service name (service-specific credentials).
    pub service: Option<String>,
    /// Generated user name or alias (service-specific credentials).
    pub service_user: Option<String>,
    /// MD5 fingerprint (SSH keys).
    pub fingerprint: Option<String>,
    /// `Active` or `Inactive`.
    pub status: String,
    /// Creation/upload time.
    pub created: String,
    /// Expiry (service-specific credentials with an age).
    pub expires: Option<String>,
}

const COLUMNS: &str = "id, user_id, body, service, service_user, fingerprint, status, created, expires";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CredentialRow> {
    Ok(CredentialRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        body: r.get(2)?,
        service: r.get(3)?,
        service_user: r.get(4)?,
        fingerprint: r.get(5)?,
        status: r.get(6)?,
        created: r.get(7)?,
        expires: r.get(8)?,
    })
}

/// Inserts a credential.
pub fn insert(c: &Connection, kind: Kind, k: &CredentialRow) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO user_credentials (kind, {COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?
    .execute(params![
        kind.as_str(),
        k.id,
        k.user_id,
        k.body,
        k.service,
        k.service_user,
        k.fingerprint,
        k.status,
        k.created,
        k.expires
    ])?;
    Ok(())
}

/// Looks a credential of one kind up by id.
pub fn by_id(c: &Connection, kind: Kind, id: &str) -> rusqlite::Result<Option<CredentialRow>> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_credentials WHERE kind = ?1 AND id = ?2"
    ))?
    .query_row(params![kind.as_str(), id], from_row)
    .optional()
}

/// Credentials of one kind, by id after `after`: one user's (or everyone's), optionally of one service.
pub fn list(
    c: &Connection,
    kind: Kind,
    user_id: Option<&str>,
    service: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<CredentialRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_credentials WHERE kind = ?1 AND (?2 IS NULL OR user_id = ?2)
         AND (?3 IS NULL OR service = ?3) AND id > ?4 ORDER BY id LIMIT ?5"
    ))?;
    let rows = st.query_map(
        params![kind.as_str(), user_id, service, after.unwrap_or(""), limit as i64 + 1],
        from_row,
    )?;
    rows.collect()
}

/// Number of credentials of one kind a user has (of one service, when given).
pub fn count_for_user(c: &Connection, kind: Kind, user_id: &str, service: Option<&str>) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "SELECT COUNT(*) FROM user_credentials WHERE kind = ?1 AND user_id = ?2 AND (?3 IS NULL OR service = ?3)",
    )?
    .query_row(params![kind.as_str(), user_id, service], |r| r.get(0))
}

/// Whether a credential of one kind with this exact body exists (for one user, or anywhere).
pub fn body_exists(c: &Connection, kind: Kind, user_id: Option<&str>, body: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM user_credentials WHERE kind = ?1 AND (?2 IS NULL OR user_id = ?2) AND body = ?3)",
    )?
    .query_row(params![kind.as_str(), user_id, body], |r| r.get(0))
}

/// Whether an SSH key with this fingerprint is already a user's.
pub fn fingerprint_exists(c: &Connection, user_id: &str, fingerprint: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM user_credentials WHERE kind = 'ssh' AND user_id = ?1 AND fingerprint = ?2)",
    )?
    .query_row(params![user_id, fingerprint], |r| r.get(0))
}

/// Sets a credential's status.
pub fn set_status(c: &Connection, id: &str, status: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE user_credentials SET status = ?2 WHERE id = ?1")?
        .execute(params![id, status])?;
    Ok(())
}

/// Replaces a credential's body (a reset password).
pub fn set_body(c: &Connection, id: &str, body: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE user_credentials SET body = ?2 WHERE id = ?1")?
        .execute(params![id, body])?;
    Ok(())
}

/// Deletes a credential.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM user_credentials WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
