//! Numbered schema migrations, tracked with `PRAGMA user_version`.

use rusqlite::Connection;

/// Each entry moves the schema from version N to N+1. Never edit a landed entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: identities, credentials, account settings, tags, policies and attachments.
    "
    CREATE TABLE users (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, name_lc TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
        created TEXT NOT NULL, password_last_used TEXT, boundary TEXT);
    CREATE TABLE groups (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, name_lc TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
        created TEXT NOT NULL);
    CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, PRIMARY KEY (group_id, user_id));
    CREATE INDEX group_members_user ON group_members(user_id);
    CREATE TABLE access_keys (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        secret TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL,
        last_used TEXT, last_service TEXT, last_region TEXT);
    CREATE INDEX access_keys_user ON access_keys(user_id);
    CREATE TABLE login_profiles (
        user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        hash TEXT NOT NULL, created TEXT NOT NULL, reset_required INTEGER NOT NULL);
    CREATE TABLE password_history (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, hash TEXT NOT NULL,
        seq INTEGER PRIMARY KEY AUTOINCREMENT);
    CREATE TABLE password_policy (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
    CREATE TABLE account_aliases (alias TEXT PRIMARY KEY);
    CREATE TABLE account_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE tags (
        kind TEXT NOT NULL, owner TEXT NOT NULL, key TEXT NOT NULL, key_lc TEXT NOT NULL,
        value TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (kind, owner, key_lc));
    CREATE TABLE policies (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, name_lc TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
        description TEXT, default_version TEXT NOT NULL, next_version INTEGER NOT NULL,
        created TEXT NOT NULL, updated TEXT NOT NULL);
    CREATE TABLE policy_versions (
        policy_id TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE, version TEXT NOT NULL,
        document TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (policy_id, version));
    CREATE TABLE attachments (
        entity_kind TEXT NOT NULL, entity_id TEXT NOT NULL, policy TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (entity_kind, entity_id, policy));
    CREATE INDEX attachments_policy ON attachments(policy);
    CREATE TABLE roles (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, name_lc TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
        created TEXT NOT NULL, description TEXT, max_session INTEGER NOT NULL, trust_policy TEXT NOT NULL,
        boundary TEXT, last_used TEXT, last_region TEXT);
    CREATE TABLE instance_profiles (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, name_lc TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
        created TEXT NOT NULL);
    CREATE TABLE instance_profile_roles (
        profile_id TEXT NOT NULL REFERENCES instance_profiles(id) ON DELETE CASCADE,
        role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE, PRIMARY KEY (profile_id, role_id));
    CREATE INDEX instance_profile_roles_role ON instance_profile_roles(role_id);
    CREATE TABLE oidc_providers (
        arn_suffix TEXT PRIMARY KEY, url TEXT NOT NULL, client_ids TEXT NOT NULL, thumbprints TEXT NOT NULL,
        created TEXT NOT NULL);
    CREATE TABLE saml_providers (
        name TEXT PRIMARY KEY, metadata TEXT NOT NULL, created TEXT NOT NULL, valid_until TEXT NOT NULL);
    CREATE TABLE slr_deletion_tasks (id TEXT PRIMARY KEY, created TEXT NOT NULL);
    CREATE TABLE sessions (
        access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, token TEXT NOT NULL, expires INTEGER NOT NULL,
        kind TEXT NOT NULL, subject TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX sessions_expires ON sessions(expires);
    CREATE TABLE mfa_devices (
        serial TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, seed TEXT NOT NULL, created TEXT NOT NULL,
        user_id TEXT REFERENCES users(id) ON DELETE SET NULL, enabled TEXT, last_code_step INTEGER);
    CREATE TABLE inline_policies (
        entity_kind TEXT NOT NULL, entity_id TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,
        PRIMARY KEY (entity_kind, entity_id, name));
    CREATE TABLE activity (
        principal_kind TEXT NOT NULL, principal_id TEXT NOT NULL, service TEXT NOT NULL, action TEXT NOT NULL,
        region TEXT NOT NULL, last TEXT NOT NULL, PRIMARY KEY (principal_kind, principal_id, service, action));
    CREATE TABLE credential_report (id INTEGER PRIMARY KEY CHECK (id = 1), generated TEXT NOT NULL,
        content TEXT NOT NULL);
    CREATE TABLE advisor_jobs (id TEXT PRIMARY KEY, created TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE TABLE server_certificates (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, path TEXT NOT NULL, body TEXT NOT NULL,
        private_key TEXT NOT NULL, chain TEXT, uploaded TEXT NOT NULL, expiration TEXT NOT NULL);
    CREATE TABLE user_credentials (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, kind TEXT NOT NULL,
        body TEXT NOT NULL, service TEXT, service_user TEXT, fingerprint TEXT, status TEXT NOT NULL,
        created TEXT NOT NULL, expires TEXT);
    CREATE INDEX user_credentials_user ON user_credentials(user_id, kind);
    ",
    // 2: IAM temporary delegation requests, their trade-in tokens and the credentials bought with them.
    "
    CREATE TABLE delegation_requests (
        id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL UNIQUE, state TEXT NOT NULL, owner_account_id TEXT,
        owner_id TEXT, approver_id TEXT, acceptor TEXT, requestor_id TEXT NOT NULL, requestor_name TEXT NOT NULL,
        description TEXT NOT NULL, request_message TEXT, template_arn TEXT NOT NULL, parameters TEXT NOT NULL,
        permission_policy TEXT NOT NULL, redirect_url TEXT, notification_channel TEXT NOT NULL,
        session_duration INTEGER NOT NULL, only_send_by_owner INTEGER NOT NULL, notes TEXT, rejection_reason TEXT,
        created INTEGER NOT NULL, updated INTEGER NOT NULL, expires INTEGER NOT NULL, token TEXT UNIQUE,
        token_expires INTEGER, session_key TEXT UNIQUE);
    CREATE INDEX delegation_requests_owner ON delegation_requests(owner_id, created);
    ",
    // 3: the request journal (CloudTrail event history, Access Advisor's source): one row per batch
    // of events, their JSON lines oldest first (store/journal.rs).
    "
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, count INTEGER NOT NULL,
        events TEXT NOT NULL);
    ",
];

/// Tables emptied by a reset, children first.
const TABLES: &[&str] = &[
    "journal",
    "delegation_requests",
    "user_credentials",
    "server_certificates",
    "advisor_jobs",
    "credential_report",
    "activity",
    "inline_policies",
    "mfa_devices",
    "sessions",
    "slr_deletion_tasks",
    "saml_providers",
    "oidc_providers",
    "instance_profile_roles",
    "instance_profiles",
    "roles",
    "attachments",
    "policy_versions",
    "policies",
    "tags",
    "account_aliases",
    "account_settings",
    "password_policy",
    "password_history",
    "login_profiles",
    "access_keys",
    "group_members",
    "groups",
    "users",
];

/// Brings the schema up to the newest version.
pub fn apply(conn: &Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version > current {
            conn.execute_batch(&format!("BEGIN; {sql}; PRAGMA user_version = {version}; COMMIT;"))?;
        }
    }
    Ok(())
}

/// Deletes every row of every table.
pub fn clear(conn: &Connection) -> rusqlite::Result<()> {
    for t in TABLES {
        conn.execute(&format!("DELETE FROM {t}"), [])?;
    }
    Ok(())
}
