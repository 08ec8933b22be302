//! Service-linked roles: created for an AWS service under `/aws-service-role/SERVICE/` with a trust
//! policy for that service and its AWS managed policy; deleted through a (synchronous) task.

use crate::api::errors;
use crate::api::iam::*;
use crate::catalog::managed::catalog;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::policies::{self as policy_store, Entity};
use crate::store::roles::{self as store, RoleRow};
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{ids, instance_profiles};

use super::roles::{self, SERVICE_ROLE_PATH};

/// One service that supports service-linked roles, from `compat/data/service-linked-roles.json`
/// (sources per entry there and in compat/data/SOURCES.md).
#[derive(Debug, serde::Deserialize)]
struct LinkedService {
    service: String,
    role_name: String,
    policy: Option<String>,
    custom_suffix: bool,
    /// The description AWS gives the role when the request has none (recorded for a few services).
    #[serde(default)]
    description: Option<String>,
}

fn known_services() -> &'static [LinkedService] {
    static SERVICES: std::sync::OnceLock<Vec<LinkedService>> = std::sync::OnceLock::new();
    SERVICES.get_or_init(|| {
        serde_json::from_str(include_str!("../../compat/data/service-linked-roles.json")).unwrap_or_default()
    })
}

/// The role name, managed policy and custom-suffix rule for a service the data file knows.
fn naming(service: &str) -> Option<&'static LinkedService> {
    known_services().iter().find(|s| s.service == service)
}

/// AWS refuses a service it has no service-linked role for with AccessDenied and this sentence
/// (quoted from AWS in two public projects: `bedrock-agentcore.amazonaws.com` in a runtime
/// troubleshooting note, `account.amazonaws.com` in a Terraform comment). The 403 status is
/// IAM's usual one for AccessDenied, not recorded.
fn no_template(service: &str) -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        format!("Cannot find Service Linked Role template for {service}"),
    )
}

fn trust_policy(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The service a service-linked role belongs to, from its path.
fn service_of(r: &RoleRow) -> &str {
    r.path
        .strip_prefix(SERVICE_ROLE_PATH)
        .unwrap_or("")
        .trim_end_matches('/')
}

/// CreateServiceLinkedRole.
pub fn create_service_linked_role(
    ctx: &Ctx,
    input: CreateServiceLinkedRoleRequest,
) -> ApiResult<CreateServiceLinkedRoleResponse> {
    let service = input.aws_service_name.clone();
    let known = naming(&service);
    let mut name = known.map(|s| s.role_name.clone()).unwrap_or_default();
    let policy = known.and_then(|s| s.policy.as_deref());
    if let Some(suffix) = &input.custom_suffix {
        if known.is_some_and(|s| !s.custom_suffix) {
            return Err(errors::invalid_input(format!(
                "Custom suffix is not allowed for {service}"
            )));
        }
        name = format!("{name}_{suffix}");
    }
    let path = format!("{SERVICE_ROLE_PATH}{service}/");
    ctx.store().write(|tx| {
        ctx.authorize_with(
            tx,
            &ctx.iam_arn(&format!("role{path}{name}")),
            &[("iam:AWSServiceName".to_string(), vec![service.clone()])],
        )?;
        if known.is_none() {
            return Err(no_template(&service));
        }
        if name.len() > 64 {
            return Err(errors::invalid_input(format!(
                "The role name {name} is longer than 64 characters."
            )));
        }
        let row = RoleRow {
            id: ids::unique_id(ids::prefix::ROLE),
            name: name.clone(),
            path: path.clone(),
            created: ctx.now_iso(),
            description: input
                .description
                .clone()
                .or_else(|| known.and_then(|s| s.description.clone())),
            max_session: roles::DEFAULT_MAX_SESSION,
            trust_policy: trust_policy(&service),
            boundary: None,
            last_used: None,
        };
        roles::insert_checked(tx, &row, &[], || {
            errors::invalid_input(format!(
                "Service role name {name} has been taken in this account, please try a different suffix."
            ))
        })?;
        if let Some(p) = policy.and_then(|p| catalog().by_resource(&format!("policy/aws-service-role/{p}"))) {
            policy_store::attach(tx, Entity::Role, &row.id, &p.id)?;
        }
        Ok(CreateServiceLinkedRoleResponse {
            role: Some(roles::to_api(ctx, tx, &row, roles::RoleView::Created)?),
        })
    })
}

/// DeleteServiceLinkedRole: deletes the role with its policies at once and returns a task id
/// that reports SUCCEEDED.
pub fn delete_service_linked_role(
    ctx: &Ctx,
    input: DeleteServiceLinkedRoleRequest,
) -> ApiResult<DeleteServiceLinkedRoleResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, &roles::resource_arn(ctx, tx, &input.role_name)?)?;
        let r = roles::load(tx, &input.role_name)?;
        if !roles::is_service_linked(&r) {
            return Err(errors::invalid_input(format!(
                "Role {} is not a service-linked role.",
                r.name
            )));
        }
        if instance_profiles::count_for_role(tx, &r.id)? > 0 {
            return Err(super::messages::delete_conflict("remove roles from instance profile"));
        }
        for id in policy_store::attached(tx, Entity::Role, &r.id)? {
            policy_store::detach(tx, Entity::Role, &r.id, &id)?;
        }
        for (n, _) in policy_store::inlines(tx, Entity::Role, &r.id)? {
            policy_store::delete_inline(tx, Entity::Role, &r.id, &n)?;
        }
        tag_store::clear(tx, Kind::Role, &r.id)?;
        store::delete(tx, &r.id)?;
        let task = format!(
            "task/aws-service-role/{}/{}/{}",
            service_of(&r),
            r.name,
            uuid::Uuid::new_v4()
        );
        store::insert_deletion_task(tx, &task, &ctx.now_iso())?;
        Ok(DeleteServiceLinkedRoleResponse { deletion_task_id: task })
    })
}

