//! Integration tests: the official AWS SDKs and raw HTTP against a server on port 0.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod smoke;
mod access_keys;
mod account;
mod attachments;
mod authorization_details;
mod enforcement;
mod groups;
mod inline_policies;
mod instance_profiles;
mod login_profiles;
mod mfa;
mod persistence;
mod sessions;
mod simulate;
mod policies;
mod providers;
mod roles;
mod sigv4;
mod sts;
mod users;
mod wire;
