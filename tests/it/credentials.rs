//! Server and signing certificates, SSH public keys and service-specific credentials.
//!
//! The certificates and the SSH key below were generated once with `openssl req -x509` and
//! `ssh-keygen`; they are throwaway test material.

use aws_sdk_iam::types::{EncodingType, StatusType};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::common::{code, message, Server};

const CERT_A: &str = r"-----BEGIN CERTIFICATE-----
MIIBijCCATGgAwIBAgIUNZj1HH0/J3a3tGkBuh0bMBYhU8cwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPYS5sb2NhbGlhbS50ZXN0MCAXDTI2MTEyNTE2MDcwOFoYDzIx
MjYxMTAxMTYwNzA4WjAaMRgwFgYDVQQDDA9hLmxvY2FsaWFtLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQMSyGk5rnE+XYQVDpy21QIOxjvAqdrVYdY3Nuw
UWB5KcX3WryAFxrWMyKAkYtMt7/T6GfFr0u6wS7KSyb+t1z7o1MwUTAdBgNVHQ4E
FgQUaBCpdSzY6tehJmVyA9DHSusb0WgwHwYDVR0jBBgwFoAUaBCpdSzY6tehJmVy
A9DHSusb0WgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAhnG4t
SGRbtkdl65Tu7tRyxp9bm/fkVmuV6HmqbFQKHQIgHiRdFLbCdabgyNv0ea+4+BQi
7SWaaQuzaX01dQmgA5g=
-----END CERTIFICATE-----
";

const KEY_A: &str = r"-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglN5hr5Ph2DJzP7hL
nfLH+VhVOHBUUjL0FJVatn/gVbmhRANCAAQMSyGk5rnE+XYQVDpy21QIOxjvAqdr
VYdY3NuwUWB5KcX3WryAFxrWMyKAkYtMt7/T6GfFr0u6wS7KSyb+t1z7
-----END PRIVATE KEY-----
";

const CERT_B: &str = r"-----BEGIN CERTIFICATE-----
MIIBijCCATGgAwIBAgIUe2d1K/L2tKkkZA7UBDmyVBlsB1QwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPYi5sb2NhbGlhbS50ZXN0MCAXDTI2MTEyNTE2MDcwOVoYDzIx
MjYxMTAxMTYwNzA5WjAaMRgwFgYDVQQDDA9iLmxvY2FsaWFtLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAARJpm77tsM4KH1UCbQV1xTZCNNi80k8IG1hkEKt
NvDjFHs0xb5bDbvI4CjFfjKhiKm8S5NN2rKTYC1PfLk0xY4eo1MwUTAdBgNVHQ4E
FgQUxHDJlEXA60NU8NOptFwwK/kTGRYwHwYDVR0jBBgwFoAUxHDJlEXA60NU8NOp
tFwwK/kTGRYwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBC8MqR
+pgMznw6TMMSMLYa8tZZ5QPKSpiNqW05IDB5EAIgYxw6aaNhaoeHp4SJREq6QrPs
D4sCASQQQ8mxvUGigdg=
-----END CERTIFICATE-----
";

const CERT_C: &str = r"-----BEGIN CERTIFICATE-----
MIIBijCCATGgAwIBAgIUeAPnrNye6WDONNawAQ1uMXdH8u4wCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPYy5sb2NhbGlhbS50ZXN0MCAXDTI2MTEyNTE2MDcwOVoYDzIx
MjYxMTAxMTYwNzA5WjAaMRgwFgYDVQQDDA9jLmxvY2FsaWFtLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAT47mtkwAoPprWOojzZImFTCEkjDAIqB1eODc7G
X5ICQG0PDEEF3R2U3Bjm64W7r9wd7DNhwvN21zXHn/ghjJB4o1MwUTAdBgNVHQ4E
FgQUUHGeq4Pd/+eN0yAEx5Rk0WH16xgwHwYDVR0jBBgwFoAUUHGeq4Pd/+eN0yAE
x5Rk0WH16xgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBnu9SB
Q2+rqebCCRGfr+BOa2YTn+q+LswTsBdU27CzYwIgCuyhmatEy82TRwgHweCeg/7U
6Hwz1ajtJ5Z1SONWj24=
-----END CERTIFICATE-----
";

