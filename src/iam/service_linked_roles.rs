//! Service-linked roles: created for an AWS service under `/aws-service-role/SERVICE/` with a trust
//! policy for that service and its AWS managed policy; deleted through a (synchronous) task.

use crate::api::errors;
use crate::api::iam::*;
use crate::catalog::managed::catalog;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::policies::{self as policy_store, Entity};
use crate::store::roles::{self as store, RoleRow};
use crate::store::tags::{self as tag_store, Kind};
use crate::store::{ids, instance_profiles};

use super::roles::{self, SERVICE_ROLE_PATH};

/// Known services: (service principal, name after `AWSServiceRoleFor`, managed policy under
/// `/aws-service-role/`, whether a custom suffix is accepted).
const SERVICES: &[(&str, &str, &str, bool)] = &[
    (
        "access-analyzer.amazonaws.com",
        "AccessAnalyzer",
        "AccessAnalyzerServiceRolePolicy",
        true,
    ),
    (
        "autoscaling.amazonaws.com",
        "AutoScaling",
        "AutoScalingServiceRolePolicy",
        true,
    ),
    ("batch.amazonaws.com", "Batch", "BatchServiceRolePolicy", true),
    (
        "cloudtrail.amazonaws.com",
        "CloudTrail",
        "CloudTrailServiceRolePolicy",
        true,
    ),
    (
        "compute-optimizer.amazonaws.com",
        "ComputeOptimizer",
        "ComputeOptimizerServiceRolePolicy",
        true,
    ),
    ("config.amazonaws.com", "Config", "AWSConfigServiceRolePolicy", true),
    (
        "dynamodb.application-autoscaling.amazonaws.com",
        "ApplicationAutoScaling_DynamoDBTable",
        "AWSApplicationAutoscalingDynamoDBTablePolicy",
        false,
    ),
    ("ecs.amazonaws.com", "ECS", "AmazonECSServiceRolePolicy", false),
    (
        "ecs.application-autoscaling.amazonaws.com",
        "ApplicationAutoScaling_ECSService",
        "AWSApplicationAutoscalingECSServicePolicy",
        false,
    ),
    ("eks.amazonaws.com", "AmazonEKS", "AmazonEKSServiceRolePolicy", false),
    (
        "eks-nodegroup.amazonaws.com",
        "AmazonEKSNodegroup",
        "AWSServiceRoleForAmazonEKSNodegroup",
        false,
    ),
    (
        "elasticache.amazonaws.com",
        "ElastiCache",
        "ElastiCacheServiceRolePolicy",
        true,
    ),
    (
        "elasticbeanstalk.amazonaws.com",
        "ElasticBeanstalk",
        "AWSElasticBeanstalkServiceRolePolicy",
        true,
    ),
    (
        "elasticloadbalancing.amazonaws.com",
        "ElasticLoadBalancing",
        "AWSElasticLoadBalancingServiceRolePolicy",
        false,
    ),
    (
        "elasticmapreduce.amazonaws.com",
        "EMRCleanup",
        "AmazonEMRCleanupPolicy",
        false,
    ),
    (
        "es.amazonaws.com",
        "AmazonElasticsearchService",
        "AmazonElasticsearchServiceRolePolicy",
        false,
    ),
    (
        "guardduty.amazonaws.com",
        "AmazonGuardDuty",
        "AmazonGuardDutyServiceRolePolicy",
        false,
    ),
    (
        "inspector2.amazonaws.com",
        "AmazonInspector2",
        "AmazonInspector2ServiceRolePolicy",
        false,
    ),
    (
        "macie.amazonaws.com",
        "AmazonMacie",
        "AmazonMacieServiceRolePolicy",
        false,
    ),
    (
        "opensearchservice.amazonaws.com",
        "AmazonOpenSearchService",
        "AmazonOpenSearchServiceRolePolicy",
        false,
    ),
    (
        "organizations.amazonaws.com",
        "Organizations",
        "AWSOrganizationsServiceTrustPolicy",
        false,
    ),
    ("rds.amazonaws.com", "RDS", "AmazonRDSServiceRolePolicy", false),
    (
        "redshift.amazonaws.com",
        "Redshift",
        "AmazonRedshiftServiceLinkedRolePolicy",
        false,
    ),
    (
        "replicator.lambda.amazonaws.com",
        "LambdaReplicator",
        "AWSLambdaReplicator",
        false,
    ),
    (
        "securityhub.amazonaws.com",
        "SecurityHub",
        "AWSSecurityHubServiceRolePolicy",
        false,
    ),
    ("spot.amazonaws.com", "EC2Spot", "AWSEC2SpotServiceRolePolicy", false),
    (
        "spotfleet.amazonaws.com",
        "EC2SpotFleet",
        "AWSEC2SpotFleetServiceRolePolicy",
        false,
    ),
    ("sso.amazonaws.com", "SSO", "AWSSSOServiceRolePolicy", false),
    ("support.amazonaws.com", "Support", "AWSSupportServiceRolePolicy", false),
    (
        "trustedadvisor.amazonaws.com",
        "TrustedAdvisor",
        "AWSTrustedAdvisorServiceRolePolicy",
        false,
    ),
];

/// The role name stem for a service: from the table, else its first label in CamelCase
/// (`foo-bar.amazonaws.com` → `FooBar`).
fn stem(service: &str) -> (String, Option<&'static str>, bool) {
    if let Some((_, name, policy, suffix_ok)) = SERVICES.iter().find(|s| s.0 == service) {
        return (name.to_string(), Some(*policy), *suffix_ok);
    }
    let label = service.split('.').next().unwrap_or(service);
    let camel: String = label
        .split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    (camel, None, true)
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
    let (stem, policy, suffix_ok) = stem(&service);
    let mut name = format!("AWSServiceRoleFor{stem}");
    if let Some(suffix) = &input.custom_suffix {
        if !suffix_ok {
            return Err(errors::invalid_input(format!(
                "Custom suffix is not allowed for {service}"
            )));
        }
        name = format!("{name}_{suffix}");
    }
    let path = format!("{SERVICE_ROLE_PATH}{service}/");
    ctx.app.store.write(|tx| {
        ctx.authorize_with(
            tx,
            &ctx.iam_arn(&format!("role{path}{name}")),
            &[("iam:AWSServiceName".to_string(), vec![service.clone()])],
        )?;
        if !service.ends_with(".amazonaws.com") || stem.is_empty() {
            return Err(errors::invalid_input(format!("Invalid service principal: {service}")));
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
            description: input.description.clone(),
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
    ctx.app.store.write(|tx| {
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
    ctx.app.store.read(|c| {
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
    fn names_known_and_unknown_services() {
        assert_eq!(stem("elasticbeanstalk.amazonaws.com").0, "ElasticBeanstalk");
        assert_eq!(stem("spot.amazonaws.com").0, "EC2Spot");
        assert_eq!(stem("my-new-thing.amazonaws.com").0, "MyNewThing");
        assert_eq!(stem("lex.amazonaws.com").0, "Lex");
    }

    #[test]
    fn table_policies_are_in_the_catalog() {
        for (service, _, policy, _) in SERVICES {
            assert!(
                catalog()
                    .by_resource(&format!("policy/aws-service-role/{policy}"))
                    .is_some(),
                "{service}: {policy}"
            );
        }
    }
}
