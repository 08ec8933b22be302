"""Error codes, HTTP statuses and error envelopes, through boto3 and raw requests."""

import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import error_of, signed_request


def test_no_such_entity(iam):
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName="nobody")
    assert error_of(e) == ("NoSuchEntity", 404)
    err = e.value.response["Error"]
    assert err["Type"] == "Sender"
    assert "nobody" in err["Message"]
    assert e.value.response["ResponseMetadata"]["RequestId"]


def test_entity_already_exists(iam):
    iam.create_user(UserName="dup")
    for name in ("dup", "DUP", "Dup"):
        with pytest.raises(ClientError) as e:
            iam.create_user(UserName=name)
        assert error_of(e) == ("EntityAlreadyExists", 409), name


def test_delete_conflict(iam):
    iam.create_user(UserName="busy")
    iam.create_access_key(UserName="busy")
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="busy")
    assert error_of(e) == ("DeleteConflict", 409)


def test_limit_exceeded(iam):
    iam.create_user(UserName="keys")
    for _ in range(2):
        iam.create_access_key(UserName="keys")
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="keys")
    assert error_of(e) == ("LimitExceeded", 409)


@pytest.mark.parametrize("name", ["bad name!", "slash/name", "x" * 65])
def test_validation_error_user_name(iam, name):
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=name)
    assert error_of(e) == ("ValidationError", 400)


def test_validation_error_path(iam):
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="ok", Path="no-leading-slash")
    assert error_of(e) == ("ValidationError", 400)


def test_access_denied_for_user_without_policies(make_client, user_with_key):
    name, key_id, secret = user_with_key
    client = make_client("iam", key_id, secret)
    for call in (client.list_users, lambda: client.get_user(UserName=name),
                 lambda: client.create_user(UserName="sneaky")):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e) == ("AccessDenied", 403)
    assert f":user/{name}" in e.value.response["Error"]["Message"]


def test_invalid_client_token_id(make_client):
    with pytest.raises(ClientError) as e:
        make_client("iam", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").list_users()
    assert error_of(e) == ("InvalidClientTokenId", 403)


def test_signature_does_not_match(make_client):
    with pytest.raises(ClientError) as e:
        make_client("iam", "test", "wrong").list_users()
    assert error_of(e) == ("SignatureDoesNotMatch", 403)


def test_unsigned_request_is_rejected(make_client):
    client = make_client("iam", config=Config(signature_version=botocore.UNSIGNED))
    with pytest.raises(ClientError) as e:
        client.list_users()
    code, status = error_of(e)
    assert status == 403
    assert code == "MissingAuthenticationToken"


def test_unknown_action(server_url):
    status, body = signed_request(server_url + "/", body=b"Action=NoSuchOperation&Version=2010-05-08",
                                  headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert status == 400, body
    assert "<Code>InvalidAction</Code>" in body


def test_every_modelled_operation_is_implemented(iam, sts):
    # Every operation in the pinned models has a handler: none may answer 501 NotImplemented.
    for client in (iam, sts):
        for op in client.meta.service_model.operation_names:
            name = botocore.xform_name(op)
            try:
                getattr(client, name)()
            except botocore.exceptions.ParamValidationError:
                continue  # required input missing: botocore refuses before sending
            except ClientError as e:
                assert e.response["ResponseMetadata"]["HTTPStatusCode"] != 501, (op, e.response["Error"])


def test_reset_requires_root(server_url, user_with_key):
    _, key_id, secret = user_with_key
    status, _ = signed_request(server_url + "/_localiam/reset", key=key_id, secret=secret)
    assert status == 403


def test_health_endpoint(server_url):
    import json
    import urllib.request
    with urllib.request.urlopen(server_url + "/_localiam/health", timeout=5) as resp:
        assert resp.status == 200
        assert json.loads(resp.read())["status"] == "ok"
