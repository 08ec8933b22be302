#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# Roles and temporary credentials ("Securing the account" in the tutorials):
#  - a role `deploy` trusted only for user `ci` with an sts:ExternalId condition
#    and IAMReadOnlyAccess; the session's identity and permissions;
#  - refusals: no / wrong external id, another user, a missing role, root,
#    DurationSeconds over MaxSessionDuration; a session policy narrows a session;
#  - GetSessionToken; a virtual MFA device enabled with two consecutive TOTP
#    codes, and a role whose trust policy requires aws:MultiFactorAuthPresent;
#  - instance profiles and get-account-authorization-details --filter Role.
# The script waits for up to two TOTP step boundaries (about a minute at most).
# Run: scripts/with-server compat/awscli/06-roles-sts.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

ACCOUNT=123456789012
AWS_READONLY=arn:aws:iam::aws:policy/IAMReadOnlyAccess
ROLE_ARN="arn:aws:iam::$ACCOUNT:role/deploy"
CI_ARN="arn:aws:iam::$ACCOUNT:user/ci"
EXTERNAL_ID=ci-ext-7f3a
SESSION=ci-deploy

TMP="$(mktemp -d "${TMPDIR:-/tmp}/compat-06.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

new_key() {
    query 'AccessKey.[AccessKeyId,SecretAccessKey]' aws iam create-access-key --user-name "$1"
}

step "users ci and other"
expect_ok aws iam create-user --user-name ci
new_key ci
read -r CI_KEY CI_SECRET <<<"$OUT"
expect_ok aws iam create-user --user-name other
new_key other
read -r OTHER_KEY OTHER_SECRET <<<"$OUT"
# `other` may call sts:AssumeRole on any role: only the trust policy stops it.
expect_ok aws iam put-user-policy --user-name other --policy-name AssumeAnyRole --policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}'

step "role deploy: trusted for ci with an external id, IAMReadOnlyAccess attached"
TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"$CI_ARN\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"$EXTERNAL_ID\"}}}]}"
# AWS's CreateRole answer leaves MaxSessionDuration out unless it was asked for; GetRole has it
# (LocalStack's AWS-recorded snapshot test_create_describe_role).
query 'Role.[Arn,Path,MaxSessionDuration]' aws iam create-role --role-name deploy --assume-role-policy-document "$TRUST" \
    --description "CI deployments"
expect_eq "$ROLE_ARN	/	None" "$OUT" "create-role"
query 'Role.MaxSessionDuration' aws iam get-role --role-name deploy
expect_eq "3600" "$OUT" "get-role MaxSessionDuration"
query 'Role.RoleId' aws iam get-role --role-name deploy
ROLE_ID="$OUT"
expect_match "$ROLE_ID" '^AROA[A-Z0-9]{17}$' "role id"
expect_ok aws iam get-role --role-name deploy --output json
expect_eq "$CI_ARN" "$(jp 'Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS')" "decoded trust policy principal"
expect_eq "$EXTERNAL_ID" "$(jp 'Role.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals."sts:ExternalId"')" "trust policy external id"
expect_ok aws iam attach-role-policy --role-name deploy --policy-arn "$AWS_READONLY"
query 'AttachedPolicies[].PolicyArn' aws iam list-attached-role-policies --role-name deploy
expect_eq "$AWS_READONLY" "$OUT" "list-attached-role-policies"
expect_error EntityAlreadyExists aws iam create-role --role-name deploy --assume-role-policy-document "$TRUST"

step "ci assumes deploy with the external id"
query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID"
read -r S_KEY S_SECRET S_TOKEN <<<"$OUT"
expect_match "$S_KEY" '^ASIA[A-Z0-9]{16}$' "session access key id"
[[ -n "$S_TOKEN" ]] || fail "empty session token"
query 'AssumedRoleUser.[Arn,AssumedRoleId]' as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID"
expect_eq "arn:aws:sts::$ACCOUNT:assumed-role/deploy/$SESSION	$ROLE_ID:$SESSION" "$OUT" "AssumedRoleUser"
query '[Arn,Account,UserId]' as_session "$S_KEY" "$S_SECRET" "$S_TOKEN" aws sts get-caller-identity
expect_eq "arn:aws:sts::$ACCOUNT:assumed-role/deploy/$SESSION	$ACCOUNT	$ROLE_ID:$SESSION" "$OUT" "session caller identity"

