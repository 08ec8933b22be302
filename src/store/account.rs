//! Account-level rows: the account alias and settings.

use rusqlite::{Connection, OptionalExtension};

/// The account aliases (IAM allows one).
pub fn aliases(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = c.prepare_cached("SELECT alias FROM account_aliases ORDER BY alias")?;
    let rows = st.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Replaces the alias.
pub fn set_alias(c: &Connection, alias: &str) -> rusqlite::Result<()> {
    c.execute("DELETE FROM account_aliases", [])?;
    c.prepare_cached("INSERT INTO account_aliases (alias) VALUES (?1)")?
        .execute([alias])?;
    Ok(())
}

/// Deletes an alias; returns whether it existed.
pub fn delete_alias(c: &Connection, alias: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM account_aliases WHERE alias = ?1")?
        .execute([alias])?
        > 0)
}

/// An account setting (e.g. `GlobalEndpointTokenVersion`).
pub fn setting(c: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT value FROM account_settings WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()
}

/// Stores an account setting.
pub fn set_setting(c: &Connection, name: &str, value: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO account_settings (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    )?
    .execute([name, value])?;
    Ok(())
}

/// Every setting whose name starts with `prefix`, by name.
pub fn settings_with_prefix(c: &Connection, prefix: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT name, value FROM account_settings WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name",
    )?;
    let rows = st.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Deletes an account setting; returns whether it existed.
pub fn delete_setting(c: &Connection, name: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM account_settings WHERE name = ?1")?
        .execute([name])?
        > 0)
}
