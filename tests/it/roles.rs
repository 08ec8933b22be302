//! Roles: shapes, trust policy rules, updates, deletion conflicts, tags, role policies,
//! permissions boundaries and service-linked roles.

use aws_sdk_iam::types::Tag;

use crate::common::{allow, code, json, message, status, url_decode, Server};

pub const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

pub async fn create_role(iam: &aws_sdk_iam::Client, name: &str) {
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_and_get_role_shape() {
    let s = Server::start().await;
    let iam = s.iam();
    let r = iam
        .create_role()
        .role_name("app")
        .path("/svc/")
        .description("the app")
        .max_session_duration(7200)
        .assume_role_policy_document(TRUST)
        .tags(tag("team", "a"))
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(r.role_name(), "app");
    assert_eq!(r.path(), "/svc/");
    assert_eq!(r.role_id().len(), 21);
    assert!(r.role_id().starts_with("AROA"), "{}", r.role_id());
    assert_eq!(r.arn(), "arn:aws:iam::123456789012:role/svc/app");
    assert_eq!(json(&url_decode(r.assume_role_policy_document().unwrap())), json(TRUST));
    assert_eq!(r.max_session_duration(), Some(7200));
    assert_eq!(r.tags().len(), 1);

    let g = iam.get_role().role_name("APP").send().await.unwrap().role.unwrap();
    assert_eq!(g.role_id(), r.role_id());
    assert_eq!(g.description(), Some("the app"));
    assert_eq!(g.tags()[0].key(), "team");
    assert!(g.role_last_used().is_none_or(|u| u.last_used_date().is_none()));

    // Defaults.
    create_role(&iam, "plain").await;
    let p = iam.get_role().role_name("plain").send().await.unwrap().role.unwrap();
    assert_eq!(p.path(), "/");
    assert_eq!(p.max_session_duration(), Some(3600));
    assert!(p.tags().is_empty());
}

#[tokio::test]
async fn role_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    create_role(&iam, "r1").await;
    let err = iam
        .create_role()
        .role_name("R1")
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);
    assert_eq!(message(&err), "Role with name R1 already exists.");

    let err = iam.get_role().role_name("nope").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(message(&err), "The role with name nope cannot be found.");

    let no_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#;
    let err = iam
        .create_role()
        .role_name("r2")
        .assume_role_policy_document(no_principal)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MalformedPolicyDocument");

    let err = iam
        .create_role()
        .role_name("r3")
        .assume_role_policy_document(TRUST)
        .max_session_duration(100)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");

    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}}"#,
        "A".repeat(2000)
    );
    let err = iam
        .create_role()
        .role_name("r4")
        .assume_role_policy_document(&big)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(message(&err), "Cannot exceed quota for ACLSizePerRole: 2048");

    let err = iam
        .update_assume_role_policy()
        .role_name("r1")
        .policy_document(no_principal)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MalformedPolicyDocument");
}

#[tokio::test]
async fn list_roles_paginates_and_filters_by_path() {
    let s = Server::start().await;
    let iam = s.iam();
    for i in 0..5 {
        iam.create_role()
            .role_name(format!("role{i}"))
            .path(if i % 2 == 0 { "/even/" } else { "/" })
            .assume_role_policy_document(TRUST)
            .tags(tag("k", "v"))
            .send()
            .await
            .unwrap();
    }
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_roles()
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        assert!(out.roles().len() <= 2);
        for r in out.roles() {
            assert!(r.tags().is_empty(), "ListRoles omits tags");
            assert!(r.role_last_used().is_none());
            assert!(r.assume_role_policy_document().is_some());
        }
        names.extend(out.roles().iter().map(|r| r.role_name().to_string()));
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    assert_eq!(names, ["role0", "role1", "role2", "role3", "role4"]);
    let even = iam.list_roles().path_prefix("/even/").send().await.unwrap();
    assert_eq!(even.roles().len(), 3);
}

