//! What a handler knows about the request it serves.

use std::net::IpAddr;
use std::sync::Arc;

use crate::accounts::Account;
use crate::api::Operation;
use crate::app::App;
use crate::identity::Principal;

/// What a request asks for: an operation of the Query-protocol models (IAM, STS) or of one of
/// the JSON-protocol services served beside them (`crate::services`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// An IAM or STS operation.
    Query(Operation),
    /// A CloudTrail or Access Analyzer operation.
    Json(crate::services::JsonOp),
}

impl Call {
    /// The IAM action it is authorized as (`iam:GetUser`, `cloudtrail:LookupEvents`).
    pub fn action(self) -> &'static str {
        match self {
            Call::Query(op) => op.action(),
            Call::Json(op) => op.action(),
        }
    }

    /// The operation's name, as the service's model spells it.
    pub fn name(self) -> &'static str {
        match self {
            Call::Query(op) => op.name(),
            Call::Json(op) => op.name(),
        }
    }
}

/// Per-request context handed to every handler.
pub struct Ctx {
    /// The running service.
    pub app: Arc<App>,
    /// The operation being served.
    pub op: Call,
    /// Who is calling.
    pub principal: Principal,
    /// The caller's account: the IAM namespace the request works in.
    pub account: Arc<Account>,
    /// Access key id that signed the request, if any.
    pub access_key_id: Option<String>,
    /// Signing region (or the configured default).
    pub region: String,
    /// Partition of that region: every ARN the server makes uses it.
    pub partition: &'static str,
    /// Request id echoed in the response.
    pub request_id: String,
    /// Client address (`aws:SourceIp`).
    pub source_ip: IpAddr,
    /// Time the request arrived.
    pub now: time::OffsetDateTime,
}

impl Ctx {
    /// The caller's account id.
    pub fn account(&self) -> &str {
        &self.account.id
    }

    /// The caller's account's state.
    pub fn store(&self) -> &crate::store::Store {
        &self.account.store
    }

    /// The same request working in another account's namespace (STS issuing a session of a role
    /// in the account that owns it).
    pub fn in_account(&self, account: Arc<Account>) -> Ctx {
        Ctx {
            app: self.app.clone(),
            op: self.op,
            principal: self.principal.clone(),
            account,
            access_key_id: self.access_key_id.clone(),
            region: self.region.clone(),
            partition: self.partition,
            request_id: self.request_id.clone(),
            source_ip: self.source_ip,
            now: self.now,
        }
    }

    /// `arn:PARTITION:iam::ACCOUNT:RESOURCE`.
    pub fn iam_arn(&self, resource: &str) -> String {
        // `concat` rather than `format!`: several ARNs are built for every request.
        ["arn:", self.partition, ":iam::", self.account(), ":", resource].concat()
    }

    /// The caller's ARN.
    pub fn caller_arn(&self) -> String {
        self.principal.arn(self.partition, self.account())
    }

    /// The request time as IAM writes it.
    pub fn now_iso(&self) -> String {
        crate::store::format_time(self.now)
    }
}
