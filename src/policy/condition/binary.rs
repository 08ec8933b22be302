//! `BinaryEquals`: policy values are base64; context values are base64 of the request bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Decodes every value; `None` if any is not valid base64.
pub fn compile(raw: &[String]) -> Option<Vec<Vec<u8>>> {
    raw.iter().map(|r| STANDARD.decode(r.trim()).ok()).collect()
}

/// True when the decoded context value equals any policy value.
pub fn matches(policy: &[Vec<u8>], value: &str) -> bool {
    match STANDARD.decode(value.trim()) {
        Ok(bytes) => policy.contains(&bytes),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary() {
        let p = compile(&["QmluYXJ5".into()]).unwrap();
        assert_eq!(p[0], b"Binary");
        assert!(matches(&p, "QmluYXJ5"));
        assert!(!matches(&p, "QmluYXJy"));
        assert!(!matches(&p, "%%%"));
        assert!(compile(&["%%%".into()]).is_none());
    }
}
