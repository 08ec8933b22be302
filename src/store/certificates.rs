//! The `server_certificates` table: certificates for HTTPS load balancers and CloudFront.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One server certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCertRow {
    /// `ASCA…` id.
    pub id: String,
    /// Name (unique in the account).
    pub name: String,
    /// Path.
    pub path: String,
    /// PEM body.
    pub body: String,
    /// PEM private key (kept, never returned).
    pub private_key: String,
    /// PEM chain.
    pub chain: Option<String>,
    /// Upload time.
    pub uploaded: String,
    /// The certificate's notAfter.
    pub expiration: String,
}

const COLUMNS: &str = "id, name, path, body, private_key, chain, uploaded, expiration";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ServerCertRow> {
    Ok(ServerCertRow {
        id: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        body: r.get(3)?,
        private_key: r.get(4)?,
        chain: r.get(5)?,
        uploaded: r.get(6)?,
        expiration: r.get(7)?,
    })
}

/// Inserts a certificate.
pub fn insert(c: &Connection, s: &ServerCertRow) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO server_certificates ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ))?
    .execute(params![
        s.id,
        s.name,
        s.path,
        s.body,
        s.private_key,
        s.chain,
        s.uploaded,
        s.expiration
    ])?;
    Ok(())
}

/// Looks a certificate up by name.
pub fn by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<ServerCertRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM server_certificates WHERE name = ?1"))?
        .query_row([name], from_row)
        .optional()
}

/// Certificates whose path starts with `prefix`, by name, after a name.
pub fn list(c: &Connection, prefix: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<ServerCertRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM server_certificates WHERE substr(path, 1, length(?1)) = ?1 AND name > ?2
         ORDER BY name LIMIT ?3"
    ))?;
    let rows = st.query_map(params![prefix, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Renames and/or moves a certificate.
pub fn update_name_path(c: &Connection, id: &str, name: &str, path: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE server_certificates SET name = ?2, path = ?3 WHERE id = ?1")?
        .execute(params![id, name, path])?;
    Ok(())
}

/// Deletes a certificate.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM server_certificates WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Number of certificates in the account.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM server_certificates")?
        .query_row([], |r| r.get(0))
}
