"""Issue 21: request quotas seen by boto3 (run by quotas_boto3_test.sh, which starts cofferd
with a quotas file of kms.cryptographic.symmetric = 10 and kms.CreateKey = 0.5).

 - a client with standard retries finishes a burst of GenerateDataKey calls, each correct,
   though cofferd throttles part of the burst; every retry it made is one ThrottlingException
   in cofferd's metrics;
 - a client without retries sees ClientError ThrottlingException "Rate exceeded", HTTP 400;
 - on the wire the refusal is HTTP 400 {"__type":"ThrottlingException","message":"Rate exceeded"};
 - with kms.CreateKey at its own small rate, a second CreateKey at once is throttled and
   makes no key.

Writes the successful calls per operation as JSON to the file named by argv[1]: the shell
checks the audit trail holds exactly those and no throttled request.
"""
import collections
import concurrent.futures
import http.client
import json
import os
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
REGION = os.environ["AWS_DEFAULT_REGION"]
METRICS = os.environ["COFFER_METRICS_URL"]
BURST = 30
CREATE_KEY_INTERVAL = 2.0  # 1 / kms.CreateKey's rate: a full bucket holds one CreateKey

failures = []
succeeded = collections.Counter()  # operation -> successful calls, for the audit check


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)


def client(retries):
    return boto3.client("kms", endpoint_url=ENDPOINT, region_name=REGION,
                        config=Config(retries=retries, max_pool_connections=16))


def metric(name, **labels):
    """The sum of NAME's samples that carry every label given (0 when none)."""
    text = urllib.request.urlopen(METRICS, timeout=10).read().decode()
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        series, value = line.rsplit(" ", 1)
        if all(f'{k}="{v}"' in series for k, v in labels.items()):
            total += float(value)
    return int(total)


def throttled_answers(method):
    return metric("coffer_requests_total", front_end="aws", method=method, code="ThrottlingException")


def first_throttle(call, limit=200):
    """Calls CALL until it raises; returns (calls that succeeded, the ClientError)."""
    for n in range(limit):
        try:
            call()
        except ClientError as e:
            return n, e
    return limit, None


def signed(target, body):
    req = AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
    SigV4Auth(Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]),
              "kms", REGION).add_auth(req)
    headers = dict(req.headers.items())
    headers["Host"] = urlsplit(ENDPOINT).netloc
    return headers


