//! Integration tests: the official AWS SDKs and raw HTTP against a server on port 0.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod smoke;
