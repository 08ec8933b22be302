"""IAM groups and membership, through boto3."""

import datetime
import re

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, error_of

GROUP_ID = re.compile(r"^AGPA[A-Z0-9]{17}$")


def test_create_group_response_shape(iam):
    group = iam.create_group(GroupName="PowerUsers", Path="/tutorial/")["Group"]
    assert group["GroupName"] == "PowerUsers"
    assert group["Path"] == "/tutorial/"
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/tutorial/PowerUsers"
    assert GROUP_ID.match(group["GroupId"]), group["GroupId"]
    assert isinstance(group["CreateDate"], datetime.datetime)


def test_get_group_lists_members(iam):
    iam.create_group(GroupName="devs")
    for name in ("mary", "diego"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="devs", UserName=name)
    iam.add_user_to_group(GroupName="devs", UserName="mary")  # adding twice is fine
    resp = iam.get_group(GroupName="devs")
    assert resp["Group"]["GroupName"] == "devs"
    assert sorted(u["UserName"] for u in resp["Users"]) == ["diego", "mary"]
    assert resp["IsTruncated"] is False
    for user in resp["Users"]:
        assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{user['UserName']}"


def test_list_groups_for_user_and_remove(iam):
    iam.create_user(UserName="mary")
    for g in ("a", "b", "c"):
        iam.create_group(GroupName=g)
        iam.add_user_to_group(GroupName=g, UserName="mary")
    groups = iam.list_groups_for_user(UserName="mary")["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["a", "b", "c"]
    assert all(GROUP_ID.match(g["GroupId"]) for g in groups)
    iam.remove_user_from_group(GroupName="b", UserName="mary")
    groups = iam.list_groups_for_user(UserName="mary")["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["a", "c"]
    assert iam.get_group(GroupName="b")["Users"] == []


def test_list_groups_paginator_and_prefix(iam):
    for i in range(12):
        iam.create_group(GroupName=f"g{i:02d}", Path="/even/" if i % 2 == 0 else "/odd/")
    pages = list(iam.get_paginator("list_groups").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Groups"]) for p in pages] == [5, 5, 2]
    assert len({g["GroupName"] for p in pages for g in p["Groups"]}) == 12
    even = iam.list_groups(PathPrefix="/even/")["Groups"]
    assert len(even) == 6


def test_update_group_rename_and_path(iam):
    orig = iam.create_group(GroupName="old")["Group"]
    iam.create_user(UserName="member")
    iam.add_user_to_group(GroupName="old", UserName="member")
    iam.update_group(GroupName="old", NewGroupName="new", NewPath="/moved/")
    with pytest.raises(ClientError) as e:
        iam.get_group(GroupName="old")
    assert error_of(e) == ("NoSuchEntity", 404)
    resp = iam.get_group(GroupName="new")
    assert resp["Group"]["GroupId"] == orig["GroupId"]
    assert resp["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/moved/new"
    assert [u["UserName"] for u in resp["Users"]] == ["member"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="member")["Groups"]] == ["new"]


def test_duplicate_group_is_case_insensitive(iam):
    iam.create_group(GroupName="Admins")
    with pytest.raises(ClientError) as e:
        iam.create_group(GroupName="ADMINS")
    assert error_of(e) == ("EntityAlreadyExists", 409)


def test_delete_group_with_members_conflicts(iam):
    iam.create_group(GroupName="busy")
    iam.create_user(UserName="u")
    iam.add_user_to_group(GroupName="busy", UserName="u")
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName="busy")
    assert error_of(e) == ("DeleteConflict", 409)
    iam.remove_user_from_group(GroupName="busy", UserName="u")
    iam.delete_group(GroupName="busy")
    with pytest.raises(ClientError) as e:
        iam.get_group(GroupName="busy")
    assert error_of(e) == ("NoSuchEntity", 404)


def test_membership_with_missing_entities(iam):
    iam.create_group(GroupName="real")
    iam.create_user(UserName="real-user")
    with pytest.raises(ClientError) as e:
        iam.add_user_to_group(GroupName="real", UserName="ghost")
    assert error_of(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.add_user_to_group(GroupName="ghost", UserName="real-user")
    assert error_of(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.list_groups_for_user(UserName="ghost")
    assert error_of(e) == ("NoSuchEntity", 404)


def test_delete_user_in_group_conflicts(iam):
    iam.create_group(GroupName="g")
    iam.create_user(UserName="u")
    iam.add_user_to_group(GroupName="g", UserName="u")
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="u")
    assert error_of(e) == ("DeleteConflict", 409)