/// GetServiceLinkedRoleDeletionStatus.
pub fn get_service_linked_role_deletion_status(
    ctx: &Ctx,
    input: GetServiceLinkedRoleDeletionStatusRequest,
) -> ApiResult<GetServiceLinkedRoleDeletionStatusResponse> {
    ctx.store().read(|c| {
        let id = input.deletion_task_id.as_str();
        let parts: Vec<&str> = id.split('/').collect();
        let (Some(&"task"), Some(&"aws-service-role"), Some(service), Some(role), Some(_), None) = (
            parts.first(),
            parts.get(1),
            parts.get(2),
            parts.get(3),
            parts.get(4),
            parts.get(5),
        ) else {
            ctx.authorize(c, "*")?;
            return Err(errors::invalid_input(format!("Invalid deletion task id: {id}")));
        };
        ctx.authorize(c, &ctx.iam_arn(&format!("role{SERVICE_ROLE_PATH}{service}/{role}")))?;
        if !store::deletion_task_exists(c, id)? {
            return Err(errors::no_such_entity(format!("Deletion task {id} cannot be found.")));
        }
        Ok(GetServiceLinkedRoleDeletionStatusResponse {
            status: "SUCCEEDED".to_string(),
            reason: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_recorded_and_unknown_services() {
        // AWS-recorded names (LocalStack test_iam.snapshot.json).
        let name = |s: &str| naming(s).map(|s| s.role_name.as_str());
        let suffix = |s: &str| naming(s).is_some_and(|s| s.custom_suffix);
        assert_eq!(name("acm.amazonaws.com"), Some("AWSServiceRoleForCertificateManager"));
        assert_eq!(
            name("cks.kms.amazonaws.com"),
            Some("AWSServiceRoleForKeyManagementServiceCustomKeyStores")
        );
        assert_eq!(name("appmesh.amazonaws.com"), Some("AWSServiceRoleForAppMesh"));
        assert_eq!(
            name("ecs.application-autoscaling.amazonaws.com"),
            Some("AWSServiceRoleForApplicationAutoScaling_ECSService")
        );
        assert!(suffix("autoscaling.amazonaws.com"), "autoscaling takes a custom suffix");
        assert!(!suffix("elasticbeanstalk.amazonaws.com"), "recorded: it does not");
        assert_eq!(name("my-new-thing.amazonaws.com"), None);
    }

    #[test]
    fn data_file_is_consistent() {
        let all = known_services();
        assert!(all.len() >= 170, "{}", all.len());
        let mut services = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for s in all {
            assert!(services.insert(&s.service), "duplicate {}", s.service);
            assert!(names.insert(&s.role_name), "duplicate {}", s.role_name);
            assert!(s.role_name.starts_with("AWSServiceRoleFor"), "{}", s.role_name);
            assert!(s.service.ends_with(".amazonaws.com"), "{}", s.service);
            if let Some(p) = &s.policy {
                // Every policy but Lex V1's (absent from the managed-policy snapshot) is in the catalog.
                assert!(
                    catalog().by_resource(&format!("policy/aws-service-role/{p}")).is_some()
                        || p == "AmazonLexBotPolicy",
                    "{}: {p}",
                    s.service
                );
            }
        }
    }
}
