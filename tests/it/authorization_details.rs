//! GetAccountAuthorizationDetails: details, filters and paging over the combined list.

use aws_sdk_iam::types::EntityType;

use crate::common::{allow, json, url_decode, Server};
use crate::roles::{create_role, TRUST};

#[tokio::test]
async fn account_authorization_details() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.create_group().group_name("devs").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("devs")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("ui")
        .policy_document(allow("s3:*", "*"))
        .send()
        .await
        .unwrap();
    create_role(&iam, "r").await;
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
    iam.attach_role_policy()
        .role_name("r")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    iam.create_policy()
        .policy_name("local")
        .policy_document(allow("sqs:*", "*"))
        .send()
        .await
        .unwrap();

    let all = iam.get_account_authorization_details().send().await.unwrap();
    assert!(!all.is_truncated());
    let u = &all.user_detail_list()[0];
    assert_eq!(u.user_name(), Some("alice"));
    assert_eq!(u.group_list(), ["devs"]);
    assert_eq!(
        json(&url_decode(u.user_policy_list()[0].policy_document().unwrap())),
        json(&allow("s3:*", "*"))
    );
    assert_eq!(all.group_detail_list()[0].group_name(), Some("devs"));
    let r = &all.role_detail_list()[0];
    assert_eq!(r.role_name(), Some("r"));
    assert_eq!(r.instance_profile_list()[0].instance_profile_name(), "ip");
    assert_eq!(r.attached_managed_policies()[0].policy_name(), Some("ReadOnlyAccess"));
    assert_eq!(json(&url_decode(r.assume_role_policy_document().unwrap())), json(TRUST));
    // Local policies plus only the AWS managed policies in use.
    let names: Vec<_> = all.policies().iter().map(|p| p.policy_name().unwrap()).collect();
    assert_eq!(names, ["local", "ReadOnlyAccess"]);
    let local = &all.policies()[0];
    let v = &local.policy_version_list()[0];
    assert!(v.is_default_version());
    assert_eq!(json(&url_decode(v.document().unwrap())), json(&allow("sqs:*", "*")));

    let roles_only = iam
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .send()
        .await
        .unwrap();
    assert!(roles_only.user_detail_list().is_empty());
    assert!(roles_only.policies().is_empty());
    assert_eq!(roles_only.role_detail_list().len(), 1);
    let aws_only = iam
        .get_account_authorization_details()
        .filter(EntityType::AwsManagedPolicy)
        .send()
        .await
        .unwrap();
    assert_eq!(aws_only.policies().len(), 1);
    assert_eq!(aws_only.policies()[0].policy_name(), Some("ReadOnlyAccess"));

    // Paging over the combined list: user, group, role, 2 policies.
    let mut seen = 0;
    let mut marker: Option<String> = None;
    loop {
        let p = iam
            .get_account_authorization_details()
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        let n =
            p.user_detail_list().len() + p.group_detail_list().len() + p.role_detail_list().len() + p.policies().len();
        assert!(n <= 2);
        seen += n;
        if !p.is_truncated() {
            break;
        }
        marker = p.marker().map(str::to_string);
    }
    assert_eq!(seen, 5);
}
