//! AWS Organizations, the part IAM depends on: the organization, its accounts and OUs, SCPs and
//! RCPs with their attachments, over Organizations' own wire (awsJson1_1,
//! `AWSOrganizationsV20161128.*`, signing name `organizations`). The state is in `state.rs`;
//! enforcement reads it through `authz` (SCP levels for every call by a member account).

mod ops;
mod read_ops;
pub mod state;

pub use ops::{dispatch, OrgOp};
