#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_aws_handler, fuzz_aws_request and fuzz_rpc_dispatch: one
well-formed request per operation family, naming the keys the fuzz service makes
(alias/fuzz-*) and its secrets (fuzz/string, fuzz/binary, fuzz/rotating, fuzz/deleted), so
the fuzzer starts from inputs that reach the KMS and Secrets Manager instead of the first
refusal.
Run from the repository root: python3 tests/fuzz/make_request_path_seeds.py"""
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(__file__), "corpus")

AWS = [
    ("ListKeys", {}),
    ("CreateKey", {"Description": "seed"}),
    ("CreateKey", {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Policy": "{\"Statement\":[]}"}),
    ("DescribeKey", {"KeyId": "alias/fuzz-aes"}),
    ("Encrypt", {"KeyId": "alias/fuzz-aes", "Plaintext": "aGVsbG8=", "EncryptionContext": {"a": "b"}}),
    ("Decrypt", {"CiphertextBlob": "AQIDBAUGBwgJCgsMDQ4P"}),
    ("GenerateDataKey", {"KeyId": "alias/fuzz-aes", "KeySpec": "AES_256"}),
    ("Sign", {"KeyId": "alias/fuzz-ec", "Message": "aGVsbG8=", "SigningAlgorithm": "ECDSA_SHA_256"}),
    ("Sign", {"KeyId": "alias/fuzz-rsa", "Message": "aGVsbG8=", "SigningAlgorithm": "RSASSA_PSS_SHA_256"}),
    ("GenerateMac", {"KeyId": "alias/fuzz-hmac", "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}),
    ("GetPublicKey", {"KeyId": "alias/fuzz-rsa"}),
    ("ListAliases", {"Limit": 2}),
    ("TagResource", {"KeyId": "alias/fuzz-aes", "Tags": [{"TagKey": "k", "TagValue": "v"}]}),
    ("GetKeyPolicy", {"KeyId": "alias/fuzz-aes", "PolicyName": "default"}),
    ("PutKeyPolicy", {"KeyId": "alias/fuzz-aes", "Policy": "{\"Statement\":{\"Effect\":\"Deny\"}}"}),
    ("GenerateRandom", {"NumberOfBytes": 32}),
]


ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:"
LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:fuzz-rotator"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})

# Secrets Manager ("secretsmanager.<Op>", SigV4 service secretsmanager).
SECRETS = [
    ("CreateSecret", {"Name": "seed/new", "SecretString": "v", "ClientRequestToken": "11111111-2222-3333-4444-555555555555",
                      "Description": "seed", "Tags": [{"Key": "k", "Value": "v"}]}),
    ("CreateSecret", {"Name": "seed/binary", "SecretBinary": "AAEC/w==", "KmsKeyId": "alias/fuzz-aes"}),
    ("GetSecretValue", {"SecretId": "fuzz/string"}),
    ("GetSecretValue", {"SecretId": ARN + "fuzz/binary", "VersionStage": "AWSCURRENT"}),
    ("GetSecretValue", {"SecretId": "fuzz/string", "VersionStage": "AWSPREVIOUS"}),
    ("BatchGetSecretValue", {"SecretIdList": ["fuzz/string", "fuzz/binary", "fuzz/deleted", "missing"]}),
    ("BatchGetSecretValue", {"Filters": [{"Key": "name", "Values": ["fuzz/"]}], "MaxResults": 2}),
    ("PutSecretValue", {"SecretId": "fuzz/string", "SecretString": "new", "VersionStages": ["AWSCURRENT", "blue"]}),
    ("UpdateSecret", {"SecretId": "fuzz/string", "Description": "d", "SecretString": "updated"}),
    ("UpdateSecretVersionStage", {"SecretId": "fuzz/string", "VersionStage": "fuzz-label",
                                  "RemoveFromVersionId": "11111111-2222-3333-4444-555555555555"}),
    ("DescribeSecret", {"SecretId": "fuzz/rotating"}),
    ("ListSecrets", {"Filters": [{"Key": "tag-key", "Values": ["env", "!team"]},
                                 {"Key": "description", "Values": ["A STRING"]}],
                     "MaxResults": 1, "SortOrder": "desc", "IncludePlannedDeletion": True}),
    ("ListSecrets", {"NextToken": "coffer1.1"}),
    ("ListSecretVersionIds", {"SecretId": "fuzz/string", "IncludeDeprecated": True, "MaxResults": 1}),
    ("DeleteSecret", {"SecretId": "fuzz/binary", "RecoveryWindowInDays": 7}),
    ("DeleteSecret", {"SecretId": "seed/new", "ForceDeleteWithoutRecovery": True}),
    ("RestoreSecret", {"SecretId": "fuzz/deleted"}),
    ("TagResource", {"SecretId": "fuzz/string", "Tags": [{"Key": "owner", "Value": "fuzz"}]}),
    ("UntagResource", {"SecretId": "fuzz/string", "TagKeys": ["owner"]}),
    ("GetRandomPassword", {"PasswordLength": 20, "ExcludePunctuation": True}),
    ("RotateSecret", {"SecretId": "fuzz/rotating", "RotationLambdaARN": LAMBDA,
                      "RotationRules": {"ScheduleExpression": "rate(4 hours)", "Duration": "2h"}}),
    ("RotateSecret", {"SecretId": "fuzz/rotating", "RotateImmediately": False,
                      "RotationRules": {"AutomaticallyAfterDays": 30}}),
    ("CancelRotateSecret", {"SecretId": "fuzz/rotating"}),
    ("PutResourcePolicy", {"SecretId": "fuzz/string", "ResourcePolicy": POLICY, "BlockPublicPolicy": True}),
    ("GetResourcePolicy", {"SecretId": "fuzz/string"}),
    ("DeleteResourcePolicy", {"SecretId": "fuzz/string"}),
    ("ValidateResourcePolicy", {"ResourcePolicy": POLICY}),
]


def http_request(target, body, auth=None, service="kms", date="20260101T000000Z"):
    data = json.dumps(body).encode()
    host, prefix = (("secretsmanager", "secretsmanager") if service == "secretsmanager"
                    else ("kms", "TrentService"))
    head = (f"POST / HTTP/1.1\r\nHost: {host}.us-east-1.amazonaws.com\r\n"
            "Content-Type: application/x-amz-json-1.1\r\n"
            f"X-Amz-Target: {prefix}.{target}\r\n")
    if auth:
        head += f"X-Amz-Date: {date}\r\nAuthorization: {auth}\r\n"
    head += f"Content-Length: {len(data)}\r\n\r\n"
    return head.encode() + data


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(number, value):
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value


def frame(request_id, method, payload=b"", api_key=None, deadline=None):
    body = field(1, request_id) + field(2, method) + field(4, payload)
    if deadline is not None:
        body += field(3, field(1, deadline))
    if api_key:
        body += field(5, api_key)
    return struct.pack(">I", len(body)) + body


RPC = [
    ("coffer.v1.Keys/ListKeys", b""),
    ("coffer.v1.Keys/CreateKey", b""),
    ("coffer.v1.Keys/DescribeKey", field(1, "alias/fuzz-aes")),
    ("coffer.v1.Crypto/Encrypt", field(1, "alias/fuzz-aes") + field(2, "hello")),
    ("coffer.v1.Crypto/Decrypt", field(1, b"\x01\x02\x03" * 20)),
    ("coffer.v1.Crypto/GenerateDataKey", field(1, "alias/fuzz-aes") + field(3, 32)),
    ("coffer.v1.Crypto/Sign", field(1, "alias/fuzz-ec") + field(2, "msg") + field(4, "ECDSA_SHA_256")),
    ("coffer.v1.Crypto/GenerateMac", field(1, "alias/fuzz-hmac") + field(2, "msg") + field(3, "HMAC_SHA_256")),
    ("coffer.v1.Crypto/GetPublicKey", field(1, "alias/fuzz-rsa")),
    ("coffer.v1.Keys/ListAliases", b""),
    ("coffer.v1.Made/Up", b"junk"),
    ("coffer.v1.Principals/GetCallerIdentity", b""),
    ("coffer.v1.Principals/ListPrincipalPolicies", field(1, "role/FuzzRole") + field(3, 2)),
    ("coffer.v1.Principals/GetPrincipalPolicy", field(1, "role/FuzzRole") + field(2, "p")),
    ("coffer.v1.Principals/DeletePrincipalPolicy", field(1, "user/fuzz") + field(2, "p")),
    ("coffer.v1.Principals/PutPrincipalPolicy", field(1, "role/FuzzRole") + field(2, "p") + field(
        3, '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}')),
]


def write(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data)


for i, (target, body) in enumerate(AWS):
    write("fuzz_aws_handler", f"seed-{i:02d}-{target}-signed", b"\x01" + http_request(target, body))
write("fuzz_aws_handler", "seed-unsigned", b"\x00" + http_request("ListKeys", {}))
write("fuzz_aws_handler", "seed-bad-auth", b"\x00" + http_request(
    "Encrypt", {}, "AWS4-HMAC-SHA256 Credential=AKCFFUZZFUZZFUZZFUZZ/20260101/us-east-1/kms/aws4_request, "
                   "SignedHeaders=host;x-amz-date, Signature=00"))
write("fuzz_aws_handler", "seed-invalid-utf8",
      b"\x00" + http_request("ListKeys", {}, "PLACEHOLDER").replace(b"PLACEHOLDER", b"\xff\xfe"))
for i, (target, body) in enumerate(SECRETS):
    write("fuzz_aws_handler", f"seed-sm-{i:02d}-{target}-signed",
          b"\x01" + http_request(target, body, service="secretsmanager"))
write("fuzz_aws_handler", "seed-sm-unsigned",
      b"\x00" + http_request("GetSecretValue", {"SecretId": "fuzz/string"}, service="secretsmanager"))
write("fuzz_aws_handler", "seed-sm-kms-scope", b"\x00" + http_request(
    "GetSecretValue", {"SecretId": "fuzz/string"},
    "AWS4-HMAC-SHA256 Credential=AKCFFUZZFUZZFUZZFUZZ/20260101/us-east-1/kms/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=00", service="secretsmanager"))

# fuzz_aws_request: its bytes are the request itself, signed (badly) for the service it names.
SIGNED = ("AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20270115/us-east-1/{}/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)
for i, (target, body) in enumerate(SECRETS):
    write("fuzz_aws_request", f"seed-sm-{i:02d}-{target}",
          http_request(target, body, SIGNED.format("secretsmanager"), service="secretsmanager",
                       date="20270115T080000Z"))

for i, (method, payload) in enumerate(RPC):
    write("fuzz_rpc_dispatch", f"seed-{i:02d}-key", b"\x01" + frame(i + 1, method, payload))
write("fuzz_rpc_dispatch", "seed-cert-pipelined", b"\x03" + b"".join(frame(i + 1, m, p) for i, (m, p) in enumerate(RPC[:4])))
write("fuzz_rpc_dispatch", "seed-anonymous", b"\x00" + frame(1, "coffer.v1.Keys/ListKeys"))
write("fuzz_rpc_dispatch", "seed-refused-key", b"\x02" + frame(1, "coffer.v1.Keys/ListKeys", api_key="AKCFREFUSEDREFUSEDRE:x"))
write("fuzz_rpc_dispatch", "seed-unknown-key", b"\x00" + frame(1, "coffer.v1.Keys/ListKeys", api_key="AKCFAAAAAAAAAAAAAAAA:y"))
write("fuzz_rpc_dispatch", "seed-deadline", b"\x01" + frame(1, "coffer.v1.Keys/ListKeys", deadline=(1 << 63) - 1))
