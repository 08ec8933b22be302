//! The `roles` table.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One IAM role as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    /// `AROA…` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Path.
    pub path: String,
    /// Creation time.
    pub created: String,
    /// Description.
    pub description: Option<String>,
    /// Longest session, seconds.
    pub max_session: i64,
    /// Trust policy document.
    pub trust_policy: String,
    /// Permissions boundary policy id.
    pub boundary: Option<String>,
    /// Last time a session of the role was used, and where.
    pub last_used: Option<(String, String)>,
}

const COLUMNS: &str = "id, name, path, created, description, max_session, trust_policy, boundary, last_used, last_region";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RoleRow> {
    let when: Option<String> = r.get(8)?;
    let region: Option<String> = r.get(9)?;
    Ok(RoleRow {
        id: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        created: r.get(3)?,
        description: r.get(4)?,
        max_session: r.get(5)?,
        trust_policy: r.get(6)?,
        boundary: r.get(7)?,
        last_used: when.zip(region),
    })
}

/// Inserts a role.
pub fn insert(c: &Connection, r: &RoleRow) -> rusqlite::Result<()> {
    c.prepare_cached(&format!("INSERT INTO roles ({COLUMNS}, name_lc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL, ?9)"))?
        .execute(params![
            r.id,
            r.name,
            r.path,
            r.created,
            r.description,
            r.max_session,
            r.trust_policy,
            r.boundary,
            r.name.to_lowercase()
        ])?;
    Ok(())
}

/// A role by name, ignoring case.
pub fn by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<RoleRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE name_lc = ?1"))?
        .query_row([name.to_lowercase()], from_row)
        .optional()
}

/// A role by id.
pub fn by_id(c: &Connection, id: &str) -> rusqlite::Result<Option<RoleRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// Roles under a path prefix, by name, after a lower-cased name.
pub fn list(
    c: &Connection,
    prefix: &str,
    after: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<RoleRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM roles WHERE substr(path, 1, length(?1)) = ?1 AND name_lc > ?2 ORDER BY name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(
        params![prefix, after.unwrap_or(""), limit as i64 + 1],
        from_row,
    )?;
    rows.collect()
}

/// Deletes a role.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM roles WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Number of roles.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM roles")?
        .query_row([], |r| r.get(0))
}
