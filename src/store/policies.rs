//! Customer managed policies, their versions, attachments and inline policies.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRow {
    /// `ANPA…` id.
    pub id: String,
    /// Name (unique in the account, ignoring case).
    pub name: String,
    /// Path.
    pub path: String,
    /// Description, fixed at creation.
    pub description: Option<String>,
    /// `vN` of the default version.
    pub default_version: String,
    /// The N of the next version to create.
    pub next_version: i64,
    /// Creation time.
    pub created: String,
    /// Last time the default version changed.
    pub updated: String,
}

impl PolicyRow {
    /// `policy/PATH/NAME`, the resource part of its ARN.
    pub fn resource(&self) -> String {
        format!("policy{}{}", self.path, self.name)
    }
}

/// One version of a customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// `vN`.
    pub version: String,
    /// The document as submitted.
    pub document: String,
    /// Creation time.
    pub created: String,
}

const COLUMNS: &str = "id, name, path, description, default_version, next_version, created, updated";

fn from_row(r: &Row<'_>) -> rusqlite::Result<PolicyRow> {
    Ok(PolicyRow {
        id: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        description: r.get(3)?,
        default_version: r.get(4)?,
        next_version: r.get(5)?,
        created: r.get(6)?,
        updated: r.get(7)?,
    })
}

/// Inserts a policy and its first version.
pub fn insert(c: &Connection, p: &PolicyRow, document: &str) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO policies ({COLUMNS}, name_lc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?
    .execute(params![
        p.id,
        p.name,
        p.path,
        p.description,
        p.default_version,
        p.next_version,
        p.created,
        p.updated,
        p.name.to_lowercase()
    ])?;
    insert_version(
        c,
        &p.id,
        &VersionRow {
            version: p.default_version.clone(),
            document: document.to_string(),
            created: p.created.clone(),
        },
    )
}

/// A policy by name, ignoring case.
pub fn by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<PolicyRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM policies WHERE name_lc = ?1"))?
        .query_row([name.to_lowercase()], from_row)
        .optional()
}

/// A policy by id.
pub fn by_id(c: &Connection, id: &str) -> rusqlite::Result<Option<PolicyRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM policies WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// Every customer policy, by name.
pub fn all(c: &Connection) -> rusqlite::Result<Vec<PolicyRow>> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM policies ORDER BY name_lc"))?;
    let rows = st.query_map([], from_row)?;
    rows.collect()
}

/// Deletes a policy with its versions.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM policies WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Stores a version.
pub fn insert_version(c: &Connection, policy_id: &str, v: &VersionRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO policy_versions (policy_id, version, document, created) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![policy_id, v.version, v.document, v.created])?;
    Ok(())
}

/// One version.
pub fn version(c: &Connection, policy_id: &str, version: &str) -> rusqlite::Result<Option<VersionRow>> {
    c.prepare_cached("SELECT version, document, created FROM policy_versions WHERE policy_id = ?1 AND version = ?2")?
        .query_row(params![policy_id, version], |r| {
            Ok(VersionRow {
                version: r.get(0)?,
                document: r.get(1)?,
                created: r.get(2)?,
            })
        })
        .optional()
}

/// All versions, newest first.
pub fn versions(c: &Connection, policy_id: &str) -> rusqlite::Result<Vec<VersionRow>> {
    let mut st = c.prepare_cached(
        "SELECT version, document, created FROM policy_versions WHERE policy_id = ?1
         ORDER BY CAST(substr(version, 2) AS INTEGER) DESC",
    )?;
    let rows = st.query_map([policy_id], |r| {
        Ok(VersionRow {
            version: r.get(0)?,
            document: r.get(1)?,
            created: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Deletes one version.
pub fn delete_version(c: &Connection, policy_id: &str, version: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM policy_versions WHERE policy_id = ?1 AND version = ?2")?
        .execute(params![policy_id, version])?;
    Ok(())
}

/// Sets the default version and the counters that move with it.
pub fn set_default(c: &Connection, id: &str, version: &str, updated: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE policies SET default_version = ?2, updated = ?3 WHERE id = ?1")?
        .execute(params![id, version, updated])?;
    Ok(())
}

/// Bumps the next version number.
pub fn set_next_version(c: &Connection, id: &str, next: i64) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE policies SET next_version = ?2 WHERE id = ?1")?
        .execute(params![id, next])?;
    Ok(())
}

/// Entity kinds that take managed and inline policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// IAM user.
    User,
    /// IAM group.
    Group,
    /// IAM role.
    Role,
}

impl Entity {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::User => "user",
            Entity::Group => "group",
            Entity::Role => "role",
        }
    }
}

/// Attaches a policy (by id); false when already attached.
pub fn attach(c: &Connection, kind: Entity, entity_id: &str, policy_id: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO attachments (entity_kind, entity_id, policy, seq)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM attachments))",
        )?
        .execute(params![kind.as_str(), entity_id, policy_id])?;
    Ok(n > 0)
}

