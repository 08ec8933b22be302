"""AssumeRoleWithSAML through boto3, with responses signed at test time by signxml (an independent
XML-DSig implementation) using a fresh IdP key: localiam must accept exactly what it signed."""

import base64
import datetime
import json
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, error_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "saml"))
import generate  # noqa: E402  (the fixture generator doubles as the test IdP)

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/saml-dev"
PROVIDER = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/corp-idp"


@pytest.fixture(scope="module")
def idp():
    key_pem, cert_pem = generate.key_and_cert("corp-idp.example.com")
    return key_pem, cert_pem


@pytest.fixture
def saml_role(iam, idp):
    _, cert_pem = idp
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument=generate.metadata(cert_pem))
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        }],
    }
    iam.create_role(RoleName="saml-dev", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="saml-dev", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")


def response(idp, minutes=5, **kwargs):
    key_pem, cert_pem = idp
    until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes))
    xml = generate.signed_response(key_pem, cert_pem, ROLE, PROVIDER, subject="dev@example.com",
                                   not_on_or_after=until.strftime("%Y-%m-%dT%H:%M:%SZ"), **kwargs)
    return base64.b64encode(xml).decode()


@pytest.mark.parametrize("sign", ["assertion", "response"])
def test_signed_response_gets_working_role_credentials(sts, make_client, saml_role, idp, sign):
    out = sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn=PROVIDER,
                                    SAMLAssertion=response(idp, session_name="dev", sign=sign))
    assert out["Subject"] == "dev@example.com"
    assert out["Issuer"] == "https://idp.example.com/saml"
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/saml-dev/dev"
    c = out["Credentials"]
    session_iam = make_client("iam", c["AccessKeyId"], c["SecretAccessKey"], token=c["SessionToken"])
    session_iam.list_roles()  # IAMReadOnlyAccess
    with pytest.raises(ClientError) as e:
        session_iam.create_user(UserName="nope")
    assert error_of(e)[0] == "AccessDenied"


def test_response_signed_by_another_key_is_refused(sts, saml_role):
    stranger = generate.key_and_cert("stranger.example.com")
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn=PROVIDER, SAMLAssertion=response(stranger))
    assert error_of(e) == ("InvalidIdentityToken", 400)
    assert e.value.response["Error"]["Message"] == "Response signature invalid"


def test_tampered_response_is_refused(sts, saml_role, idp):
    xml = base64.b64decode(response(idp, session_name="dev")).replace(b"saml-dev", b"saml-adm")
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn=PROVIDER, SAMLAssertion=base64.b64encode(xml).decode())
    assert error_of(e)[0] == "InvalidIdentityToken"


def test_expired_response_is_refused(sts, saml_role, idp):
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn=PROVIDER, SAMLAssertion=response(idp, minutes=-1))
    assert error_of(e)[0] == "ExpiredTokenException"
