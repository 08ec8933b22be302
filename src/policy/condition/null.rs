//! `Null`: "true" means the key must be absent, "false" that it must be present.

/// Parses "true"/"false" (case-insensitive); `None` for anything else.
pub fn compile(raw: &[String]) -> Option<Vec<bool>> {
    raw.iter()
        .map(|r| match r.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
        .collect()
}

/// True when any policy value agrees with the key's presence.
pub fn matches(wanted_absent: &[bool], present: bool) -> bool {
    wanted_absent.iter().any(|&absent| absent != present)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null() {
        assert!(matches(&[true], false));
        assert!(!matches(&[true], true));
        assert!(matches(&[false], true));
        assert!(compile(&["TRUE".into()]).is_some());
        assert!(compile(&["1".into()]).is_none());
    }
}
