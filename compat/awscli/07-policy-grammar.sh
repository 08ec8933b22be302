#!/usr/bin/env bash
# Policy grammar as AWS applies it, with the real aws CLI: what AWS accepts goes through (Terraform's
# empty Sids, condition keys without a vendor, lenient dates, unknown services), and what it
# refuses gets AWS's MalformedPolicyDocument message, in AWS's order. Sources of each rule:
# src/policy/validate.rs and tests/policy_grammar/cases.json.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_server

ACCOUNT="$(aws sts get-caller-identity --query Account --output text)"

step "documents AWS accepts are accepted"
TERRAFORM='{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::tf-state"],
     "Condition": {"StringLike": {"s3:prefix": ["env/*", ""]}}},
    {"Sid": "", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::tf-state/env/*"]}
  ]
}'
expect_ok aws iam create-policy --policy-name TerraformState --policy-document "$TERRAFORM"
LENIENT='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"my-svc:Do","Resource":"arn:aws:not-a-service",
  "Condition":{"StringEquals":{"team":"payments"},"DateGreaterThan":{"aws:CurrentTime":"2019-07-01T"},
  "ForAllValues:Null":{"aws:TagKeys":"false"},"SomeFutureOperator":{}}}}'
expect_ok aws iam create-policy --policy-name Lenient --policy-document "$LENIENT"
NO_VERSION='{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::tf-state/*"}}'
aws iam create-user --user-name grammar-user >/dev/null
expect_ok aws iam put-user-policy --user-name grammar-user --policy-name NoVersion --policy-document "$NO_VERSION"

step "documents AWS refuses get AWS's message"
expect_error MalformedPolicyDocument aws iam create-policy --policy-name NoVersion --policy-document "$NO_VERSION"
expect_contains "$OUT" "Policy document must be version 2012-10-17 or greater." "managed policies need Version 2012-10-17"
BAD_DATE='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2024-13-01"}}}}'
expect_error MalformedPolicyDocument aws iam create-policy --policy-name BadDate --policy-document "$BAD_DATE"
expect_contains "$OUT" "The policy failed legacy parsing" "an unparseable date"
LOWER_EFFECT='{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}}'
expect_error MalformedPolicyDocument aws iam create-policy --policy-name Lower --policy-document "$LOWER_EFFECT"
expect_contains "$OUT" "The policy failed legacy parsing" "an Effect in the wrong case"
PARTITION='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:amazon:s3:::b"}}'
expect_error MalformedPolicyDocument aws iam create-policy --policy-name Partition --policy-document "$PARTITION"
expect_contains "$OUT" 'Partition "amazon" is not valid for resource "arn:amazon:s3:::b".' "an unknown partition"
IAM_REGION='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam:us-east-1:'"$ACCOUNT"':role/x"}}'
expect_error MalformedPolicyDocument aws iam create-policy --policy-name IamRegion --policy-document "$IAM_REGION"
expect_contains "$OUT" "cannot contain region information." "an IAM ARN with a region"
UNKNOWN_OP='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsFoo":{"aws:username":"mary"}}}}'
expect_error MalformedPolicyDocument aws iam create-policy --policy-name UnknownOp --policy-document "$UNKNOWN_OP"
expect_contains "$OUT" "Syntax errors in policy." "an unknown operator with keys"
BAD_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",}]}'
expect_error MalformedPolicyDocument aws iam create-role --role-name grammar-role --assume-role-policy-document "$BAD_TRUST"
expect_contains "$OUT" "This policy contains invalid Json" "a trust policy that is not JSON"

step "cleanup"
expect_ok aws iam delete-user-policy --user-name grammar-user --policy-name NoVersion
expect_ok aws iam delete-user --user-name grammar-user
for p in TerraformState Lenient; do
    expect_ok aws iam delete-policy --policy-arn "arn:aws:iam::$ACCOUNT:policy/$p"
done

finish
