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

impl RoleRow {
    /// `role/PATH/NAME`, the resource part of its ARN.
    pub fn resource(&self) -> String {
        format!("role{}{}", self.path, self.name)
    }
}

const COLUMNS: &str =
    "id, name, path, created, description, max_session, trust_policy, boundary, last_used, last_region";

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
    c.prepare_cached(&format!(
        "INSERT INTO roles ({COLUMNS}, name_lc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL, ?9)"
    ))?
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
pub fn list(c: &Connection, prefix: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<RoleRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM roles WHERE substr(path, 1, length(?1)) = ?1 AND name_lc > ?2 ORDER BY name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(params![prefix, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Deletes a role.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM roles WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Number of roles.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM roles")?
        .query_row([], |r| r.get(0))
}

/// Every role, by name (GetAccountAuthorizationDetails).
pub fn all(c: &Connection) -> rusqlite::Result<Vec<RoleRow>> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM roles ORDER BY name_lc"))?;
    let rows = st.query_map([], from_row)?;
    rows.collect()
}

/// Sets or clears the description.
pub fn set_description(c: &Connection, id: &str, description: Option<&str>) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE roles SET description = ?2 WHERE id = ?1")?
        .execute(params![id, description])?;
    Ok(())
}

/// Sets the longest session, seconds.
pub fn set_max_session(c: &Connection, id: &str, seconds: i64) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE roles SET max_session = ?2 WHERE id = ?1")?
        .execute(params![id, seconds])?;
    Ok(())
}

/// Replaces the trust policy.
pub fn set_trust_policy(c: &Connection, id: &str, document: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE roles SET trust_policy = ?2 WHERE id = ?1")?
        .execute(params![id, document])?;
    Ok(())
}

/// Sets or clears the permissions boundary (a policy id).
pub fn set_boundary(c: &Connection, id: &str, boundary: Option<&str>) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE roles SET boundary = ?2 WHERE id = ?1")?
        .execute(params![id, boundary])?;
    Ok(())
}

/// Records that a session of the role was used, and where.
pub fn set_last_used(c: &Connection, id: &str, when: &str, region: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE roles SET last_used = ?2, last_region = ?3 WHERE id = ?1")?
        .execute(params![id, when, region])?;
    Ok(())
}

/// Remembers a service-linked role deletion task (they complete at once).
pub fn insert_deletion_task(c: &Connection, task_id: &str, created: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO slr_deletion_tasks (id, created) VALUES (?1, ?2)")?
        .execute(params![task_id, created])?;
    Ok(())
}

/// Whether a deletion task id was issued here.
pub fn deletion_task_exists(c: &Connection, task_id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM slr_deletion_tasks WHERE id = ?1")?
        .query_row([task_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records that a session of the role was created or used.
pub fn touch(c: &Connection, id: &str, when: &str, region: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE roles SET last_used = ?2, last_region = ?3 WHERE id = ?1")?
        .execute(params![id, when, region])?;
    Ok(())
}
