#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# Account-level settings and user-management edge cases with the real aws CLI (v1):
# password policy, account alias, account summary, duplicate and invalid names,
# pagination, renames and path changes.
# Run: scripts/with-server compat/awscli/02-account.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

ACCOUNT=123456789012
USERS=(alice bob carol dave erin)

step "password policy: update and get"
expect_ok aws iam update-account-password-policy --minimum-password-length 14 \
    --require-symbols --require-numbers --require-uppercase-characters \
    --require-lowercase-characters --allow-users-to-change-password
query 'PasswordPolicy.[MinimumPasswordLength,RequireSymbols,RequireNumbers,RequireUppercaseCharacters,RequireLowercaseCharacters,AllowUsersToChangePassword]' \
    aws iam get-account-password-policy
expect_eq "14	True	True	True	True	True" "$OUT" "password policy fields"

step "create users and groups"
for u in "${USERS[@]}"; do
    query 'User.UserName' aws iam create-user --user-name "$u"
    expect_eq "$u" "$OUT" "created $u"
done
expect_ok aws iam create-group --group-name Admins
expect_ok aws iam create-group --group-name Devs --path /eng/
query 'Group.Arn' aws iam get-group --group-name Devs
expect_eq "arn:aws:iam::$ACCOUNT:group/eng/Devs" "$OUT" "group ARN with path"

step "login profiles must satisfy the password policy"
expect_error PasswordPolicyViolation aws iam create-login-profile --user-name alice --password 'weakpass1'
expect_error PasswordPolicyViolation aws iam create-login-profile --user-name alice --password 'LongButNoDigits!!'
expect_error NoSuchEntity aws iam get-login-profile --user-name alice
expect_ok aws iam create-login-profile --user-name alice --password 'Str0ng-Passw0rd-2024!'
query 'LoginProfile.UserName' aws iam get-login-profile --user-name alice
expect_eq "alice" "$OUT" "login profile created"
expect_error PasswordPolicyViolation aws iam update-login-profile --user-name alice --password 'short1A!'

step "password policy: delete, then get is NoSuchEntity"
expect_ok aws iam delete-account-password-policy
expect_error NoSuchEntity aws iam get-account-password-policy
expect_error NoSuchEntity aws iam delete-account-password-policy

step "account alias"
query 'length(AccountAliases)' aws iam list-account-aliases
expect_eq "0" "$OUT" "no alias initially"
expect_error ValidationError aws iam create-account-alias --account-alias 'Bad_Alias'
expect_ok aws iam create-account-alias --account-alias examplecorp-dev
query 'AccountAliases' aws iam list-account-aliases
expect_eq "examplecorp-dev" "$OUT" "alias listed"
expect_ok aws iam delete-account-alias --account-alias examplecorp-dev
query 'length(AccountAliases)' aws iam list-account-aliases
expect_eq "0" "$OUT" "alias deleted"
expect_error NoSuchEntity aws iam delete-account-alias --account-alias examplecorp-dev

step "duplicates and invalid names"
expect_error EntityAlreadyExists aws iam create-user --user-name alice
expect_error EntityAlreadyExists aws iam create-user --user-name ALICE
expect_error EntityAlreadyExists aws iam create-group --group-name admins
expect_error ValidationError aws iam create-user --user-name 'bad name!'
expect_error ValidationError aws iam create-group --group-name 'bad/group'
expect_error NoSuchEntity aws iam get-user --user-name nobody

step "get-account-summary counts what was created"
query 'SummaryMap.[Users,Groups,AccessKeysPerUserQuota]' aws iam get-account-summary
expect_eq "${#USERS[@]}	2	2" "$OUT" "Users, Groups, AccessKeysPerUserQuota"

step "pagination through the CLI paginator (--max-items / --starting-token)"
expect_ok aws iam list-users --max-items 2 --output json
page1="$(jp 'Users[].UserName')"
token="$(jp 'NextToken')"
expect_eq "2" "$(jp 'length(Users)')" "first page size"
[[ -n "$token" ]] || fail "no NextToken from list-users --max-items 2"
expect_ok aws iam list-users --max-items 2 --starting-token "$token" --output json
page2="$(jp 'Users[].UserName')"
token="$(jp 'NextToken')"
expect_eq "2" "$(jp 'length(Users)')" "second page size"
[[ -n "$token" ]] || fail "no NextToken on the second page"
expect_ok aws iam list-users --max-items 2 --starting-token "$token" --output json
page3="$(jp 'Users[].UserName')"
expect_eq "1" "$(jp 'length(Users)')" "last page size"
expect_eq "" "$(jp 'NextToken')" "no NextToken after the last page"
all="$(printf '%s\n' "$page1" "$page2" "$page3" | sort | paste -sd, -)"
expect_eq "alice,bob,carol,dave,erin" "$all" "all users seen once across pages"
expect_ok aws iam list-users --page-size 2 --output json
expect_eq "alice,bob,carol,dave,erin" "$(jp 'sort(Users[].UserName) | join(`,`, @)')" "--page-size 2 collects every page"

step "pagination by hand (--no-paginate --max-items / --marker)"
query '[IsTruncated, length(Users)]' aws iam list-users --no-paginate --max-items 2
expect_eq "True	2" "$OUT" "truncated first page"
query 'Marker' aws iam list-users --no-paginate --max-items 2
marker="$OUT"
[[ -n "$marker" && "$marker" != "None" ]] || fail "no Marker from list-users --no-paginate --max-items 2"
query '[IsTruncated, length(Users)]' aws iam list-users --no-paginate --max-items 3 --marker "$marker"
expect_eq "False	3" "$OUT" "last page by marker"

step "rename a user and move it to another path"
expect_ok aws iam add-user-to-group --group-name Devs --user-name erin
query 'User.UserId' aws iam get-user --user-name erin
erin_id="$OUT"
expect_ok aws iam update-user --user-name erin --new-user-name erin.new
expect_error NoSuchEntity aws iam get-user --user-name erin
query 'User.[UserId,Arn]' aws iam get-user --user-name erin.new
expect_eq "$erin_id	arn:aws:iam::$ACCOUNT:user/erin.new" "$OUT" "renamed user keeps its id"
query 'Users[].UserName' aws iam get-group --group-name Devs
expect_eq "erin.new" "$OUT" "group membership follows the rename"
expect_error EntityAlreadyExists aws iam update-user --user-name erin.new --new-user-name bob
expect_error NoSuchEntity aws iam update-user --user-name erin --new-user-name erin2
expect_ok aws iam update-user --user-name erin.new --new-path /division_abc/subdivision_xyz/
query 'User.[Path,Arn]' aws iam get-user --user-name erin.new
expect_eq "/division_abc/subdivision_xyz/	arn:aws:iam::$ACCOUNT:user/division_abc/subdivision_xyz/erin.new" "$OUT" "new path"
query 'Users[].UserName' aws iam list-users --path-prefix /division_abc/
expect_eq "erin.new" "$OUT" "list-users --path-prefix"
expect_error ValidationError aws iam update-user --user-name erin.new --new-path no-slashes

finish
