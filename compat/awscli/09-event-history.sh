#!/usr/bin/env bash
# shellcheck disable=SC2016  # JMESPath literals use backticks
# Event history (CloudTrail LookupEvents) from real traffic, following the tutorial
# (/work/shared/TUTORIALS.md §1):
#  - root makes PowerUsers (a PowerUserAccess copy) and Mary with keys; Mary's iam list-users is denied;
#  - lookup-events by Username shows the denied ListUsers with errorCode AccessDenied and its text,
#    and Mary (PowerUserAccess allows cloudtrail:*) can look it up herself;
#  - CreateAccessKey's CloudTrailEvent carries the key id but no secret;
#  - EventName filter, --start-time/--end-time, paging with --max-items/--page-size, errors.
# Run: scripts/with-server compat/awscli/09-event-history.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server

ACCOUNT=123456789012
AWS_POWER=arn:aws:iam::aws:policy/PowerUserAccess
POLICY_ARN="arn:aws:iam::$ACCOUNT:policy/PowerUserExampleCorp"
MARY=mary.major@examplecorp.com
MARY_ARN="arn:aws:iam::$ACCOUNT:user/$MARY"
T0="$(date -u -d '-1 minute' +%FT%TZ)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/compat-09.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# events_by KEY VALUE [ARGS...]: lookup-events filtered on one attribute, JSON in $OUT
events_by() {
    local key="$1" value="$2"
    shift 2
    expect_ok aws cloudtrail lookup-events --lookup-attributes "AttributeKey=$key,AttributeValue=$value" --output json "$@"
}

# record JMESPATH: a field of the first event's CloudTrailEvent record, as text
record() {
    printf '%s' "$OUT" | python -c '
import json, sys, jmespath
event = json.loads(json.load(sys.stdin)["Events"][0]["CloudTrailEvent"])
v = jmespath.search(sys.argv[1], event)
print("" if v is None else (json.dumps(v) if isinstance(v, (dict, list, bool)) else v))
' "$1"
}

step "the tutorial: PowerUsers, Mary with keys; Mary may not list users"
expect_ok aws iam get-policy --policy-arn "$AWS_POWER" --query Policy.DefaultVersionId --output text
expect_ok aws iam get-policy-version --policy-arn "$AWS_POWER" --version-id "$OUT" --output json
printf '%s' "$OUT" | python -c 'import json, sys; json.dump(json.load(sys.stdin)["PolicyVersion"]["Document"], open(sys.argv[1], "w"))' "$TMP/power-user.json"
expect_ok aws iam create-policy --policy-name PowerUserExampleCorp --policy-document "file://$TMP/power-user.json" \
    --description "Allows full access to all services except those for user management"
expect_ok aws iam create-group --group-name PowerUsers
expect_ok aws iam attach-group-policy --group-name PowerUsers --policy-arn "$POLICY_ARN"
expect_ok aws iam create-user --user-name "$MARY"
expect_ok aws iam add-user-to-group --group-name PowerUsers --user-name "$MARY"
query 'AccessKey.[AccessKeyId,SecretAccessKey]' aws iam create-access-key --user-name "$MARY"
read -r MARY_KEY MARY_SECRET <<<"$OUT"
expect_error AccessDenied as_user "$MARY_KEY" "$MARY_SECRET" aws iam list-users
DENIAL="User: $MARY_ARN is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::$ACCOUNT:user/ because no identity-based policy allows the iam:ListUsers action"
expect_contains "$OUT" "$DENIAL" "ListUsers denial"

