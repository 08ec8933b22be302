//! Instance profiles: shapes with embedded roles, the one-role quota, conflicts, tags, pagination.

use aws_sdk_iam::types::Tag;

use crate::common::{code, message, status, Server};
use crate::roles::create_role;

#[tokio::test]
async fn create_get_and_embed_role() {
    let s = Server::start().await;
    let iam = s.iam();
    let p = iam
        .create_instance_profile()
        .instance_profile_name("web")
        .path("/app/")
        .tags(Tag::builder().key("k").value("v").build().unwrap())
        .send()
        .await
        .unwrap()
        .instance_profile
        .unwrap();
    assert!(
        p.instance_profile_id().starts_with("AIPA"),
        "{}",
        p.instance_profile_id()
    );
    assert_eq!(p.instance_profile_id().len(), 21);
    assert_eq!(p.arn(), "arn:aws:iam::123456789012:instance-profile/app/web");
    assert!(p.roles().is_empty());
    assert_eq!(p.tags().len(), 1);

    create_role(&iam, "r").await;
    iam.add_role_to_instance_profile()
        .instance_profile_name("web")
        .role_name("r")
        .send()
        .await
        .unwrap();
    let g = iam
        .get_instance_profile()
        .instance_profile_name("web")
        .send()
        .await
        .unwrap()
        .instance_profile
        .unwrap();
    assert_eq!(g.roles().len(), 1);
    assert_eq!(g.roles()[0].role_name(), "r");
    assert!(g.roles()[0].assume_role_policy_document().is_some());

    // One role at most.
    create_role(&iam, "r2").await;
    let err = iam
        .add_role_to_instance_profile()
        .instance_profile_name("web")
        .role_name("r2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(
        message(&err),
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    );

    let for_role = iam
        .list_instance_profiles_for_role()
        .role_name("r")
        .send()
        .await
        .unwrap();
    assert_eq!(for_role.instance_profiles().len(), 1);
    assert!(iam
        .list_instance_profiles_for_role()
        .role_name("r2")
        .send()
        .await
        .unwrap()
        .instance_profiles()
        .is_empty());
    // GetRole does not embed instance profiles (the shape has no such member) but still works.
    iam.get_role().role_name("r").send().await.unwrap();
}

#[tokio::test]
async fn instance_profile_errors_and_delete() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_instance_profile()
        .instance_profile_name("p")
        .send()
        .await
        .unwrap();
    let err = iam
        .create_instance_profile()
        .instance_profile_name("P")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);
    let err = iam
        .get_instance_profile()
        .instance_profile_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(message(&err), "Instance Profile nope cannot be found.");
    let err = iam
        .add_role_to_instance_profile()
        .instance_profile_name("p")
        .role_name("ghost")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");

    create_role(&iam, "r").await;
    iam.add_role_to_instance_profile()
        .instance_profile_name("p")
        .role_name("r")
        .send()
        .await
        .unwrap();
    let err = iam
        .delete_instance_profile()
        .instance_profile_name("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(
        message(&err),
        "Cannot delete entity, must remove roles from instance profile first."
    );
    iam.remove_role_from_instance_profile()
        .instance_profile_name("p")
        .role_name("r")
        .send()
        .await
        .unwrap();
    let err = iam
        .remove_role_from_instance_profile()
        .instance_profile_name("p")
        .role_name("r")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.delete_instance_profile()
        .instance_profile_name("p")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(
            &iam.get_instance_profile()
                .instance_profile_name("p")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn list_and_tags() {
    let s = Server::start().await;
    let iam = s.iam();
    for i in 0..5 {
        iam.create_instance_profile()
            .instance_profile_name(format!("ip{i}"))
            .path(if i < 2 { "/a/" } else { "/b/" })
            .send()
            .await
            .unwrap();
    }
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_instance_profiles()
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        names.extend(
            out.instance_profiles()
                .iter()
                .map(|p| p.instance_profile_name().to_string()),
        );
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    assert_eq!(names, ["ip0", "ip1", "ip2", "ip3", "ip4"]);
    assert_eq!(
        iam.list_instance_profiles()
            .path_prefix("/a/")
            .send()
            .await
            .unwrap()
            .instance_profiles()
            .len(),
        2
    );

    iam.tag_instance_profile()
        .instance_profile_name("ip0")
        .tags(Tag::builder().key("x").value("1").build().unwrap())
        .tags(Tag::builder().key("y").value("2").build().unwrap())
        .send()
        .await
        .unwrap();
    iam.untag_instance_profile()
        .instance_profile_name("ip0")
        .tag_keys("x")
        .send()
        .await
        .unwrap();
    let t = iam
        .list_instance_profile_tags()
        .instance_profile_name("ip0")
        .send()
        .await
        .unwrap();
    assert_eq!(t.tags().len(), 1);
    assert_eq!(t.tags()[0].key(), "y");
    let summary = iam.get_account_summary().send().await.unwrap();
    let map = summary.summary_map().unwrap();
    assert_eq!(map.get(&aws_sdk_iam::types::SummaryKeyType::InstanceProfiles), Some(&5));
}
