//! The `users` table.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One IAM user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// `AIDA…` unique id.
    pub id: String,
    /// Name as created (case kept).
    pub name: String,
    /// Path, `/` by default.
    pub path: String,
    /// Creation time, ISO 8601.
    pub created: String,
    /// Last console sign-in, if any.
    pub password_last_used: Option<String>,
    /// Permissions boundary policy ARN.
    pub boundary: Option<String>,
}

impl UserRow {
    /// `user/PATH/NAME`, the resource part of its ARN.
    pub fn resource(&self) -> String {
        ["user", &self.path, &self.name].concat()
    }
}

/// The columns `from_row` reads: a macro so each query is one `concat!`ed literal rather than a
/// `format!` on every call.
macro_rules! columns {
    () => {
        "id, name, path, created, password_last_used, boundary"
    };
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        created: r.get(3)?,
        password_last_used: r.get(4)?,
        boundary: r.get(5)?,
    })
}

/// Inserts a new user.
pub fn insert(c: &Connection, u: &UserRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO users (id, name, name_lc, path, created, password_last_used, boundary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![u.id, u.name, u.name.to_lowercase(), u.path, u.created, u.password_last_used, u.boundary])?;
    Ok(())
}

/// Finds a user by name, ignoring case as IAM does.
pub fn by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<UserRow>> {
    c.prepare_cached(concat!("SELECT ", columns!(), " FROM users WHERE name_lc = ?1"))?
        .query_row([name.to_lowercase()], from_row)
        .optional()
}

/// Finds a user by unique id.
pub fn by_id(c: &Connection, id: &str) -> rusqlite::Result<Option<UserRow>> {
    c.prepare_cached(concat!("SELECT ", columns!(), " FROM users WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// Users whose path starts with `prefix`, ordered by name, after `after` (a lower-cased name).
pub fn list(c: &Connection, prefix: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<UserRow>> {
    let mut st = c.prepare_cached(concat!(
        "SELECT ",
        columns!(),
        " FROM users WHERE substr(path, 1, length(?1)) = ?1 AND name_lc > ?2 ORDER BY name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(params![prefix, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Renames and/or moves a user.
pub fn update_name_path(c: &Connection, id: &str, name: &str, path: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE users SET name = ?2, name_lc = ?3, path = ?4 WHERE id = ?1")?
        .execute(params![id, name, name.to_lowercase(), path])?;
    Ok(())
}

/// Sets or clears the permissions boundary.
pub fn set_boundary(c: &Connection, id: &str, boundary: Option<&str>) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE users SET boundary = ?2 WHERE id = ?1")?
        .execute(params![id, boundary])?;
    Ok(())
}

/// Records a console sign-in time.
pub fn set_password_last_used(c: &Connection, id: &str, when: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE users SET password_last_used = ?2 WHERE id = ?1")?
        .execute(params![id, when])?;
    Ok(())
}

/// Deletes a user row (dependent rows cascade).
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM users WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Number of users in the account.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM users")?
        .query_row([], |r| r.get(0))
}