step "lookup-events by Username finds the denied call, with its error"
events_by Username "$MARY"
expect_eq "ListUsers" "$(jp 'Events[0].EventName')" "Mary's event"
expect_eq "1" "$(jp 'length(Events)')" "Mary's events"
expect_eq "true" "$(jp 'Events[0].ReadOnly')" "ReadOnly"
expect_eq "$MARY_KEY" "$(jp 'Events[0].AccessKeyId')" "AccessKeyId"
expect_eq "iam.amazonaws.com" "$(jp 'Events[0].EventSource')" "EventSource"
expect_eq "AccessDenied" "$(record errorCode)" "errorCode"
expect_eq "$DENIAL" "$(record errorMessage)" "errorMessage"
expect_eq "IAMUser" "$(record userIdentity.type)" "userIdentity.type"
expect_eq "$MARY_ARN" "$(record userIdentity.arn)" "userIdentity.arn"
expect_eq "us-east-1" "$(record awsRegion)" "awsRegion"
expect_eq "AwsApiCall" "$(record eventType)" "eventType"
expect_match "$(record userAgent)" "^aws-cli/" "userAgent"
# PowerUserAccess allows cloudtrail:*, so Mary can see why she was denied.
expect_ok as_user "$MARY_KEY" "$MARY_SECRET" aws cloudtrail lookup-events --output json \
    --lookup-attributes "AttributeKey=Username,AttributeValue=$MARY"
expect_eq "ListUsers" "$(jp 'Events[0].EventName')" "Mary looks herself up"

step "CreateAccessKey is recorded without the secret"
events_by EventName CreateAccessKey
expect_eq "$MARY_KEY" "$(record responseElements.accessKey.accessKeyId)" "the new key id"
expect_eq "Active" "$(record responseElements.accessKey.status)" "its status"
expect_eq "" "$(record responseElements.accessKey.secretAccessKey)" "no secretAccessKey"
if [[ "$OUT" == *"$MARY_SECRET"* ]]; then
    fail "the secret access key appears in lookup-events output"
fi
expect_contains "$(jp 'Events[0].Resources[].ResourceType')" "AWS::IAM::AccessKey" "resource type"

step "EventName filter: newest first"
for u in u1 u2 u3; do
    expect_ok aws iam create-user --user-name "$u"
done
events_by EventName CreateUser
expect_eq "u3,u2,u1,$MARY" "$(jp 'Events[].Resources[0].ResourceName | join(`,`, @)')" "CreateUser events"
events_by ResourceName u2
expect_eq "CreateUser" "$(jp 'Events[].EventName | join(`,`, @)')" "events naming u2"

step "time range: --start-time/--end-time"
events_by EventName CreateUser --start-time "$T0" --end-time "$(date -u -d '+1 minute' +%FT%TZ)"
expect_eq "4" "$(jp 'length(Events)')" "CreateUser since the script started"
events_by EventName CreateUser --start-time "$(date -u -d '+1 hour' +%FT%TZ)"
expect_eq "0" "$(jp 'length(Events)')" "nothing in the future"
events_by EventName CreateUser --end-time "$(date -u -d '-1 hour' +%FT%TZ)"
expect_eq "0" "$(jp 'length(Events)')" "nothing an hour ago"
expect_error InvalidTimeRangeException aws cloudtrail lookup-events \
    --start-time "$(date -u +%FT%TZ)" --end-time "$(date -u -d '-1 hour' +%FT%TZ)"

step "paging: --max-items with --page-size"
events_by EventName CreateUser --max-items 2 --page-size 1
expect_eq "u3,u2" "$(jp 'Events[].Resources[0].ResourceName | join(`,`, @)')" "first page"
TOKEN="$(jp NextToken)"
[[ -n "$TOKEN" ]] || fail "no NextToken after the first page"
events_by EventName CreateUser --max-items 2 --page-size 1 --starting-token "$TOKEN"
expect_eq "u1,$MARY" "$(jp 'Events[].Resources[0].ResourceName | join(`,`, @)')" "second page"
expect_eq "" "$(jp NextToken)" "no token after the last page"

step "errors"
expect_error InvalidLookupAttributesException aws cloudtrail lookup-events \
    --lookup-attributes AttributeKey=Bogus,AttributeValue=x
expect_error InvalidLookupAttributesException aws cloudtrail lookup-events \
    --lookup-attributes AttributeKey=EventName,AttributeValue=ListUsers AttributeKey=Username,AttributeValue=root
expect_error InvalidNextTokenException aws cloudtrail lookup-events --next-token bm90LWEtdG9rZW4=

finish