step "the session has IAMReadOnlyAccess and nothing more"
query 'sort(Users[].UserName) | join(`,`, @)' as_session "$S_KEY" "$S_SECRET" "$S_TOKEN" aws iam list-users
expect_eq "ci,other" "$OUT" "session lists users"
query 'Role.RoleName' as_session "$S_KEY" "$S_SECRET" "$S_TOKEN" aws iam get-role --role-name deploy
expect_eq "deploy" "$OUT" "session reads the role"
expect_error AccessDenied as_session "$S_KEY" "$S_SECRET" "$S_TOKEN" aws iam create-user --user-name intruder
expect_contains "$OUT" "User: arn:aws:sts::$ACCOUNT:assumed-role/deploy/$SESSION is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::$ACCOUNT:user/intruder" "session CreateUser denial"
expect_error InvalidClientTokenId as_user "$S_KEY" "$S_SECRET" aws iam list-users
expect_error InvalidClientTokenId as_session "$S_KEY" "$S_SECRET" "${S_TOKEN%????}AAAA" aws sts get-caller-identity

step "assume-role refusals"
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION"
expect_contains "$OUT" "User: $CI_ARN is not authorized to perform: sts:AssumeRole on resource: $ROLE_ARN" "no external id"
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id wrong-id
expect_error AccessDenied as_user "$OTHER_KEY" "$OTHER_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID"
expect_contains "$OUT" "User: arn:aws:iam::$ACCOUNT:user/other is not authorized to perform: sts:AssumeRole on resource: $ROLE_ARN" "another user"
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "arn:aws:iam::$ACCOUNT:role/no-such-role" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID"
expect_error ValidationError as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID" --duration-seconds 7200
expect_contains "$OUT" "MaxSessionDuration" "ValidationError message"
expect_error AccessDenied aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name root-session --external-id "$EXTERNAL_ID"
expect_contains "$OUT" "Roles may not be assumed by root accounts." "root refusal"

step "a longer MaxSessionDuration allows 7200 seconds"
expect_ok aws iam update-role --role-name deploy --max-session-duration 7200
query 'Role.MaxSessionDuration' aws iam get-role --role-name deploy
expect_eq "7200" "$OUT" "MaxSessionDuration"
query 'Credentials.Expiration' as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID" --duration-seconds 7200
left="$(python -c 'import sys, datetime; e = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")); print(int((e - datetime.datetime.now(datetime.timezone.utc)).total_seconds()))' "$OUT")"
about=$(( left > 7100 && left <= 7200 ? 1 : 0 ))
expect_eq "1" "$about" "Expiration $OUT about 7200 s away ($left s)"

step "a session policy narrows the session"
SESSION_POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}'
query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name narrow --external-id "$EXTERNAL_ID" --policy "$SESSION_POLICY"
read -r N_KEY N_SECRET N_TOKEN <<<"$OUT"
query 'User.UserName' as_session "$N_KEY" "$N_SECRET" "$N_TOKEN" aws iam get-user --user-name ci
expect_eq "ci" "$OUT" "narrowed session may GetUser"
expect_error AccessDenied as_session "$N_KEY" "$N_SECRET" "$N_TOKEN" aws iam list-users
expect_contains "$OUT" "because no session policy allows the iam:ListUsers action" "session policy denial"

step "an account-trusting role: delegation needs an identity policy; root is refused"
ACCOUNT_TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:root\"},\"Action\":\"sts:AssumeRole\"}]}"
expect_ok aws iam create-role --role-name account-trust --assume-role-policy-document "$ACCOUNT_TRUST"
expect_ok aws iam attach-role-policy --role-name account-trust --policy-arn "$AWS_READONLY"
expect_error AccessDenied aws sts assume-role --role-arn "arn:aws:iam::$ACCOUNT:role/account-trust" --role-session-name root-session
expect_contains "$OUT" "Roles may not be assumed by root accounts." "root refusal"
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "arn:aws:iam::$ACCOUNT:role/account-trust" --role-session-name no-identity-policy
query 'AssumedRoleUser.Arn' as_user "$OTHER_KEY" "$OTHER_SECRET" \
    aws sts assume-role --role-arn "arn:aws:iam::$ACCOUNT:role/account-trust" --role-session-name delegated
expect_eq "arn:aws:sts::$ACCOUNT:assumed-role/account-trust/delegated" "$OUT" "delegated assume-role"

step "get-session-token for a user"
query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' as_user "$CI_KEY" "$CI_SECRET" aws sts get-session-token
read -r T_KEY T_SECRET T_TOKEN <<<"$OUT"
expect_match "$T_KEY" '^ASIA[A-Z0-9]{16}$' "session token access key id"
query '[Arn,Account]' as_session "$T_KEY" "$T_SECRET" "$T_TOKEN" aws sts get-caller-identity
expect_eq "$CI_ARN	$ACCOUNT" "$OUT" "get-session-token caller identity"
expect_error ValidationError as_user "$CI_KEY" "$CI_SECRET" aws sts get-session-token --duration-seconds 129601

