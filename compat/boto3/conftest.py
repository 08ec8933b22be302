"""Fixtures for the boto3 compatibility suite.

One localiam server per test session (``serve --listen 127.0.0.1:0``), and a
clean state before every test through the root-only ``POST /_localiam/reset``.

Binary: $LOCALIAM_BIN, else ${CARGO_TARGET_DIR:-target}/release/localiam
(relative paths are taken from the repo root). Extra ``serve`` flags can be
given in $LOCALIAM_FLAGS.
"""

import os
import selectors
import shlex
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
ROOT_KEY = "test"
ROOT_SECRET = "test"

# Never let a developer's own AWS configuration leak into the tests.
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
             "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS"):
    os.environ.pop(_var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

CLIENT_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1},
                       connect_timeout=5, read_timeout=30)


def localiam_bin() -> Path:
    raw = os.environ.get("LOCALIAM_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or "target", "release", "localiam")
    path = Path(raw)
    return path if path.is_absolute() else REPO_ROOT / path


@pytest.fixture(scope="session")
def server_url():
    binary = localiam_bin()
    if not os.access(binary, os.X_OK):
        pytest.exit(f"no localiam binary at {binary} (cargo build --release, or set LOCALIAM_BIN)",
                    returncode=2)
    log = tempfile.NamedTemporaryFile(prefix="localiam-boto3-", suffix=".log", delete=False)
    cmd = [str(binary), "serve", "--listen", "127.0.0.1:0",
           *shlex.split(os.environ.get("LOCALIAM_FLAGS", ""))]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    url = None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 10
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        if sel.select(timeout=max(0.0, deadline - time.monotonic())):
            line = proc.stdout.readline()
            if line.startswith("localiam listening on "):
                url = line.strip().split(" ", 3)[3]
            elif not line:
                break
    sel.close()
    if url is None:
        proc.kill()
        proc.wait()
        log.close()
        pytest.exit("localiam did not report a listening address within 10 s; server log:\n"
                    + Path(log.name).read_text(errors="replace")[-4000:], returncode=2)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        os.unlink(log.name)


def signed_request(url, method="POST", body=b"", headers=None,
                   key=ROOT_KEY, secret=ROOT_SECRET, service="iam"):
    """Send a raw SigV4-signed request; return (status, body_text)."""
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    SigV4Auth(Credentials(key, secret), service, REGION).add_auth(req)
    prepared = req.prepare()
    raw = urllib.request.Request(prepared.url, data=prepared.body if body else None,
                                 headers=dict(prepared.headers.items()), method=method)
    try:
        with urllib.request.urlopen(raw, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture(autouse=True)
def fresh_state(server_url):
    """Every test starts from an empty account."""
    status, text = signed_request(server_url + "/_localiam/reset")
    assert status == 200, f"POST /_localiam/reset -> {status}: {text}"


@pytest.fixture
def make_client(server_url):
    """make_client('iam'|'sts', key=..., secret=..., config=..., token=...) -> boto3 client."""
    def make(service, key=ROOT_KEY, secret=ROOT_SECRET, config=None, token=None):
        return boto3.session.Session().client(
            service, endpoint_url=server_url, region_name=REGION,
            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
            config=CLIENT_CONFIG.merge(config) if config else CLIENT_CONFIG)
    return make


@pytest.fixture
def iam(make_client):
    return make_client("iam")


@pytest.fixture
def sts(make_client):
    return make_client("sts")


@pytest.fixture
def user_with_key(iam):
    """A fresh IAM user (no policies) and one active access key: (name, key_id, secret)."""
    name = "key-holder"
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, key["AccessKeyId"], key["SecretAccessKey"]


def error_of(excinfo):
    """(code, http_status) of a botocore ClientError captured by pytest.raises."""
    resp = excinfo.value.response
    return resp["Error"]["Code"], resp["ResponseMetadata"]["HTTPStatusCode"]
