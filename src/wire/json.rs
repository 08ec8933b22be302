//! The JSON protocols' error body (`awsJson1_1` and `restJson1`): `{"__type": …, "message": …}`.

/// The JSON services' name for an error the shared layers raise under its Query-protocol code
/// (authentication and throttling happen before the service is known to speak JSON).
pub fn json_code(code: &str) -> &str {
    match code {
        "InvalidClientTokenId" => "UnrecognizedClientException",
        "SignatureDoesNotMatch" => "InvalidSignatureException",
        "IncompleteSignature" => "IncompleteSignatureException",
        "MissingAuthenticationToken" => "MissingAuthenticationTokenException",
        "ExpiredToken" => "ExpiredTokenException",
        "AccessDenied" => "AccessDeniedException",
        "Throttling" => "ThrottlingException",
        "ServiceFailure" => "InternalFailure",
        other => other,
    }
}

/// The error body, with `extra` members (Access Analyzer's `reason`, `fieldList`) after `message`.
pub fn error_body(code: &str, message: &str, extra: Option<&serde_json::Map<String, serde_json::Value>>) -> String {
    let mut body = serde_json::Map::new();
    body.insert("__type".into(), code.into());
    body.insert("message".into(), message.into());
    if let Some(extra) = extra {
        body.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    serde_json::Value::Object(body).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_errors_take_the_json_names() {
        assert_eq!(json_code("InvalidClientTokenId"), "UnrecognizedClientException");
        assert_eq!(json_code("AccessDenied"), "AccessDeniedException");
        assert_eq!(json_code("InvalidNextTokenException"), "InvalidNextTokenException");
    }

    #[test]
    fn body_escapes_the_message() {
        assert_eq!(
            error_body("X", "a \"b\"", None),
            r#"{"__type":"X","message":"a \"b\""}"#
        );
    }
}
