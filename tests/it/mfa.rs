//! Virtual MFA devices: create, enable with real TOTP codes, list, get, tags, deactivate, delete.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_iam::types::{AssignmentStatusType, Tag};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::{code, message, status, Server};

/// Codes of the device at step offsets from now: (step -1, step 0).
fn pair(seed_b32: &str) -> (String, String) {
    let bytes = Secret::Encoded(seed_b32.to_string()).to_bytes().unwrap();
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, bytes);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let step = now / 30;
    (totp.generate((step - 1) * 30), totp.generate(step * 30))
}

/// Creates a device; returns (serial, Base32 seed, QR PNG).
async fn create(iam: &aws_sdk_iam::Client, name: &str) -> (String, String, Vec<u8>) {
    let d = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name(name)
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let seed = String::from_utf8(d.base32_string_seed().unwrap().as_ref().to_vec()).unwrap();
    let png = d.qr_code_png().unwrap().as_ref().to_vec();
    (d.serial_number().to_string(), seed, png)
}

#[tokio::test]
async fn create_returns_serial_seed_and_qr_png() {
    let s = Server::start().await;
    let iam = s.iam();
    let (serial, seed, png) = create(&iam, "dev1").await;
    assert_eq!(serial, "arn:aws:iam::123456789012:mfa/dev1");
    assert_eq!(seed.len(), 32);
    assert!(seed
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let err = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("dev1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);

    // A path goes between `mfa` and the name; tags come back.
    let d = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("dev2")
        .path("/team/")
        .tags(Tag::builder().key("k").value("v").build().unwrap())
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    assert_eq!(d.serial_number(), "arn:aws:iam::123456789012:mfa/team/dev2");
    assert_eq!(d.tags().len(), 1);
}

#[tokio::test]
async fn enable_list_get_deactivate_delete() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("alice").send().await.unwrap();
    let (serial, seed, _) = create(&iam, "alice-phone").await;
    let (c1, c2) = pair(&seed);

    // Codes in the wrong order are refused.
    let err = iam
        .enable_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .authentication_code1(&c2)
        .authentication_code2(&c1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidAuthenticationCode");
    assert_eq!(message(&err), "Authentication code for device is not valid.");

    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .authentication_code1(&c1)
        .authentication_code2(&c2)
        .send()
        .await
        .unwrap();

    // The same codes cannot be used again.
    let err = iam
        .resync_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .authentication_code1(&c1)
        .authentication_code2(&c2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidAuthenticationCode");

    // Assigned devices cannot be enabled twice.
    iam.create_user().user_name("bob").send().await.unwrap();
    let err = iam
        .enable_mfa_device()
        .user_name("bob")
        .serial_number(&serial)
        .authentication_code1(&c1)
        .authentication_code2(&c2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");

    let listed = iam.list_mfa_devices().user_name("alice").send().await.unwrap();
    assert_eq!(listed.mfa_devices().len(), 1);
    let m = &listed.mfa_devices()[0];
    assert_eq!(m.user_name(), "alice");
    assert_eq!(m.serial_number(), serial);
    assert!(iam
        .list_mfa_devices()
        .user_name("bob")
        .send()
        .await
        .unwrap()
        .mfa_devices()
        .is_empty());

    let got = iam.get_mfa_device().serial_number(&serial).send().await.unwrap();
    assert_eq!(got.user_name(), Some("alice"));
    assert_eq!(got.serial_number(), serial);
    assert!(got.enable_date().is_some());

    let (_, spare_seed, _) = create(&iam, "spare").await;
    assert_eq!(spare_seed.len(), 32);
    let assigned = iam
        .list_virtual_mfa_devices()
        .assignment_status(AssignmentStatusType::Assigned)
        .send()
        .await
        .unwrap();
    assert_eq!(assigned.virtual_mfa_devices().len(), 1);
    let v = &assigned.virtual_mfa_devices()[0];
    assert_eq!(v.serial_number(), serial);
    assert_eq!(v.user().map(|u| u.user_name()), Some("alice"));
    assert!(v.enable_date().is_some());
    assert!(v.base32_string_seed().is_none());
    assert!(v.qr_code_png().is_none());
    let unassigned = iam
        .list_virtual_mfa_devices()
        .assignment_status(AssignmentStatusType::Unassigned)
        .send()
        .await
        .unwrap();
    assert_eq!(unassigned.virtual_mfa_devices().len(), 1);
    assert!(unassigned.virtual_mfa_devices()[0].user().is_none());
    let all = iam.list_virtual_mfa_devices().send().await.unwrap();
    assert_eq!(all.virtual_mfa_devices().len(), 2);

    let summary = iam.get_account_summary().send().await.unwrap();
    let map = summary.summary_map().unwrap();
    assert_eq!(map.get(&aws_sdk_iam::types::SummaryKeyType::MfaDevices), Some(&2));
    assert_eq!(map.get(&aws_sdk_iam::types::SummaryKeyType::MfaDevicesInUse), Some(&1));

    // Neither the user nor the device can go while the device is assigned.
    let err = iam.delete_user().user_name("alice").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(message(&err), "Cannot delete entity, must delete MFA device first.");
    let err = iam
        .delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(status(&err), 409);

    iam.deactivate_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_mfa_devices()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .mfa_devices()
        .is_empty());
    let err = iam
        .get_mfa_device()
        .serial_number(&serial)
        .user_name("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");

    iam.delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("alice").send().await.unwrap();
    let err = iam
        .delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
}

#[tokio::test]
async fn device_tags() {
    let s = Server::start().await;
    let iam = s.iam();
    let (serial, _, _) = create(&iam, "tagged").await;
    iam.tag_mfa_device()
        .serial_number(&serial)
        .tags(Tag::builder().key("team").value("blue").build().unwrap())
        .tags(Tag::builder().key("env").value("dev").build().unwrap())
        .send()
        .await
        .unwrap();
    iam.untag_mfa_device()
        .serial_number(&serial)
        .tag_keys("ENV")
        .send()
        .await
        .unwrap();
    let tags = iam.list_mfa_device_tags().serial_number(&serial).send().await.unwrap();
    let got: Vec<_> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(got, vec![("team", "blue")]);
    let err = iam
        .list_mfa_device_tags()
        .serial_number("arn:aws:iam::123456789012:mfa/nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn user_lists_own_devices_and_needs_permission() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("carol").await;
    let (serial, seed, _) = create(&iam, "carol").await;
    let (c1, c2) = pair(&seed);
    iam.enable_mfa_device()
        .user_name("carol")
        .serial_number(&serial)
        .authentication_code1(&c1)
        .authentication_code2(&c2)
        .send()
        .await
        .unwrap();
    // Without a policy the user may not even list their own devices.
    let carol = s.iam_as(&key, &secret);
    let err = carol.list_mfa_devices().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    iam.put_user_policy()
        .user_name("carol")
        .policy_name("own-mfa")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListMFADevices","Resource":"arn:aws:iam::123456789012:user/carol"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let mine = carol.list_mfa_devices().send().await.unwrap();
    assert_eq!(mine.mfa_devices().len(), 1);
    assert_eq!(mine.mfa_devices()[0].user_name(), "carol");
}
