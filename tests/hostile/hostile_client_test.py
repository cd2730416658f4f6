"""Hostile clients against a running cofferd, on both of its listeners.

Sends malformed, truncated, oversized, invalid-UTF-8, slow and unauthenticated requests to
the AWS JSON listener and to the rpc listener, for several rounds, then proves that the
daemon is still alive, still serves authenticated requests with normal latency, and that
nothing was changed (keys, key states, alias).

Environment (set by hostile_client_test.sh): COFFER_AWS_ENDPOINT, RPC_PORT, METRICS_PORT,
COFFERD_PID, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION. Optional:
HOSTILE_ROUNDS (default 3), HOSTILE_SEED (default random; printed, to replay a run),
HOSTILE_SKIP (comma-separated attack function names to leave out, when debugging one).

Standard library and boto3/botocore only: the few protobuf messages of the rpc protocol
(docs/PROTOCOL.md, proto/coffer/v1/*.proto) are encoded and decoded by hand.
"""
import hashlib
import hmac
import json
import os
import random
import select
import socket
import statistics
import struct
import sys
import time
import traceback
import urllib.request
from urllib.parse import urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
AWS_HOST = urlsplit(ENDPOINT).netloc.encode()
AWS_PORT = urlsplit(ENDPOINT).port
RPC_PORT = int(os.environ["RPC_PORT"])
METRICS_PORT = int(os.environ["METRICS_PORT"])
COFFERD_PID = int(os.environ["COFFERD_PID"])
REGION = os.environ["AWS_DEFAULT_REGION"]
AKID = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
API_KEY = f"{AKID}:{SECRET}".encode()
ROUNDS = int(os.environ.get("HOSTILE_ROUNDS", "3"))
SEED = int(os.environ.get("HOSTILE_SEED", str(random.randrange(1 << 32))))
rng = random.Random(SEED)
SKIP = set(filter(None, os.environ.get("HOSTILE_SKIP", "").split(",")))

# What hostile_client_test.sh starts cofferd with.
READ_TIMEOUT = 2.0        # --read-timeout-ms 2000
UNAUTH_IDLE = 1.0         # --unauthenticated-idle-timeout-ms 1000
PER_SOURCE = 16           # --max-connections-per-source 16
CLOSE_MARGIN = 4.0        # slack on top of those (AddressSanitizer, 2 cores)

JSON_TYPE = b"application/x-amz-json-1.1"
LEAK_MARKERS = (b"CKR_", b"C_Encrypt", b"C_Decrypt")

passed = failed = 0
RECEIVED = []       # every response body (AWS) and error message (rpc): checked for leaks at the end
SENT_TOKENS = []    # the random part of every unknown method / target name: must not become metrics
VICTIM = {}         # key ids and the boto3 client, filled by baseline()


class Fatal(Exception):
    """The daemon stopped answering: nothing after this point would mean anything."""


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}", flush=True)
    else:
        failed += 1
        print(f"FAIL  {what}: {detail}", flush=True)
    return ok


# ---------------------------------------------------------------------------------------
# Sockets: every operation has a timeout.

def connect(port, timeout=5.0, rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def send_all(sock, data, timeout=5.0):
    """True when sent; False when the peer closed or reset meanwhile; None when it stopped
    reading (but kept the connection) for `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        sock.sendall(data)
        return True
    except socket.timeout:
        return None
    except OSError:
        return False


def recv_some(sock, timeout):
    """Some bytes; b'' when the peer closed or reset; None when nothing came within `timeout`."""
    sock.settimeout(max(timeout, 0.001))
    try:
        return sock.recv(65536)
    except socket.timeout:
        return None
    except OSError:
        return b""


def seconds_until_closed(sock, within):
    """Seconds until the peer closed `sock` (whatever it sent meanwhile is discarded), or
    None if it is still open after `within` seconds."""
    start = time.monotonic()
    while True:
        left = within - (time.monotonic() - start)
        if left <= 0:
            return None
        got = recv_some(sock, left)
        if got is None:
            return None
        if got == b"":
            return time.monotonic() - start
        RECEIVED.append(got)


# ---------------------------------------------------------------------------------------
# AWS listener: raw HTTP/1.1.

class Outcome:
    """How one raw exchange ended: "response" (status, body), "closed" or "hang"."""

    def __init__(self, kind, status=None, body=b""):
        self.kind, self.status, self.body = kind, status, body

    def __str__(self):
        return f"{self.kind} {self.status or ''} {self.body[:300]!r}"


def parse_http_response(buf):
    """(status, body) once `buf` holds a whole response, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].split(b"\r\n")
    status = int(head[0].split()[1])
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = buf[end + 4:end + 4 + length]
    return (status, body) if len(body) == length else None


def http_exchange(data, within=6.0, half_close=False):
    """Sends `data` on a new connection to the AWS listener and waits for one response, the
    server closing, or `within` seconds (a hang)."""
    sock = connect(AWS_PORT)
    try:
        sent = send_all(sock, data, timeout=within)
        if half_close and sent:
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:  # the server closed first: what follows reads the EOF
                pass
        buf = b""
        deadline = time.monotonic() + within
        while True:
            whole = parse_http_response(buf)
            if whole:
                RECEIVED.append(whole[1])
                return Outcome("response", *whole)
            got = recv_some(sock, deadline - time.monotonic())
            if got is None:
                return Outcome("hang", body=buf)
            if got == b"":
                RECEIVED.append(buf)
                return Outcome("closed", body=buf)
            buf += got
    finally:
        sock.close()


