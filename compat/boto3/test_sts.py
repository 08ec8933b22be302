"""STS GetCallerIdentity / GetAccessKeyInfo, through boto3."""

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, error_of


def test_root_caller_identity(sts):
    ident = sts.get_caller_identity()
    assert ident["Account"] == ACCOUNT_ID
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert ident["UserId"] == ACCOUNT_ID
    assert ident["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ident["ResponseMetadata"]["RequestId"]


def test_user_caller_identity(iam, make_client):
    user = iam.create_user(UserName="mary.major@examplecorp.com", Path="/staff/")["User"]
    key = iam.create_access_key(UserName=user["UserName"])["AccessKey"]
    ident = make_client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
    assert ident["Account"] == ACCOUNT_ID
    assert ident["UserId"] == user["UserId"]
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/staff/mary.major@examplecorp.com"


def test_user_without_policies_may_still_call_get_caller_identity(make_client, user_with_key):
    _, key_id, secret = user_with_key
    with pytest.raises(ClientError) as e:
        make_client("iam", key_id, secret).list_users()
    assert error_of(e) == ("AccessDenied", 403)
    assert make_client("sts", key_id, secret).get_caller_identity()["Account"] == ACCOUNT_ID


def test_get_access_key_info(sts, user_with_key):
    _, key_id, _ = user_with_key
    assert sts.get_access_key_info(AccessKeyId=key_id)["Account"] == ACCOUNT_ID


def test_wrong_secret(make_client, user_with_key):
    _, key_id, secret = user_with_key
    bad = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    with pytest.raises(ClientError) as e:
        make_client("sts", key_id, bad).get_caller_identity()
    assert error_of(e) == ("SignatureDoesNotMatch", 403)


def test_unknown_key(make_client):
    with pytest.raises(ClientError) as e:
        make_client("sts", "AKIAZZZZZZZZZZZZZZZZ", "x" * 40).get_caller_identity()
    assert error_of(e) == ("InvalidClientTokenId", 403)


def test_wrong_root_secret(make_client):
    with pytest.raises(ClientError) as e:
        make_client("sts", "test", "not-the-secret").get_caller_identity()
    assert error_of(e) == ("SignatureDoesNotMatch", 403)
