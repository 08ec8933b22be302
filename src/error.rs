//! The error value every layer returns; `server::errors` turns it into AWS's XML envelope.

use std::borrow::Cow;

/// An AWS-shaped error: code, HTTP status, fault side and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// AWS error code, e.g. `NoSuchEntity`.
    pub code: Cow<'static, str>,
    /// HTTP status code.
    pub status: u16,
    /// True when the caller is at fault (`<Type>Sender</Type>`), false for `Receiver`.
    pub sender_fault: bool,
    /// Human-readable message, as AWS words it.
    pub message: String,
    /// Members the JSON protocols add after `message` (Access Analyzer's `reason`, `fieldList`);
    /// the Query protocol's XML has no place for them.
    pub extra: Option<Box<serde_json::Map<String, serde_json::Value>>>,
}

impl ApiError {
    /// Builds an error from its parts.
    pub fn new(code: &'static str, status: u16, sender_fault: bool, message: impl Into<String>) -> Self {
        ApiError {
            code: Cow::Borrowed(code),
            status,
            sender_fault,
            message: message.into(),
            extra: None,
        }
    }

    /// The same error with members for the JSON error body.
    pub fn with_extra(mut self, extra: serde_json::Map<String, serde_json::Value>) -> Self {
        self.extra = Some(Box::new(extra));
        self
    }

    /// A modelled operation that localiam does not implement yet (501).
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            "NotImplemented",
            501,
            false,
            format!("The operation {operation} is not implemented by localiam."),
        )
    }

    /// AWS's `ValidationError` (400) with a ready message.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationError", 400, true, message)
    }

    /// `InvalidParameterValue`-style errors that carry their own code.
    pub fn sender(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, 400, true, message)
    }

    /// An internal failure; the cause is logged by the caller, never sent.
    pub fn internal() -> Self {
        Self::new("ServiceFailure", 500, false, "An internal error occurred.")
    }

    /// Whether this error means the operation has no handler yet.
    pub fn is_not_implemented(&self) -> bool {
        self.code == "NotImplemented"
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

/// Result alias used by handlers.
pub type ApiResult<T> = Result<T, ApiError>;