const SSH_KEY: &str = r"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC3sVD9DiDI6LXtdZlVC+SQltBk1/LNStj+7TCwuqNVvXmh3wJZOLZD9LGVpITDTGZRomIZaeIKsUD8VTqU828MRRZ+yeI1uSHQfrlpVyZV4eQ35i/SQf7DXQpGdyctL+/vs53EfbD8Z4s9puJQer7E170r+WDfggqdSc56zu2Y9+h4/D/TnGiNREUgEVfZ4SZ6IdmRIEXQGPs+nXWOYs5B30aUhTwntHZNgajANeC+bczu8Lh4AKiqMne++yqWI3jTnpKwKIxtzXyJd3XcM6x38+33re/3kBAUVY9wj4a+c16c/WQoLaTlvUxT82S+e6H7EMxWoBENV9WraCE9j2hV test";

const SSH_KEY_PEM: &str = r"-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt7FQ/Q4gyOi17XWZVQvk
kJbQZNfyzUrY/u0wsLqjVb15od8CWTi2Q/SxlaSEw0xmUaJiGWniCrFA/FU6lPNv
DEUWfsniNbkh0H65aVcmVeHkN+Yv0kH+w10KRncnLS/v77OdxH2w/GeLPabiUHq+
xNe9K/lg34IKnUnOes7tmPfoePw/05xojURFIBFX2eEmeiHZkSBF0Bj7Pp11jmLO
Qd9GlIU8J7R2TYGowDXgvm3M7vC4eACoqjJ3vvsqliN4056SsCiMbc18iXd13DOs
d/Pt963v95AQFFWPcI+GvnNenP1kKC2k5b1MU/Nkvnuh+xDMVqARDVfVq2ghPY9o
VQIDAQAB
-----END PUBLIC KEY-----
";

const SSH_FINGERPRINT: &str = r"36:1b:0d:3a:8b:a7:d5:fa:e2:96:92:3d:ef:35:52:41";

/// A syntactically valid `ssh-rsa` key with a made-up modulus of `bits` bits.
fn fake_ssh_key(seed: u8, bits: usize) -> String {
    let mut n = vec![0u8];
    n.push(0x80 | seed);
    n.extend(std::iter::repeat_n(seed.wrapping_mul(31).wrapping_add(7), bits / 8 - 1));
    let mut blob = Vec::new();
    for part in [b"ssh-rsa".to_vec(), vec![1, 0, 1], n] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(&part);
    }
    format!("ssh-rsa {} fake{seed}", STANDARD.encode(blob))
}