def http_request(headers, body=b"", path=b"/", content_length=True):
    lines = [b"POST " + path + b" HTTP/1.1"] + [name + b": " + value for name, value in headers]
    if content_length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def amz_now():
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()).encode()


def botocore_signed(target, body=b"{}", sign_target=True, akid=AKID, secret=SECRET):
    """Headers of a POST signed by botocore's own SigV4Auth. With sign_target=False the
    X-Amz-Target header is added after signing, so SignedHeaders does not cover it."""
    headers = {"Content-Type": JSON_TYPE.decode()}
    if sign_target:
        headers["X-Amz-Target"] = target
    request = AWSRequest(method="POST", url=ENDPOINT + "/", data=body, headers=headers)
    SigV4Auth(Credentials(akid, secret), "kms", REGION).add_auth(request)
    out = [(b"Host", AWS_HOST)]
    out += [(k.encode(), v if isinstance(v, bytes) else v.encode()) for k, v in request.headers.items()]
    if not sign_target:
        out.append((b"X-Amz-Target", target.encode()))
    return out


def raw_signed(headers, body=b"{}", akid=AKID.encode()):
    """`headers` (raw bytes allowed) plus Host, X-Amz-Date and an Authorization whose
    signature covers all of them: a valid signature over bytes botocore would never send.
    baseline() checks it against the server with an ordinary request."""
    amz_date = amz_now()
    headers = [(b"Host", AWS_HOST), (b"X-Amz-Date", amz_date)] + headers
    names = sorted({name.lower() for name, _ in headers})
    canonical = b"POST\n/\n\n"
    for name in names:
        # SigV4 trims a value and collapses its inner runs of spaces and tabs.
        values = [b" ".join(p for p in v.replace(b"\t", b" ").split(b" ") if p)
                  for k, v in headers if k.lower() == name]
        canonical += name + b":" + b",".join(values) + b"\n"
    canonical += b"\n" + b";".join(names) + b"\n" + hashlib.sha256(body).hexdigest().encode()
    date, region = amz_date[:8], REGION.encode()
    scope = date + b"/" + region + b"/kms/aws4_request"
    to_sign = b"AWS4-HMAC-SHA256\n" + amz_date + b"\n" + scope + b"\n" + hashlib.sha256(canonical).hexdigest().encode()
    key = b"AWS4" + SECRET.encode()
    for part in (date, region, b"kms", b"aws4_request"):
        key = hmac.new(key, part, hashlib.sha256).digest()
    signature = hmac.new(key, to_sign, hashlib.sha256).hexdigest().encode()
    authorization = (b"AWS4-HMAC-SHA256 Credential=" + akid + b"/" + scope + b", SignedHeaders=" +
                     b";".join(names) + b", Signature=" + signature)
    return headers + [(b"Authorization", authorization)]


