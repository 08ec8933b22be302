"""Access keys: lifecycle, quota, status, last-used, through boto3."""

import datetime
import re

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, error_of

KEY_ID = re.compile(r"^AKIA[A-Z0-9]{16}$")
SECRET = re.compile(r"^[A-Za-z0-9/+]{40}$")


def test_create_access_key_response_shape(iam):
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert key["UserName"] == "alice"
    assert KEY_ID.match(key["AccessKeyId"]) and len(key["AccessKeyId"]) == 20
    assert SECRET.match(key["SecretAccessKey"]) and len(key["SecretAccessKey"]) == 40
    assert key["Status"] == "Active"
    assert isinstance(key["CreateDate"], datetime.datetime)


def test_list_access_keys_never_shows_secret(iam):
    iam.create_user(UserName="alice")
    ids = {iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"] for _ in range(2)}
    meta = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert {m["AccessKeyId"] for m in meta} == ids
    for m in meta:
        assert set(m) <= {"UserName", "AccessKeyId", "Status", "CreateDate"}
        assert m["UserName"] == "alice" and m["Status"] == "Active"


def test_third_access_key_exceeds_quota(iam):
    iam.create_user(UserName="alice")
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="alice")
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="alice")
    assert error_of(e) == ("LimitExceeded", 409)
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2


def test_new_key_signs_requests(make_client, user_with_key):
    name, key_id, secret = user_with_key
    ident = make_client("sts", key_id, secret).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"


def test_inactive_key_is_rejected_and_can_be_reactivated(iam, make_client, user_with_key):
    name, key_id, secret = user_with_key
    sts = make_client("sts", key_id, secret)
    iam.update_access_key(UserName=name, AccessKeyId=key_id, Status="Inactive")
    meta = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [m["Status"] for m in meta] == ["Inactive"]
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert error_of(e) == ("InvalidClientTokenId", 403)
    iam.update_access_key(UserName=name, AccessKeyId=key_id, Status="Active")
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{name}")


def test_deleted_key_is_rejected(iam, make_client, user_with_key):
    name, key_id, secret = user_with_key
    iam.delete_access_key(UserName=name, AccessKeyId=key_id)
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
    with pytest.raises(ClientError) as e:
        make_client("sts", key_id, secret).get_caller_identity()
    assert error_of(e) == ("InvalidClientTokenId", 403)


def test_access_key_last_used(iam, make_client, user_with_key):
    name, key_id, secret = user_with_key
    before = iam.get_access_key_last_used(AccessKeyId=key_id)
    assert before["UserName"] == name
    assert before["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert before["AccessKeyLastUsed"]["Region"] == "N/A"
    assert "LastUsedDate" not in before["AccessKeyLastUsed"]
    make_client("sts", key_id, secret).get_caller_identity()
    after = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert after["ServiceName"] == "sts"
    assert after["Region"] == "us-east-1"
    assert isinstance(after["LastUsedDate"], datetime.datetime)


def test_access_key_errors_for_missing_entities(iam):
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="ghost")
    assert error_of(e) == ("NoSuchEntity", 404)
    iam.create_user(UserName="owner")
    iam.create_user(UserName="other")
    key_id = iam.create_access_key(UserName="owner")["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as e:
        iam.delete_access_key(UserName="other", AccessKeyId=key_id)
    assert error_of(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.update_access_key(UserName="owner", AccessKeyId="AKIAZZZZZZZZZZZZZZZZ", Status="Inactive")
    assert error_of(e) == ("NoSuchEntity", 404)


def test_update_access_key_bad_status(iam, user_with_key):
    name, key_id, _ = user_with_key
    with pytest.raises(ClientError) as e:
        iam.update_access_key(UserName=name, AccessKeyId=key_id, Status="Paused")
    assert error_of(e) == ("ValidationError", 400)


def test_delete_user_with_keys_conflicts(iam, user_with_key):
    name, key_id, _ = user_with_key
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=name)
    assert error_of(e) == ("DeleteConflict", 409)
    iam.delete_access_key(UserName=name, AccessKeyId=key_id)
    iam.delete_user(UserName=name)
