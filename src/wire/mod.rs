//! The AWS Query protocol on the wire: form bodies in, XML out.

pub mod decode;
pub mod error;
pub mod form;
pub mod json;
pub mod xml;
