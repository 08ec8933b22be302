#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# Managed and inline policies, driven with the real aws CLI (v1):
#  - tutorial 1 ("Creating your first IAM delegated user and user group"), policy
#    steps: copy PowerUserAccess into PowerUserExampleCorp, attach it to the
#    PowerUsers group, narrow it with a new default version, list / roll back
#    versions (five at most), and the errors around versions and deletion;
#  - policy validation (MalformedPolicyDocument stores nothing), AWS managed
#    policies (read-only, paginated listing, --only-attached);
#  - tutorial 2 (administrator user and group): testuser1 with
#    AdministratorAccess, the labadmin group with AdministratorAccess and
#    job-function/Billing, and user inline policies with their size quota.
# Run: scripts/with-server compat/awscli/04-policies.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

ACCOUNT=123456789012
AWS_POWER=arn:aws:iam::aws:policy/PowerUserAccess
AWS_ADMIN=arn:aws:iam::aws:policy/AdministratorAccess
AWS_BILLING=arn:aws:iam::aws:policy/job-function/Billing
POLICY=PowerUserExampleCorp
POLICY_ARN="arn:aws:iam::$ACCOUNT:policy/$POLICY"
DESCRIPTION="Allows full access to all services except those for user management"
GROUP=PowerUsers

TMP="$(mktemp -d "${TMPDIR:-/tmp}/compat-04.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# JSON equality of two documents (key order and whitespace ignored).
same_json() {
    python -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else 1)' "$1" "$2"
}

step "read the AWS managed policy PowerUserAccess (default version)"
query 'Policy.[PolicyName,Arn,IsAttachable]' aws iam get-policy --policy-arn "$AWS_POWER"
expect_eq "PowerUserAccess	$AWS_POWER	True" "$OUT" "PowerUserAccess get-policy"
query 'Policy.DefaultVersionId' aws iam get-policy --policy-arn "$AWS_POWER"
POWER_DEFAULT="$OUT"
expect_match "$POWER_DEFAULT" '^v[0-9]+$' "PowerUserAccess DefaultVersionId"
expect_ok aws iam get-policy-version --policy-arn "$AWS_POWER" --version-id "$POWER_DEFAULT" --output json
expect_eq "True" "$(jp PolicyVersion.IsDefaultVersion)" "default version IsDefaultVersion"
printf '%s' "$OUT" | python -c 'import json, sys; json.dump(json.load(sys.stdin)["PolicyVersion"]["Document"], open(sys.argv[1], "w"))' "$TMP/power-user.json"
expect_contains "$(jp 'PolicyVersion.Document.Statement[0].NotAction')" "iam:*" "first statement NotAction"
expect_contains "$(jp 'PolicyVersion.Document.Statement[0].NotAction')" "organizations:*" "first statement NotAction"
expect_eq "Allow	*" "$(jp 'PolicyVersion.Document.Statement[0].[Effect,Resource] | join(`\t`, @)')" "first statement Effect/Resource"

step "copy it into the customer managed policy $POLICY"
query 'Policy.[Arn,DefaultVersionId,AttachmentCount,Path]' aws iam create-policy --policy-name "$POLICY" \
    --policy-document "file://$TMP/power-user.json" --description "$DESCRIPTION"
expect_eq "$POLICY_ARN	v1	0	/" "$OUT" "create-policy"
query 'Policy.PolicyId' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_match "$OUT" '^ANPA[A-Z0-9]{17}$' "policy id"
query 'Policy.Description' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_eq "$DESCRIPTION" "$OUT" "policy description"
expect_ok aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v1 --output json
printf '%s' "$OUT" | python -c 'import json, sys; json.dump(json.load(sys.stdin)["PolicyVersion"]["Document"], open(sys.argv[1], "w"))' "$TMP/copy.json"
if same_json "$TMP/power-user.json" "$TMP/copy.json"; then same=yes; else same=no; fi
expect_eq "yes" "$same" "v1 document equals PowerUserAccess's"
expect_error EntityAlreadyExists aws iam create-policy --policy-name "$POLICY" --policy-document "file://$TMP/power-user.json"

