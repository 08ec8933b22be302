//! Server configuration: defaults and the partition/ARN facts derived from it.

use std::net::SocketAddr;

/// Whether SigV4 signatures are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Every request except the unsigned STS federation calls needs a valid signature.
    Strict,
    /// Signatures are parsed when present but never checked; every caller is root.
    Off,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable text lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Everything `localiam serve` can be told.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// `:memory:` or a SQLite file path.
    pub state: String,
    /// The account every resource belongs to.
    pub account_id: String,
    /// Default region when a request does not say.
    pub region: String,
    /// Access key id of the account's root user.
    pub root_access_key_id: String,
    /// Secret key of the account's root user.
    pub root_secret_access_key: String,
    /// Signature checking mode.
    pub auth: AuthMode,
    /// Whether non-root calls are authorized against their policies.
    pub enforce: bool,
    /// Log format.
    pub log_format: LogFormat,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Whether the local IAM console is served under `/console/`.
    pub console: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 4593)),
            state: ":memory:".to_string(),
            account_id: "123456789012".to_string(),
            region: "us-east-1".to_string(),
            root_access_key_id: "test".to_string(),
            root_secret_access_key: "test".to_string(),
            auth: AuthMode::Strict,
            enforce: true,
            log_format: LogFormat::Text,
            max_body_bytes: 1024 * 1024,
            console: true,
        }
    }
}

/// Rejects settings the server cannot honour, with a message for the command line.
pub fn check(config: &Config) -> Result<(), String> {
    if config.account_id.len() != 12 || !config.account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("--account-id must be 12 digits, not '{}'", config.account_id));
    }
    if config.root_access_key_id.is_empty() || config.root_secret_access_key.is_empty() {
        return Err("root credentials must not be empty".to_string());
    }
    if config.region.is_empty() {
        return Err("--region must not be empty".to_string());
    }
    Ok(())
}

/// The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, ISO partitions).
pub fn partition_for_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_follow_region_prefixes() {
        assert_eq!(partition_for_region("us-east-1"), "aws");
        assert_eq!(partition_for_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_for_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_for_region("us-iso-east-1"), "aws-iso");
        assert_eq!(partition_for_region("us-isob-east-1"), "aws-iso-b");
    }
}
