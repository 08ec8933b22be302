#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# The user/group part of the IAM tutorial "Creating your first IAM delegated
# user and user group", driven with the real aws CLI (v1).
# Run: scripts/with-server compat/awscli/01-delegated-users.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

ACCOUNT=123456789012
MARY=mary.major@examplecorp.com
DIEGO=diego.ramirez@examplecorp.com
GROUP=PowerUsers
PASSWORD='Tutorial-Passw0rd!'   # meets the default policy (8+ chars, 3 of 4 classes)

step "create group $GROUP"
query 'Group.Arn' aws iam create-group --group-name "$GROUP"
expect_eq "arn:aws:iam::$ACCOUNT:group/$GROUP" "$OUT" "group ARN"
query 'Group.GroupId' aws iam get-group --group-name "$GROUP"
expect_match "$OUT" '^AGPA[A-Z0-9]{17}$' "group id"

step "create users with tags"
for u in "$MARY" "$DIEGO"; do
    query 'User.[UserName,Arn,Path]' aws iam create-user --user-name "$u" \
        --tags Key=Department,Value=Engineering Key=Tutorial,Value=delegated-users
    expect_eq "$u	arn:aws:iam::$ACCOUNT:user/$u	/" "$OUT" "create-user $u"
done
query 'User.UserId' aws iam get-user --user-name "$MARY"
expect_match "$OUT" '^AIDA[A-Z0-9]{17}$' "user id"
query "Tags[?Key=='Department'].Value" aws iam list-user-tags --user-name "$MARY"
expect_eq "Engineering" "$OUT" "Department tag"

step "create login profiles (password reset required)"
for u in "$MARY" "$DIEGO"; do
    query 'LoginProfile.[UserName,PasswordResetRequired]' aws iam create-login-profile \
        --user-name "$u" --password "$PASSWORD" --password-reset-required
    expect_eq "$u	True" "$OUT" "login profile $u"
done
query 'LoginProfile.PasswordResetRequired' aws iam get-login-profile --user-name "$MARY"
expect_eq "True" "$OUT" "get-login-profile PasswordResetRequired"
expect_error EntityAlreadyExists aws iam create-login-profile --user-name "$MARY" --password "$PASSWORD"

step "create access keys (two per user is the quota)"
query 'AccessKey.[AccessKeyId,SecretAccessKey,Status]' aws iam create-access-key --user-name "$MARY"
read -r MARY_KEY MARY_SECRET status <<<"$OUT"
expect_match "$MARY_KEY" '^AKIA[A-Z0-9]{16}$' "access key id"
expect_match "$MARY_SECRET" '^[A-Za-z0-9/+]{40}$' "secret access key"
expect_eq "Active" "$status" "new key status"
query 'AccessKey.AccessKeyId' aws iam create-access-key --user-name "$MARY"
MARY_KEY2="$OUT"
expect_error LimitExceeded aws iam create-access-key --user-name "$MARY"
query 'AccessKey.AccessKeyId' aws iam create-access-key --user-name "$DIEGO"
DIEGO_KEY="$OUT"
query 'length(AccessKeyMetadata)' aws iam list-access-keys --user-name "$MARY"
expect_eq "2" "$OUT" "mary's key count"

step "add both users to $GROUP"
expect_ok aws iam add-user-to-group --group-name "$GROUP" --user-name "$MARY"
expect_ok aws iam add-user-to-group --group-name "$GROUP" --user-name "$DIEGO"
query 'sort(Users[].UserName) | join(`,`, @)' aws iam get-group --group-name "$GROUP"
expect_eq "$DIEGO,$MARY" "$OUT" "get-group members"
query 'Groups[].GroupName' aws iam list-groups-for-user --user-name "$DIEGO"
expect_eq "$GROUP" "$OUT" "list-groups-for-user"

step "the new key signs sts get-caller-identity"
query '[Arn,Account,UserId]' as_user "$MARY_KEY" "$MARY_SECRET" aws sts get-caller-identity
read -r arn account userid <<<"$OUT"
expect_eq "arn:aws:iam::$ACCOUNT:user/$MARY" "$arn" "caller ARN"
expect_eq "$ACCOUNT" "$account" "caller account"
expect_match "$userid" '^AIDA[A-Z0-9]{17}$' "caller UserId"
query 'Account' aws sts get-access-key-info --access-key-id "$MARY_KEY"
expect_eq "$ACCOUNT" "$OUT" "get-access-key-info account"

step "get-access-key-last-used after the STS call"
query 'AccessKeyLastUsed.[ServiceName,Region]' aws iam get-access-key-last-used --access-key-id "$MARY_KEY"
expect_eq "sts	us-east-1" "$OUT" "last used service/region"
query 'UserName' aws iam get-access-key-last-used --access-key-id "$MARY_KEY"
expect_eq "$MARY" "$OUT" "last used user name"
query 'AccessKeyLastUsed.ServiceName' aws iam get-access-key-last-used --access-key-id "$MARY_KEY2"
expect_eq "N/A" "$OUT" "unused key service name"

step "bad credentials are rejected"
expect_error SignatureDoesNotMatch as_user "$MARY_KEY" "${MARY_SECRET%?????}wrong" aws sts get-caller-identity
expect_error InvalidClientTokenId as_user AKIAZZZZZZZZZZZZZZZZ "$MARY_SECRET" aws sts get-caller-identity

step "a user without policies is denied IAM calls"
expect_error AccessDenied as_user "$MARY_KEY" "$MARY_SECRET" aws iam list-users
expect_contains "$OUT" "arn:aws:iam::$ACCOUNT:user/$MARY" "AccessDenied message"

step "an inactive key stops working"
expect_ok aws iam update-access-key --user-name "$MARY" --access-key-id "$MARY_KEY" --status Inactive
query "AccessKeyMetadata[?AccessKeyId=='$MARY_KEY'].Status" aws iam list-access-keys --user-name "$MARY"
expect_eq "Inactive" "$OUT" "key status after update"
expect_error InvalidClientTokenId as_user "$MARY_KEY" "$MARY_SECRET" aws sts get-caller-identity

step "cleanup: delete-user refused while dependents remain"
expect_error DeleteConflict aws iam delete-user --user-name "$MARY"
expect_error DeleteConflict aws iam delete-group --group-name "$GROUP"
expect_ok aws iam delete-login-profile --user-name "$MARY"
expect_error NoSuchEntity aws iam get-login-profile --user-name "$MARY"
expect_error DeleteConflict aws iam delete-user --user-name "$MARY"
expect_ok aws iam delete-access-key --user-name "$MARY" --access-key-id "$MARY_KEY"
expect_ok aws iam delete-access-key --user-name "$MARY" --access-key-id "$MARY_KEY2"
expect_error DeleteConflict aws iam delete-user --user-name "$MARY"
expect_ok aws iam remove-user-from-group --group-name "$GROUP" --user-name "$MARY"
expect_ok aws iam delete-user --user-name "$MARY"
expect_error NoSuchEntity aws iam get-user --user-name "$MARY"

expect_ok aws iam delete-login-profile --user-name "$DIEGO"
expect_ok aws iam delete-access-key --user-name "$DIEGO" --access-key-id "$DIEGO_KEY"
expect_ok aws iam remove-user-from-group --group-name "$GROUP" --user-name "$DIEGO"
expect_ok aws iam delete-user --user-name "$DIEGO"
expect_ok aws iam delete-group --group-name "$GROUP"
expect_error NoSuchEntity aws iam get-group --group-name "$GROUP"
query 'length(Users)' aws iam list-users
expect_eq "0" "$OUT" "users left"

finish