step "create group $GROUP and attach $POLICY"
expect_ok aws iam create-group --group-name "$GROUP"
expect_ok aws iam attach-group-policy --group-name "$GROUP" --policy-arn "$POLICY_ARN"
query 'AttachedPolicies[].[PolicyName,PolicyArn]' aws iam list-attached-group-policies --group-name "$GROUP"
expect_eq "$POLICY	$POLICY_ARN" "$OUT" "list-attached-group-policies"
expect_ok aws iam list-entities-for-policy --policy-arn "$POLICY_ARN" --output json
expect_eq "$GROUP" "$(jp 'PolicyGroups[].GroupName')" "list-entities-for-policy groups"
expect_eq "" "$(jp 'PolicyUsers[].UserName')" "list-entities-for-policy users"
expect_eq "" "$(jp 'PolicyRoles[].RoleName')" "list-entities-for-policy roles"
expect_ok aws iam list-entities-for-policy --policy-arn "$POLICY_ARN" --entity-filter User --output json
expect_eq "" "$(jp 'PolicyGroups[].GroupName')" "entity-filter User hides groups"
query 'Policy.AttachmentCount' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_eq "1" "$OUT" "AttachmentCount after attach"

step "narrow the policy: v2 as default with FullAccessToSomeServices"
V2='{"Version":"2012-10-17","Statement":[
  {"Sid":"FullAccessToSomeServices","Effect":"Allow","Action":["ec2:*","s3:*"],"Resource":"*"},
  {"Sid":"LimitedIamAndOrganizations","Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}'
query 'PolicyVersion.[VersionId,IsDefaultVersion]' aws iam create-policy-version --policy-arn "$POLICY_ARN" \
    --policy-document "$V2" --set-as-default
expect_eq "v2	True" "$OUT" "create-policy-version v2"
query 'Policy.DefaultVersionId' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_eq "v2" "$OUT" "DefaultVersionId"
query 'PolicyVersion.Document.Statement[0].Sid' aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v2
expect_eq "FullAccessToSomeServices" "$OUT" "v2 first statement Sid"
query 'PolicyVersion.Document.Statement[0].Action' aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v2
expect_eq "ec2:*	s3:*" "$OUT" "v2 first statement actions"
query 'PolicyVersion.Document.Statement[1].Action' aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v2
expect_eq "iam:CreateServiceLinkedRole	iam:DeleteServiceLinkedRole	iam:ListRoles	organizations:DescribeOrganization" "$OUT" "v2 second statement actions"
expect_ok aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json
expect_eq "v1,v2" "$(jp 'sort(Versions[].VersionId) | join(`,`, @)')" "list-policy-versions"
expect_eq "v2" "$(jp 'Versions[?IsDefaultVersion].VersionId')" "default in list-policy-versions"
query 'Policy.AttachmentCount' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_eq "1" "$OUT" "AttachmentCount unchanged by a new version"

step "roll back to v1"
expect_ok aws iam set-default-policy-version --policy-arn "$POLICY_ARN" --version-id v1
query 'Policy.DefaultVersionId' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_eq "v1" "$OUT" "DefaultVersionId after rollback"
query 'PolicyVersion.IsDefaultVersion' aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v2
expect_eq "False" "$OUT" "v2 no longer default"
expect_error NoSuchEntity aws iam set-default-policy-version --policy-arn "$POLICY_ARN" --version-id v9
expect_error NoSuchEntity aws iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v9

step "five versions at most"
for n in 3 4 5; do
    doc="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"V$n\",\"Effect\":\"Allow\",\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"*\"}]}"
    query 'PolicyVersion.[VersionId,IsDefaultVersion]' aws iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "$doc"
    expect_eq "v$n	False" "$OUT" "create-policy-version v$n"
done
expect_ok aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json
expect_eq "5" "$(jp 'length(Versions)')" "version count"
V6='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
expect_error LimitExceeded aws iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "$V6"
expect_ok aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json
expect_eq "5" "$(jp 'length(Versions)')" "version count after LimitExceeded"

step "deleting the default version or an attached policy is a DeleteConflict"
expect_error DeleteConflict aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v1
expect_contains "$OUT" "Cannot delete the default version of a policy" "DeleteConflict message"
expect_error DeleteConflict aws iam delete-policy --policy-arn "$POLICY_ARN"
expect_ok aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v3
expect_ok aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json
expect_eq "v1,v2,v4,v5" "$(jp 'sort(Versions[].VersionId) | join(`,`, @)')" "versions after deleting v3"
query 'PolicyVersion.VersionId' aws iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "$V6"
expect_eq "v6" "$OUT" "version ids are not reused"
expect_error NoSuchEntity aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v3

step "malformed documents are rejected and nothing is stored"
query 'length(Policies)' aws iam list-policies --scope Local --no-paginate
LOCAL_BEFORE="$OUT"
expect_eq "1" "$LOCAL_BEFORE" "customer managed policies before"
BAD_JSON='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}'
WITH_PRINCIPAL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:*","Resource":"*"}]}'
BAD_OPERATOR='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsFoo":{"aws:username":"mary"}}}]}'
expect_error MalformedPolicyDocument aws iam create-policy --policy-name Broken1 --policy-document "$BAD_JSON"
expect_error MalformedPolicyDocument aws iam create-policy --policy-name Broken2 --policy-document "$WITH_PRINCIPAL"
expect_error MalformedPolicyDocument aws iam create-policy --policy-name Broken3 --policy-document "$BAD_OPERATOR"
query 'length(Policies)' aws iam list-policies --scope Local --no-paginate
expect_eq "$LOCAL_BEFORE" "$OUT" "customer managed policies after"
expect_error NoSuchEntity aws iam get-policy --policy-arn "arn:aws:iam::$ACCOUNT:policy/Broken2"
expect_ok aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id v6
expect_error MalformedPolicyDocument aws iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "$WITH_PRINCIPAL"
expect_ok aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json
expect_eq "4" "$(jp 'length(Versions)')" "versions after a malformed create-policy-version"

step "AWS managed policies cannot be changed"
expect_fail aws iam create-policy-version --policy-arn "$AWS_POWER" --policy-document "$V6" --set-as-default
echo "    (refused with $ERR_CODE)"
query 'Policy.DefaultVersionId' aws iam get-policy --policy-arn "$AWS_POWER"
expect_eq "$POWER_DEFAULT" "$OUT" "PowerUserAccess default version unchanged"

step "list AWS managed policies page by page"
expect_ok aws iam list-policies --scope AWS --max-items 50 --output json
expect_eq "50" "$(jp 'length(Policies)')" "first page size"
TOKEN="$(jp NextToken)"
[[ -n "$TOKEN" ]] || fail "no NextToken after --max-items 50"
PAGE1="$(jp 'Policies[].Arn')"
expect_eq "0" "$(jp 'length(Policies[?!starts_with(Arn, `arn:aws:iam::aws:policy/`)])')" "scope AWS lists only AWS policies"
expect_ok aws iam list-policies --scope AWS --max-items 50 --starting-token "$TOKEN" --output json
expect_eq "50" "$(jp 'length(Policies)')" "second page size"
PAGE2="$(jp 'Policies[].Arn')"
overlap="$(comm -12 <(sort <<<"$PAGE1") <(sort <<<"$PAGE2") | wc -l)"
expect_eq "0" "$overlap" "pages overlap"
expect_ok aws iam list-policies --scope Local --output json
expect_eq "$POLICY_ARN" "$(jp 'Policies[].Arn')" "scope Local"

step "--only-attached"
expect_ok aws iam list-policies --only-attached --output json
expect_eq "$POLICY_ARN" "$(jp 'Policies[].Arn')" "only-attached lists the attached policy"

step "tutorial 2: testuser1 with AdministratorAccess attached directly"
expect_ok aws iam create-user --user-name testuser1
expect_ok aws iam attach-user-policy --user-name testuser1 --policy-arn "$AWS_ADMIN"
query 'AttachedPolicies[].[PolicyName,PolicyArn]' aws iam list-attached-user-policies --user-name testuser1
expect_eq "AdministratorAccess	$AWS_ADMIN" "$OUT" "list-attached-user-policies"
query 'AccessKey.[UserName,Status]' aws iam create-access-key --user-name testuser1
expect_eq "testuser1	Active" "$OUT" "testuser1 access key"
query 'Policy.AttachmentCount' aws iam get-policy --policy-arn "$AWS_ADMIN"
expect_eq "1" "$OUT" "AdministratorAccess AttachmentCount"
expect_ok aws iam list-policies --scope AWS --only-attached --output json
expect_eq "$AWS_ADMIN" "$(jp 'Policies[].Arn')" "only-attached AWS policies"

step "tutorial 2: group labadmin with AdministratorAccess and job-function/Billing"
expect_ok aws iam create-group --group-name labadmin
expect_ok aws iam attach-group-policy --group-name labadmin --policy-arn "$AWS_ADMIN"
expect_ok aws iam attach-group-policy --group-name labadmin --policy-arn "$AWS_BILLING"
query 'sort(AttachedPolicies[].PolicyArn) | join(`,`, @)' aws iam list-attached-group-policies --group-name labadmin
expect_eq "$AWS_ADMIN,$AWS_BILLING" "$OUT" "labadmin attached policies"
query 'Policy.[PolicyName,Path]' aws iam get-policy --policy-arn "$AWS_BILLING"
expect_eq "Billing	/job-function/" "$OUT" "Billing name and path"
expect_ok aws iam add-user-to-group --group-name labadmin --user-name testuser1
expect_ok aws iam detach-user-policy --user-name testuser1 --policy-arn "$AWS_ADMIN"
query 'length(AttachedPolicies)' aws iam list-attached-user-policies --user-name testuser1
expect_eq "0" "$OUT" "testuser1 direct policies after detach"
expect_error NoSuchEntity aws iam detach-user-policy --user-name testuser1 --policy-arn "$AWS_ADMIN"
expect_ok aws iam list-entities-for-policy --policy-arn "$AWS_ADMIN" --output json
expect_eq "labadmin" "$(jp 'PolicyGroups[].GroupName')" "AdministratorAccess groups"
expect_eq "" "$(jp 'PolicyUsers[].UserName')" "AdministratorAccess users"
query 'Policy.AttachmentCount' aws iam get-policy --policy-arn "$AWS_ADMIN"
expect_eq "1" "$OUT" "AdministratorAccess AttachmentCount"
expect_ok aws iam list-policies --scope AWS --only-attached --output json
expect_eq "$AWS_ADMIN,$AWS_BILLING" "$(jp 'sort(Policies[].Arn) | join(`,`, @)')" "only-attached AWS policies"

step "tutorial 2: user inline policies"
INLINE='{"Version":"2012-10-17","Statement":[{"Sid":"ReadIam","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}'
expect_ok aws iam put-user-policy --user-name testuser1 --policy-name ReadIam --policy-document "$INLINE"
query 'PolicyNames' aws iam list-user-policies --user-name testuser1
expect_eq "ReadIam" "$OUT" "list-user-policies"
expect_ok aws iam get-user-policy --user-name testuser1 --policy-name ReadIam --output json
expect_eq "testuser1	ReadIam" "$(jp '[UserName,PolicyName] | join(`\t`, @)')" "get-user-policy names"
expect_eq "ReadIam" "$(jp 'PolicyDocument.Statement[0].Sid')" "decoded document Sid"
expect_eq "iam:Get*,iam:List*" "$(jp 'PolicyDocument.Statement[0].Action | join(`,`, @)')" "decoded document actions"
expect_error MalformedPolicyDocument aws iam put-user-policy --user-name testuser1 --policy-name Bad --policy-document "$WITH_PRINCIPAL"
expect_error NoSuchEntity aws iam put-user-policy --user-name nobody --policy-name ReadIam --policy-document "$INLINE"

step "user inline policy size quota (2,048 non-whitespace characters, whitespace not counted)"
# Statement padding: one Sid long enough to push the total past the quota.
# Documents go through files to keep the log readable.
big_doc() { # $1 = file, $2 = Sid length, $3 = spaces of padding
    python -c '
import sys
sid = "S" * int(sys.argv[2]); pad = " " * int(sys.argv[3])
open(sys.argv[1], "w").write("{\"Version\":\"2012-10-17\"," + pad + "\"Statement\":[{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}")
' "$1" "$2" "$3"
}
big_doc "$TMP/big.json" 2100 0
BIG="file://$TMP/big.json"
expect_error LimitExceeded aws iam put-user-policy --user-name testuser1 --policy-name Big --policy-document "$BIG"
query 'PolicyNames' aws iam list-user-policies --user-name testuser1
expect_eq "ReadIam" "$OUT" "nothing stored after LimitExceeded"
# About 1,000 counted characters plus 3,000 spaces: within the quota.
big_doc "$TMP/padded.json" 1000 3000
PADDED="file://$TMP/padded.json"
expect_ok aws iam put-user-policy --user-name testuser1 --policy-name Padded --policy-document "$PADDED"
query 'sort(PolicyNames) | join(`,`, @)' aws iam list-user-policies --user-name testuser1
expect_eq "Padded,ReadIam" "$OUT" "whitespace does not count against the quota"
# The quota is the aggregate of all the user's inline policies.
big_doc "$TMP/second.json" 1000 0
SECOND="file://$TMP/second.json"
expect_error LimitExceeded aws iam put-user-policy --user-name testuser1 --policy-name Second --policy-document "$SECOND"
expect_ok aws iam delete-user-policy --user-name testuser1 --policy-name Padded
expect_ok aws iam put-user-policy --user-name testuser1 --policy-name Second --policy-document "$SECOND"
expect_ok aws iam delete-user-policy --user-name testuser1 --policy-name Second

step "delete the inline policy"
expect_ok aws iam delete-user-policy --user-name testuser1 --policy-name ReadIam
query 'length(PolicyNames)' aws iam list-user-policies --user-name testuser1
expect_eq "0" "$OUT" "inline policies left"
expect_error NoSuchEntity aws iam get-user-policy --user-name testuser1 --policy-name ReadIam
expect_error NoSuchEntity aws iam delete-user-policy --user-name testuser1 --policy-name ReadIam

step "cleanup: detach, delete non-default versions, delete the policy"
expect_ok aws iam detach-group-policy --group-name "$GROUP" --policy-arn "$POLICY_ARN"
query 'Policy.AttachmentCount' aws iam get-policy --policy-arn "$POLICY_ARN"
expect_eq "0" "$OUT" "AttachmentCount after detach"
expect_error DeleteConflict aws iam delete-policy --policy-arn "$POLICY_ARN"
expect_contains "$OUT" "more than one version" "DeleteConflict message"
for v in v2 v4 v5; do
    expect_ok aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id "$v"
done
expect_ok aws iam delete-policy --policy-arn "$POLICY_ARN"
expect_error NoSuchEntity aws iam get-policy --policy-arn "$POLICY_ARN"
query 'length(Policies)' aws iam list-policies --scope Local --no-paginate
expect_eq "0" "$OUT" "customer managed policies left"

finish
