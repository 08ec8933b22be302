#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# Policy enforcement with real access keys, following the tutorials:
#  - a user with no policy is denied (implicit deny, AWS's message text);
#  - a PowerUsers member (PowerUserAccess copy) is denied IAM user management,
#    and simulate-principal-policy agrees;
#  - testuser1 keeps AdministratorAccess through the labadmin group and loses it
#    when removed; an explicit Deny overrides every Allow;
#  - a permissions boundary caps an administrator;
#  - simulate-custom-policy with a condition and context entries,
#    get-context-keys-for-custom-policy.
# Run: scripts/with-server compat/awscli/05-enforcement.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

ACCOUNT=123456789012
AWS_POWER=arn:aws:iam::aws:policy/PowerUserAccess
AWS_ADMIN=arn:aws:iam::aws:policy/AdministratorAccess
AWS_BILLING=arn:aws:iam::aws:policy/job-function/Billing
POLICY_ARN="arn:aws:iam::$ACCOUNT:policy/PowerUserExampleCorp"
MARY=mary.major@examplecorp.com
MARY_ARN="arn:aws:iam::$ACCOUNT:user/$MARY"
ADMIN_ARN="arn:aws:iam::$ACCOUNT:user/testuser1"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/compat-05.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# new_key USER -> "KEY SECRET" in $OUT
new_key() {
    query 'AccessKey.[AccessKeyId,SecretAccessKey]' aws iam create-access-key --user-name "$1"
}

step "a user with no policy is denied iam list-users"
expect_ok aws iam create-user --user-name nobody
new_key nobody
read -r NOBODY_KEY NOBODY_SECRET <<<"$OUT"
query 'Arn' as_user "$NOBODY_KEY" "$NOBODY_SECRET" aws sts get-caller-identity
expect_eq "arn:aws:iam::$ACCOUNT:user/nobody" "$OUT" "caller identity of nobody"
expect_error AccessDenied as_user "$NOBODY_KEY" "$NOBODY_SECRET" aws iam list-users
expect_contains "$OUT" "User: arn:aws:iam::$ACCOUNT:user/nobody is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::$ACCOUNT:user/ because no identity-based policy allows the iam:ListUsers action" "AccessDenied message"
expect_error AccessDenied as_user "$NOBODY_KEY" "$NOBODY_SECRET" aws iam get-user
expect_contains "$OUT" "iam:GetUser on resource: arn:aws:iam::$ACCOUNT:user/nobody" "get-user (own user) denied"

step "PowerUsers (a copy of PowerUserAccess) may not manage users"
expect_ok aws iam get-policy --policy-arn "$AWS_POWER" --query Policy.DefaultVersionId --output text
expect_ok aws iam get-policy-version --policy-arn "$AWS_POWER" --version-id "$OUT" --output json
printf '%s' "$OUT" | python -c 'import json, sys; json.dump(json.load(sys.stdin)["PolicyVersion"]["Document"], open(sys.argv[1], "w"))' "$TMP/power-user.json"
expect_ok aws iam create-policy --policy-name PowerUserExampleCorp --policy-document "file://$TMP/power-user.json" \
    --description "Allows full access to all services except those for user management"
expect_ok aws iam create-group --group-name PowerUsers
expect_ok aws iam attach-group-policy --group-name PowerUsers --policy-arn "$POLICY_ARN"
expect_ok aws iam create-user --user-name "$MARY"
expect_ok aws iam add-user-to-group --group-name PowerUsers --user-name "$MARY"
new_key "$MARY"
read -r MARY_KEY MARY_SECRET <<<"$OUT"
expect_error AccessDenied as_user "$MARY_KEY" "$MARY_SECRET" aws iam list-users
expect_contains "$OUT" "User: $MARY_ARN is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::$ACCOUNT:user/ because no identity-based policy allows the iam:ListUsers action" "ListUsers denial"
expect_error AccessDenied as_user "$MARY_KEY" "$MARY_SECRET" aws iam create-user --user-name intruder
expect_contains "$OUT" "User: $MARY_ARN is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::$ACCOUNT:user/intruder because no identity-based policy allows the iam:CreateUser action" "CreateUser denial"
expect_error NoSuchEntity aws iam get-user --user-name intruder
# The second statement of PowerUserAccess allows iam:ListRoles.
query 'length(Roles)' as_user "$MARY_KEY" "$MARY_SECRET" aws iam list-roles
expect_eq "0" "$OUT" "mary may list roles"

step "simulate-principal-policy for mary"
expect_ok aws iam simulate-principal-policy --policy-source-arn "$MARY_ARN" \
    --action-names s3:GetObject ec2:RunInstances iam:CreateUser --output json
expect_eq "s3:GetObject=allowed,ec2:RunInstances=allowed,iam:CreateUser=implicitDeny" \
    "$(jp 'EvaluationResults[].join(`=`, [EvalActionName, EvalDecision]) | join(`,`, @)')" "simulated decisions"

step "testuser1 with AdministratorAccess attached directly"
expect_ok aws iam create-user --user-name testuser1
expect_ok aws iam attach-user-policy --user-name testuser1 --policy-arn "$AWS_ADMIN"
new_key testuser1
read -r ADMIN_KEY ADMIN_SECRET <<<"$OUT"
query 'sort(Users[].UserName) | join(`,`, @)' as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users
expect_eq "$MARY,nobody,testuser1" "$OUT" "testuser1 lists users"
expect_ok as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam create-user --user-name created-by-admin
expect_ok as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam delete-user --user-name created-by-admin