#[tokio::test]
async fn updates() {
    let s = Server::start().await;
    let iam = s.iam();
    create_role(&iam, "r").await;
    iam.update_role()
        .role_name("r")
        .description("d1")
        .max_session_duration(43200)
        .send()
        .await
        .unwrap();
    let r = iam.get_role().role_name("r").send().await.unwrap().role.unwrap();
    assert_eq!(r.description(), Some("d1"));
    assert_eq!(r.max_session_duration(), Some(43200));
    let err = iam
        .update_role()
        .role_name("r")
        .max_session_duration(43201)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let u = iam
        .update_role_description()
        .role_name("r")
        .description("d2")
        .send()
        .await
        .unwrap();
    assert_eq!(u.role().unwrap().description(), Some("d2"));
    let doc = TRUST.replace("ec2", "lambda");
    iam.update_assume_role_policy()
        .role_name("r")
        .policy_document(&doc)
        .send()
        .await
        .unwrap();
    let r = iam.get_role().role_name("r").send().await.unwrap().role.unwrap();
    assert_eq!(json(&url_decode(r.assume_role_policy_document().unwrap())), json(&doc));
}

#[tokio::test]
async fn delete_role_conflicts() {
    let s = Server::start().await;
    let iam = s.iam();
    create_role(&iam, "r").await;
    let arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    iam.attach_role_policy()
        .role_name("r")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let err = iam.delete_role().role_name("r").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(message(&err), "Cannot delete entity, must detach all policies first.");
    iam.detach_role_policy()
        .role_name("r")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();

    iam.put_role_policy()
        .role_name("r")
        .policy_name("p")
        .policy_document(allow("s3:*", "*"))
        .send()
        .await
        .unwrap();
    let err = iam.delete_role().role_name("r").send().await.unwrap_err();
    assert_eq!(message(&err), "Cannot delete entity, must delete policies first.");
    iam.delete_role_policy()
        .role_name("r")
        .policy_name("p")
        .send()
        .await
        .unwrap();

    iam.create_instance_profile()
        .instance_profile_name("ip")
        .send()
        .await
        .unwrap();
    iam.add_role_to_instance_profile()
        .instance_profile_name("ip")
        .role_name("r")
        .send()
        .await
        .unwrap();
    let err = iam.delete_role().role_name("r").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(
        message(&err),
        "Cannot delete entity, must remove roles from instance profile first."
    );
    iam.remove_role_from_instance_profile()
        .instance_profile_name("ip")
        .role_name("r")
        .send()
        .await
        .unwrap();

    iam.delete_role().role_name("r").send().await.unwrap();
    assert_eq!(
        code(&iam.get_role().role_name("r").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(&iam.delete_role().role_name("r").send().await.unwrap_err()),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn role_tags_and_policies() {
    let s = Server::start().await;
    let iam = s.iam();
    create_role(&iam, "r").await;
    iam.tag_role()
        .role_name("r")
        .tags(tag("a", "1"))
        .tags(tag("b", "2"))
        .send()
        .await
        .unwrap();
    iam.untag_role().role_name("r").tag_keys("A").send().await.unwrap();
    let t = iam.list_role_tags().role_name("r").send().await.unwrap();
    assert_eq!(t.tags().len(), 1);
    assert_eq!(t.tags()[0].key(), "b");

    iam.attach_role_policy()
        .role_name("r")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    let a = iam.list_attached_role_policies().role_name("r").send().await.unwrap();
    assert_eq!(a.attached_policies()[0].policy_name(), Some("ReadOnlyAccess"));

    iam.put_role_policy()
        .role_name("r")
        .policy_name("inline")
        .policy_document(allow("s3:*", "*"))
        .send()
        .await
        .unwrap();
    let g = iam
        .get_role_policy()
        .role_name("r")
        .policy_name("inline")
        .send()
        .await
        .unwrap();
    assert_eq!(g.role_name(), "r");
    assert_eq!(json(&url_decode(g.policy_document())), json(&allow("s3:*", "*")));
    assert_eq!(
        iam.list_role_policies()
            .role_name("r")
            .send()
            .await
            .unwrap()
            .policy_names(),
        ["inline"]
    );
    let err = iam
        .get_role_policy()
        .role_name("r")
        .policy_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn permissions_boundaries() {
    let s = Server::start().await;
    let iam = s.iam();
    create_role(&iam, "r").await;
    iam.create_user().user_name("u").send().await.unwrap();
    let arn = "arn:aws:iam::aws:policy/PowerUserAccess";
    iam.put_role_permissions_boundary()
        .role_name("r")
        .permissions_boundary(arn)
        .send()
        .await
        .unwrap();
    iam.put_user_permissions_boundary()
        .user_name("u")
        .permissions_boundary(arn)
        .send()
        .await
        .unwrap();
    let r = iam.get_role().role_name("r").send().await.unwrap().role.unwrap();
    assert_eq!(r.permissions_boundary().unwrap().permissions_boundary_arn(), Some(arn));
    let u = iam.get_user().user_name("u").send().await.unwrap().user.unwrap();
    assert_eq!(u.permissions_boundary().unwrap().permissions_boundary_arn(), Some(arn));
    let err = iam
        .put_role_permissions_boundary()
        .role_name("r")
        .permissions_boundary("arn:aws:iam::123456789012:policy/missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.delete_role_permissions_boundary()
        .role_name("r")
        .send()
        .await
        .unwrap();
    iam.delete_user_permissions_boundary()
        .user_name("u")
        .send()
        .await
        .unwrap();
    let r = iam.get_role().role_name("r").send().await.unwrap().role.unwrap();
    assert!(r.permissions_boundary().is_none());
    let u = iam.get_user().user_name("u").send().await.unwrap().user.unwrap();
    assert!(u.permissions_boundary().is_none());
}

#[tokio::test]
async fn service_linked_roles() {
    let s = Server::start().await;
    let iam = s.iam();
    let r = iam
        .create_service_linked_role()
        .aws_service_name("elasticbeanstalk.amazonaws.com")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(r.role_name(), "AWSServiceRoleForElasticBeanstalk");
    assert_eq!(r.path(), "/aws-service-role/elasticbeanstalk.amazonaws.com/");
    assert_eq!(
        r.arn(),
        "arn:aws:iam::123456789012:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk"
    );
    let trust = json(&url_decode(r.assume_role_policy_document().unwrap()));
    assert_eq!(
        trust["Statement"][0]["Principal"]["Service"],
        "elasticbeanstalk.amazonaws.com"
    );
    let a = iam
        .list_attached_role_policies()
        .role_name(r.role_name())
        .send()
        .await
        .unwrap();
    assert_eq!(
        a.attached_policies()[0].policy_arn(),
        Some("arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy")
    );

    let err = iam
        .create_service_linked_role()
        .aws_service_name("elasticbeanstalk.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    // AWS-recorded (LocalStack test_iam.snapshot.json `test_service_role_already_exists`).
    assert_eq!(code(&err), "InvalidInput");
    assert_eq!(
        message(&err),
        "Service role name AWSServiceRoleForElasticBeanstalk has been taken in this account, please try a different suffix."
    );
    let custom = iam
        .create_service_linked_role()
        .aws_service_name("autoscaling.amazonaws.com")
        .custom_suffix("web")
        .send()
        .await
        .unwrap();
    assert_eq!(custom.role().unwrap().role_name(), "AWSServiceRoleForAutoScaling_web");

    let err = iam
        .delete_role()
        .role_name("AWSServiceRoleForElasticBeanstalk")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "UnmodifiableEntity");
    assert_eq!(
        message(&err),
        "Cannot perform the operation on the protected role 'AWSServiceRoleForElasticBeanstalk' - this role is only modifiable by AWS"
    );
    let err = iam
        .detach_role_policy()
        .role_name("AWSServiceRoleForElasticBeanstalk")
        .policy_arn("arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "UnmodifiableEntity");

    let task = iam
        .delete_service_linked_role()
        .role_name("AWSServiceRoleForElasticBeanstalk")
        .send()
        .await
        .unwrap()
        .deletion_task_id
        .clone();
    assert!(
        task.starts_with("task/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk/"),
        "{task}"
    );
    let st = iam
        .get_service_linked_role_deletion_status()
        .deletion_task_id(&task)
        .send()
        .await
        .unwrap();
    assert_eq!(st.status().as_str(), "SUCCEEDED");
    assert_eq!(
        code(
            &iam.get_role()
                .role_name("AWSServiceRoleForElasticBeanstalk")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    let err = iam
        .get_service_linked_role_deletion_status()
        .deletion_task_id(
            "task/aws-service-role/x.amazonaws.com/AWSServiceRoleForX/00000000-0000-0000-0000-000000000000",
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    // An ordinary role is not deleted through this path.
    create_role(&iam, "plain").await;
    let err = iam
        .delete_service_linked_role()
        .role_name("plain")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
}
