"""The policy simulator as AWS answers it (source: LocalStack's AWS-validated snapshot
test_iam.snapshot.json, test_simulate_principle_policy[user]), and evaluation of a multivalued
key without a set operator (issue 10: verified on AWS; IAM User Guide, single- vs multivalued keys)."""

import json

POLICY = json.dumps({"Version": "2012-10-17", "Statement": {
    "Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}})


def test_principal_simulation_as_recorded(iam):
    arn = iam.create_policy(PolicyName="put", PolicyDocument=POLICY)["Policy"]["Arn"]
    user = iam.create_user(UserName="sim")["User"]
    iam.attach_user_policy(UserName="sim", PolicyArn=arn)
    results = iam.simulate_principal_policy(
        PolicySourceArn=user["Arn"], ActionNames=["s3:PutObject", "s3:GetObjectVersion"],
        ResourceArns=["arn:aws:s3:::bucket"])["EvaluationResults"]
    allowed, denied = results
    assert allowed["EvalDecision"] == "allowed"
    assert allowed["EvalDecisionDetails"] == {}
    assert allowed["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}
    assert allowed["MatchedStatements"] == [{
        "SourcePolicyId": "put", "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": 1, "Column": 41}, "EndPosition": {"Line": 1, "Column": 113}}]
    assert "EvalDecisionDetails" not in allowed["ResourceSpecificResults"][0]
    assert denied["EvalDecision"] == "implicitDeny"
    assert denied["MatchedStatements"] == []


def test_a_multivalued_key_needs_a_set_operator(iam):
    def decision(operator):
        doc = json.dumps({"Version": "2012-10-17", "Statement": {
            "Effect": "Allow", "Action": "iam:TagUser", "Resource": "*",
            "Condition": {operator: {"aws:TagKeys": ["team", "env"]}}}})
        return iam.simulate_custom_policy(
            PolicyInputList=[doc], ActionNames=["iam:TagUser"],
            ContextEntries=[{"ContextKeyName": "aws:TagKeys", "ContextKeyType": "stringList",
                             "ContextKeyValues": ["team", "env"]}],
        )["EvaluationResults"][0]["EvalDecision"]

    assert decision("StringEquals") == "implicitDeny"
    assert decision("ForAllValues:StringEquals") == "allowed"
    assert decision("ForAnyValue:StringEquals") == "allowed"
