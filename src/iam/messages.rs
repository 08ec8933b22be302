//! IAM's error messages, worded as AWS words them, in one place.

use crate::api::errors;
use crate::error::ApiError;

/// NoSuchEntity for a user.
pub fn no_such_user(name: &str) -> ApiError {
    errors::no_such_entity(format!("The user with name {name} cannot be found."))
}

/// NoSuchEntity for a group.
pub fn no_such_group(name: &str) -> ApiError {
    errors::no_such_entity(format!("The group with name {name} cannot be found."))
}

/// NoSuchEntity for an access key.
pub fn no_such_access_key(id: &str) -> ApiError {
    errors::no_such_entity(format!("The Access Key with id {id} cannot be found."))
}

/// NoSuchEntity for a missing login profile.
pub fn no_login_profile(user: &str) -> ApiError {
    errors::no_such_entity(format!("Login Profile for User {user} cannot be found."))
}

/// An operation that defaults to the calling user was called by root without a user name.
pub fn root_has_no_user() -> ApiError {
    errors::no_such_entity("The root user cannot be used for this operation; specify a UserName.")
}

/// An operation that defaults to the calling user was called by a role or federated session
/// without a user name. AWS-recorded: LocalStack test_iam.py
/// `test_get_user_without_username_as_role` (AWS-validated).
pub fn user_name_required() -> ApiError {
    ApiError::validation("Must specify userName when calling with non-User credentials")
}

/// EntityAlreadyExists for a named entity kind (`User`, `Group`, …).
pub fn already_exists(kind: &str, name: &str) -> ApiError {
    errors::entity_already_exists(format!("{kind} with name {name} already exists."))
}

/// DeleteConflict with AWS's "Cannot delete entity, must … first." text.
pub fn delete_conflict(what: &str) -> ApiError {
    errors::delete_conflict(format!("Cannot delete entity, must {what} first."))
}

/// LimitExceeded for a named quota.
pub fn quota_exceeded(quota: &str, limit: i64) -> ApiError {
    errors::limit_exceeded(format!("Cannot exceed quota for {quota}: {limit}"))
}

/// NoSuchEntity for a role.
pub fn no_such_role(name: &str) -> ApiError {
    errors::no_such_entity(format!("The role with name {name} cannot be found."))
}

/// UnmodifiableEntity for a service-linked (AWS-protected) role.
pub fn protected_role(name: &str) -> ApiError {
    errors::unmodifiable_entity(format!(
        "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
    ))
}

/// NoSuchEntity for an instance profile.
pub fn no_such_instance_profile(name: &str) -> ApiError {
    errors::no_such_entity(format!("Instance Profile {name} cannot be found."))
}
