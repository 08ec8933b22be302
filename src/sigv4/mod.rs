//! AWS Signature Version 4 verification: pure functions, no I/O, no clock.
//!
//! The server calls [`parse`] to find out whether (and how) a request is signed,
//! looks the access key up itself, then calls [`verify`] with the secret and the
//! current time.

mod canonical;
mod key;
mod parse;
mod verify;

#[cfg(test)]
mod tests_oracle;

pub use canonical::{canonical_request, sha256_hex, string_to_sign, UNSIGNED_PAYLOAD};
pub use key::{derive_signing_key, KeyCache};
pub use parse::parse;
pub use verify::verify;

/// The only signing algorithm localiam accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Allowed distance between the signing time and the server clock, both ways.
pub const MAX_SKEW_SECS: i64 = 15 * 60;
/// Largest `X-Amz-Expires` AWS accepts (seven days).
pub const MAX_EXPIRES_SECS: u64 = 604_800;

/// What the server knows about the HTTP request, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Raw path as received, e.g. `/` (not decoded).
    pub path: &'a str,
    /// Raw query string without `?`, may be empty.
    pub query: &'a str,
    /// Header names lowercased, values as received, repeated headers as repeated entries.
    pub headers: &'a [(String, String)],
    /// Request body bytes.
    pub body: &'a [u8],
}

impl RequestParts<'_> {
    /// Values of every header called `name` (lowercase), in the order received.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// First value of header `name` (lowercase), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A parsed, not yet verified, signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureInfo {
    /// Access key id from the credential scope.
    pub access_key_id: String,
    /// Scope date, `YYYYMMDD`.
    pub scope_date: String,
    /// Scope region.
    pub region: String,
    /// Scope service.
    pub service: String,
    /// Signed header names, lowercased, in the order given by the client.
    pub signed_headers: Vec<String>,
    /// Signature as sent by the client.
    pub signature: String,
    /// Signing time, `YYYYMMDDTHHMMSSZ` (from `X-Amz-Date`, or the `Date` header converted).
    pub amz_date: String,
    /// `X-Amz-Security-Token` header or query parameter.
    pub security_token: Option<String>,
    /// True when the signature came from query parameters.
    pub presigned: bool,
    /// `X-Amz-Expires` for presigned requests.
    pub expires_secs: Option<u64>,
}

/// Why a request's signature was rejected, with AWS's code, status and wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// The request carries no authentication at all.
    MissingAuthenticationToken,
    /// The signature information is malformed or incomplete (`IncompleteSignature`, 400).
    Incomplete(String),
    /// The credential scope names another service.
    WrongService {
        /// The service this endpoint serves.
        expected: String,
    },
    /// The credential scope's region is empty.
    InvalidRegion {
        /// Region as sent.
        region: String,
    },
    /// The credential scope's terminator is not `aws4_request`.
    InvalidTerminator {
        /// Terminator as sent.
        terminator: String,
    },
    /// Scope date differs from the date part of the signing time.
    ScopeDateMismatch {
        /// Date from the credential scope.
        scope_date: String,
        /// Signing time.
        amz_date: String,
    },
    /// The signing time (plus validity) lies too far in the past.
    Expired {
        /// Signing time.
        amz_date: String,
        /// Earliest acceptable signing time.
        earliest: String,
        /// Server time.
        now: String,
        /// Window as AWS words it, e.g. `15 min`.
        window: String,
    },
    /// The signing time lies too far in the future.
    NotYetCurrent {
        /// Signing time.
        amz_date: String,
        /// Latest acceptable signing time.
        latest: String,
        /// Server time.
        now: String,
    },
    /// `host` is not among the signed headers.
    HostNotSigned,
    /// `x-amz-content-sha256` does not match the body.
    PayloadHashMismatch,
    /// The signature does not match; carries what the server computed, for debugging.
    Mismatch {
        /// Canonical request the server computed.
        canonical_request: String,
        /// String to sign the server computed.
        string_to_sign: String,
    },
}

impl SigError {
    /// The error for a request that carries no authentication.
    pub fn missing() -> Self {
        SigError::MissingAuthenticationToken
    }

    /// AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            SigError::MissingAuthenticationToken => "MissingAuthenticationToken",
            SigError::Incomplete(_) => "IncompleteSignature",
            _ => "SignatureDoesNotMatch",
        }
    }

    /// HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            SigError::Incomplete(_) => 400,
            _ => 403,
        }
    }

    /// Human-readable message in AWS's words.
    pub fn message(&self) -> String {
        match self {
            SigError::MissingAuthenticationToken => "Request is missing Authentication Token".to_owned(),
            SigError::Incomplete(m) => m.clone(),
            SigError::WrongService { expected } => {
                format!("Credential should be scoped to correct service: '{expected}'. ")
            }
            SigError::InvalidRegion { region } => {
                format!("Credential should be scoped to a valid region, not '{region}'. ")
            }
            SigError::InvalidTerminator { terminator } => {
                format!("Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. ")
            }
            SigError::ScopeDateMismatch { scope_date, amz_date } => format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
                 '{scope_date}' != '{}', from '{amz_date}'.",
                amz_date.get(..8).unwrap_or(amz_date)
            ),
            SigError::Expired {
                amz_date,
                earliest,
                now,
                window,
            } => {
                format!("Signature expired: {amz_date} is now earlier than {earliest} ({now} - {window}.)")
            }
            SigError::NotYetCurrent { amz_date, latest, now } => {
                format!("Signature not yet current: {amz_date} is still later than {latest} ({now} + 15 min.)")
            }
            SigError::HostNotSigned => {
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned()
            }
            SigError::PayloadHashMismatch => {
                "The provided 'x-amz-content-sha256' header does not match what was computed.".to_owned()
            }
            SigError::Mismatch { .. } => "The request signature we calculated does not match the signature you \
                 provided. Check your AWS Secret Access Key and signing method. Consult the service documentation \
                 for details."
                .to_owned(),
        }
    }

    /// The message plus, for a mismatch, the canonical request and string to sign, as AWS's
    /// query-protocol services append them.
    pub fn message_with_details(&self) -> String {
        match self {
            SigError::Mismatch {
                canonical_request,
                string_to_sign,
            } => format!(
                "{}\n\nThe Canonical String for this request should have been\n'{canonical_request}'\n\n\
                 The String-to-Sign should have been\n'{string_to_sign}'\n",
                self.message()
            ),
            _ => self.message(),
        }
    }
}

impl std::fmt::Display for SigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code(), self.status(), self.message())
    }
}

impl std::error::Error for SigError {}