#[tokio::test]
async fn server_certificate_lifecycle() {
    let s = Server::start().await;
    let iam = s.iam();
    let up = iam
        .upload_server_certificate()
        .server_certificate_name("web")
        .path("/cdn/")
        .certificate_body(CERT_A)
        .private_key(KEY_A)
        .certificate_chain(CERT_B)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("env")
                .value("test")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let meta = up.server_certificate_metadata().unwrap();
    assert!(meta.server_certificate_id().starts_with("ASCA"));
    assert_eq!(meta.server_certificate_id().len(), 21);
    assert_eq!(meta.arn(), "arn:aws:iam::123456789012:server-certificate/cdn/web");
    let expiration = meta.expiration().unwrap();
    assert_eq!(expiration.secs(), 4_949_222_828); // 2126-11-01T16:07:08Z, the certificate's notAfter.
    assert_eq!(up.tags().len(), 1);

    let err = iam
        .upload_server_certificate()
        .server_certificate_name("web")
        .certificate_body(CERT_B)
        .private_key(KEY_A)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(message(&err), "The Server Certificate with name web already exists.");

    let got = iam
        .get_server_certificate()
        .server_certificate_name("web")
        .send()
        .await
        .unwrap()
        .server_certificate
        .unwrap();
    assert_eq!(got.certificate_body(), CERT_A.trim());
    assert_eq!(got.certificate_chain(), Some(CERT_B.trim()));
    assert_eq!(got.tags().len(), 1);

    iam.upload_server_certificate()
        .server_certificate_name("api")
        .certificate_body(CERT_B)
        .private_key(KEY_A)
        .send()
        .await
        .unwrap();
    let all = iam.list_server_certificates().send().await.unwrap();
    let names: Vec<_> = all
        .server_certificate_metadata_list()
        .iter()
        .map(|m| m.server_certificate_name())
        .collect();
    assert_eq!(names, ["api", "web"]);
    let cdn = iam
        .list_server_certificates()
        .path_prefix("/cdn/")
        .send()
        .await
        .unwrap();
    assert_eq!(cdn.server_certificate_metadata_list().len(), 1);
    let first = iam.list_server_certificates().max_items(1).send().await.unwrap();
    assert!(first.is_truncated());
    let second = iam
        .list_server_certificates()
        .marker(first.marker().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.server_certificate_metadata_list()[0].server_certificate_name(),
        "web"
    );
    assert!(!second.is_truncated());

    let summary = iam.get_account_summary().send().await.unwrap();
    assert_eq!(
        summary.summary_map().unwrap()[&aws_sdk_iam::types::SummaryKeyType::ServerCertificates],
        2
    );

    iam.update_server_certificate()
        .server_certificate_name("web")
        .new_server_certificate_name("www")
        .new_path("/")
        .send()
        .await
        .unwrap();
    let err = iam
        .get_server_certificate()
        .server_certificate_name("web")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(message(&err), "The Server Certificate with name web cannot be found.");
    let err = iam
        .update_server_certificate()
        .server_certificate_name("www")
        .new_server_certificate_name("api")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");

    iam.tag_server_certificate()
        .server_certificate_name("www")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("a")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    iam.untag_server_certificate()
        .server_certificate_name("www")
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let tags = iam
        .list_server_certificate_tags()
        .server_certificate_name("www")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().len(), 1);
    assert_eq!(tags.tags()[0].key(), "team");

    iam.delete_server_certificate()
        .server_certificate_name("www")
        .send()
        .await
        .unwrap();
    let err = iam
        .delete_server_certificate()
        .server_certificate_name("www")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn server_certificate_rejects_non_pem_and_enforces_quota() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam
        .upload_server_certificate()
        .server_certificate_name("bad")
        .certificate_body("not a certificate")
        .private_key(KEY_A)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MalformedCertificate");
    let err = iam
        .upload_server_certificate()
        .server_certificate_name("bad")
        .certificate_body(CERT_A)
        .private_key("not a key")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MalformedCertificate");
    for i in 0..20 {
        iam.upload_server_certificate()
            .server_certificate_name(format!("c{i}"))
            .certificate_body(CERT_A)
            .private_key(KEY_A)
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .upload_server_certificate()
        .server_certificate_name("c20")
        .certificate_body(CERT_A)
        .private_key(KEY_A)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
}

