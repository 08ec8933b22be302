//! The console's Roles, Identity providers and Credential report pages over raw HTTP: what root
//! sees, creating and deleting through the forms (checked with the SDK), the trust policy editor,
//! AccessDenied for a user without permissions, the CSV download, and CSRF.

use crate::common::{code, url_decode, url_encode, Server};
use crate::console_client::{user_with_password, Browser, Resp, PASSWORD};

const METADATA: &str = include_str!("../fixtures/saml/metadata.xml");
const ACCOUNT: &str = "123456789012";

/// A trust policy letting `principal` (`{"AWS":…}` or `{"Service":…}`) assume the role.
fn trust(principal: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The text of the element with `id` (a textarea or pre), unescaped.
fn element_text(r: &Resp, id: &str) -> String {
    let start = r
        .body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("{id}: {}", r.body));
    let open = r.body[start..].find('>').unwrap() + start + 1;
    let close = r.body[open..].find("</").unwrap() + open;
    r.body[open..close]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

async fn sign_in(s: &Server, user: &str) -> Browser {
    let mut b = Browser::new(s);
    let path = format!("/console/{ACCOUNT}");
    let r = b
        .submit(&path, &path, &[("username", user), ("password", PASSWORD)])
        .await;
    assert_eq!(r.header("location"), Some("/console/iam/"), "{}", r.body);
    b
}

async fn trust_of(s: &Server, role: &str) -> serde_json::Value {
    let r = s.iam().get_role().role_name(role).send().await.unwrap();
    let doc = url_decode(r.role().unwrap().assume_role_policy_document().unwrap());
    serde_json::from_str(&doc).unwrap()
}

#[tokio::test]
async fn roles_are_listed_created_attached_and_deleted() {
    let s = Server::start().await;
    s.iam()
        .create_role()
        .role_name("sdk-ec2")
        .assume_role_policy_document(trust(r#"{"Service":"ec2.amazonaws.com"}"#))
        .send()
        .await
        .unwrap();
    let mut root = Browser::root_sign_in(&s).await;
    let nav = root.get("/console/iam/").await;
    for entry in ["Roles", "Identity providers", "Credential report"] {
        assert!(nav.body.contains(&format!(">{entry}</a>")), "{entry}");
    }

    // Step 1 offers the three trusted entity types; step 2 for an account.
    let step1 = root.get("/console/iam/roles/create").await;
    for t in ["AWS service", "AWS account", "Custom trust policy"] {
        assert!(step1.body.contains(t), "{t}");
    }
    let form = "/console/iam/roles/create?type=account";
    assert!(root.get(form).await.body.contains("Require external ID"));
    let r = root
        .submit(
            form,
            "/console/iam/roles/create",
            &[
                ("type", "account"),
                ("account_choice", "other"),
                ("account_id", "111122223333"),
                ("require_external_id", "true"),
                ("external_id", "ext-42"),
                ("role_name", "partner"),
                ("description", "For <the> partner"),
                ("max_session", "7200"),
                ("aws_policy", "ReadOnlyAccess"),
                ("tag_key_1", "team"),
                ("tag_value_1", "blue"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/console/iam/role?name=partner"));
    let role = s.iam().get_role().role_name("partner").send().await.unwrap();
    let role = role.role().unwrap();
    assert_eq!(role.max_session_duration(), Some(7200));
    assert_eq!(role.description(), Some("For <the> partner"));
    let doc = trust_of(&s, "partner").await;
    assert_eq!(
        doc["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(
        doc["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "ext-42"
    );

    // An AWS service role, and a refusal that keeps what was typed.
    let r = root
        .submit(
            "/console/iam/roles/create?type=service",
            "/console/iam/roles/create",
            &[("type", "service"), ("service", "lambda"), ("role_name", "fn-role")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        trust_of(&s, "fn-role").await["Statement"][0]["Principal"]["Service"][0],
        "lambda.amazonaws.com"
    );
    let bad = root
        .submit(
            "/console/iam/roles/create?type=service",
            "/console/iam/roles/create",
            &[("type", "service"), ("service", "ec2"), ("role_name", "bad name!")],
        )
        .await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("ValidationError"), "{}", bad.body);
    assert!(bad.body.contains("value=\"bad name!\""), "{}", bad.body);

    // The list: trusted entities as the console names them.
    let list = root.get("/console/iam/roles").await;
    assert_eq!(list.status, 200);
    for text in [
        "Roles (3)",
        "AWS Service: ec2",
        "AWS Service: lambda",
        "Account: 111122223333",
        "Trusted entities",
        "Last activity",
    ] {
        assert!(list.body.contains(text), "{text}: {}", list.body);
    }

    // The detail page and its tabs.
    let detail = root.get("/console/iam/role?name=partner").await;
    assert!(detail.body.contains("arn:aws:iam::123456789012:role/partner"));
    assert!(detail.body.contains("2 hours"));
    assert!(detail.body.contains("For &lt;the&gt; partner"), "escaped description");
    assert!(detail.body.contains("ReadOnlyAccess"), "{}", detail.body);
    for tab in ["Permissions", "Trust relationships", "Tags", "Access Advisor"] {
        assert!(detail.body.contains(&format!(">{tab}</a>")), "{tab}");
    }
    let tags = root.get("/console/iam/role?name=partner&tab=tags").await;
    assert!(tags.body.contains("blue"));
    let advisor = root.get("/console/iam/role?name=partner&tab=access_advisor").await;
    assert!(!advisor.body.contains("alert error"), "{}", advisor.body);

    // Attach and inline policies, then deletion: conflict first, then done.
    let perms = "/console/iam/role?name=fn-role";
    let r = root
        .submit(
            perms,
            "/console/iam/role/policies",
            &[
                ("role_name", "fn-role"),
                ("arn", "service-role/AWSLambdaBasicExecutionRole"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    s.iam()
        .put_role_policy()
        .role_name("fn-role")
        .policy_name("inline-one")
        .policy_document(crate::common::allow("s3:GetObject", "*"))
        .send()
        .await
        .unwrap();
    let page = root.get(perms).await;
    assert!(page.body.contains("AWSLambdaBasicExecutionRole") && page.body.contains("inline-one"));
    assert!(page.body.contains("Customer inline"));
    let delete = "/console/iam/role/delete?name=fn-role";
    assert!(root.get(delete).await.body.contains("To confirm deletion"));
    let mismatch = root
        .submit(
            delete,
            "/console/iam/role/delete",
            &[("role_name", "fn-role"), ("confirm", "other")],
        )
        .await;
    assert_eq!(mismatch.status, 200);
    assert!(mismatch.body.contains("does not match"));
    let conflict = root
        .submit(
            delete,
            "/console/iam/role/delete",
            &[("role_name", "fn-role"), ("confirm", "fn-role")],
        )
        .await;
    assert_eq!(conflict.status, 200);
    assert!(conflict.body.contains("DeleteConflict"), "{}", conflict.body);
    let arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    let r = root
        .submit(
            perms,
            "/console/iam/role/detach",
            &[("role_name", "fn-role"), ("arn", arn)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = root
        .submit(
            perms,
            "/console/iam/role/delete-inline",
            &[("role_name", "fn-role"), ("policy_name", "inline-one")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let done = root
        .submit(
            delete,
            "/console/iam/role/delete",
            &[("role_name", "fn-role"), ("confirm", "fn-role")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some("/console/iam/roles"));
    let gone = s.iam().get_role().role_name("fn-role").send().await.unwrap_err();
    assert_eq!(code(&gone), "NoSuchEntity");
}

#[tokio::test]
async fn trust_policy_is_edited_with_trust_validation() {
    let s = Server::start().await;
    let mut root = Browser::root_sign_in(&s).await;
    let custom = trust(r#"{"Service":"ec2.amazonaws.com"}"#);
    let form = root.get("/console/iam/roles/create?type=custom").await;
    assert!(form.body.contains("data-validate=\"/console/iam/validate?type=trust\""));
    let r = root
        .submit(
            "/console/iam/roles/create?type=custom",
            "/console/iam/roles/create",
            &[("type", "custom"), ("document", &custom), ("role_name", "app")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let tab = root.get("/console/iam/role?name=app&tab=trust").await;
    assert!(tab.body.contains("AWS Service: ec2"), "{}", tab.body);
    assert!(element_text(&tab, "trust-policy").contains("ec2.amazonaws.com"));
    let edit = root.get("/console/iam/role/trust?name=app").await;
    assert_eq!(edit.status, 200);
    assert!(element_text(&edit, "policy-document").contains("ec2.amazonaws.com"));

    // Live validation judges a trust policy as one: a Principal is expected there, and a
    // permissions policy's Resource is not.
    let token = edit.csrf();
    let v = root
        .post(
            "/console/iam/validate?type=trust",
            &[("_csrf", &token), ("document", &custom)],
        )
        .await;
    assert!(v.body.contains("\"errors\":false"), "{}", v.body);
    let as_identity = root
        .post("/console/iam/validate", &[("_csrf", &token), ("document", &custom)])
        .await;
    assert!(as_identity.body.contains("\"errors\":true"), "{}", as_identity.body);

    // Saving calls UpdateAssumeRolePolicy; GetRole shows the new policy.
    let other = trust(r#"{"AWS":"arn:aws:iam::444455556666:root"}"#);
    let r = root
        .submit(
            "/console/iam/role/trust?name=app",
            "/console/iam/role/trust",
            &[("role_name", "app"), ("document", &other)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/console/iam/role?name=app&tab=trust"));
    assert_eq!(
        trust_of(&s, "app").await["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::444455556666:root"
    );
    assert!(root
        .get("/console/iam/role?name=app&tab=trust")
        .await
        .body
        .contains("Account: 444455556666"));

    // A refused document comes back in the editor with IAM's error.
    let broken = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#;
    let r = root
        .submit(
            "/console/iam/role/trust?name=app",
            "/console/iam/role/trust",
            &[("role_name", "app"), ("document", broken)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("MalformedPolicyDocument"), "{}", r.body);
    assert_eq!(element_text(&r, "policy-document"), broken);
    assert_eq!(
        trust_of(&s, "app").await["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::444455556666:root"
    );
}

#[tokio::test]
async fn identity_providers_are_added_shown_and_deleted() {
    let s = Server::start().await;
    let mut root = Browser::root_sign_in(&s).await;
    let empty = root.get("/console/iam/providers").await;
    assert!(empty.body.contains("Identity providers (0)"), "{}", empty.body);
    let form = root.get("/console/iam/providers/create").await;
    assert!(form.body.contains("type=\"file\"") && form.body.contains("data-fill=\"saml-metadata\""));

    let r = root
        .submit(
            "/console/iam/providers/create",
            "/console/iam/providers/create",
            &[
                ("provider_type", "saml"),
                ("name", "ExampleIdP"),
                ("metadata", METADATA),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let saml_arn = "arn:aws:iam::123456789012:saml-provider/ExampleIdP";
    assert_eq!(
        r.header("location"),
        Some(format!("/console/iam/provider?arn={}", url_encode(saml_arn)).as_str())
    );
    let saml = root.get(r.header("location").unwrap()).await;
    for text in ["Valid until", saml_arn, "SAML", "Metadata document"] {
        assert!(saml.body.contains(text), "{text}: {}", saml.body);
    }

    // OpenID Connect without thumbprints, as AWS now allows.
    let r = root
        .submit(
            "/console/iam/providers/create",
            "/console/iam/providers/create",
            &[
                ("provider_type", "oidc"),
                ("url", "https://token.actions.githubusercontent.com"),
                ("audiences", "sts.amazonaws.com\nexample-client"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let oidc_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    let got = s
        .iam()
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(oidc_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.client_id_list(), ["sts.amazonaws.com", "example-client"]);
    let oidc = root.get(r.header("location").unwrap()).await;
    for text in ["Audiences", "example-client", "OpenID Connect", oidc_arn] {
        assert!(oidc.body.contains(text), "{text}: {}", oidc.body);
    }
    let refused = root
        .submit(
            "/console/iam/providers/create",
            "/console/iam/providers/create",
            &[("provider_type", "oidc"), ("url", "http://insecure.example.com")],
        )
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("InvalidInput"), "{}", refused.body);

    let list = root.get("/console/iam/providers").await;
    for text in [
        "Identity providers (2)",
        ">ExampleIdP</a>",
        ">token.actions.githubusercontent.com</a>",
        "OpenID Connect",
    ] {
        assert!(list.body.contains(text), "{text}: {}", list.body);
    }

    // Deletion asks for the name.
    let delete = format!("/console/iam/provider/delete?arn={}", url_encode(saml_arn));
    let wrong = root
        .submit(
            &delete,
            "/console/iam/provider/delete",
            &[("arn", saml_arn), ("confirm", "nope")],
        )
        .await;
    assert!(wrong.body.contains("does not match"));
    for (arn, name) in [
        (saml_arn, "ExampleIdP"),
        (oidc_arn, "token.actions.githubusercontent.com"),
    ] {
        let r = root
            .submit(
                &delete,
                "/console/iam/provider/delete",
                &[("arn", arn), ("confirm", name)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let iam = s.iam();
    assert!(iam
        .list_saml_providers()
        .send()
        .await
        .unwrap()
        .saml_provider_list()
        .is_empty());
    assert!(iam
        .list_open_id_connect_providers()
        .send()
        .await
        .unwrap()
        .open_id_connect_provider_list()
        .is_empty());
    let bad = root.get("/console/iam/provider?arn=nonsense").await;
    assert!(bad.status < 500 && bad.body.contains("InvalidInput"), "{}", bad.body);
}

#[tokio::test]
async fn credential_report_downloads_as_csv() {
    let s = Server::start().await;
    user_with_password(&s, "alice", false).await;
    let mut root = Browser::root_sign_in(&s).await;
    let page = root.get("/console/iam/credential-report").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Download credentials report"));
    assert!(page.body.contains("No report in the last 4 hours"), "{}", page.body);
    let r = root
        .submit("/console/iam/credential-report", "/console/iam/credential-report", &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/console/iam/credential-report/download"));
    let csv = root.get("/console/iam/credential-report/download").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv"));
    let disposition = csv.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=status_reports_") && disposition.ends_with(".csv"),
        "{disposition}"
    );
    assert!(!disposition.contains(':'), "{disposition}");
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
             password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,\
             access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
             access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,\
             cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
        )
    );
    assert!(
        csv.body.contains("<root_account>") && csv.body.contains("\nalice,"),
        "{}",
        csv.body
    );
    let after = root.get("/console/iam/credential-report").await;
    assert!(after.body.contains("id=\"report-generated\">20"), "{}", after.body);
}

#[tokio::test]
async fn a_user_without_permissions_sees_access_denied() {
    let s = Server::start().await;
    user_with_password(&s, "nobody", false).await;
    s.iam()
        .create_role()
        .role_name("existing")
        .assume_role_policy_document(trust(r#"{"Service":"ec2.amazonaws.com"}"#))
        .send()
        .await
        .unwrap();
    let mut b = sign_in(&s, "nobody").await;
    let denied =
        |action: &str| format!("User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: iam:{action}");
    for (path, action) in [
        ("/console/iam/roles", "ListRoles"),
        ("/console/iam/role?name=existing", "GetRole"),
        ("/console/iam/role/trust?name=existing", "GetRole"),
        ("/console/iam/providers", "ListSAMLProviders"),
        ("/console/iam/credential-report", "GetCredentialReport"),
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains("AccessDenied"), "{path}: {}", r.body);
        assert!(r.body.contains(&denied(action)), "{path}: {}", r.body);
    }
    let r = b
        .submit(
            "/console/iam/roles/create?type=service",
            "/console/iam/roles/create",
            &[("type", "service"), ("service", "ec2"), ("role_name", "mine")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains(&denied("CreateRole")), "{}", r.body);
    let r = b
        .submit("/console/iam/credential-report", "/console/iam/credential-report", &[])
        .await;
    assert!(r.body.contains(&denied("GenerateCredentialReport")), "{}", r.body);
    let r = b
        .submit(
            "/console/iam/role/trust?name=existing",
            "/console/iam/role/trust",
            &[("role_name", "existing"), ("document", &trust(r#"{"AWS":"*"}"#))],
        )
        .await;
    assert!(r.body.contains(&denied("UpdateAssumeRolePolicy")), "{}", r.body);
    assert_eq!(s.iam().list_roles().send().await.unwrap().roles().len(), 1);
}

#[tokio::test]
async fn posts_without_the_csrf_token_are_refused() {
    let s = Server::start().await;
    s.iam()
        .create_role()
        .role_name("kept")
        .assume_role_policy_document(trust(r#"{"Service":"ec2.amazonaws.com"}"#))
        .send()
        .await
        .unwrap();
    let mut root = Browser::root_sign_in(&s).await;
    let other_trust = trust(r#"{"AWS":"*"}"#);
    for (action, fields) in [
        (
            "/console/iam/roles/create",
            vec![("type", "service"), ("service", "ec2"), ("role_name", "sneaky")],
        ),
        (
            "/console/iam/role/delete",
            vec![("role_name", "kept"), ("confirm", "kept")],
        ),
        (
            "/console/iam/role/trust",
            vec![("role_name", "kept"), ("document", other_trust.as_str())],
        ),
        (
            "/console/iam/role/policies",
            vec![("role_name", "kept"), ("arn", "ReadOnlyAccess")],
        ),
        (
            "/console/iam/providers/create",
            vec![("provider_type", "saml"), ("name", "Sneaky"), ("metadata", METADATA)],
        ),
        ("/console/iam/credential-report", vec![]),
    ] {
        let r = root.post(action, &fields).await;
        assert_eq!(r.status, 403, "{action}");
        let mut wrong = vec![("_csrf", "0".repeat(64))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(root.post(action, &wrong).await.status, 403, "{action}");
    }
    let iam = s.iam();
    let roles = iam.list_roles().send().await.unwrap();
    assert_eq!(roles.roles().len(), 1);
    assert!(iam
        .list_attached_role_policies()
        .role_name("kept")
        .send()
        .await
        .unwrap()
        .attached_policies()
        .is_empty());
    assert_eq!(
        trust_of(&s, "kept").await["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );
    assert!(iam
        .list_saml_providers()
        .send()
        .await
        .unwrap()
        .saml_provider_list()
        .is_empty());
    let report = iam.get_credential_report().send().await.unwrap_err();
    assert_eq!(code(&report), "ReportNotPresent");
}

#[tokio::test]
async fn odd_input_on_the_new_pages_is_answered_without_failures() {
    let s = Server::start().await;
    let mut root = Browser::root_sign_in(&s).await;
    for path in [
        "/console/iam/role?name=%FF%FE",
        "/console/iam/role?name=nobody&tab=trust",
        "/console/iam/role/trust?name=",
        "/console/iam/role/delete?name=%3Cb%3E",
        "/console/iam/roles/create?type=bogus",
        "/console/iam/provider?arn=arn:aws:iam::123456789012:saml-provider/none",
        "/console/iam/provider/delete?arn=",
        "/console/iam/providers/create",
    ] {
        let r = root.get(path).await;
        assert!(r.status < 500, "{path}: {}", r.status);
        assert!(!r.body.contains("<b>"), "{path}");
    }
    // No report yet: the download page says so instead of sending a file.
    let r = root.get("/console/iam/credential-report/download").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("ReportNotPresent"), "{}", r.body);
    let token = root.get("/console/iam/").await.csrf();
    for (action, fields) in [
        (
            "/console/iam/roles/create",
            vec![("type", "custom"), ("document", "{"), ("role_name", "x")],
        ),
        (
            "/console/iam/roles/create",
            vec![("type", "account"), ("account_choice", "other"), ("role_name", "y")],
        ),
        (
            "/console/iam/role/delete",
            vec![("role_name", "none"), ("confirm", "none")],
        ),
        (
            "/console/iam/provider/delete",
            vec![("arn", "nonsense"), ("confirm", "nonsense")],
        ),
        (
            "/console/iam/providers/create",
            vec![("provider_type", "saml"), ("name", "x"), ("metadata", "<nope")],
        ),
    ] {
        let mut all = vec![("_csrf", token.as_str())];
        all.extend(fields);
        let r = root.post(action, &all).await;
        assert_eq!(r.status, 200, "{action}: {}", r.body);
        assert!(r.body.contains("alert error"), "{action}: {}", r.body);
    }
    assert!(s.iam().list_roles().send().await.unwrap().roles().is_empty());
}
