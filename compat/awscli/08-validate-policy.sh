#!/usr/bin/env bash
# IAM Access Analyzer ValidatePolicy with the real aws CLI, on the policies of the tutorial
# "Creating your first IAM delegated user and user group" (shared TUTORIALS.md, flow 1): the
# PowerUserAccess copy, the reduced FullAccessToSomeServices version, and a policy with mistakes.
# Issue codes, wording and spans: src/analyzer (docs/aws-messages.md says which are recorded).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_server

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step "the PowerUserAccess copy: one general warning, iam:CreateServiceLinkedRole on every resource"
VERSION="$(aws iam get-policy --policy-arn arn:aws:iam::aws:policy/PowerUserAccess --query Policy.DefaultVersionId --output text)"
aws iam get-policy-version --policy-arn arn:aws:iam::aws:policy/PowerUserAccess --version-id "$VERSION" \
    --query PolicyVersion.Document --output json > "$WORK/power-user.json"
expect_ok aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$WORK/power-user.json"
expect_eq "CREATE_SLR_WITH_STAR_IN_RESOURCE" "$(jp 'findings[].issueCode')" "PowerUserAccess findings"
expect_eq "WARNING" "$(jp 'findings[0].findingType')" "a general warning"
expect_eq "Statement 1 Resource" "$(jp 'join(`" "`, [findings[0].locations[0].path[0].value, to_string(findings[0].locations[0].path[1].index), findings[0].locations[0].path[2].value])')" "points at the second statement's Resource"
expect_ok aws iam create-policy --policy-name PowerUserExampleCorp \
    --description "Allows full access to all services except those for user management" \
    --policy-document "file://$WORK/power-user.json"

step "the reduced version: the same warning, at the exact span"
cat > "$WORK/reduced.json" <<'JSON'
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "FullAccessToSomeServices",
            "Effect": "Allow",
            "Action": ["ec2:*", "s3:*"],
            "Resource": "*"
        },
        {
            "Sid": "LimitedAccessToSomeServices",
            "Effect": "Allow",
            "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"],
            "Resource": "*"
        }
    ]
}
JSON
expect_ok aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$WORK/reduced.json"
expect_eq "CREATE_SLR_WITH_STAR_IN_RESOURCE" "$(jp 'findings[].issueCode')" "reduced policy findings"
expect_eq "14 24 14 27" "$(jp 'join(`" "`, [to_string(findings[0].locations[0].span.start.line), to_string(findings[0].locations[0].span.start.column), to_string(findings[0].locations[0].span.end.line), to_string(findings[0].locations[0].span.end.column)])')" "span of \"*\" (line 1-based, column 0-based, end exclusive)"
expect_ok aws iam create-policy-version --policy-arn "arn:aws:iam::$(aws sts get-caller-identity --query Account --output text):policy/PowerUserExampleCorp" \
    --policy-document "file://$WORK/reduced.json" --set-as-default

step "a policy with mistakes: each finding with its code, text and place"
printf '%s' '{"Statement":[{"Sid":"Mistakes","Effect":"Allow","Action":["s3:GetObjekt","iam:PassRole"],"Resource":"*"}]}' > "$WORK/mistakes.json"
expect_ok aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$WORK/mistakes.json"
expect_eq "MISSING_VERSION INVALID_ACTION PASS_ROLE_WITH_STAR_IN_RESOURCE" "$(jp 'join(`" "`, findings[].issueCode)')" "codes in document order"
expect_eq "WARNING ERROR SECURITY_WARNING" "$(jp 'join(`" "`, findings[].findingType)')" "finding types"
expect_eq "The action s3:GetObjekt does not exist. Did you mean s3:GetObject?" "$(jp 'findings[1].findingDetails')" "INVALID_ACTION suggests"
expect_eq "59 73" "$(jp 'join(`" "`, [to_string(findings[1].locations[0].span.start.offset), to_string(findings[1].locations[0].span.end.offset)])')" "span of the misspelt action"
expect_eq "Action 0" "$(jp 'join(`" "`, [findings[1].locations[0].path[2].value, to_string(findings[1].locations[0].path[3].index)])')" "path of the misspelt action"
expect_eq "101" "$(jp 'to_string(findings[2].locations[0].span.start.offset)')" "PassRole warning points at Resource"

step "an unparseable document is an ERROR finding, not an error"
printf '%s' '{"Version":"2012-10-17","Statement":[' > "$WORK/broken.json"
expect_ok aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$WORK/broken.json"
expect_eq "JSON_SYNTAX_ERROR" "$(jp 'findings[].issueCode')" "syntax error code"
expect_eq "Fix the JSON syntax error at index 37 line 1 column 37." "$(jp 'findings[0].findingDetails')" "where it stopped"

step "pages: --cli-input-json with maxResults, and the CLI's own pagination"
python - "$WORK/mistakes.json" > "$WORK/input.json" <<'PY'
import json, sys
print(json.dumps({"policyDocument": open(sys.argv[1]).read(), "policyType": "IDENTITY_POLICY", "maxResults": 1}))
PY
expect_ok aws accessanalyzer validate-policy --cli-input-json "file://$WORK/input.json" --no-paginate
expect_eq "MISSING_VERSION" "$(jp 'findings[].issueCode')" "first page"
TOKEN="$(jp nextToken)"
[[ -n "$TOKEN" ]] || fail "no nextToken on the first page"
expect_ok aws accessanalyzer validate-policy --cli-input-json "file://$WORK/input.json" --no-paginate --next-token "$TOKEN"
expect_eq "INVALID_ACTION" "$(jp 'findings[].issueCode')" "second page"
expect_ok aws accessanalyzer validate-policy --cli-input-json "file://$WORK/input.json" --page-size 1
expect_eq "MISSING_VERSION INVALID_ACTION PASS_ROLE_WITH_STAR_IN_RESOURCE" "$(jp 'join(`" "`, findings[].issueCode)')" "the CLI follows nextToken"

step "bad input gets AWS's ValidationException"
expect_error ValidationException aws accessanalyzer validate-policy --policy-type USER_POLICY --policy-document "file://$WORK/reduced.json"
expect_error ValidationException aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY \
    --validate-policy-resource-type AWS::S3::Bucket --policy-document "file://$WORK/reduced.json"
expect_contains "$OUT" "InvalidInput" "a resource type needs RESOURCE_POLICY"

step "a user without access-analyzer:ValidatePolicy is denied"
aws iam create-user --user-name mary.major@examplecorp.com >/dev/null
read -r KEY SECRET < <(aws iam create-access-key --user-name mary.major@examplecorp.com \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
expect_error AccessDeniedException as_user "$KEY" "$SECRET" \
    aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$WORK/reduced.json"
expect_contains "$OUT" "is not authorized to perform: access-analyzer:ValidatePolicy" "AWS's text"

finish
