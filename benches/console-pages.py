# Console page render time with 1,000 users (BENCHMARKS.md, "Console pages"): run with
#   LOCALIAM_SHOW_LOG=1 LOCALIAM_BIN=target/release/localiam scripts/with-server .venv/bin/python benches/console-pages.py 2>log
# and read the `console` log lines' `micros` (server time from the request's arrival to its answer).
import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

import boto3
url = os.environ["LOCALIAM_URL"]
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
for i in range(1000):
    iam.create_user(UserName=f"user-{i:04d}@example.com")
for i in range(20):
    iam.create_group(GroupName=f"group-{i}")
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
for i in range(50):
    iam.create_role(RoleName=f"role-{i:02d}", AssumeRolePolicyDocument=trust)
iam.attach_role_policy(RoleName="role-00", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = op.open(url + "/console/").read().decode()
tok = re.search(r'csrf-token" content="([0-9a-f]+)"', page).group(1)
op.open(url + "/console/", data=urllib.parse.urlencode({"_csrf": tok, "access_key_id": "test", "secret_access_key": "test"}).encode()).read()
pages = ["/console/iam/", "/console/iam/users", "/console/iam/groups", "/console/iam/policies",
         "/console/iam/policies?type=aws", "/console/iam/user?name=user-0500%40example.com",
         "/console/iam/policy?arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FPowerUserAccess",
         "/console/iam/policies/create?from=PowerUserAccess", "/console/iam/account-settings", "/console/iam/roles",
         "/console/iam/role?name=role-00", "/console/iam/role?name=role-00&tab=trust", "/console/iam/providers",
         "/console/iam/credential-report", "/console/iam/user/mfa?name=user-0500%40example.com",
         "/console/iam/policy?arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess",
         "/console/iam/simulator",
         "/console/iam/simulator?run=1&source=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Frole-00"
         "&actions=iam%3AListUsers+s3%3AGetObject+ec2%3ARunInstances&resources=*",
         "/console/iam/events"]
for p in pages:
    for _ in range(3):
        op.open(url + p).read()
print("done")
