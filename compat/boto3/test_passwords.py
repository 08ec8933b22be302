"""Login profiles, the account password policy and ChangePassword, through boto3."""

import datetime

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

GOOD = "Tutorial-Passw0rd!"          # meets the default policy and the strict one below
STRICT = dict(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
              RequireUppercaseCharacters=True, RequireLowercaseCharacters=True)


def test_login_profile_lifecycle(iam):
    iam.create_user(UserName="mary")
    prof = iam.create_login_profile(UserName="mary", Password=GOOD, PasswordResetRequired=True)["LoginProfile"]
    assert prof["UserName"] == "mary"
    assert prof["PasswordResetRequired"] is True
    assert isinstance(prof["CreateDate"], datetime.datetime)
    assert "Password" not in prof
    got = iam.get_login_profile(UserName="mary")["LoginProfile"]
    assert got["UserName"] == "mary" and got["PasswordResetRequired"] is True
    iam.update_login_profile(UserName="mary", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="mary")["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="mary", Password="An0ther-Passw0rd!")
    iam.delete_login_profile(UserName="mary")
    with pytest.raises(ClientError) as e:
        iam.get_login_profile(UserName="mary")
    assert error_of(e) == ("NoSuchEntity", 404)


def test_login_profile_conflicts_and_missing(iam):
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="ghost", Password=GOOD)
    assert error_of(e) == ("NoSuchEntity", 404)
    iam.create_user(UserName="mary")
    with pytest.raises(ClientError) as e:
        iam.delete_login_profile(UserName="mary")
    assert error_of(e) == ("NoSuchEntity", 404)
    iam.create_login_profile(UserName="mary", Password=GOOD)
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="mary", Password=GOOD)
    assert error_of(e) == ("EntityAlreadyExists", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="mary")
    assert error_of(e) == ("DeleteConflict", 409)


@pytest.mark.parametrize("weak", ["Ab1!", "alllowercaseletters"])
def test_default_policy_rejects_weak_passwords(iam, weak):
    # Without a custom policy AWS requires 8+ characters from 3 of 4 character classes.
    iam.create_user(UserName="weak")
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="weak", Password=weak)
    assert error_of(e) == ("PasswordPolicyViolation", 400)


def test_password_policy_roundtrip(iam):
    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert error_of(e) == ("NoSuchEntity", 404)
    iam.update_account_password_policy(**STRICT, AllowUsersToChangePassword=True,
                                       MaxPasswordAge=90, PasswordReusePrevention=5)
    pol = iam.get_account_password_policy()["PasswordPolicy"]
    assert pol["MinimumPasswordLength"] == 14
    assert pol["RequireSymbols"] and pol["RequireNumbers"]
    assert pol["RequireUppercaseCharacters"] and pol["RequireLowercaseCharacters"]
    assert pol["AllowUsersToChangePassword"] is True
    assert pol["ExpirePasswords"] is True
    assert pol["MaxPasswordAge"] == 90
    assert pol["PasswordReusePrevention"] == 5
    iam.delete_account_password_policy()
    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert error_of(e) == ("NoSuchEntity", 404)


def test_password_policy_defaults_for_omitted_fields(iam):
    iam.update_account_password_policy(MinimumPasswordLength=10)
    pol = iam.get_account_password_policy()["PasswordPolicy"]
    assert pol["MinimumPasswordLength"] == 10
    assert pol["RequireSymbols"] is False
    assert pol["RequireNumbers"] is False
    assert pol["AllowUsersToChangePassword"] is False
    assert pol["ExpirePasswords"] is False
    assert "MaxPasswordAge" not in pol


def test_password_policy_enforced_on_create_and_update(iam):
    iam.update_account_password_policy(**STRICT)
    iam.create_user(UserName="mary")
    for weak in ("Sh0rt-Pass!", "no-digits-Here-at-all", "N0-UPPER-CASE-1234".lower(), "NoSymbols1234567"):
        with pytest.raises(ClientError) as e:
            iam.create_login_profile(UserName="mary", Password=weak)
        assert error_of(e) == ("PasswordPolicyViolation", 400), weak
    iam.create_login_profile(UserName="mary", Password="Str0ng-Passw0rd-2024!")
    with pytest.raises(ClientError) as e:
        iam.update_login_profile(UserName="mary", Password="weak")
    assert error_of(e) == ("PasswordPolicyViolation", 400)


def test_password_policy_out_of_range(iam):
    with pytest.raises(ClientError) as e:
        iam.update_account_password_policy(MinimumPasswordLength=200)
    assert error_of(e) == ("ValidationError", 400)


def test_user_changes_own_password_when_allowed(iam, make_client, user_with_key):
    name, key_id, secret = user_with_key
    iam.create_login_profile(UserName=name, Password=GOOD)
    as_user = make_client("iam", key_id, secret)
    # Without AllowUsersToChangePassword (and no policies) the user may not.
    with pytest.raises(ClientError) as e:
        as_user.change_password(OldPassword=GOOD, NewPassword="Brand-New-Passw0rd!")
    assert error_of(e) == ("AccessDenied", 403)
    iam.update_account_password_policy(MinimumPasswordLength=8, AllowUsersToChangePassword=True)
    as_user.change_password(OldPassword=GOOD, NewPassword="Brand-New-Passw0rd!")
    # The setting also lets users read the policy.
    assert as_user.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 8
