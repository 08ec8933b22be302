//! Access Advisor data: the `activity` table (last use per principal, service and action), the
//! `advisor_jobs` table (computed reports) and the `credential_report` row.

use rusqlite::{params, Connection, OptionalExtension};

/// The last time one principal used one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    /// `user` or `role`.
    pub principal_kind: String,
    /// The user's or role's id.
    pub principal_id: String,
    /// Service prefix, e.g. `iam`.
    pub service: String,
    /// Action name, e.g. `ListUsers`.
    pub action: String,
    /// Region of the request.
    pub region: String,
    /// Time, ISO 8601.
    pub last: String,
}

fn activity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    Ok(ActivityRow {
        principal_kind: r.get(0)?,
        principal_id: r.get(1)?,
        service: r.get(2)?,
        action: r.get(3)?,
        region: r.get(4)?,
        last: r.get(5)?,
    })
}

/// Records a use (insert or update).
pub fn record(c: &Connection, row: &ActivityRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO activity (principal_kind, principal_id, service, action, region, last)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(principal_kind, principal_id, service, action)
         DO UPDATE SET region = excluded.region, last = excluded.last",
    )?
    .execute(params![
        row.principal_kind,
        row.principal_id,
        row.service,
        row.action,
        row.region,
        row.last
    ])?;
    Ok(())
}

/// Everything every principal of the account did.
pub fn all(c: &Connection) -> rusqlite::Result<Vec<ActivityRow>> {
    let mut st = c.prepare_cached(
        "SELECT principal_kind, principal_id, service, action, region, last FROM activity ORDER BY service",
    )?;
    let rows = st.query_map([], activity_row)?;
    rows.collect()
}

/// Everything one principal did.
pub fn for_principal(c: &Connection, kind: &str, id: &str) -> rusqlite::Result<Vec<ActivityRow>> {
    let mut st = c.prepare_cached(
        "SELECT principal_kind, principal_id, service, action, region, last FROM activity
         WHERE principal_kind = ?1 AND principal_id = ?2 ORDER BY service, action",
    )?;
    let rows = st.query_map(params![kind, id], activity_row)?;
    rows.collect()
}

/// Stores a computed job.
pub fn put_job(c: &Connection, id: &str, created: &str, doc: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO advisor_jobs (id, created, doc) VALUES (?1, ?2, ?3)")?
        .execute(params![id, created, doc])?;
    Ok(())
}

/// A job's stored document.
pub fn job(c: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT doc FROM advisor_jobs WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// The stored credential report: (generated time, CSV).
pub fn credential_report(c: &Connection) -> rusqlite::Result<Option<(String, String)>> {
    c.prepare_cached("SELECT generated, content FROM credential_report WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// Replaces the stored credential report.
pub fn set_credential_report(c: &Connection, generated: &str, content: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO credential_report (id, generated, content) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET generated = excluded.generated, content = excluded.content",
    )?
    .execute(params![generated, content])?;
    Ok(())
}
