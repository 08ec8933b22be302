//! The `mfa_devices` table: virtual MFA devices, assigned to at most one user.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One virtual MFA device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaRow {
    /// Serial number, which is the device's ARN.
    pub serial: String,
    /// Name given at creation.
    pub name: String,
    /// Path, `/` by default.
    pub path: String,
    /// The TOTP seed as Base32 text (RFC 4648, no padding).
    pub seed: String,
    /// Creation time, ISO 8601.
    pub created: String,
    /// The user the device is assigned to, if any.
    pub user_id: Option<String>,
    /// When it was enabled for that user.
    pub enabled: Option<String>,
    /// The newest TOTP time step accepted from this device (replay protection).
    pub last_code_step: Option<i64>,
}

const COLUMNS: &str = "serial, name, path, seed, created, user_id, enabled, last_code_step";

fn from_row(r: &Row<'_>) -> rusqlite::Result<MfaRow> {
    Ok(MfaRow {
        serial: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        seed: r.get(3)?,
        created: r.get(4)?,
        user_id: r.get(5)?,
        enabled: r.get(6)?,
        last_code_step: r.get(7)?,
    })
}

/// Which devices a listing wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    /// Only devices assigned to a user.
    Assigned,
    /// Only devices no user has.
    Unassigned,
    /// Every device.
    Any,
}

/// Inserts a new, unassigned device.
pub fn insert(c: &Connection, d: &MfaRow) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO mfa_devices ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ))?
    .execute(params![
        d.serial,
        d.name,
        d.path,
        d.seed,
        d.created,
        d.user_id,
        d.enabled,
        d.last_code_step
    ])?;
    Ok(())
}

/// Finds a device by its exact serial number.
pub fn by_serial(c: &Connection, serial: &str) -> rusqlite::Result<Option<MfaRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM mfa_devices WHERE serial = ?1"))?
        .query_row([serial], from_row)
        .optional()
}

/// Whether a device with this serial exists, ignoring case (names are unique ignoring case).
pub fn exists_ignoring_case(c: &Connection, serial: &str) -> rusqlite::Result<bool> {
    let n: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM mfa_devices WHERE lower(serial) = lower(?1)")?
        .query_row([serial], |r| r.get(0))?;
    Ok(n > 0)
}

/// Devices by serial, after `after`, filtered by assignment; fetches one row beyond `limit`.
pub fn list(c: &Connection, which: Assignment, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<MfaRow>> {
    let filter = match which {
        Assignment::Assigned => "AND user_id IS NOT NULL",
        Assignment::Unassigned => "AND user_id IS NULL",
        Assignment::Any => "",
    };
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM mfa_devices WHERE serial > ?1 {filter} ORDER BY serial LIMIT ?2"
    ))?;
    let rows = st.query_map(params![after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// A user's devices by serial, after `after`; fetches one row beyond `limit`.
pub fn for_user(c: &Connection, user_id: &str, after: Option<&str>, limit: usize) -> rusqlite::Result<Vec<MfaRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM mfa_devices WHERE user_id = ?1 AND serial > ?2 ORDER BY serial LIMIT ?3"
    ))?;
    let rows = st.query_map(params![user_id, after.unwrap_or(""), limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Number of devices assigned to a user.
pub fn count_for_user(c: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM mfa_devices WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
}

/// Assigns a device to a user, recording the enable date and the last accepted step.
pub fn assign(c: &Connection, serial: &str, user_id: &str, enabled: &str, step: i64) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE mfa_devices SET user_id = ?2, enabled = ?3, last_code_step = ?4 WHERE serial = ?1")?
        .execute(params![serial, user_id, enabled, step])?;
    Ok(())
}

/// Records the newest accepted time step.
pub fn set_last_step(c: &Connection, serial: &str, step: i64) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE mfa_devices SET last_code_step = ?2 WHERE serial = ?1")?
        .execute(params![serial, step])?;
    Ok(())
}

/// Takes a device away from its user; the device itself stays (and keeps its last step).
pub fn unassign(c: &Connection, serial: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE mfa_devices SET user_id = NULL, enabled = NULL WHERE serial = ?1")?
        .execute([serial])?;
    Ok(())
}

/// Deletes a device row.
pub fn delete(c: &Connection, serial: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM mfa_devices WHERE serial = ?1")?
        .execute([serial])?;
    Ok(())
}
