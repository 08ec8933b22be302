//! THE one place an error becomes an HTTP response: code, status, Sender/Receiver, message.

use crate::api::Service;
use crate::error::ApiError;

/// Status and XML body for an error answered by `service`.
pub fn render(err: &ApiError, service: Service, request_id: &str) -> (u16, String) {
    let body = crate::wire::error::error_envelope(
        service.namespace(),
        err.sender_fault,
        &err.code,
        &err.message,
        request_id,
    );
    (err.status, body)
}

/// `MissingAction` (400).
pub fn missing_action() -> ApiError {
    ApiError::sender("MissingAction", "Missing Action")
}

/// `InvalidAction` (400) for an action the service does not have.
pub fn invalid_action(action: &str, version: &str) -> ApiError {
    ApiError::sender(
        "InvalidAction",
        format!("Could not find operation {action} for version {version}"),
    )
}

/// `MalformedQueryString`-style error for an undecodable body or query.
pub fn malformed_input(detail: &str) -> ApiError {
    ApiError::sender("MalformedInput", format!("The request could not be parsed: {detail}"))
}

/// AWS's answer to a request rate it will not serve (IAM and STS: `Throttling`, 400,
/// `Rate exceeded`); SDKs retry it with backoff.
pub fn throttled() -> ApiError {
    ApiError::new("Throttling", 400, true, "Rate exceeded")
}

/// 413 for bodies over the limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        "RequestEntityTooLarge",
        413,
        true,
        format!("Request body is larger than {limit} bytes."),
    )
}

/// `InvalidClientTokenId` (403): unknown, inactive or deleted access key.
pub fn invalid_client_token() -> ApiError {
    ApiError::new(
        "InvalidClientTokenId",
        403,
        true,
        "The security token included in the request is invalid.",
    )
}

/// `ExpiredToken` (403): temporary credentials past their expiry.
pub fn expired_token() -> ApiError {
    ApiError::new(
        "ExpiredToken",
        403,
        true,
        "The security token included in the request is expired",
    )
}

/// Error for a request body that arrived too slowly or broke off.
pub fn incomplete_body() -> ApiError {
    ApiError::sender("IncompleteBody", "The request body was not received in full.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_aws_shape() {
        let (status, body) = render(&invalid_client_token(), Service::Iam, "rid-1");
        assert_eq!(status, 403);
        assert_eq!(
            body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
             <Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>\
             </Error><RequestId>rid-1</RequestId></ErrorResponse>"
        );
    }
}
