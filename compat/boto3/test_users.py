"""IAM users: create/get/list/update/delete and tags, through boto3."""

import datetime
import re

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, error_of

USER_ID = re.compile(r"^AIDA[A-Z0-9]{17}$")


def test_create_user_response_shape(iam):
    user = iam.create_user(UserName="alice")["User"]
    assert user["UserName"] == "alice"
    assert user["Path"] == "/"
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/alice"
    assert USER_ID.match(user["UserId"]), user["UserId"]
    assert len(user["UserId"]) == 21
    assert isinstance(user["CreateDate"], datetime.datetime)
    assert user["CreateDate"].tzinfo is not None
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - user["CreateDate"]).total_seconds()) < 300


def test_create_user_with_path_and_get(iam):
    created = iam.create_user(UserName="bob", Path="/division_abc/subdivision_xyz/")["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/division_abc/subdivision_xyz/bob"
    got = iam.get_user(UserName="bob")["User"]
    for field in ("UserName", "UserId", "Arn", "Path", "CreateDate"):
        assert got[field] == created[field], field


def test_user_ids_are_unique(iam):
    ids = {iam.create_user(UserName=f"u{i}")["User"]["UserId"] for i in range(5)}
    assert len(ids) == 5


def test_get_user_without_name_as_root(iam):
    user = iam.get_user()["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert user["UserId"] == ACCOUNT_ID


def test_list_users_paginator(iam):
    names = sorted(f"user-{i:02d}" for i in range(25))
    for name in names:
        iam.create_user(UserName=name)
    pages = list(iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 10}))
    assert [len(p["Users"]) for p in pages] == [10, 10, 5]
    assert [p["IsTruncated"] for p in pages] == [True, True, False]
    assert all("Marker" in p for p in pages[:2])
    assert "Marker" not in pages[2]
    seen = [u["UserName"] for p in pages for u in p["Users"]]
    assert sorted(seen) == names


def test_list_users_max_items_and_marker(iam):
    for i in range(5):
        iam.create_user(UserName=f"m{i}")
    first = iam.list_users(MaxItems=3)
    assert len(first["Users"]) == 3 and first["IsTruncated"] is True
    rest = iam.list_users(MaxItems=3, Marker=first["Marker"])
    assert len(rest["Users"]) == 2 and rest["IsTruncated"] is False
    names = {u["UserName"] for u in first["Users"] + rest["Users"]}
    assert names == {f"m{i}" for i in range(5)}


def test_list_users_path_prefix(iam):
    iam.create_user(UserName="eng1", Path="/eng/")
    iam.create_user(UserName="eng2", Path="/eng/backend/")
    iam.create_user(UserName="ops1", Path="/ops/")
    iam.create_user(UserName="plain")
    got = {u["UserName"] for u in iam.list_users(PathPrefix="/eng/")["Users"]}
    assert got == {"eng1", "eng2"}
    assert len(iam.list_users()["Users"]) == 4


def test_update_user_rename_and_path(iam):
    orig = iam.create_user(UserName="carol")["User"]
    iam.update_user(UserName="carol", NewUserName="carol2", NewPath="/team/")
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName="carol")
    assert error_of(e) == ("NoSuchEntity", 404)
    user = iam.get_user(UserName="carol2")["User"]
    assert user["UserId"] == orig["UserId"]
    assert user["Path"] == "/team/"
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/team/carol2"


def test_update_user_to_existing_name(iam):
    iam.create_user(UserName="a1")
    iam.create_user(UserName="a2")
    with pytest.raises(ClientError) as e:
        iam.update_user(UserName="a1", NewUserName="A2")
    assert error_of(e) == ("EntityAlreadyExists", 409)


def test_delete_user(iam):
    iam.create_user(UserName="dave")
    iam.delete_user(UserName="dave")
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName="dave")
    assert error_of(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="dave")
    assert error_of(e) == ("NoSuchEntity", 404)


def test_create_user_tags_and_list_user_tags(iam):
    tags = [{"Key": "Department", "Value": "Engineering"}, {"Key": "CostCenter", "Value": "1234"}]
    user = iam.create_user(UserName="tagged", Tags=tags)["User"]
    assert sorted(user["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
    listed = iam.list_user_tags(UserName="tagged")
    assert sorted(listed["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
    assert listed["IsTruncated"] is False
    got = iam.get_user(UserName="tagged")["User"]
    assert {t["Key"] for t in got["Tags"]} == {"Department", "CostCenter"}


def test_tag_and_untag_user(iam):
    iam.create_user(UserName="tagme")
    iam.tag_user(UserName="tagme", Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}])
    iam.tag_user(UserName="tagme", Tags=[{"Key": "env", "Value": "prod"}])  # overwrite
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="tagme")["Tags"]}
    assert tags == {"env": "prod", "team": "a"}
    iam.untag_user(UserName="tagme", TagKeys=["team", "not-there"])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="tagme")["Tags"]}
    assert tags == {"env": "prod"}


def test_tag_user_unknown_user(iam):
    with pytest.raises(ClientError) as e:
        iam.tag_user(UserName="ghost", Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(e) == ("NoSuchEntity", 404)


def test_tag_user_over_limit(iam):
    iam.create_user(UserName="many-tags")
    with pytest.raises(ClientError) as e:
        iam.tag_user(UserName="many-tags", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert error_of(e)[0] in ("LimitExceeded", "ValidationError")
