//! The `instance_profiles` table and the role each profile holds (`instance_profile_roles`).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::roles::RoleRow;

/// One instance profile as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRow {
    /// `AIPA…` id.
    pub id: String,
    /// Name (unique ignoring case).
    pub name: String,
    /// Path.
    pub path: String,
    /// Creation time.
    pub created: String,
}

const COLUMNS: &str = "p.id, p.name, p.path, p.created";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ProfileRow> {
    Ok(ProfileRow {
        id: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        created: r.get(3)?,
    })
}

/// Inserts a profile.
pub fn insert(c: &Connection, p: &ProfileRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO instance_profiles (id, name, name_lc, path, created) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![p.id, p.name, p.name.to_lowercase(), p.path, p.created])?;
    Ok(())
}

/// A profile by name, ignoring case.
pub fn by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<ProfileRow>> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM instance_profiles p WHERE p.name_lc = ?1"
    ))?
    .query_row([name.to_lowercase()], from_row)
    .optional()
}

/// Profiles under a path prefix, by name, after a lower-cased name (one extra row).
pub fn list(c: &Connection, prefix: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<ProfileRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM instance_profiles p WHERE substr(p.path, 1, length(?1)) = ?1
         AND p.name_lc > ?2 ORDER BY p.name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(params![prefix, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Profiles holding a role, by name, after a lower-cased name (one extra row).
pub fn for_role(c: &Connection, role_id: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<ProfileRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM instance_profiles p JOIN instance_profile_roles r ON r.profile_id = p.id
         WHERE r.role_id = ?1 AND p.name_lc > ?2 ORDER BY p.name_lc LIMIT ?3"
    ))?;
    let rows = st.query_map(params![role_id, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Number of profiles holding a role.
pub fn count_for_role(c: &Connection, role_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM instance_profile_roles WHERE role_id = ?1")?
        .query_row([role_id], |r| r.get(0))
}

/// The role ids in a profile.
pub fn role_ids(c: &Connection, profile_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut st =
        c.prepare_cached("SELECT role_id FROM instance_profile_roles WHERE profile_id = ?1 ORDER BY role_id")?;
    let rows = st.query_map([profile_id], |r| r.get(0))?;
    rows.collect()
}

/// The roles in a profile.
pub fn roles(c: &Connection, profile_id: &str) -> rusqlite::Result<Vec<RoleRow>> {
    let mut out = Vec::new();
    for id in role_ids(c, profile_id)? {
        if let Some(r) = super::roles::by_id(c, &id)? {
            out.push(r);
        }
    }
    Ok(out)
}

/// Puts a role in a profile.
pub fn add_role(c: &Connection, profile_id: &str, role_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT OR IGNORE INTO instance_profile_roles (profile_id, role_id) VALUES (?1, ?2)")?
        .execute(params![profile_id, role_id])?;
    Ok(())
}

/// Takes a role out of a profile; false when it was not in it.
pub fn remove_role(c: &Connection, profile_id: &str, role_id: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM instance_profile_roles WHERE profile_id = ?1 AND role_id = ?2")?
        .execute(params![profile_id, role_id])?;
    Ok(n > 0)
}

/// Deletes a profile.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM instance_profiles WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Number of profiles.
pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM instance_profiles")?
        .query_row([], |r| r.get(0))
}