def expect_json_error(what, outcome, types=None, status=400):
    """A `status` response whose body is strict UTF-8 JSON with a __type (one of `types`)."""
    doc = None
    if outcome.kind == "response":
        try:
            doc = json.loads(outcome.body.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError included
            doc = None
    ok = (outcome.status == status and isinstance(doc, dict) and isinstance(doc.get("__type"), str)
          and (types is None or doc["__type"] in types))
    return check(what, ok, str(outcome))


def expect_refused(what, outcome):
    """A 4xx (with a JSON body, as every AWS error) or a closed connection: never a hang."""
    ok = outcome.kind == "closed"
    if outcome.kind == "response" and 400 <= outcome.status < 500:
        try:
            ok = "__type" in json.loads(outcome.body.decode("utf-8"))
        except ValueError:
            ok = False
    return check(what, ok, str(outcome))


def new_token():
    token = f"hx{rng.getrandbits(64):016x}"
    SENT_TOKENS.append(token)
    return token


# -- AWS attacks ------------------------------------------------------------------------

def aws_invalid_utf8_in_auth_headers():
    """Regression for a remote crash: an error message that quoted a header holding invalid
    UTF-8 could not be serialized as JSON, and the exception ended cofferd. Every such
    request must get a 400 with a valid JSON body instead."""
    now = amz_now()
    region = REGION.encode()

    def request(authorization, date=now, target=b"TrentService.ListKeys"):
        return http_request([(b"Host", AWS_HOST), (b"Content-Type", JSON_TYPE), (b"X-Amz-Target", target),
                             (b"X-Amz-Date", date), (b"Authorization", authorization)], b"{}")

    def with_credential(credential, date=now):
        return request(b"AWS4-HMAC-SHA256 Credential=" + credential +
                       b", SignedHeaders=host;x-amz-date, Signature=" + b"0" * 64, date)

    akid, day = AKID.encode(), now[:8]
    cases = {
        "Authorization: \\xff": request(b"\xff"),
        "Authorization: algorithm then invalid UTF-8": request(b"AWS4-HMAC-SHA256 \xff\xfe=\xc0, \xed\xa0\x80"),
        "X-Amz-Date: invalid UTF-8": with_credential(akid + b"/" + day + b"/" + region + b"/kms/aws4_request",
                                                     date=b"\xff\xfe" + now[2:]),
        "Credential scope: not 5 parts, invalid UTF-8": with_credential(b"\xff\xfe/\xc3\x28"),
        "Credential scope: access key id": with_credential(b"AK\xff\xfe/" + day + b"/" + region + b"/kms/aws4_request"),
        "Credential scope: date": with_credential(akid + b"/2024\xff\xfe01/" + region + b"/kms/aws4_request"),
        "Credential scope: region": with_credential(akid + b"/" + day + b"/us-\xff\xfe-1/kms/aws4_request"),
        "Credential scope: service": with_credential(akid + b"/" + day + b"/" + region + b"/k\xffs/aws4_request"),
        "Credential scope: terminator": with_credential(akid + b"/" + day + b"/" + region + b"/kms/aws4_\xff"),
    }
    # A 128-byte excerpt of the header that ends inside a multi-byte sequence: the whole
    # header is valid UTF-8, the cut is not.
    prefix = b"AWS4-HMAC-SHA256 "
    for start, char in ((126, "€"), (127, "€"), (125, "😀")):
        header = prefix + b"a" * (start - len(prefix)) + char.encode() * 20
        cases[f"Authorization of {len(header)} bytes, byte {start} starts a {len(char.encode())}-byte sequence"] = \
            request(header)
    for name, data in cases.items():
        expect_json_error(f"AWS: {name} -> 400 JSON", http_exchange(data))
    # Valid signature over an X-Amz-Target that is not UTF-8: reaches the operation lookup.
    target = b"TrentService." + new_token().encode() + b"\xff\xfe\xc0"
    data = http_request(raw_signed([(b"Content-Type", JSON_TYPE), (b"X-Amz-Target", target)]), b"{}")
    expect_json_error("AWS: signed X-Amz-Target with invalid UTF-8 -> 400 JSON", http_exchange(data))


def aws_garbage():
    """Random bytes: the server closes (or answers 400) and does not wait for more."""
    junk = rng.randbytes(rng.randint(0, 4096))
    expect_refused(f"AWS: {len(junk)} random bytes, then EOF", http_exchange(junk, half_close=True))
    junk = rng.randbytes(rng.randint(1, 4096))
    expect_refused(f"AWS: {len(junk)} random bytes, server closes on its own",
                   http_exchange(junk, within=READ_TIMEOUT + CLOSE_MARGIN))


def aws_truncated_requests():
    """Requests cut short: a request line only, headers without their end, a body shorter
    than its Content-Length. Each ends with the client's EOF."""
    expect_refused("AWS: request line only", http_exchange(b"POST / HTTP/1.1\r\n", half_close=True))
    expect_refused("AWS: headers without the final CRLF CRLF",
                   http_exchange(b"POST / HTTP/1.1\r\nHost: " + AWS_HOST + b"\r\nContent-Type: appl", half_close=True))
    data = http_request([(b"Host", AWS_HOST), (b"Content-Type", JSON_TYPE), (b"X-Amz-Target", b"TrentService.ListKeys"),
                         (b"Content-Length", b"1000000000")], b"{}", content_length=False)
    expect_refused("AWS: Content-Length 1000000000 with a 2-byte body", http_exchange(data, half_close=True))


def aws_oversized_requests():
    """More than the server takes: a body over 1 MiB (declared and chunked), and 200
    headers of 8 KiB. A 413/431/400 or a close, never a hang."""
    body = b"{" + b" " * (1 << 20) + b"}"
    headers = [(b"Host", AWS_HOST), (b"Content-Type", JSON_TYPE), (b"X-Amz-Target", b"TrentService.ListKeys")]
    expect_refused("AWS: 1 MiB + 2 byte body", http_exchange(http_request(headers, body), within=10))
    chunked = b"".join(b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n" for _ in range(18)) + b"0\r\n\r\n"
    data = http_request(headers + [(b"Transfer-Encoding", b"chunked")], chunked, content_length=False)
    expect_refused("AWS: 1.1 MiB chunked body", http_exchange(data, within=10))
    many = headers + [(b"X-Pad-%d" % i, b"p" * 8192) for i in range(200)]
    expect_refused("AWS: 200 headers of 8 KiB", http_exchange(http_request(many, b"{}"), within=10))


def aws_bad_chunked():
    """Malformed chunk sizes: not hex, and more hex digits than any size type holds."""
    headers = [(b"Host", AWS_HOST), (b"Content-Type", JSON_TYPE), (b"X-Amz-Target", b"TrentService.ListKeys"),
               (b"Transfer-Encoding", b"chunked")]
    for size in (b"ZZZZ", b"FFFFFFFFFFFFFFFFFFFFFFFF", b"-1"):
        data = http_request(headers, size + b"\r\n{}\r\n0\r\n\r\n", content_length=False)
        expect_refused(f"AWS: chunk size {size.decode()}", http_exchange(data))


def aws_invalid_path():
    """A request target that is not ASCII: the parser refuses it or the signature fails."""
    data = http_request([(b"Host", AWS_HOST), (b"X-Amz-Target", b"TrentService.ListKeys")], b"{}",
                        path=b"/\xff\xfe?\xc3=\x28")
    expect_refused("AWS: request target with invalid UTF-8", http_exchange(data))


def aws_unknown_target_unauthenticated():
    """An unknown operation without any credentials is an authentication error first."""
    target = b"TrentService." + new_token().encode()
    data = http_request([(b"Host", AWS_HOST), (b"Content-Type", JSON_TYPE), (b"X-Amz-Target", target)], b"{}")
    expect_json_error("AWS: unknown X-Amz-Target without auth -> 400", http_exchange(data),
                      {"MissingAuthenticationTokenException", "IncompleteSignatureException"})


def aws_signed_unknown_target():
    """A correctly signed request for an operation that does not exist."""
    target = b"TrentService." + new_token().encode()
    data = http_request(raw_signed([(b"Content-Type", JSON_TYPE), (b"X-Amz-Target", target)]), b"{}")
    expect_json_error("AWS: signed unknown X-Amz-Target -> 400", http_exchange(data))


def aws_unsigned_target():
    """A signature that does not cover X-Amz-Target must not authorize the operation that
    header names: here ScheduleKeyDeletion of the victim key, which must stay Enabled."""
    body = json.dumps({"KeyId": VICTIM["enabled"], "PendingWindowInDays": 7}).encode()
    headers = botocore_signed("TrentService.ScheduleKeyDeletion", body, sign_target=False)
    expect_json_error("AWS: X-Amz-Target outside SignedHeaders -> 400", http_exchange(http_request(headers, body)))
    kms = VICTIM["kms"]
    state = kms.describe_key(KeyId=VICTIM["enabled"])["KeyMetadata"]["KeyState"]
    if not check("AWS: ScheduleKeyDeletion through an unsigned X-Amz-Target did not run", state == "Enabled", state):
        # Put the key back, so that the rest of the run still tests something.
        if state == "PendingDeletion":
            kms.cancel_key_deletion(KeyId=VICTIM["enabled"])
        kms.enable_key(KeyId=VICTIM["enabled"])


def aws_signed_bad_json():
    """Correctly signed requests whose body is not a JSON object of the right shape."""
    nested = b"[" * 50000 + b"]" * 50000
    cases = [
        ("invalid JSON", "TrentService.ListKeys", b"{not json"),
        ("a JSON array", "TrentService.ListKeys", b"[1,2,3]"),
        ("a JSON string", "TrentService.ListKeys", b'"hello"'),
        ("JSON null", "TrentService.ListKeys", b"null"),
        ("invalid UTF-8 in a string", "TrentService.DescribeKey", b'{"KeyId": "\xff\xfe\xc3\x28"}'),
        ("invalid UTF-8 outside strings", "TrentService.ListKeys", b'{\xff: 1}'),
        ("a lone surrogate escape", "TrentService.DescribeKey", b'{"KeyId": "\\ud800"}'),
        ("50,000 nested arrays", "TrentService.ListKeys", nested),
        ("50,000 nested arrays in a member", "TrentService.ListKeys", b'{"Limit": ' + nested + b"}"),
        ("a string where a number goes", "TrentService.ListKeys", b'{"Limit": "ten"}'),
        ("a number past uint64", "TrentService.ListKeys", b'{"Limit": 99999999999999999999999}'),
        ("uint64 max", "TrentService.ListKeys", b'{"Limit": 18446744073709551615}'),
        ("1e999", "TrentService.ListKeys", b'{"Limit": 1e999}'),
    ]
    for name, target, body in cases:
        data = http_request(botocore_signed(target, body), body)
        expect_json_error(f"AWS: signed body, {name} -> 400", http_exchange(data, within=10),
                          {"SerializationException", "ValidationException"})


def aws_unknown_access_key():
    """Signed with an access key the server does not know: one in Coffer's shape, one not."""
    for akid in ("AKCFAAAAAAAAAAAAAAAA", "AKIDNOBODY" + new_token()):
        data = http_request(botocore_signed("TrentService.ListKeys", akid=akid, secret="x" * 40), b"{}")
        expect_json_error(f"AWS: unknown access key {akid[:10]}... -> 400", http_exchange(data),
                          {"UnrecognizedClientException"})


def slowloris(port, head, listener):
    """One byte every 0.5 s, forever: the request must arrive whole within the read timeout,
    so the server closes the connection (or answers 4xx) within read timeout + margin."""
    sock = connect(port)
    start = time.monotonic()
    closed_after = None
    try:
        i = 0
        while time.monotonic() - start < READ_TIMEOUT + CLOSE_MARGIN:
            byte = head[i:i + 1] or b"a"
            i += 1
            if send_all(sock, byte, timeout=1) is not True:
                closed_after = time.monotonic() - start
                break
            got = recv_some(sock, 0.5)  # doubles as the pause between bytes
            if got is not None:  # EOF, reset or an error response: the server is done with us
                RECEIVED.append(got)
                closed_after = time.monotonic() - start
                break
    finally:
        sock.close()
    check(f"{listener}: slowloris (1 byte / 0.5 s) closed within {READ_TIMEOUT + CLOSE_MARGIN:.0f} s",
          closed_after is not None, f"still open after {time.monotonic() - start:.1f} s")


def idle_unauthenticated(port, listener):
    """A connection that never sends anything is closed after the unauthenticated idle
    timeout: idle sockets are what an attacker would hold to use up the slots."""
    sock = connect(port)
    try:
        after = seconds_until_closed(sock, UNAUTH_IDLE + CLOSE_MARGIN)
    finally:
        sock.close()
    check(f"{listener}: silent connection closed within {UNAUTH_IDLE + CLOSE_MARGIN:.0f} s", after is not None,
          "still open")


def per_source_cap(port, listener):
    """40 connections at once from one address: past the per-source cap (16) the server
    closes new ones at once instead of serving them, so one host cannot take every slot."""
    opened, refused = [], 0
    for _ in range(40):
        try:
            opened.append((connect(port, timeout=2), time.monotonic()))
        except OSError:
            refused += 1
    # Refused connections close right after their accept; served ones only after the
    # unauthenticated idle timeout (1 s). Watch each for 0.8 s after its connect.
    watching = dict(opened)
    fast = refused
    last = max((t for _, t in opened), default=time.monotonic())
    while watching and time.monotonic() < last + 0.8:
        readable, _, _ = select.select(list(watching), [], [], 0.05)
        for sock in readable:
            recv_some(sock, 0.01)  # EOF or reset (or an error response followed by one)
            if time.monotonic() - watching.pop(sock) < 0.8:
                fast += 1
    for sock, _ in opened:
        sock.close()
    check(f"{listener}: of 40 connections from one address, at least {40 - PER_SOURCE} closed at once "
          f"({fast} closed at once, {40 - fast} kept)", fast >= 40 - PER_SOURCE)
    time.sleep(0.3)  # let the server release the slots of the ones just closed


def aws_slowloris():
    slowloris(AWS_PORT, b"POST / HTTP/1.1\r\nHost: " + AWS_HOST + b"\r\nX-Slow: ", "AWS")


def aws_idle():
    idle_unauthenticated(AWS_PORT, "AWS")


def aws_per_source_cap():
    per_source_cap(AWS_PORT, "AWS")


# ---------------------------------------------------------------------------------------
# rpc listener: hand-encoded protobuf frames.

def varint(n):
    n &= (1 << 64) - 1  # negative int64/int32 are sent as 10-byte two's complement
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def field(number, value):
    """A protobuf field: int -> varint (wire type 0), str/bytes -> length-delimited (2)."""
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value


def read_varint(data, i):
    shift = value = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def decode_fields(data):
    """{field number: [values]} of one message (varints as ints, the rest as bytes)."""
    fields, i = {}, 0
    while i < len(data):
        key, i = read_varint(data, i)
        wire = key & 7
        if wire == 0:
            value, i = read_varint(data, i)
        elif wire == 2:
            length, i = read_varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        fields.setdefault(key >> 3, []).append(value)
    return fields


def frame(body):
    return struct.pack(">I", len(body)) + body


def request_frame(request_id, method, payload=b"", api_key=API_KEY, deadline=None):
    """RequestFrame {1 request_id, 2 method, 3 deadline {1 seconds, 2 nanos}, 4 payload, 5 api_key}."""
    body = field(1, request_id) + field(2, method)
    if deadline is not None:
        body += field(3, field(1, deadline[0]) + field(2, deadline[1]))
    body += field(4, payload)
    if api_key:
        body += field(5, api_key)
    return frame(body)


def parse_response_frame(body):
    """ResponseFrame {1 request_id, 2 payload | 3 ErrorDetail {1 code, 2 message, 3 http_status}}."""
    fields = decode_fields(body)
    error = None
    if 3 in fields:
        detail = decode_fields(fields[3][-1])
        message = detail.get(2, [b""])[-1]
        RECEIVED.append(message)
        error = {"code": detail.get(1, [b""])[-1].decode("utf-8", "replace"),
                 "message": message.decode("utf-8", "replace"), "http_status": detail.get(3, [0])[-1]}
    return {"id": fields.get(1, [0])[-1], "payload": fields.get(2, [None])[-1], "error": error}


def read_frames(sock, count, within):
    """Up to `count` ResponseFrames, and whether the server closed the connection; stops
    early when it closes or `within` seconds pass."""
    buf, frames, closed = b"", [], False
    deadline = time.monotonic() + within
    while True:
        while len(buf) >= 4 and len(frames) < count:
            length = struct.unpack(">I", buf[:4])[0]
            if len(buf) < 4 + length:
                break
            frames.append(parse_response_frame(buf[4:4 + length]))
            buf = buf[4 + length:]
        if len(frames) >= count or closed:
            return frames, closed
        got = recv_some(sock, deadline - time.monotonic())
        if got is None:
            return frames, closed
        if got == b"":
            closed = True
        buf += got


def rpc_raw(data, within=READ_TIMEOUT + CLOSE_MARGIN, want=1):
    """Sends raw bytes on a new rpc connection; (frames, closed) once `want` frames came,
    the server closed, or `within` passed."""
    sock = connect(RPC_PORT)
    try:
        send_all(sock, data, timeout=within)
        return read_frames(sock, want, within)
    finally:
        sock.close()


class RpcClient:
    """One plaintext rpc connection, one request at a time."""

    def __init__(self, api_key=API_KEY, timeout=15.0):
        self.sock = connect(RPC_PORT)
        self.api_key, self.timeout, self.next_id = api_key, timeout, 0

    def call(self, method, payload=b""):
        self.next_id += 1
        if send_all(self.sock, request_frame(self.next_id, method, payload, self.api_key), self.timeout) is not True:
            raise ConnectionError(f"rpc {method}: could not send")
        frames, closed = read_frames(self.sock, 1, self.timeout)
        if not frames:
            raise ConnectionError(f"rpc {method}: no answer ({'closed' if closed else 'timed out'})")
        return frames[0]

    def ok(self, method, payload=b""):
        """The response payload's fields; raises on an error frame."""
        response = self.call(method, payload)
        if response["error"]:
            raise RuntimeError(f"rpc {method}: {response['error']}")
        return decode_fields(response["payload"] or b"")

    def close(self):
        self.sock.close()


def rpc_encrypt(client, key_id, plaintext):
    """EncryptRequest {1 key_id, 2 plaintext} -> EncryptResponse.ciphertext_blob (1)."""
    return client.ok("coffer.v1.Crypto/Encrypt", field(1, key_id) + field(2, plaintext))[1][0]


def rpc_decrypt(client, blob):
    """DecryptRequest {1 ciphertext_blob} -> DecryptResponse.plaintext (2)."""
    return client.ok("coffer.v1.Crypto/Decrypt", field(1, blob)).get(2, [b""])[0]


LIST_KEYS = "coffer.v1.Keys/ListKeys"


# -- rpc attacks ------------------------------------------------------------------------

def rpc_broken_streams():
    """Streams that are not frames: the server closes the connection on its own."""
    within = READ_TIMEOUT + CLOSE_MARGIN
    junk = rng.randbytes(rng.randint(1, 4096))
    cases = {
        f"{len(junk)} random bytes": junk,
        "length prefix 0": b"\0\0\0\0",
        "length prefix 0xFFFFFFFF": b"\xff\xff\xff\xff" + b"x" * 100,
        "length prefix 2 MiB, then 100 bytes": struct.pack(">I", 2 << 20) + b"x" * 100,
        "a frame that is not protobuf": frame(b"\x0f\xff\xff\xff\xff\x07garbage"),
        "a frame with a truncated field": frame(field(2, "coffer.v1.Keys/ListKeys")[:-5]),
    }
    for name, data in cases.items():
        _, closed = rpc_raw(data, within, want=1 << 30)
        check(f"rpc: {name} -> connection closed by the server", closed, "still open")


def random_method_name():
    """An unknown method, valid UTF-8, carrying a fresh token (looked for in /metrics)."""
    token = new_token()
    return rng.choice([
        f"coffer.v1.Keys/{token}",
        f"coffer.v1.{token}/Encrypt",
        token,
        f'coffer.v1.Crypto/Encrypt"}} 1\n{token}{{x="',   # tries to break out of a metrics label
        f"coffer.v1.Ünïcødé/{token}\u202e\u0000",
        "A" * 4000 + token,
        f"coffer.v1.Keys/ListKeys {token}",
    ])


def rpc_unknown_methods():
    """100 distinct unknown methods per round, pipelined on one connection: each answered
    with an error frame carrying its id (and none becomes a metrics series: see
    check_metrics)."""
    names = [random_method_name() for _ in range(100)]
    data = b"".join(request_frame(i + 1, name, rng.randbytes(rng.randint(0, 64)), rng.choice([API_KEY, None]))
                    for i, name in enumerate(names))
    frames, closed = rpc_raw(data, within=20, want=len(names))
    ids = sorted(f["id"] for f in frames)
    codes = {f["error"]["code"] if f["error"] else "OK" for f in frames}
    check("rpc: 100 unknown methods each answered with an error",
          ids == list(range(1, len(names) + 1)) and
          codes <= {"UnknownOperationException", "AccessDeniedException", "ThrottlingException"},
          f"{len(frames)} answers, closed={closed}, codes={codes}")


def rpc_invalid_utf8_fields():
    """method and api_key are proto3 strings: invalid UTF-8 in them is either a parse error
    (the connection closes) or an error frame; never a crash, never silence."""
    token = new_token().encode()
    cases = {
        "method with invalid UTF-8": request_frame(1, b"coffer.v1.Keys/" + token + b"\xff\xfe\xc3\x28"),
        "method overlong NUL": request_frame(1, b"coffer.v1.Keys/" + token + b"\xc0\x80"),
        "api_key with invalid UTF-8": request_frame(1, LIST_KEYS, api_key=AKID.encode() + b":\xff\xfe"),
    }
    for name, data in cases.items():
        frames, closed = rpc_raw(data)
        ok = (frames and frames[0]["error"] is not None) or (not frames and closed)
        check(f"rpc: {name} -> error frame or close", ok, f"frames={frames} closed={closed}")


def rpc_unauthenticated():
    """Without a principal no method runs: no api_key, or a wrong one."""
    cases = {
        "no api_key": None,
        "wrong secret": f"{AKID}:not-the-secret".encode(),
        "secret one character short": API_KEY[:-1],
        "unknown access key in Coffer's shape": b"AKCFAAAAAAAAAAAAAAAA:x",
        "no colon": b"garbage",
        "only a colon": b":",
        "64 KiB api_key": b"A" * 65536 + b":" + b"s" * 10,
    }
    for name, api_key in cases.items():
        frames, closed = rpc_raw(request_frame(7, LIST_KEYS, api_key=api_key))
        code = frames[0]["error"]["code"] if frames and frames[0]["error"] else None
        check(f"rpc: {name} -> AccessDeniedException", code == "AccessDeniedException" and frames[0]["id"] == 7,
              f"frames={frames} closed={closed}")


def rpc_extreme_deadlines():
    """Deadlines at the ends of int64 seconds (and odd nanos): time arithmetic must not
    overflow. Any answer will do; no answer is a failure."""
    for seconds, nanos in ((2**63 - 1, 0), (-2**63, 0), (2**63 - 1, 999_999_999), (-2**63, -999_999_999),
                           (0, -1), (0, 2**31 - 1), (-1, -2**31)):
        frames, closed = rpc_raw(request_frame(9, LIST_KEYS, deadline=(seconds, nanos)), within=10)
        check(f"rpc: deadline {seconds} s {nanos} ns -> a response frame", bool(frames) and frames[0]["id"] == 9,
              f"closed={closed}")


def rpc_slowloris():
    slowloris(RPC_PORT, struct.pack(">I", 256) + b"\x08\x01\x12", "rpc")


def rpc_idle():
    idle_unauthenticated(RPC_PORT, "rpc")


def rpc_per_source_cap():
    per_source_cap(RPC_PORT, "rpc")


def rpc_pipeline_flood():
    """2,000 pipelined ListKeys from a client that never reads its answers (tiny receive
    buffer) and holds the socket for a few seconds: other clients must still be served."""
    flood = connect(RPC_PORT, rcvbuf=4096)
    try:
        data = b"".join(request_frame(i, LIST_KEYS, field(1, 1000)) for i in range(1, 2001))
        sent = send_all(flood, data, timeout=5)  # None: the server stopped reading us (fine)
        hold_until = time.monotonic() + 3
        start = time.monotonic()
        served_after, last, throttled = None, None, 0
        other = RpcClient()
        try:
            while time.monotonic() - start < 10:
                last = other.call(LIST_KEYS)
                if last["error"] is None:
                    served_after = time.monotonic() - start
                    break
                if last["error"]["code"] != "ThrottlingException":
                    break
                throttled += 1
                time.sleep(0.1)
        finally:
            other.close()
        check(f"rpc: another client served within 5 s while a flooder holds 2,000 requests "
              f"(sent={sent}, {throttled} throttled, served after {served_after and round(served_after, 2)} s)",
              served_after is not None and served_after < 5, f"last answer {last}")
        start = time.monotonic()
        try:
            aws_ok = bool(call_with_patience(lambda: VICTIM["kms"].list_keys(Limit=1), 10))
        except Exception as e:  # noqa: BLE001 (reported below)
            aws_ok = repr(e)
        check(f"AWS: served within 5 s while an rpc flooder holds 2,000 requests ({time.monotonic() - start:.2f} s)",
              aws_ok is True and time.monotonic() - start < 5, aws_ok)
        time.sleep(max(0.0, hold_until - time.monotonic()))
    finally:
        flood.close()


AWS_ATTACKS = [aws_invalid_utf8_in_auth_headers, aws_garbage, aws_truncated_requests, aws_oversized_requests,
               aws_bad_chunked, aws_invalid_path, aws_unknown_target_unauthenticated, aws_signed_unknown_target,
               aws_unsigned_target, aws_signed_bad_json, aws_unknown_access_key, aws_slowloris, aws_idle,
               aws_per_source_cap]
RPC_ATTACKS = [rpc_broken_streams, rpc_unknown_methods, rpc_invalid_utf8_fields, rpc_unauthenticated,
               rpc_slowloris, rpc_idle, rpc_per_source_cap, rpc_pipeline_flood, rpc_extreme_deadlines]


# ---------------------------------------------------------------------------------------
# Health, state, latency, metrics.

def pid_alive():
    try:
        os.kill(COFFERD_PID, 0)
        return True
    except OSError:
        return False


def call_with_patience(call, within):
    """call(), retried while the daemon throttles or a connection is refused (both
    expected just after a flood or a connection storm), for up to `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            return call()
        except ClientError as e:
            if e.response["Error"]["Code"] != "ThrottlingException" or time.monotonic() > deadline:
                raise
        except Exception:  # noqa: BLE001 (botocore wraps refused and reset connections in its own types)
            if time.monotonic() > deadline or not pid_alive():
                raise
        time.sleep(0.2)


def probe(after):
    """Cheap health check after each attack: the daemon is alive and answers ListKeys."""
    try:
        call_with_patience(lambda: VICTIM["kms"].list_keys(Limit=1), 10)
    except Exception as e:  # noqa: BLE001
        check(f"daemon answers after {after}", False, f"{e!r}; cofferd process alive: {pid_alive()}")
        raise Fatal(f"cofferd stopped answering after {after} (process alive: {pid_alive()})") from e


def snapshot(kms):
    """Key ids, their states, and the aliases, as they are now."""
    keys, marker = [], None
    while True:
        page = kms.list_keys(**({"Marker": marker} if marker else {}))
        keys += [k["KeyId"] for k in page["Keys"]]
        marker = page.get("NextMarker")
        if not page.get("Truncated"):
            break
    states = {k: kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] for k in keys}
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    return {"keys": sorted(keys), "states": states, "aliases": aliases}


def median_seconds(call, n=40):
    for _ in range(3):  # warm-up: connection, caches
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_latency():
    """Median Encrypt latency over AWS (boto3) and over rpc (one connection)."""
    kms, key = VICTIM["kms"], VICTIM["enabled"]
    aws = median_seconds(lambda: kms.encrypt(KeyId=key, Plaintext=b"latency probe"))
    client = RpcClient()
    try:
        rpc = median_seconds(lambda: rpc_encrypt(client, key, b"latency probe"))
    finally:
        client.close()
    return aws, rpc


def baseline():
    kms = boto3.client("kms", endpoint_url=ENDPOINT, region_name=REGION,
                       config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                     connect_timeout=5, read_timeout=15))
    VICTIM["kms"] = kms
    VICTIM["enabled"] = kms.create_key(Description="hostile victim")["KeyMetadata"]["KeyId"]
    VICTIM["disabled"] = kms.create_key(Description="hostile disabled")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/hostile-victim", TargetKeyId=VICTIM["enabled"])
    kms.disable_key(KeyId=VICTIM["disabled"])
    before = snapshot(kms)
    print(f"baseline: {len(before['keys'])} keys, aliases {before['aliases']}", flush=True)
    # The signers the attacks use must be right, or the negative cases would fail for the
    # wrong reason.
    list_keys = [(b"Content-Type", JSON_TYPE), (b"X-Amz-Target", b"TrentService.ListKeys")]
    for name, headers in (("botocore", botocore_signed("TrentService.ListKeys")), ("raw", raw_signed(list_keys))):
        out = http_exchange(http_request(headers, b"{}"))
        check(f"AWS: control request signed by the {name} signer -> 200", out.status == 200, str(out))
    client = RpcClient()
    try:
        check("rpc: control ListKeys with api_key -> keys", VICTIM["enabled"].encode() in
              b"".join(decode_fields(e)[1][0] for e in client.ok(LIST_KEYS).get(1, [])))
    finally:
        client.close()
    latency = measure_latency()
    print(f"before: Encrypt median AWS {latency[0] * 1000:.1f} ms, rpc {latency[1] * 1000:.1f} ms", flush=True)
    return before, latency


def check_metrics():
    """Metrics are labelled with known operations only (unknown ones share one bucket), and
    the AWS front end is counted too."""
    with urllib.request.urlopen(f"http://127.0.0.1:{METRICS_PORT}/metrics", timeout=10) as res:
        text = res.read().decode("utf-8", "replace")
    leaked = [t for t in SENT_TOKENS if t in text]
    check(f"metrics: none of the {len(SENT_TOKENS)} random method/target names is a series", not leaked,
          f"{len(leaked)} found, e.g. {leaked[:3]}")
    lines = [line for line in text.splitlines() if "coffer_requests_total" in line]
    check(f"metrics: fewer than 200 coffer_requests_total lines ({len(lines)})", len(lines) < 200)
    aws = [line for line in lines if line.startswith("coffer_requests_total{") and 'front_end="aws"' in line]
    check('metrics: AWS requests counted (coffer_requests_total{front_end="aws",...})', bool(aws),
          "series: " + " | ".join(line[:160] for line in lines[:8]))


def after(before, latency_before):
    kms = VICTIM["kms"]
    aws, rpc = measure_latency()
    print(f"after: Encrypt median AWS {aws * 1000:.1f} ms, rpc {rpc * 1000:.1f} ms", flush=True)
    for name, then, now in (("AWS", latency_before[0], aws), ("rpc", latency_before[1], rpc)):
        bound = max(3 * then, then + 0.05)
        check(f"{name}: Encrypt median after ({now * 1000:.1f} ms) <= {bound * 1000:.1f} ms", now <= bound)
    now_state = snapshot(kms)
    check("same key list as before", now_state["keys"] == before["keys"],
          f"{before['keys']} -> {now_state['keys']}")
    check("same key states as before", now_state["states"] == before["states"],
          f"{before['states']} -> {now_state['states']}")
    check("victim key Enabled, second key Disabled",
          now_state["states"].get(VICTIM["enabled"]) == "Enabled" and
          now_state["states"].get(VICTIM["disabled"]) == "Disabled", now_state["states"])
    check("same aliases as before", now_state["aliases"] == before["aliases"],
          f"{before['aliases']} -> {now_state['aliases']}")
    check("alias/hostile-victim still names the victim key",
          now_state["aliases"].get("alias/hostile-victim") == VICTIM["enabled"], now_state["aliases"])
    secret = rng.randbytes(100)
    blob = kms.encrypt(KeyId="alias/hostile-victim", Plaintext=secret)["CiphertextBlob"]
    check("AWS: Encrypt -> Decrypt round trip", kms.decrypt(CiphertextBlob=blob)["Plaintext"] == secret)
    client = RpcClient()
    try:
        blob = rpc_encrypt(client, "alias/hostile-victim", secret)
        check("rpc: Encrypt -> Decrypt round trip", rpc_decrypt(client, blob) == secret)
    finally:
        client.close()


def check_no_leaks():
    """No error text may show token internals (PKCS#11 return values or function names)."""
    bad = [body for body in RECEIVED if any(marker in body for marker in LEAK_MARKERS)]
    check(f"no CKR_ / C_Encrypt / C_Decrypt in {len(RECEIVED)} response bodies and error messages", not bad,
          repr(bad[:3]))


def main():
    print(f"hostile clients: seed {SEED}, {ROUNDS} rounds, AWS port {AWS_PORT}, rpc port {RPC_PORT}", flush=True)
    started = time.monotonic()
    try:
        before, latency_before = baseline()
        for round_number in range(1, ROUNDS + 1):
            print(f"-- round {round_number} ({time.monotonic() - started:.0f} s)", flush=True)
            for attack in (a for a in AWS_ATTACKS + RPC_ATTACKS if a.__name__ not in SKIP):
                try:
                    attack()
                except Exception as e:  # noqa: BLE001 (an attack that could not even run is a failure)
                    check(f"{attack.__name__} ran to its end", False, repr(e))
                probe(attack.__name__)
        check_metrics()
        after(before, latency_before)
    except Fatal as e:
        print(f"FATAL: {e}", flush=True)
    except Exception:  # noqa: BLE001 (the set-up or final checks could not run: a failure, with its trace)
        traceback.print_exc()
        check("baseline, metrics and final checks ran", False, "exception above")
    check_no_leaks()
    print(f"took {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
