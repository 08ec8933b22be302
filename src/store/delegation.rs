//! The `delegation_requests` table: IAM temporary delegation requests, their trade-in tokens and
//! the key of the credentials each token was exchanged for.

use rusqlite::{params, Connection, OptionalExtension, Row};

/// One delegation request as stored. Times are Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DelegationRow {
    /// The request id.
    pub id: String,
    /// `RequestorWorkflowId` (unique).
    pub workflow_id: String,
    /// Stored state; [`effective_state`] folds in expiry.
    pub state: String,
    /// Account the request is targeted to or owned by.
    pub owner_account_id: Option<String>,
    /// ARN of the principal that associated the request.
    pub owner_id: Option<String>,
    /// ARN of the principal that accepted it.
    pub approver_id: Option<String>,
    /// The accepting principal as recorded at acceptance (JSON), the identity the credentials act as.
    pub acceptor: Option<String>,
    /// Requestor account id.
    pub requestor_id: String,
    /// Requestor friendly name.
    pub requestor_name: String,
    /// `Description`.
    pub description: String,
    /// `RequestMessage`.
    pub request_message: Option<String>,
    /// `Permissions.PolicyTemplateArn`.
    pub template_arn: String,
    /// `Permissions.Parameters` as JSON `[{"Name","Values","Type"}]`.
    pub parameters: String,
    /// The template rendered with its parameters.
    pub permission_policy: String,
    /// `RedirectUrl`.
    pub redirect_url: Option<String>,
    /// `NotificationChannel`.
    pub notification_channel: String,
    /// `SessionDuration`, seconds.
    pub session_duration: i64,
    /// `OnlySendByOwner`.
    pub only_send_by_owner: bool,
    /// Notes from UpdateDelegationRequest.
    pub notes: Option<String>,
    /// Notes from RejectDelegationRequest.
    pub rejection_reason: Option<String>,
    /// Creation time.
    pub created: i64,
    /// Last state change.
    pub updated: i64,
    /// When the request expires in its current state.
    pub expires: i64,
    /// Trade-in token, once sent.
    pub token: Option<String>,
    /// End of the delegation period: the token and the credentials it buys expire then.
    pub token_expires: Option<i64>,
    /// `ASIA…` key issued for the token; set once, which makes the token single-use.
    pub session_key: Option<String>,
}

/// `EXPIRED` once the current state's lifetime is over, the stored state otherwise.
pub fn effective_state(row: &DelegationRow, now: i64) -> &str {
    if now >= row.expires {
        "EXPIRED"
    } else {
        &row.state
    }
}

const COLUMNS: &str = "id, workflow_id, state, owner_account_id, owner_id, approver_id, acceptor, requestor_id,
    requestor_name, description, request_message, template_arn, parameters, permission_policy, redirect_url,
    notification_channel, session_duration, only_send_by_owner, notes, rejection_reason, created, updated, expires,
    token, token_expires, session_key";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DelegationRow> {
    Ok(DelegationRow {
        id: r.get(0)?,
        workflow_id: r.get(1)?,
        state: r.get(2)?,
        owner_account_id: r.get(3)?,
        owner_id: r.get(4)?,
        approver_id: r.get(5)?,
        acceptor: r.get(6)?,
        requestor_id: r.get(7)?,
        requestor_name: r.get(8)?,
        description: r.get(9)?,
        request_message: r.get(10)?,
        template_arn: r.get(11)?,
        parameters: r.get(12)?,
        permission_policy: r.get(13)?,
        redirect_url: r.get(14)?,
        notification_channel: r.get(15)?,
        session_duration: r.get(16)?,
        only_send_by_owner: r.get(17)?,
        notes: r.get(18)?,
        rejection_reason: r.get(19)?,
        created: r.get(20)?,
        updated: r.get(21)?,
        expires: r.get(22)?,
        token: r.get(23)?,
        token_expires: r.get(24)?,
        session_key: r.get(25)?,
    })
}

/// Inserts a request or replaces it by id with every column.
pub fn save(c: &Connection, d: &DelegationRow) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT OR REPLACE INTO delegation_requests ({COLUMNS}) VALUES
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
          ?24, ?25, ?26)"
    ))?
    .execute(params![
        d.id,
        d.workflow_id,
        d.state,
        d.owner_account_id,
        d.owner_id,
        d.approver_id,
        d.acceptor,
        d.requestor_id,
        d.requestor_name,
        d.description,
        d.request_message,
        d.template_arn,
        d.parameters,
        d.permission_policy,
        d.redirect_url,
        d.notification_channel,
        d.session_duration,
        d.only_send_by_owner,
        d.notes,
        d.rejection_reason,
        d.created,
        d.updated,
        d.expires,
        d.token,
        d.token_expires,
        d.session_key,
    ])?;
    Ok(())
}

