//! Temporary credentials issued by STS.

use rusqlite::{params, Connection, OptionalExtension};

/// One issued set of temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// `ASIA…` key id.
    pub access_key_id: String,
    /// Secret key.
    pub secret: String,
    /// Session token.
    pub token: String,
    /// Expiry, Unix seconds.
    pub expires: i64,
    /// `role`, `user`, `root` or `federated`.
    pub kind: String,
    /// Role or user id.
    pub subject: String,
    /// The rest of the session as JSON.
    pub doc: String,
}

/// Stores a session.
pub fn insert(c: &Connection, s: &SessionRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO sessions (access_key_id, secret, token, expires, kind, subject, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![s.access_key_id, s.secret, s.token, s.expires, s.kind, s.subject, s.doc])?;
    Ok(())
}

/// A session by key id.
pub fn get(c: &Connection, access_key_id: &str) -> rusqlite::Result<Option<SessionRow>> {
    c.prepare_cached(
        "SELECT access_key_id, secret, token, expires, kind, subject, doc FROM sessions WHERE access_key_id = ?1",
    )?
    .query_row([access_key_id], |r| {
        Ok(SessionRow {
            access_key_id: r.get(0)?,
            secret: r.get(1)?,
            token: r.get(2)?,
            expires: r.get(3)?,
            kind: r.get(4)?,
            subject: r.get(5)?,
            doc: r.get(6)?,
        })
    })
    .optional()
}

/// Forgets sessions that expired before `cutoff`.
pub fn purge_expired(c: &Connection, cutoff: i64) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM sessions WHERE expires < ?1")?
        .execute([cutoff])?;
    Ok(())
}
