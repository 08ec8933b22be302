//! OIDC and SAML identity providers.

use aws_sdk_iam::types::Tag;

use crate::common::{code, message, Server};

const THUMB: &str = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

fn metadata(valid_until: Option<&str>) -> String {
    let attr = valid_until.map(|v| format!(r#" validUntil="{v}""#)).unwrap_or_default();
    format!(
        r#"<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/"{attr}><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
        "MIIC".repeat(250)
    )
}

#[tokio::test]
async fn oidc_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    let out = iam
        .create_open_id_connect_provider()
        .url("https://token.example.com/path")
        .client_id_list("sts.amazonaws.com")
        .thumbprint_list(THUMB)
        .tags(Tag::builder().key("k").value("v").build().unwrap())
        .send()
        .await
        .unwrap();
    let arn = out.open_id_connect_provider_arn().unwrap().to_string();
    assert_eq!(arn, "arn:aws:iam::123456789012:oidc-provider/token.example.com/path");
    let err = iam
        .create_open_id_connect_provider()
        .url("https://token.example.com/path")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");

    iam.add_client_id_to_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .client_id("app")
        .send()
        .await
        .unwrap();
    iam.add_client_id_to_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .client_id("app")
        .send()
        .await
        .unwrap();
    iam.remove_client_id_from_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .client_id("sts.amazonaws.com")
        .send()
        .await
        .unwrap();
    let other = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    iam.update_open_id_connect_provider_thumbprint()
        .open_id_connect_provider_arn(&arn)
        .thumbprint_list(other)
        .send()
        .await
        .unwrap();
    let g = iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(g.url(), Some("token.example.com/path"));
    assert_eq!(g.client_id_list(), ["app"]);
    assert_eq!(g.thumbprint_list(), [other]);
    assert_eq!(g.tags().len(), 1);
    assert!(g.create_date().is_some());

    iam.tag_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .tags(Tag::builder().key("k2").value("v2").build().unwrap())
        .send()
        .await
        .unwrap();
    iam.untag_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .tag_keys("k")
        .send()
        .await
        .unwrap();
    let t = iam
        .list_open_id_connect_provider_tags()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(t.tags().len(), 1);
    assert_eq!(t.tags()[0].key(), "k2");

    let list = iam.list_open_id_connect_providers().send().await.unwrap();
    assert_eq!(list.open_id_connect_provider_list().len(), 1);
    assert_eq!(list.open_id_connect_provider_list()[0].arn(), Some(arn.as_str()));

    iam.delete_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    // Idempotent, as IAM documents.
    iam.delete_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    let err = iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(message(&err), format!("OpenIDConnect Provider not found for arn {arn}"));
}

#[tokio::test]
async fn saml_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    let doc = metadata(None);
    assert!(doc.len() >= 1000);
    let arn = iam
        .create_saml_provider()
        .name("corp")
        .saml_metadata_document(&doc)
        .send()
        .await
        .unwrap()
        .saml_provider_arn()
        .unwrap()
        .to_string();
    assert_eq!(arn, "arn:aws:iam::123456789012:saml-provider/corp");
    let err = iam
        .create_saml_provider()
        .name("corp")
        .saml_metadata_document(&doc)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");

    let g = iam.get_saml_provider().saml_provider_arn(&arn).send().await.unwrap();
    assert_eq!(g.saml_metadata_document(), Some(doc.as_str()));
    let created = g.create_date().unwrap().secs();
    let until = g.valid_until().unwrap().secs();
    assert!(until - created > 99 * 365 * 86400, "{created} {until}");

    let doc2 = metadata(Some("2031-01-01T00:00:00Z"));
    iam.update_saml_provider()
        .saml_provider_arn(&arn)
        .saml_metadata_document(&doc2)
        .send()
        .await
        .unwrap();
    let g = iam.get_saml_provider().saml_provider_arn(&arn).send().await.unwrap();
    assert_eq!(g.valid_until().unwrap().secs(), 1_924_992_000);

    let list = iam.list_saml_providers().send().await.unwrap();
    assert_eq!(list.saml_provider_list().len(), 1);
    assert_eq!(list.saml_provider_list()[0].arn(), Some(arn.as_str()));

    iam.tag_saml_provider()
        .saml_provider_arn(&arn)
        .tags(Tag::builder().key("a").value("b").build().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        iam.list_saml_provider_tags()
            .saml_provider_arn(&arn)
            .send()
            .await
            .unwrap()
            .tags()
            .len(),
        1
    );
    iam.untag_saml_provider()
        .saml_provider_arn(&arn)
        .tag_keys("a")
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_saml_provider_tags()
        .saml_provider_arn(&arn)
        .send()
        .await
        .unwrap()
        .tags()
        .is_empty());

    let err = iam
        .create_saml_provider()
        .name("bad")
        .saml_metadata_document(format!("<a>{}", "x".repeat(1000)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");

    iam.delete_saml_provider().saml_provider_arn(&arn).send().await.unwrap();
    let err = iam
        .get_saml_provider()
        .saml_provider_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let summary = iam.get_account_summary().send().await.unwrap();
    assert_eq!(
        summary
            .summary_map()
            .unwrap()
            .get(&aws_sdk_iam::types::SummaryKeyType::Providers),
        Some(&0)
    );
}
