"""Service-linked roles as AWS names them (source: LocalStack's AWS-validated snapshot
test_iam.snapshot.json, test_service_role_lifecycle*; the refusal of an unknown service is
AWS's text as quoted in public projects)."""

import json
from urllib.parse import unquote

import pytest
from botocore.exceptions import ClientError


def test_acm_role_name_path_policy_and_trust(iam):
    role = iam.create_service_linked_role(AWSServiceName="acm.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForCertificateManager"
    assert role["Path"] == "/aws-service-role/acm.amazonaws.com/"
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(unquote(trust))
    assert trust["Statement"][0]["Principal"] == {"Service": "acm.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["CertificateManagerServiceRolePolicy"]


def test_custom_suffix_rules(iam):
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="ci")
    assert role["Role"]["RoleName"] == "AWSServiceRoleForAutoScaling_ci"
    with pytest.raises(ClientError) as e:
        iam.create_service_linked_role(AWSServiceName="acm.amazonaws.com", CustomSuffix="ci")
    assert e.value.response["Error"]["Code"] == "InvalidInput"
    assert e.value.response["Error"]["Message"] == "Custom suffix is not allowed for acm.amazonaws.com"


def test_unknown_service_is_refused(iam):
    with pytest.raises(ClientError) as e:
        iam.create_service_linked_role(AWSServiceName="OpenSearch.amazonaws.com")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert e.value.response["Error"]["Message"] == (
        "Cannot find Service Linked Role template for OpenSearch.amazonaws.com")