#[tokio::test]
async fn signing_certificates() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("alice").send().await.unwrap();
    let cert = iam
        .upload_signing_certificate()
        .user_name("alice")
        .certificate_body(CERT_A)
        .send()
        .await
        .unwrap()
        .certificate
        .unwrap();
    assert_eq!(cert.certificate_id().len(), 32);
    assert!(cert
        .certificate_id()
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(cert.status(), &StatusType::Active);
    assert_eq!(cert.user_name(), "alice");

    let err = iam
        .upload_signing_certificate()
        .user_name("alice")
        .certificate_body(CERT_A)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "DuplicateCertificate");
    let err = iam
        .upload_signing_certificate()
        .user_name("alice")
        .certificate_body("junk")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MalformedCertificate");
    iam.upload_signing_certificate()
        .user_name("alice")
        .certificate_body(CERT_B)
        .send()
        .await
        .unwrap();
    let err = iam
        .upload_signing_certificate()
        .user_name("alice")
        .certificate_body(CERT_C)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");

    iam.update_signing_certificate()
        .user_name("alice")
        .certificate_id(cert.certificate_id())
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let list = iam.list_signing_certificates().user_name("alice").send().await.unwrap();
    assert_eq!(list.certificates().len(), 2);
    let mine = list
        .certificates()
        .iter()
        .find(|c| c.certificate_id() == cert.certificate_id())
        .unwrap();
    assert_eq!(mine.status(), &StatusType::Inactive);

    let err = iam.delete_user().user_name("alice").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(message(&err), "Cannot delete entity, must delete certificates first.");
    for c in list.certificates() {
        iam.delete_signing_certificate()
            .user_name("alice")
            .certificate_id(c.certificate_id())
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .delete_signing_certificate()
        .user_name("alice")
        .certificate_id(cert.certificate_id())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.delete_user().user_name("alice").send().await.unwrap();
}

