//! Console passwords and the account password policy.

use crate::common::{code, status, Server};

const GOOD: &str = "Corr3ct-Horse";

#[tokio::test]
async fn create_get_update_delete_login_profile() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let p = iam
        .create_login_profile()
        .user_name("u")
        .password(GOOD)
        .password_reset_required(true)
        .send()
        .await
        .unwrap()
        .login_profile
        .unwrap();
    assert_eq!(p.user_name(), "u");
    assert!(p.password_reset_required());
    let got = iam
        .get_login_profile()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .login_profile
        .unwrap();
    assert_eq!(got.user_name(), "u");
    assert_eq!(got.create_date(), p.create_date());
    assert!(got.password_reset_required());
    iam.update_login_profile()
        .user_name("u")
        .password("An0ther-Secret")
        .password_reset_required(false)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_login_profile()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .login_profile
        .unwrap();
    assert!(!got.password_reset_required());
    iam.delete_login_profile().user_name("u").send().await.unwrap();
    let err = iam.get_login_profile().user_name("u").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
}

#[tokio::test]
async fn login_profile_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam
        .create_login_profile()
        .user_name("ghost")
        .password(GOOD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.create_user().user_name("u").send().await.unwrap();
    assert_eq!(
        code(&iam.get_login_profile().user_name("u").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(&iam.delete_login_profile().user_name("u").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(
            &iam.update_login_profile()
                .user_name("u")
                .password(GOOD)
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    iam.create_login_profile()
        .user_name("u")
        .password(GOOD)
        .send()
        .await
        .unwrap();
    let err = iam
        .create_login_profile()
        .user_name("u")
        .password(GOOD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);
}

#[tokio::test]
async fn default_policy_needs_eight_chars_and_three_classes() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    for bad in ["Sh0rt!", "alllowercase", "lowercase123", "UPPERCASE-!!"] {
        let err = iam
            .create_login_profile()
            .user_name("u")
            .password(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "PasswordPolicyViolation", "{bad}");
        assert_eq!(status(&err), 400, "{bad}");
    }
    assert_eq!(
        code(&iam.get_login_profile().user_name("u").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    // Upper + lower + digit is three classes.
    iam.create_login_profile()
        .user_name("u")
        .password("Abcdefg1")
        .send()
        .await
        .unwrap();
    let err = iam
        .update_login_profile()
        .user_name("u")
        .password("short")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "PasswordPolicyViolation");
}

#[tokio::test]
async fn password_policy_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam.get_account_password_policy().send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    iam.update_account_password_policy()
        .minimum_password_length(12)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(false)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .password_reuse_prevention(5)
        .hard_expiry(false)
        .send()
        .await
        .unwrap();
    let p = iam
        .get_account_password_policy()
        .send()
        .await
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(p.minimum_password_length(), Some(12));
    assert!(p.require_symbols());
    assert!(p.require_numbers());
    assert!(p.require_uppercase_characters());
    assert!(!p.require_lowercase_characters());
    assert!(p.allow_users_to_change_password());
    assert!(p.expire_passwords());
    assert_eq!(p.max_password_age(), Some(90));
    assert_eq!(p.password_reuse_prevention(), Some(5));
    iam.delete_account_password_policy().send().await.unwrap();
    assert_eq!(
        code(&iam.get_account_password_policy().send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(&iam.delete_account_password_policy().send().await.unwrap_err()),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn password_policy_unspecified_settings_take_defaults() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.update_account_password_policy()
        .minimum_password_length(10)
        .require_numbers(true)
        .send()
        .await
        .unwrap();
    // No partial updates: a second call resets what it does not mention.
    iam.update_account_password_policy()
        .require_symbols(true)
        .send()
        .await
        .unwrap();
    let p = iam
        .get_account_password_policy()
        .send()
        .await
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(p.minimum_password_length(), Some(6));
    assert!(!p.require_numbers());
    assert!(p.require_symbols());
    assert!(!p.allow_users_to_change_password());
    assert!(!p.expire_passwords());
}

#[tokio::test]
async fn password_policy_ranges_are_validated() {
    let s = Server::start().await;
    let iam = s.iam();
    for (len, ok) in [(5, false), (6, true), (128, true), (129, false)] {
        let r = iam
            .update_account_password_policy()
            .minimum_password_length(len)
            .send()
            .await;
        match r {
            Ok(_) => assert!(ok, "length {len} accepted"),
            Err(e) => {
                assert!(!ok, "length {len} refused");
                assert_eq!(code(&e), "ValidationError");
            }
        }
    }
    for bad in [0, 25] {
        let err = iam
            .update_account_password_policy()
            .password_reuse_prevention(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ValidationError", "reuse {bad}");
    }
    for bad in [0, 1096] {
        let err = iam
            .update_account_password_policy()
            .max_password_age(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ValidationError", "age {bad}");
    }
}

#[tokio::test]
async fn custom_policy_is_enforced_on_every_password() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.update_account_password_policy()
        .minimum_password_length(12)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    for bad in [
        "Sh0rt!aA",
        "NoSymbols1234",
        "nouppercase1!",
        "NOLOWERCASE1!",
        "NoDigitsHere!",
    ] {
        let err = iam
            .create_login_profile()
            .user_name("u")
            .password(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "PasswordPolicyViolation", "{bad}");
    }
    iam.create_login_profile()
        .user_name("u")
        .password("Long-Enough-1")
        .send()
        .await
        .unwrap();
    let err = iam
        .update_login_profile()
        .user_name("u")
        .password("nouppercase1!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "PasswordPolicyViolation");
    // A weak custom policy allows what the default would not.
    iam.update_account_password_policy()
        .minimum_password_length(6)
        .send()
        .await
        .unwrap();
    iam.update_login_profile()
        .user_name("u")
        .password("simple")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn users_change_their_own_password() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .allow_users_to_change_password(true)
        .password_reuse_prevention(2)
        .send()
        .await
        .unwrap();
    let (key, secret) = s.user_with_key("u").await;
    iam.create_login_profile()
        .user_name("u")
        .password("first-pass-1")
        .password_reset_required(true)
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    me.change_password()
        .old_password("first-pass-1")
        .new_password("second-pass-2")
        .send()
        .await
        .unwrap();
    // Changing the password clears the reset flag.
    let p = iam
        .get_login_profile()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .login_profile
        .unwrap();
    assert!(!p.password_reset_required());
    // Wrong old password.
    let err = me
        .change_password()
        .old_password("first-pass-1")
        .new_password("third-pass-3")
        .send()
        .await
        .unwrap_err();
    assert!(status(&err) >= 400 && status(&err) < 500, "{}", status(&err));
    assert_ne!(code(&err), "");
    // Reuse of one of the last two passwords.
    let err = me
        .change_password()
        .old_password("second-pass-2")
        .new_password("first-pass-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "PasswordPolicyViolation");
    // New password must satisfy the policy.
    let err = me
        .change_password()
        .old_password("second-pass-2")
        .new_password("short")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "PasswordPolicyViolation");
    me.change_password()
        .old_password("second-pass-2")
        .new_password("third-pass-3")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn change_password_needs_a_login_profile() {
    let s = Server::start().await;
    s.iam()
        .update_account_password_policy()
        .allow_users_to_change_password(true)
        .send()
        .await
        .unwrap();
    let (key, secret) = s.user_with_key("u").await;
    let err = s
        .iam_as(&key, &secret)
        .change_password()
        .old_password("whatever")
        .new_password("Whatever-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn root_cannot_use_change_password() {
    let s = Server::start().await;
    let err = s
        .iam()
        .change_password()
        .old_password("test")
        .new_password("Whatever-2x")
        .send()
        .await
        .unwrap_err();
    assert!(status(&err) >= 400 && status(&err) < 500, "{}", status(&err));
}
