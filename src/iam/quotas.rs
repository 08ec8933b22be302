//! IAM quotas (the IAM and STS quotas page), all in one table.

/// Users per account.
pub const USERS: i64 = 5000;
/// Groups per account.
pub const GROUPS: i64 = 300;
/// Groups a user can be in.
pub const GROUPS_PER_USER: i64 = 10;
/// Access keys per user.
pub const ACCESS_KEYS_PER_USER: i64 = 2;
/// Tags per resource.
pub const TAGS_PER_RESOURCE: usize = 50;
/// Customer managed policies per account.
pub const POLICIES: i64 = 1500;
/// Versions kept per managed policy.
pub const VERSIONS_PER_POLICY: i64 = 5;
/// Managed policies attached to a user, group or role.
pub const ATTACHED_POLICIES: i64 = 10;
/// Managed policy size, non-whitespace characters.
pub const POLICY_SIZE: usize = 6144;
/// Inline policies of one user, summed, non-whitespace characters.
pub const USER_POLICY_SIZE: usize = 2048;
/// Inline policies of one group, summed.
pub const GROUP_POLICY_SIZE: usize = 5120;
/// Inline policies of one role, summed.
pub const ROLE_POLICY_SIZE: usize = 10240;
/// Roles per account.
pub const ROLES: i64 = 1000;
/// Trust policy size.
pub const ASSUME_ROLE_POLICY_SIZE: usize = 2048;
/// Instance profiles per account.
pub const INSTANCE_PROFILES: i64 = 1000;
/// MFA devices per user.
pub const MFA_DEVICES_PER_USER: i64 = 8;
/// Server certificates per account.
pub const SERVER_CERTIFICATES: i64 = 20;
/// Signing certificates per user.
pub const SIGNING_CERTIFICATES_PER_USER: i64 = 2;
/// SSH public keys per user.
pub const SSH_PUBLIC_KEYS_PER_USER: i64 = 5;
/// Service-specific credentials per user per service.
pub const SERVICE_CREDENTIALS_PER_USER_PER_SERVICE: i64 = 2;
/// Account aliases.
pub const ACCOUNT_ALIASES: i64 = 1;
