#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# Many accounts and AWS Organizations (issue 13's walk-through):
#  - the configured account A (root key `test`) makes an organization and account B with
#    CreateAccount; B holds OrganizationAccountAccessRole trusting A;
#  - B's root (access key id = B's account id) makes a deployer role trusting account A;
#    A's user `ci` assumes it only once its own policy allows it too;
#  - an SCP on B's OU denies iam:CreateUser: the deployer session in B gets the SCP
#    AccessDenied text, the management account is unaffected, and detaching the SCP allows it again.
# Run: scripts/with-server compat/awscli/10-organizations.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

A=123456789012

# Prefixes that sign a command with other credentials (env, not a subshell, so $OUT is kept).
signed_by() {
    local -n into="$1"
    into=(env -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID="$2" AWS_SECRET_ACCESS_KEY="$3")
    if [[ -n "${4:-}" ]]; then into+=(AWS_SESSION_TOKEN="$4"); fi
}

step "A makes an organization and account B"
query 'Organization.MasterAccountId' aws organizations create-organization --feature-set ALL
expect_eq "$A" "$OUT" "management account"
query 'CreateAccountStatus.Id' aws organizations create-account --email b@example.com --account-name workloads
REQUEST="$OUT"
query 'CreateAccountStatus.[State,AccountId]' aws organizations describe-create-account-status \
    --create-account-request-id "$REQUEST"
read -r STATE B <<<"$OUT"
signed_by ROOT_B "$B" test
expect_eq SUCCEEDED "$STATE" "create-account state"
expect_match "$B" '^[0-9]{12}$' "new account id"
query 'length(Accounts)' aws organizations list-accounts
expect_eq 2 "$OUT" "accounts in the organization"
expect_ok "${ROOT_B[@]}" aws iam get-role --role-name OrganizationAccountAccessRole \
    --query 'Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS' --output text
expect_eq "arn:aws:iam::$A:root" "$OUT" "OrganizationAccountAccessRole trusts the management account"

step "B's root (12-digit key id) makes a deployer role trusting A"
expect_ok "${ROOT_B[@]}" aws sts get-caller-identity --query Arn --output text
expect_eq "arn:aws:iam::$B:root" "$OUT" "B's root"
TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$A:root\"},\"Action\":\"sts:AssumeRole\"}]}"
expect_ok "${ROOT_B[@]}" aws iam create-role --role-name deployer --assume-role-policy-document "$TRUST"
expect_ok "${ROOT_B[@]}" aws iam attach-role-policy --role-name deployer \
    --policy-arn arn:aws:iam::aws:policy/IAMFullAccess
ROLE="arn:aws:iam::$B:role/deployer"

step "A's user ci assumes it only when its own policy allows it too"
expect_ok aws iam create-user --user-name ci
query 'AccessKey.[AccessKeyId,SecretAccessKey]' aws iam create-access-key --user-name ci
read -r CI_KEY CI_SECRET <<<"$OUT"
signed_by CI "$CI_KEY" "$CI_SECRET"
expect_error AccessDenied "${CI[@]}" aws sts assume-role --role-arn "$ROLE" --role-session-name deploy
expect_ok aws iam put-user-policy --user-name ci --policy-name assume \
    --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"$ROLE\"}]}"
expect_ok "${CI[@]}" aws sts assume-role --role-arn "$ROLE" --role-session-name deploy \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text
read -r S_KEY S_SECRET S_TOKEN <<<"$OUT"
signed_by SESSION "$S_KEY" "$S_SECRET" "$S_TOKEN"
expect_ok "${SESSION[@]}" aws sts get-caller-identity --query Arn --output text
expect_eq "arn:aws:sts::$B:assumed-role/deployer/deploy" "$OUT" "session identity"
expect_ok "${SESSION[@]}" aws iam create-user --user-name before-scp

step "an SCP on B's OU denies iam:CreateUser"
query 'Roots[0].Id' aws organizations list-roots
ROOT="$OUT"
query 'OrganizationalUnit.Id' aws organizations create-organizational-unit --parent-id "$ROOT" --name Workloads
OU="$OUT"
expect_ok aws organizations move-account --account-id "$B" --source-parent-id "$ROOT" --destination-parent-id "$OU"
query 'Parents[0].Id' aws organizations list-parents --child-id "$B"
expect_eq "$OU" "$OUT" "B's parent"
query 'Root.PolicyTypes[0].Type' aws organizations enable-policy-type --root-id "$ROOT" \
    --policy-type SERVICE_CONTROL_POLICY
expect_eq SERVICE_CONTROL_POLICY "$OUT" "enabled policy type"
query 'Policies[].Name' aws organizations list-policies-for-target --target-id "$B" --filter SERVICE_CONTROL_POLICY
expect_eq FullAWSAccess "$OUT" "FullAWSAccess attached by default"
query 'Policy.PolicySummary.Id' aws organizations create-policy --name DenyCreateUser --description "no new users" \
    --type SERVICE_CONTROL_POLICY \
    --content '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}'
SCP="$OUT"
expect_ok aws organizations attach-policy --policy-id "$SCP" --target-id "$OU"
query 'Targets[0].TargetId' aws organizations list-targets-for-policy --policy-id "$SCP"
expect_eq "$OU" "$OUT" "SCP target"

step "the session in B gets the SCP AccessDenied; A is unaffected"
expect_error AccessDenied "${SESSION[@]}" aws iam create-user --user-name after-scp
expect_contains "$OUT" "with an explicit deny in a service control policy" "SCP denial"
expect_ok "${SESSION[@]}" aws iam list-users
expect_error AccessDenied "${ROOT_B[@]}" aws iam create-user --user-name by-root-of-b
expect_ok aws iam create-user --user-name management-user
expect_ok "${SESSION[@]}" aws organizations describe-organization \
    --query Organization.Id --output text
expect_error AccessDeniedException "${SESSION[@]}" aws organizations list-accounts

step "detaching the SCP allows it again"
expect_ok aws organizations detach-policy --policy-id "$SCP" --target-id "$OU"
expect_ok "${SESSION[@]}" aws iam create-user --user-name after-detach
expect_error PolicyNotAttachedException aws organizations detach-policy --policy-id "$SCP" --target-id "$OU"
expect_error AWSOrganizationsNotInUseException env AWS_ACCESS_KEY_ID=333333333333 AWS_SECRET_ACCESS_KEY=test aws organizations describe-organization

finish
