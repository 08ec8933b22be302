"""Response shapes as AWS writes them (sources: LocalStack's AWS-validated IAM/STS snapshots,
moto's aws_verified signing-certificate tests, botocore's ListUsers/ListRoles documentation)."""

import json

from conftest import ACCOUNT_ID

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
DOC = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def test_role_shapes(iam):
    created = iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)["Role"]
    assert "MaxSessionDuration" not in created
    got = iam.get_role(RoleName="app")["Role"]
    assert got["MaxSessionDuration"] == 3600
    assert got["RoleLastUsed"] == {}
    listed = iam.list_roles()["Roles"][0]
    assert "RoleLastUsed" not in listed


def test_policy_shapes(iam):
    created = iam.create_policy(PolicyName="p", PolicyDocument=DOC, Description="about p")["Policy"]
    assert "Description" not in created
    got = iam.get_policy(PolicyArn=f"arn:aws:iam::{ACCOUNT_ID}:policy/p")["Policy"]
    assert got["Tags"] == []
    assert got["Description"] == "about p"


def test_root_get_user_has_no_user_name(iam):
    user = iam.get_user()["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert "UserName" not in user and "Path" not in user


def test_list_users_has_no_boundary(iam):
    iam.create_policy(PolicyName="b", PolicyDocument=DOC)
    iam.create_user(UserName="u", PermissionsBoundary=f"arn:aws:iam::{ACCOUNT_ID}:policy/b")
    assert "PermissionsBoundary" not in iam.list_users()["Users"][0]
    assert "PermissionsBoundary" in iam.get_user(UserName="u")["User"]