step "a virtual MFA device for ci"
query 'VirtualMFADevice.SerialNumber' aws iam create-virtual-mfa-device --virtual-mfa-device-name ci-mfa \
    --outfile "$TMP/seed.txt" --bootstrap-method Base32StringSeed
SERIAL="$OUT"
expect_eq "arn:aws:iam::$ACCOUNT:mfa/ci-mfa" "$SERIAL" "virtual MFA serial"
SEED="$(tr -d '[:space:]' <"$TMP/seed.txt")"
expect_match "$SEED" '^[A-Z2-7]+=*$' "Base32 seed"
# A person types the code shown, waits for the next one, and types that: the
# previous and the current step.
NOW="$(totp_step)"
expect_error InvalidAuthenticationCode aws iam enable-mfa-device --user-name ci --serial-number "$SERIAL" \
    --authentication-code1 "$(totp "$SEED" "$((NOW - 1))")" --authentication-code2 "$(totp "$SEED" "$((NOW - 3))")"
expect_ok aws iam enable-mfa-device --user-name ci --serial-number "$SERIAL" \
    --authentication-code1 "$(totp "$SEED" "$((NOW - 1))")" --authentication-code2 "$(totp "$SEED" "$NOW")"
LAST_STEP="$NOW"
query 'MFADevices[].[UserName,SerialNumber]' aws iam list-mfa-devices --user-name ci
expect_eq "ci	$SERIAL" "$OUT" "list-mfa-devices"
query "VirtualMFADevices[?SerialNumber=='$SERIAL'].User.UserName" aws iam list-virtual-mfa-devices --assignment-status Assigned
expect_eq "ci" "$OUT" "list-virtual-mfa-devices Assigned"

step "a role that requires MFA"
MFA_TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"$CI_ARN\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}"
expect_ok aws iam create-role --role-name mfa-admin --assume-role-policy-document "$MFA_TRUST"
MFA_ROLE="arn:aws:iam::$ACCOUNT:role/mfa-admin"
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$MFA_ROLE" --role-session-name without-mfa
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$MFA_ROLE" --role-session-name reused-code \
    --serial-number "$SERIAL" --token-code "$(totp "$SEED" "$LAST_STEP")"
echo "    (waiting for the next TOTP step)"
wait_for_step "$((LAST_STEP + 1))"
STEP_NOW="$(totp_step)"
CODE="$(totp "$SEED" "$STEP_NOW")"
query 'AssumedRoleUser.Arn' as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$MFA_ROLE" --role-session-name with-mfa --serial-number "$SERIAL" --token-code "$CODE"
expect_eq "arn:aws:sts::$ACCOUNT:assumed-role/mfa-admin/with-mfa" "$OUT" "assume-role with MFA"
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$MFA_ROLE" --role-session-name same-code-again --serial-number "$SERIAL" --token-code "$CODE"

step "an MFA-backed GetSessionToken session satisfies aws:MultiFactorAuthPresent"
echo "    (waiting for the next TOTP step)"
wait_for_step "$((STEP_NOW + 1))"
CODE="$(totp "$SEED" "$(totp_step)")"
query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' as_user "$CI_KEY" "$CI_SECRET" \
    aws sts get-session-token --serial-number "$SERIAL" --token-code "$CODE"
read -r M_KEY M_SECRET M_TOKEN <<<"$OUT"
query 'AssumedRoleUser.Arn' as_session "$M_KEY" "$M_SECRET" "$M_TOKEN" \
    aws sts assume-role --role-arn "$MFA_ROLE" --role-session-name via-session-token
expect_eq "arn:aws:sts::$ACCOUNT:assumed-role/mfa-admin/via-session-token" "$OUT" "assume-role with MFA session credentials"
expect_error AccessDenied as_session "$T_KEY" "$T_SECRET" "$T_TOKEN" \
    aws sts assume-role --role-arn "$MFA_ROLE" --role-session-name non-mfa-session-token

