//! Integration tests: the official AWS SDKs and raw HTTP against a server on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod access_keys;
mod account;
mod advisor;
mod attachments;
mod authorization_details;
mod common;
mod credentials;
mod delegation;
mod enforcement;
mod events;
mod groups;
mod inline_policies;
mod instance_profiles;
mod login_profiles;
mod mfa;
mod misc_ops;
mod persistence;
mod policies;
mod providers;
mod roles;
mod saml;
mod service_linked_roles_fidelity;
mod sessions;
mod shapes_fidelity;
mod sigv4;
mod simulate;
mod smoke;
mod sts;
mod sts_tags_fidelity;
mod users;
mod validation_order;
mod web_identity_token;
mod wire;
