//! AWS-owned data compiled into the binary and parsed on first use, so start-up stays fast.

pub mod actions;
pub mod managed;