step "instance profile for deploy"
query 'InstanceProfile.[Arn,Path]' aws iam create-instance-profile --instance-profile-name deploy-profile
expect_eq "arn:aws:iam::$ACCOUNT:instance-profile/deploy-profile	/" "$OUT" "create-instance-profile"
expect_ok aws iam add-role-to-instance-profile --instance-profile-name deploy-profile --role-name deploy
expect_ok aws iam get-instance-profile --instance-profile-name deploy-profile --output json
expect_match "$(jp InstanceProfile.InstanceProfileId)" '^AIPA[A-Z0-9]{17}$' "instance profile id"
expect_eq "deploy	$ROLE_ARN" "$(jp 'InstanceProfile.Roles[].[RoleName,Arn] | [0] | join(`\t`, @)')" "instance profile role"
query 'InstanceProfiles[].InstanceProfileName' aws iam list-instance-profiles-for-role --role-name deploy
expect_eq "deploy-profile" "$OUT" "list-instance-profiles-for-role"
expect_error LimitExceeded aws iam add-role-to-instance-profile --instance-profile-name deploy-profile --role-name mfa-admin
expect_error DeleteConflict aws iam delete-role --role-name deploy

step "get-account-authorization-details --filter Role"
expect_ok aws iam get-account-authorization-details --filter Role --output json
expect_eq "account-trust,deploy,mfa-admin" "$(jp 'sort(RoleDetailList[].RoleName) | join(`,`, @)')" "roles in the details"
expect_eq "0" "$(jp 'length(UserDetailList || `[]`)')" "no users with --filter Role"
expect_eq "0" "$(jp 'length(Policies || `[]`)')" "no policies with --filter Role"
expect_eq "$AWS_READONLY" "$(jp "RoleDetailList[?RoleName=='deploy'] | [0].AttachedManagedPolicies[].PolicyArn")" "deploy's managed policies"
expect_eq "deploy-profile" "$(jp "RoleDetailList[?RoleName=='deploy'] | [0].InstanceProfileList[].InstanceProfileName")" "deploy's instance profiles"
expect_eq "$EXTERNAL_ID" "$(jp "RoleDetailList[?RoleName=='deploy'] | [0].AssumeRolePolicyDocument.Statement[0].Condition.StringEquals.\"sts:ExternalId\"")" "decoded trust policy in the details"

step "SAML federation: a response signed by the IdP in the provider's metadata"
SAML_DIR="$COMPAT_ROOT/tests/fixtures/saml"
SAML_TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::$ACCOUNT:saml-provider/idp\"},\"Action\":\"sts:AssumeRoleWithSAML\",\"Condition\":{\"StringEquals\":{\"SAML:aud\":\"https://signin.aws.amazon.com/saml\"}}}]}"
expect_ok aws iam create-saml-provider --name idp --saml-metadata-document "file://$SAML_DIR/metadata.xml"
expect_ok aws iam create-role --role-name saml-role --assume-role-policy-document "$SAML_TRUST"
SAML_ARGS=(--role-arn "arn:aws:iam::$ACCOUNT:role/saml-role" --principal-arn "arn:aws:iam::$ACCOUNT:saml-provider/idp")
query AssumedRoleUser.Arn aws sts assume-role-with-saml "${SAML_ARGS[@]}" \
    --saml-assertion "$(base64 -w0 "$SAML_DIR/assertion-signed.xml")"
expect_eq "arn:aws:sts::$ACCOUNT:assumed-role/saml-role/jane" "$OUT" "assume-role-with-saml"
expect_error InvalidIdentityToken aws sts assume-role-with-saml "${SAML_ARGS[@]}" \
    --saml-assertion "$(sed 's/jane@example.com/root@example.com/' "$SAML_DIR/assertion-signed.xml" | base64 -w0)"
expect_ok aws iam update-saml-provider --saml-provider-arn "arn:aws:iam::$ACCOUNT:saml-provider/idp" \
    --saml-metadata-document "file://$SAML_DIR/other-metadata.xml"
expect_error InvalidIdentityToken aws sts assume-role-with-saml "${SAML_ARGS[@]}" \
    --saml-assertion "$(base64 -w0 "$SAML_DIR/assertion-signed.xml")"
expect_ok aws iam delete-role --role-name saml-role
expect_ok aws iam delete-saml-provider --saml-provider-arn "arn:aws:iam::$ACCOUNT:saml-provider/idp"

step "cleanup"
expect_ok aws iam remove-role-from-instance-profile --instance-profile-name deploy-profile --role-name deploy
expect_ok aws iam delete-instance-profile --instance-profile-name deploy-profile
expect_error DeleteConflict aws iam delete-role --role-name deploy
expect_ok aws iam detach-role-policy --role-name deploy --policy-arn "$AWS_READONLY"
expect_ok aws iam delete-role --role-name deploy
expect_error NoSuchEntity aws iam get-role --role-name deploy
expect_error AccessDenied as_user "$CI_KEY" "$CI_SECRET" \
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name "$SESSION" --external-id "$EXTERNAL_ID"

finish