def main(summary_path):
    retrying = client({"mode": "standard", "max_attempts": 10})
    single = client({"mode": "standard", "total_max_attempts": 1})
    started = time.monotonic()
    key = retrying.create_key(Description="quotas")["KeyMetadata"]["KeyId"]
    last_create = time.monotonic()
    succeeded["CreateKey"] += 1

    # A burst from 8 threads: well over 10 per second, so cofferd throttles part of it and
    # the standard retries (backoff with jitter) carry every call through.
    def data_key(_):
        return retrying.generate_data_key(KeyId=key, KeySpec="AES_256")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(data_key, range(BURST)))
        succeeded["GenerateDataKey"] += len(keys)
        gdk_retries = sum(k["ResponseMetadata"]["RetryAttempts"] for k in keys)
        check(f"all {BURST} GenerateDataKey calls return a 32-byte key",
              all(len(k["Plaintext"]) == 32 and k["KeyId"].endswith(key) for k in keys))
        plains = list(pool.map(lambda k: retrying.decrypt(CiphertextBlob=k["CiphertextBlob"]), keys))
        succeeded["Decrypt"] += len(plains)
        decrypt_retries = sum(p["ResponseMetadata"]["RetryAttempts"] for p in plains)
    check("each data key's ciphertext decrypts to its plaintext",
          all(p["Plaintext"] == k["Plaintext"] for p, k in zip(plains, keys)))
    print(f"     burst of {BURST}: {gdk_retries} GenerateDataKey and {decrypt_retries} Decrypt retries")
    check("the burst was throttled: the client retried", gdk_retries + decrypt_retries > 0)
    check("each GenerateDataKey retry is one ThrottlingException answer in the metrics",
          throttled_answers("GenerateDataKey") == gdk_retries,
          f"metrics {throttled_answers('GenerateDataKey')}, client retries {gdk_retries}")
    check("each Decrypt retry is one ThrottlingException answer in the metrics",
          throttled_answers("Decrypt") == decrypt_retries,
          f"metrics {throttled_answers('Decrypt')}, client retries {decrypt_retries}")

    # Without retries the refusal reaches the caller.
    admitted, error = first_throttle(lambda: single.encrypt(KeyId=key, Plaintext=b"x"))
    succeeded["Encrypt"] += admitted
    check("a client without retries is throttled within 200 quick Encrypts", error is not None)
    if error is not None:
        check("as ThrottlingException", error.response["Error"]["Code"] == "ThrottlingException",
              error.response["Error"])
        check('with the message "Rate exceeded"', error.response["Error"]["Message"] == "Rate exceeded",
              error.response["Error"])
        check("and HTTP status 400", error.response["ResponseMetadata"]["HTTPStatusCode"] == 400,
              error.response["ResponseMetadata"])
        check("the client made one attempt", error.response["ResponseMetadata"]["RetryAttempts"] == 0)

    # The refusal on the wire, over one keep-alive connection signed by hand.
    conn = http.client.HTTPConnection(urlsplit(ENDPOINT).netloc, timeout=30)
    body = json.dumps({"KeyId": key, "Plaintext": "aGVsbG8="}).encode()
    status = payload = content_type = None
    for _ in range(200):
        conn.request("POST", "/", body=body, headers=signed("TrentService.Encrypt", body))
        res = conn.getresponse()
        status, payload, content_type = res.status, res.read(), res.getheader("Content-Type")
        if status != 200:
            break
        succeeded["Encrypt"] += 1
    conn.close()
    check("raw: the refusal is HTTP 400", status == 400, f"{status} {payload!r}")
    check('raw: the body is {"__type":"ThrottlingException","message":"Rate exceeded"}',
          payload is not None and json.loads(payload) == {"__type": "ThrottlingException",
                                                          "message": "Rate exceeded"}, payload)
    check("raw: as application/x-amz-json-1.1", content_type == "application/x-amz-json-1.1", content_type)
    check("each throttled Encrypt is one ThrottlingException answer in the metrics",
          throttled_answers("Encrypt") == 2, throttled_answers("Encrypt"))

    # A management quota: CreateKey at 0.5 per second holds one CreateKey; the second at
    # once is refused and makes nothing. (The rate is below 1 so that a slow first CreateKey
    # does not give the bucket time to refill.)
    time.sleep(max(0.0, CREATE_KEY_INTERVAL + 0.2 - (time.monotonic() - last_create)))
    before = {k["KeyId"] for k in retrying.list_keys(Limit=1000)["Keys"]}
    created = single.create_key(Description="first")["KeyMetadata"]["KeyId"]
    succeeded["CreateKey"] += 1
    try:
        single.create_key(Description="second")
        check("a second CreateKey at once is throttled", False, "it succeeded")
        succeeded["CreateKey"] += 1
    except ClientError as e:
        check("a second CreateKey at once is throttled as ThrottlingException, HTTP 400",
              (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
              == ("ThrottlingException", 400), e.response)
    after = {k["KeyId"] for k in retrying.list_keys(Limit=1000)["Keys"]}
    check("the throttled CreateKey made no key", after == before | {created}, f"new keys: {after - before}")
    check("coffer_quota_throttled_total counts it against kms.CreateKey",
          metric("coffer_quota_throttled_total", operation="CreateKey", quota="kms.CreateKey",
                 principal_class="root") == 1)
    succeeded["ListKeys"] += 2

    with open(summary_path, "w") as out:
        json.dump(succeeded, out)
    print(f"     {time.monotonic() - started:.1f} s; successful calls: {dict(succeeded)}")
    if failures:
        print(f"{len(failures)} failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1])