#[tokio::test]
async fn ssh_public_keys() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("bob").send().await.unwrap();
    let key = iam
        .upload_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_body(SSH_KEY)
        .send()
        .await
        .unwrap()
        .ssh_public_key
        .unwrap();
    assert!(key.ssh_public_key_id().starts_with("APKA"));
    assert_eq!(key.ssh_public_key_id().len(), 20);
    assert_eq!(key.fingerprint(), SSH_FINGERPRINT);
    assert_eq!(key.status(), &StatusType::Active);

    let pem = iam
        .get_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_id(key.ssh_public_key_id())
        .encoding(EncodingType::Pem)
        .send()
        .await
        .unwrap()
        .ssh_public_key
        .unwrap();
    assert_eq!(pem.ssh_public_key_body().trim(), SSH_KEY_PEM.trim());
    let ssh = iam
        .get_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_id(key.ssh_public_key_id())
        .encoding(EncodingType::Ssh)
        .send()
        .await
        .unwrap()
        .ssh_public_key
        .unwrap();
    assert_eq!(ssh.ssh_public_key_body(), SSH_KEY);

    // The same key in PEM form is the same key.
    let err = iam
        .upload_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_body(SSH_KEY_PEM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "DuplicateSSHPublicKey");
    for bad in ["ssh-rsa not-base64!", "hello", &fake_ssh_key(1, 1024)] {
        let err = iam
            .upload_ssh_public_key()
            .user_name("bob")
            .ssh_public_key_body(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidPublicKey", "{bad}");
    }
    for seed in 1..=4 {
        iam.upload_ssh_public_key()
            .user_name("bob")
            .ssh_public_key_body(fake_ssh_key(seed, 2048))
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .upload_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_body(fake_ssh_key(9, 4096))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");

    iam.update_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_id(key.ssh_public_key_id())
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let list = iam.list_ssh_public_keys().user_name("bob").send().await.unwrap();
    assert_eq!(list.ssh_public_keys().len(), 5);
    assert!(list
        .ssh_public_keys()
        .iter()
        .any(|k| k.ssh_public_key_id() == key.ssh_public_key_id() && k.status() == &StatusType::Inactive));

    let err = iam.delete_user().user_name("bob").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    for k in list.ssh_public_keys() {
        iam.delete_ssh_public_key()
            .user_name("bob")
            .ssh_public_key_id(k.ssh_public_key_id())
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .get_ssh_public_key()
        .user_name("bob")
        .ssh_public_key_id(key.ssh_public_key_id())
        .encoding(EncodingType::Ssh)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.delete_user().user_name("bob").send().await.unwrap();
}

#[tokio::test]
async fn service_specific_credentials() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("carol").send().await.unwrap();
    let cred = iam
        .create_service_specific_credential()
        .user_name("carol")
        .service_name("codecommit.amazonaws.com")
        .send()
        .await
        .unwrap()
        .service_specific_credential
        .unwrap();
    assert!(cred.service_specific_credential_id().starts_with("ACCA"));
    assert_eq!(cred.service_specific_credential_id().len(), 20);
    assert_eq!(cred.service_user_name(), "carol-at-123456789012");
    let password = cred.service_password().to_string();
    assert_eq!(password.len(), 44);
    assert_eq!(cred.status(), &StatusType::Active);

    iam.create_service_specific_credential()
        .user_name("carol")
        .service_name("codecommit.amazonaws.com")
        .send()
        .await
        .unwrap();
    let err = iam
        .create_service_specific_credential()
        .user_name("carol")
        .service_name("codecommit.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    // The quota is per service.
    iam.create_service_specific_credential()
        .user_name("carol")
        .service_name("cassandra.amazonaws.com")
        .send()
        .await
        .unwrap();
    let err = iam
        .create_service_specific_credential()
        .user_name("carol")
        .service_name("s3.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    // AWS-recorded (LocalStack test_create_service_specific_credential_invalid_service): not the
    // model's NotSupportedService.
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(
        message(&err),
        "No such service s3.amazonaws.com is supported for Service Specific Credentials"
    );
    let err = iam
        .create_service_specific_credential()
        .user_name("nobody")
        .service_name("codecommit.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");

    let all = iam
        .list_service_specific_credentials()
        .user_name("carol")
        .send()
        .await
        .unwrap();
    assert_eq!(all.service_specific_credentials().len(), 3);
    let cassandra = iam
        .list_service_specific_credentials()
        .user_name("carol")
        .service_name("cassandra.amazonaws.com")
        .send()
        .await
        .unwrap();
    assert_eq!(cassandra.service_specific_credentials().len(), 1);
    assert_eq!(
        cassandra.service_specific_credentials()[0].service_user_name(),
        "carol-at-123456789012"
    );

    let reset = iam
        .reset_service_specific_credential()
        .user_name("carol")
        .service_specific_credential_id(cred.service_specific_credential_id())
        .send()
        .await
        .unwrap()
        .service_specific_credential
        .unwrap();
    assert_ne!(reset.service_password(), password);
    iam.update_service_specific_credential()
        .user_name("carol")
        .service_specific_credential_id(cred.service_specific_credential_id())
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();

    let err = iam.delete_user().user_name("carol").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    for c in all.service_specific_credentials() {
        iam.delete_service_specific_credential()
            .user_name("carol")
            .service_specific_credential_id(c.service_specific_credential_id())
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .delete_service_specific_credential()
        .user_name("carol")
        .service_specific_credential_id(cred.service_specific_credential_id())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.delete_user().user_name("carol").send().await.unwrap();
}

/// AWS-recorded (LocalStack test_iam.snapshot.json `test_user_match_id_mismatch`,
/// `test_invalid_update_parameters`): these operations name the member without its value.
#[tokio::test]
async fn service_specific_credential_id_errors_as_aws_words_them() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("dave").send().await.unwrap();
    let id = iam
        .create_service_specific_credential()
        .user_name("dave")
        .service_name("codecommit.amazonaws.com")
        .send()
        .await
        .unwrap()
        .service_specific_credential
        .unwrap()
        .service_specific_credential_id;
    let err = iam
        .update_service_specific_credential()
        .user_name("dave")
        .service_specific_credential_id("totally-wrong-credential-id-with-hyphens")
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    assert_eq!(
        message(&err),
        r"1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w]+"
    );
    let err = iam
        .reset_service_specific_credential()
        .user_name("dave")
        .service_specific_credential_id("satisfiesregexbutstillinvalid")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(message(&err), "No such credential satisfiesregexbutstillinvalid exists");
    let err = iam
        .update_service_specific_credential()
        .user_name("dave")
        .service_specific_credential_id(&id)
        .status(StatusType::from("Invalid"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"
    );
}