/// A request by id.
pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<DelegationRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM delegation_requests WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// The request holding a trade-in token.
pub fn by_token(c: &Connection, token: &str) -> rusqlite::Result<Option<DelegationRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM delegation_requests WHERE token = ?1"))?
        .query_row([token], from_row)
        .optional()
}

/// Whether a workflow id is taken.
pub fn workflow_taken(c: &Connection, workflow_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS (SELECT 1 FROM delegation_requests WHERE workflow_id = ?1)")?
        .query_row([workflow_id], |r| r.get(0))
}

/// Whether `access_key_id` holds credentials bought with a trade-in token.
pub fn is_delegated_key(c: &Connection, access_key_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS (SELECT 1 FROM delegation_requests WHERE session_key = ?1)")?
        .query_row([access_key_id], |r| r.get(0))
}

/// Owned requests (optionally of one owner), by creation time then id, after a `created|id` key
/// (one extra row).
pub fn list_owned(
    c: &Connection,
    owner: Option<&str>,
    after: Option<(i64, &str)>,
    limit: usize,
) -> rusqlite::Result<Vec<DelegationRow>> {
    let (after_created, after_id) = after.unwrap_or((i64::MIN, ""));
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM delegation_requests
         WHERE owner_id IS NOT NULL AND (?1 IS NULL OR owner_id = ?1)
         AND (created > ?2 OR (created = ?2 AND id > ?3))
         ORDER BY created, id LIMIT ?4"
    ))?;
    let rows = st.query_map(params![owner, after_created, after_id, limit as i64 + 1], from_row)?;
    rows.collect()
}

/// Forgets requests that expired before `cutoff`.
pub fn purge_expired(c: &Connection, cutoff: i64) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM delegation_requests WHERE expires < ?1")?
        .execute([cutoff])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn row(id: &str, created: i64) -> DelegationRow {
        DelegationRow {
            id: id.to_string(),
            workflow_id: format!("wf-{id}"),
            state: "UNASSIGNED".to_string(),
            requestor_id: "123456789012".to_string(),
            template_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string(),
            parameters: "[]".to_string(),
            permission_policy: "{}".to_string(),
            notification_channel: "arn:aws:sns:us-east-1:123456789012:t".to_string(),
            session_duration: 3600,
            created,
            updated: created,
            expires: created + 86_400,
            ..DelegationRow::default()
        }
    }

    #[test]
    fn saves_lists_and_expires() {
        let store = Store::open(":memory:").expect("open");
        store
            .write(|tx| {
                let mut a = row("request-aaaaaaaaaaaa", 10);
                save(tx, &a)?;
                save(tx, &row("request-bbbbbbbbbbbb", 5))?;
                assert!(workflow_taken(tx, "wf-request-aaaaaaaaaaaa")?);
                assert!(list_owned(tx, None, None, 10)?.is_empty());
                a.owner_id = Some("arn:aws:iam::123456789012:root".to_string());
                a.token = Some("tok".to_string());
                a.session_key = Some("ASIAEXAMPLE".to_string());
                save(tx, &a)?;
                let owned = list_owned(tx, None, None, 10)?;
                assert_eq!(owned.len(), 1);
                assert_eq!(get(tx, &a.id)?.as_ref(), Some(&a));
                assert_eq!(by_token(tx, "tok")?.map(|r| r.id), Some(a.id.clone()));
                assert!(is_delegated_key(tx, "ASIAEXAMPLE")?);
                assert!(list_owned(tx, Some("someone-else"), None, 10)?.is_empty());
                assert!(list_owned(tx, None, Some((10, &a.id)), 10)?.is_empty());
                assert_eq!(effective_state(&a, 10), "UNASSIGNED");
                assert_eq!(effective_state(&a, 10 + 86_400), "EXPIRED");
                purge_expired(tx, 5 + 86_400 + 1)?;
                assert!(get(tx, "request-bbbbbbbbbbbb")?.is_none());
                Ok(())
            })
            .expect("store");
    }
}