/// Detaches a policy; false when it was not attached.
pub fn detach(c: &Connection, kind: Entity, entity_id: &str, policy_id: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM attachments WHERE entity_kind = ?1 AND entity_id = ?2 AND policy = ?3")?
        .execute(params![kind.as_str(), entity_id, policy_id])?;
    Ok(n > 0)
}

/// Policy ids attached to an entity, in attachment order.
pub fn attached(c: &Connection, kind: Entity, entity_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut st =
        c.prepare_cached("SELECT policy FROM attachments WHERE entity_kind = ?1 AND entity_id = ?2 ORDER BY seq")?;
    let rows = st.query_map(params![kind.as_str(), entity_id], |r| r.get(0))?;
    rows.collect()
}

/// Entities a policy is attached to: (kind, entity id).
pub fn attachments_of(c: &Connection, policy_id: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached("SELECT entity_kind, entity_id FROM attachments WHERE policy = ?1 ORDER BY seq")?;
    let rows = st.query_map([policy_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Attachment counts of every attached policy id.
pub fn attachment_counts(c: &Connection) -> rusqlite::Result<std::collections::HashMap<String, i64>> {
    let mut st = c.prepare_cached("SELECT policy, COUNT(*) FROM attachments GROUP BY policy")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// How many users and roles use a policy as their permissions boundary.
pub fn boundary_counts(c: &Connection) -> rusqlite::Result<std::collections::HashMap<String, i64>> {
    let mut st = c.prepare_cached(
        "SELECT boundary, COUNT(*) FROM (SELECT boundary FROM users UNION ALL SELECT boundary FROM roles)
         WHERE boundary IS NOT NULL GROUP BY boundary",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Puts (creates or replaces) an inline policy.
pub fn put_inline(c: &Connection, kind: Entity, entity_id: &str, name: &str, document: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO inline_policies (entity_kind, entity_id, name, document) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(entity_kind, entity_id, name) DO UPDATE SET document = excluded.document",
    )?
    .execute(params![kind.as_str(), entity_id, name, document])?;
    Ok(())
}

/// One inline policy's document.
pub fn inline(c: &Connection, kind: Entity, entity_id: &str, name: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT document FROM inline_policies WHERE entity_kind = ?1 AND entity_id = ?2 AND name = ?3")?
        .query_row(params![kind.as_str(), entity_id, name], |r| r.get(0))
        .optional()
}

/// All inline policies of an entity: (name, document), by name.
pub fn inlines(c: &Connection, kind: Entity, entity_id: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT name, document FROM inline_policies WHERE entity_kind = ?1 AND entity_id = ?2 ORDER BY name",
    )?;
    let rows = st.query_map(params![kind.as_str(), entity_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Deletes an inline policy; false when it did not exist.
pub fn delete_inline(c: &Connection, kind: Entity, entity_id: &str, name: &str) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM inline_policies WHERE entity_kind = ?1 AND entity_id = ?2 AND name = ?3")?
        .execute(params![kind.as_str(), entity_id, name])?;
    Ok(n > 0)
}

/// The holders of an entity's identity policies: itself and, for a user, each of its groups.
pub fn policy_holders(c: &Connection, kind: Entity, id: &str) -> rusqlite::Result<Vec<(Entity, String)>> {
    let mut holders = vec![(kind, id.to_string())];
    if kind == Entity::User {
        for g in super::groups::for_user(c, id, None, usize::MAX >> 2)? {
            holders.push((Entity::Group, g.id));
        }
    }
    Ok(holders)
}