step "rights through the labadmin group"
expect_ok aws iam create-group --group-name labadmin
expect_ok aws iam attach-group-policy --group-name labadmin --policy-arn "$AWS_ADMIN"
expect_ok aws iam attach-group-policy --group-name labadmin --policy-arn "$AWS_BILLING"
expect_ok aws iam add-user-to-group --group-name labadmin --user-name testuser1
expect_ok aws iam detach-user-policy --user-name testuser1 --policy-arn "$AWS_ADMIN"
query 'length(AttachedPolicies)' aws iam list-attached-user-policies --user-name testuser1
expect_eq "0" "$OUT" "testuser1 has no direct policy"
query 'length(Users)' as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users
expect_eq "3" "$OUT" "testuser1 still lists users via labadmin"
expect_ok aws iam remove-user-from-group --group-name labadmin --user-name testuser1
expect_error AccessDenied as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users
expect_contains "$OUT" "because no identity-based policy allows the iam:ListUsers action" "denied after leaving labadmin"

step "an explicit deny overrides the group's allow"
expect_ok aws iam add-user-to-group --group-name labadmin --user-name testuser1
expect_ok as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users
DENY_ALL='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
expect_ok aws iam put-user-policy --user-name testuser1 --policy-name DenyAll --policy-document "$DENY_ALL"
expect_error AccessDenied as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users
expect_contains "$OUT" "User: $ADMIN_ARN is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::$ACCOUNT:user/ with an explicit deny in an identity-based policy" "explicit deny message"
expect_error AccessDenied as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam delete-user-policy --user-name testuser1 --policy-name DenyAll
expect_ok aws iam simulate-principal-policy --policy-source-arn "$ADMIN_ARN" --action-names iam:ListUsers --output json
expect_eq "explicitDeny" "$(jp 'EvaluationResults[0].EvalDecision')" "simulated decision with the deny"
expect_ok aws iam delete-user-policy --user-name testuser1 --policy-name DenyAll
expect_ok as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users

step "a permissions boundary caps an administrator"
BOUNDARY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}'
query 'Policy.Arn' aws iam create-policy --policy-name IamGetOnly --policy-document "$BOUNDARY"
BOUNDARY_ARN="$OUT"
expect_ok aws iam put-user-permissions-boundary --user-name testuser1 --permissions-boundary "$BOUNDARY_ARN"
query 'User.PermissionsBoundary.[PermissionsBoundaryType,PermissionsBoundaryArn]' aws iam get-user --user-name testuser1
expect_eq "PermissionsBoundaryPolicy	$BOUNDARY_ARN" "$OUT" "get-user PermissionsBoundary"
query 'Policy.PermissionsBoundaryUsageCount' aws iam get-policy --policy-arn "$BOUNDARY_ARN"
expect_eq "1" "$OUT" "PermissionsBoundaryUsageCount"
query 'User.UserName' as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam get-user
expect_eq "testuser1" "$OUT" "get-user allowed by the boundary"
expect_error AccessDenied as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users
expect_contains "$OUT" "User: $ADMIN_ARN is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::$ACCOUNT:user/ because no permissions boundary allows the iam:ListUsers action" "boundary denial message"
expect_error AccessDenied as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam delete-user-permissions-boundary --user-name testuser1
expect_ok aws iam delete-user-permissions-boundary --user-name testuser1
query 'User.PermissionsBoundary' aws iam get-user --user-name testuser1
expect_eq "None" "$OUT" "boundary removed"
expect_ok as_user "$ADMIN_KEY" "$ADMIN_SECRET" aws iam list-users

step "simulate-custom-policy with an aws:SourceIp condition"
IP_POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}'
expect_ok aws iam simulate-custom-policy --policy-input-list "$IP_POLICY" --action-names s3:GetObject \
    --context-entries ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.10,ContextKeyType=ip --output json
expect_eq "allowed" "$(jp 'EvaluationResults[0].EvalDecision')" "inside the range"
expect_eq "0" "$(jp 'length(EvaluationResults[0].MissingContextValues || `[]`)')" "no missing context values"
expect_ok aws iam simulate-custom-policy --policy-input-list "$IP_POLICY" --action-names s3:GetObject \
    --context-entries ContextKeyName=aws:SourceIp,ContextKeyValues=198.51.100.7,ContextKeyType=ip --output json
expect_eq "implicitDeny" "$(jp 'EvaluationResults[0].EvalDecision')" "outside the range"
expect_ok aws iam simulate-custom-policy --policy-input-list "$IP_POLICY" --action-names s3:GetObject s3:PutObject --output json
expect_eq "implicitDeny" "$(jp 'EvaluationResults[0].EvalDecision')" "no context given"
expect_eq "aws:sourceip" "$(jp 'EvaluationResults[0].MissingContextValues' | tr '[:upper:]' '[:lower:]')" "missing context values"
expect_eq "implicitDeny" "$(jp 'EvaluationResults[1].EvalDecision')" "action not in the policy"

step "get-context-keys-for-custom-policy"
query 'ContextKeyNames' aws iam get-context-keys-for-custom-policy --policy-input-list "$IP_POLICY"
expect_eq "aws:sourceip" "$(tr '[:upper:]' '[:lower:]' <<<"$OUT")" "context keys"
TWO_KEYS='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"mary"},"Bool":{"aws:SecureTransport":"true"}}}]}'
query 'sort(ContextKeyNames) | join(`,`, @)' aws iam get-context-keys-for-custom-policy --policy-input-list "$TWO_KEYS"
expect_eq "aws:securetransport,aws:username" "$(tr '[:upper:]' '[:lower:]' <<<"$OUT")" "context keys of two conditions"

finish
