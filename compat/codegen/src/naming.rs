//! Identifier conversions: model names → Rust names, and literal quoting.

/// Splits `AddClientIDToOpenIDConnectProvider` into `Add Client ID To Open ID Connect Provider`.
/// An upper-case run ends before its last capital when a lower-case letter follows it
/// (`IDTo` → `ID`, `To`), except for a plural `s` (`ARNs` stays one word).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            let plural_s = next == Some('s') && after.is_none_or(|a| a.is_ascii_uppercase());
            let starts_word = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()) && !plural_s);
            if starts_word {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `add_client_id_to_open_id_connect_provider`.
pub fn snake(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `USER_NAME_TYPE`.
pub fn screaming(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

/// `UserName` → `userName`, the member path AWS reports in validation errors.
pub fn lc_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `userNameType` → `UserNameType`.
pub fn uc_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A snake_case field or function name, escaped when it is a keyword (`type` → `r#type`).
pub fn field_ident(name: &str) -> String {
    let s = snake(name);
    if matches!(s.as_str(), "self" | "super" | "crate") {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// A Rust string literal for `s` (raw when it holds backslashes and no quotes).
pub fn lit(s: &str) -> String {
    if s.contains('\\') && !s.contains('"') && !s.chars().any(char::is_control) {
        format!("r\"{s}\"")
    } else {
        format!("{s:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        for (model, rust) in [
            (
                "AddClientIDToOpenIDConnectProvider",
                "add_client_id_to_open_id_connect_provider",
            ),
            ("GetSAMLProvider", "get_saml_provider"),
            ("CreateVirtualMFADevice", "create_virtual_mfa_device"),
            ("AssumeRoleWithSAML", "assume_role_with_saml"),
            ("ListMFADevices", "list_mfa_devices"),
            ("UpdateSSHPublicKey", "update_ssh_public_key"),
            ("SAMLProviderArn", "saml_provider_arn"),
            ("OpenIDConnectProviderArn", "open_id_connect_provider_arn"),
            ("IsTruncated", "is_truncated"),
            ("QRCodePNG", "qr_code_png"),
            ("Base32StringSeed", "base32_string_seed"),
            ("ARNs", "arns"),
            ("PolicyARNs", "policy_arns"),
            ("userNameType", "user_name_type"),
        ] {
            assert_eq!(snake(model), rust, "{model}");
        }
        assert_eq!(field_ident("Type"), "r#type");
        assert_eq!(lc_first("UserName"), "userName");
    }
}
