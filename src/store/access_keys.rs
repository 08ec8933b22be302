//! The `access_keys` table.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One long-term access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeyRow {
    /// `AKIA…` key id.
    pub id: String,
    /// Owner's user id.
    pub user_id: String,
    /// Secret (kept to verify signatures; never logged).
    pub secret: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// Creation time.
    pub created: String,
    /// Last use: time, service, region.
    pub last_used: Option<(String, String, String)>,
}

const COLUMNS: &str = "id, user_id, secret, status, created, last_used, last_service, last_region";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AccessKeyRow> {
    let when: Option<String> = r.get(5)?;
    let service: Option<String> = r.get(6)?;
    let region: Option<String> = r.get(7)?;
    Ok(AccessKeyRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        secret: r.get(2)?,
        status: r.get(3)?,
        created: r.get(4)?,
        last_used: match (when, service, region) {
            (Some(w), Some(s), Some(g)) => Some((w, s, g)),
            _ => None,
        },
    })
}

/// Inserts a new key.
pub fn insert(c: &Connection, k: &AccessKeyRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO access_keys (id, user_id, secret, status, created) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![k.id, k.user_id, k.secret, k.status, k.created])?;
    Ok(())
}

/// Looks a key up by id.
pub fn by_id(c: &Connection, id: &str) -> rusqlite::Result<Option<AccessKeyRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM access_keys WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// A user's keys, oldest first, after a key id.
pub fn for_user(
    c: &Connection,
    user_id: &str,
    after: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<AccessKeyRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM access_keys WHERE user_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
    ))?;
    let rows = st.query_map(params![user_id, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Number of keys a user has.
pub fn count_for_user(c: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM access_keys WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
}

/// Sets a key's status.
pub fn set_status(c: &Connection, id: &str, status: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE access_keys SET status = ?2 WHERE id = ?1")?
        .execute(params![id, status])?;
    Ok(())
}

/// Records a signed request made with the key.
pub fn touch(c: &Connection, id: &str, when: &str, service: &str, region: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE access_keys SET last_used = ?2, last_service = ?3, last_region = ?4 WHERE id = ?1")?
        .execute(params![id, when, service, region])?;
    Ok(())
}

/// Deletes a key.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM access_keys WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Number of keys in the account.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM access_keys")?
        .query_row([], |r| r.get(0))
}
