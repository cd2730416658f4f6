"""Issue 21: SIGHUP reloads the quotas file and keeps connections open (run by
quotas_reload_test.sh, which starts cofferd with kms.cryptographic.symmetric = 1000).

Every request goes over ONE keep-alive HTTP connection, signed by hand with botocore's SigV4,
so that the test sees the very socket: its local address must stay the same throughout
(http.client would reconnect silently, with a new port, if cofferd had closed it).
 1. at rate 1000 ten quick Encrypts all succeed;
 2. the file now says 2; SIGHUP; `quotas_reloaded` is logged; the connection is still open
    and ten quick Encrypts on it are mostly throttled;
 3. the file does not parse; SIGHUP; `quotas_reload_failed` is logged; the connection is
    still open and the old quotas (rate 2) still hold.
Writes {"admitted": N, "throttled": M} (Encrypts since the successful reload) to argv[1]:
the shell compares them with `coffer quotas --json`.
"""
import http.client
import json
import os
import select
import signal
import socket
import sys
import time
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
HOST = urlsplit(ENDPOINT).netloc
REGION = os.environ["AWS_DEFAULT_REGION"]
PID = int(os.environ["COFFERD_PID"])
QUOTAS = os.environ["QUOTAS_FILE"]
LOG = os.environ["COFFERD_LOG"]
THROTTLED = {"__type": "ThrottlingException", "message": "Rate exceeded"}

failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)
    return ok


class Connection:
    """One HTTP/1.1 connection to cofferd; fails the test when it is not the same socket."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, timeout=30)
        self.conn.connect()
        self.local = self.conn.sock.getsockname()

    def call(self, operation, body):
        data = json.dumps(body).encode()
        req = AWSRequest(method="POST", url=ENDPOINT + "/", data=data,
                         headers={"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": "TrentService." + operation})
        SigV4Auth(Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]),
                  "kms", REGION).add_auth(req)
        headers = dict(req.headers.items())
        headers["Host"] = HOST
        sock = self.conn.sock
        try:
            self.conn.request("POST", "/", body=data, headers=headers)
            if self.conn.sock is not sock or sock.getsockname() != self.local:
                raise AssertionError(f"{operation}: http.client had to reconnect: cofferd closed the connection")
            res = self.conn.getresponse()
            payload = json.loads(res.read() or b"{}")
        except (OSError, http.client.HTTPException) as e:
            raise AssertionError(f"{operation}: the connection failed ({e!r}): did cofferd close it?") from e
        if res.will_close:
            raise AssertionError(f"{operation}: cofferd answered {res.status} {payload} and closes the connection")
        return res.status, payload

    def still_open(self):
        """True when cofferd has not closed (or reset) the idle connection."""
        sock = self.conn.sock
        if sock is None or sock.getsockname() != self.local:
            return False
        readable, _, _ = select.select([sock], [], [], 0.2)
        if not readable:
            return True
        try:
            return sock.recv(1, socket.MSG_PEEK) != b""  # b"": cofferd closed it
        except OSError:
            return False

    def encrypts(self, key, n):
        """N Encrypts at once; returns (admitted, throttled). Any other answer fails the test."""
        admitted = throttled = 0
        for _ in range(n):
            status, payload = self.call("Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="})
            if status == 200 and "CiphertextBlob" in payload:
                admitted += 1
            elif status == 400 and payload == THROTTLED:
                throttled += 1
            else:
                check("an Encrypt is admitted or throttled", False, f"{status} {payload}")
        return admitted, throttled


def events(name):
    with open(LOG, errors="replace") as log:
        return sum(f'"event":"{name}"' in line for line in log)


def sighup_and_wait(event):
    """SIGHUP to cofferd; waits (10 s at most) for one more EVENT in its log."""
    before = events(event)
    os.kill(PID, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if events(event) > before:
            return True
        time.sleep(0.05)
    return False


def write_quotas(text):
    # A new file renamed over the old one: cofferd never reads half of it.
    with open(QUOTAS + ".new", "w") as out:
        out.write(text)
    os.replace(QUOTAS + ".new", QUOTAS)


def main(summary_path):
    c = Connection()
    status, created = c.call("CreateKey", {"Description": "reload"})
    if not check("CreateKey", status == 200, f"{status} {created}"):
        sys.exit(1)
    key = created["KeyMetadata"]["KeyId"]

    admitted, throttled = c.encrypts(key, 10)
    check("at rate 1000, ten quick Encrypts all succeed", (admitted, throttled) == (10, 0), (admitted, throttled))

    write_quotas("burst_seconds = 1\nkms.cryptographic.symmetric = 2\n")
    check("after SIGHUP cofferd logs quotas_reloaded", sighup_and_wait("quotas_reloaded"))
    check("the reload left the connection open", c.still_open())
    admitted, throttled = c.encrypts(key, 10)
    print(f"     at rate 2: {admitted} admitted, {throttled} throttled")
    check("at rate 2 (a bucket of 2), ten quick Encrypts are mostly throttled", throttled >= 5 and admitted >= 1,
          (admitted, throttled))
    since_reload = [admitted, throttled]

    write_quotas("burst_seconds = 1\nkms.cryptographic.symmetric = lots\n")
    check("a file that does not parse: quotas_reload_failed", sighup_and_wait("quotas_reload_failed"))
    check("the failed reload left the connection open", c.still_open())
    time.sleep(1.2)  # the rate-2 bucket refills
    admitted, throttled = c.encrypts(key, 10)
    print(f"     after the failed reload: {admitted} admitted, {throttled} throttled")
    check("the old quotas (rate 2) still hold", 1 <= admitted <= 4 and throttled >= 5, (admitted, throttled))
    since_reload[0] += admitted
    since_reload[1] += throttled
    c.conn.close()

    with open(summary_path, "w") as out:
        json.dump({"admitted": since_reload[0], "throttled": since_reload[1]}, out)
    if failures:
        print(f"{len(failures)} failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except AssertionError as e:
        print(f"FAIL {e}", file=sys.stderr)
        sys.exit(1)
