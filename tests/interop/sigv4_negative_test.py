"""SigV4 negative cases against a running cofferd, over raw HTTP, signed with botocore.

Each case must be refused with the exception AWS uses: wrong secret, expired date,
date in the future, altered body, altered signed header, unknown access key, missing
Authorization header, malformed Authorization header.
"""
import datetime
import http.client
import json
import os
import sys
from unittest import mock
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
REGION = os.environ["AWS_DEFAULT_REGION"]
AKID = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
HOST = urlsplit(ENDPOINT).netloc


def signed(body=b"{}", target="TrentService.ListKeys", akid=AKID, secret=SECRET, when=None):
    req = AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
    signer = SigV4Auth(Credentials(akid, secret), "kms", REGION)
    if when is None:
        signer.add_auth(req)
    else:
        # Newer botocore reads the clock through get_current_datetime, older through
        # datetime.datetime.utcnow.
        import botocore.auth as auth
        if hasattr(auth, "get_current_datetime"):
            with mock.patch("botocore.auth.get_current_datetime", return_value=when):
                signer.add_auth(req)
        else:
            with mock.patch("botocore.auth.datetime") as dt:
                dt.datetime.utcnow.return_value = when
                signer.add_auth(req)
    headers = dict(req.headers.items())
    headers["Host"] = HOST
    return headers, body


def send(headers, body):
    conn = http.client.HTTPConnection(HOST, timeout=30)
    conn.request("POST", "/", body=body, headers=headers)
    res = conn.getresponse()
    payload = res.read()
    conn.close()
    return res.status, json.loads(payload) if payload else {}


def expect(name, status_body, error_type):
    status, body = status_body
    ok = body.get("__type") == error_type and status == 400
    print(("ok  " if ok else "FAIL"), name, status, body)
    return ok


def main():
    results = []
    status, body = send(*signed())
    results.append(status == 200 and "Keys" in body)
    print("ok  " if results[-1] else "FAIL", "correctly signed request", status)

    results.append(expect("wrong secret", send(*signed(secret="not-the-secret")), "InvalidSignatureException"))
    now = datetime.datetime.utcnow()
    results.append(expect("expired date (16 min ago)", send(*signed(when=now - datetime.timedelta(minutes=16))),
                          "InvalidSignatureException"))
    results.append(expect("date 16 min ahead", send(*signed(when=now + datetime.timedelta(minutes=16))),
                          "InvalidSignatureException"))
    headers, _ = signed(body=b'{"Limit": 1}')
    results.append(expect("altered body", send(headers, b'{"Limit": 2}'), "InvalidSignatureException"))
    headers, body = signed()
    headers["X-Amz-Target"] = "TrentService.CreateKey"
    results.append(expect("altered signed header", send(headers, body), "InvalidSignatureException"))
    results.append(expect("unknown access key", send(*signed(akid="AKIDNOBODY000000")), "UnrecognizedClientException"))
    headers, body = signed()
    del headers["Authorization"]
    results.append(expect("missing Authorization", send(headers, body), "MissingAuthenticationTokenException"))
    headers, body = signed()
    headers["Authorization"] = headers["Authorization"].split(",")[0]
    results.append(expect("malformed Authorization", send(headers, body), "IncompleteSignatureException"))
    headers, body = signed()
    del headers["X-Amz-Date"]
    results.append(expect("missing X-Amz-Date", send(headers, body), "IncompleteSignatureException"))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
