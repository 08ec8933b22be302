"""Parameters are validated before authorization, with AWS's texts; session tag rules.

Sources: LocalStack's AWS-validated snapshots (test_iam.snapshot.json test_role_attach_policy,
test_sts.snapshot.json test_sts_invalid_parameters, test_assume_role_tag_validation,
test_iam_role_chaining_override_transitive_tags); cfn-lint#722 and aws-cli#5860 for the path texts.
"""

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, error_of

NO_CLIENT_VALIDATION = Config(parameter_validation=False)


def message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def test_malformed_policy_arn_before_access_denied(iam, make_client, user_with_key):
    name, key, secret = user_with_key
    as_user = make_client("iam", key=key, secret=secret)
    with pytest.raises(ClientError) as e:
        as_user.attach_user_policy(UserName=name, PolicyArn="longpolicynamebutnoarn")
    assert error_of(e) == ("ValidationError", 400)
    assert message(e) == "Invalid ARN:  Could not be parsed!"


def test_assume_role_with_a_malformed_arn(make_client, user_with_key):
    _, key, secret = user_with_key
    sts = make_client("sts", key=key, secret=secret, config=NO_CLIENT_VALIDATION)
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn="nothing-valid-in-here", RoleSessionName="Session1")
    assert error_of(e) == ("ValidationError", 400)
    assert message(e) == "nothing-valid-in-here is invalid"


def test_path_sentences(iam):
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="r", Path="test/", AssumeRolePolicyDocument="{}")
    assert message(e) == ("The specified value for path is invalid. It must begin and end with / "
                          "and contain only alphanumeric characters and/or / characters.")
    with pytest.raises(ClientError) as e:
        iam.list_policies(PathPrefix="/foo")
    assert message(e) == ("The specified value for pathPrefix is invalid. It must begin with the / "
                          "character and contain only alphanumeric characters and/or / characters.")


def test_transitive_tags_in_a_role_chain(iam, make_client):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Principal": {"AWS": ACCOUNT_ID}}]})
    role1 = iam.create_role(RoleName="role-1", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    role2 = iam.create_role(RoleName="role-2", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    allow = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}]})
    iam.put_role_policy(RoleName="role-1", PolicyName="chain", PolicyDocument=allow)
    iam.create_user(UserName="caller")
    iam.put_user_policy(UserName="caller", PolicyName="assume", PolicyDocument=allow)
    key = iam.create_access_key(UserName="caller")["AccessKey"]
    sts = make_client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])

    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=role1, RoleSessionName="s1",
                        Tags=[{"Key": "SessionTag1", "Value": "v"}], TransitiveTagKeys=["InvalidKey"])
    assert error_of(e) == ("InvalidParameterValue", 400)
    assert message(e) == "The specified transitive tag key must be included in the requested tags."

    creds = sts.assume_role(RoleArn=role1, RoleSessionName="s1",
                            Tags=[{"Key": "SessionTag1", "Value": "SessionValue1"}],
                            TransitiveTagKeys=["SessionTag1"])["Credentials"]
    chained = make_client("sts", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                          token=creds["SessionToken"])
    with pytest.raises(ClientError) as e:
        chained.assume_role(RoleArn=role2, RoleSessionName="s2",
                            Tags=[{"Key": "sessiontag1", "Value": "SessionValue2"}])
    assert error_of(e) == ("InvalidParameterValue", 400)
    assert message(e) == ("One of the specified transitive tag keys can't be set because it "
                          "conflicts with a transitive tag key from the calling session.")
