//! The `groups` and `group_members` tables.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::users::UserRow;

/// One IAM group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// `AGPA…` unique id.
    pub id: String,
    /// Name as created.
    pub name: String,
    /// Path.
    pub path: String,
    /// Creation time.
    pub created: String,
}

const COLUMNS: &str = "g.id, g.name, g.path, g.created";

fn from_row(r: &Row<'_>) -> rusqlite::Result<GroupRow> {
    Ok(GroupRow {
        id: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        created: r.get(3)?,
    })
}

/// Inserts a new group.
pub fn insert(c: &Connection, g: &GroupRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO groups (id, name, name_lc, path, created) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![g.id, g.name, g.name.to_lowercase(), g.path, g.created])?;
    Ok(())
}

/// Finds a group by name, ignoring case.
pub fn by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<GroupRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM groups g WHERE g.name_lc = ?1"))?
        .query_row([name.to_lowercase()], from_row)
        .optional()
}

/// Groups under a path prefix, by name, after a lower-cased name.
pub fn list(c: &Connection, prefix: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<GroupRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM groups g WHERE substr(g.path, 1, length(?1)) = ?1 AND g.name_lc > ?2 ORDER BY g.name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(params![prefix, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// The groups a user belongs to, by name, after a lower-cased name.
pub fn for_user(c: &Connection, user_id: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<GroupRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM groups g JOIN group_members m ON m.group_id = g.id
         WHERE m.user_id = ?1 AND g.name_lc > ?2 ORDER BY g.name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(params![user_id, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// The members of a group, by user name, after a lower-cased name.
pub fn members(c: &Connection, group_id: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<UserRow>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.name, u.path, u.created, u.password_last_used, u.boundary
         FROM users u JOIN group_members m ON m.user_id = u.id
         WHERE m.group_id = ?1 AND u.name_lc > ?2 ORDER BY u.name_lc LIMIT ?3",
    )?;
    let rows = st.query_map(params![group_id, after.unwrap_or(""), limit as i64 + 1], |r| {
        Ok(UserRow {
            id: r.get(0)?,
            name: r.get(1)?,
            path: r.get(2)?,
            created: r.get(3)?,
            password_last_used: r.get(4)?,
            boundary: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Renames and/or moves a group.
pub fn update_name_path(c: &Connection, id: &str, name: &str, path: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE groups SET name = ?2, name_lc = ?3, path = ?4 WHERE id = ?1")?
        .execute(params![id, name, name.to_lowercase(), path])?;
    Ok(())
}

/// Deletes a group row.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM groups WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Adds a member; returns false when already a member.
pub fn add_member(c: &Connection, group_id: &str, user_id: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO group_members (group_id, user_id, seq)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM group_members))",
        )?
        .execute(params![group_id, user_id])?;
    Ok(n > 0)
}

/// Whether the user is in the group.
pub fn is_member(c: &Connection, group_id: &str, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM group_members WHERE group_id = ?1 AND user_id = ?2)")?
        .query_row(params![group_id, user_id], |r| r.get(0))
}

/// Removes a member; returns false when it was not a member.
pub fn remove_member(c: &Connection, group_id: &str, user_id: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2")?
        .execute(params![group_id, user_id])?;
    Ok(n > 0)
}

/// Number of groups a user is in.
pub fn count_for_user(c: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM group_members WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
}

/// Number of members of a group.
pub fn count_members(c: &Connection, group_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM group_members WHERE group_id = ?1")?
        .query_row([group_id], |r| r.get(0))
}

/// Number of groups in the account.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM groups")?
        .query_row([], |r| r.get(0))
}

/// A group by id.
pub fn by_id(c: &Connection, id: &str) -> rusqlite::Result<Option<GroupRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM groups g WHERE g.id = ?1"))?
        .query_row([id], from_row)
        .optional()
}
