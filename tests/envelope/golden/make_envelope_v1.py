#!/usr/bin/env python3
"""Writes envelope_v1.json: golden envelope streams and records of format version 1.

An implementation of docs/FORMAT.md ("Envelope stream, version 1" and "Envelope record,
version 1") independent of the C++ code, using only Python's `cryptography`, so the
vectors check the specification, not just self-consistency. Salts and data keys are fixed
so the output is reproducible. Run once; the committed output must keep decrypting in
every later Coffer.
"""
import hashlib
import json
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

LABEL = b"c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM"


def canonical(context: dict) -> bytes:
    out = struct.pack(">I", len(context))
    for k in sorted(context, key=lambda s: s.encode()):
        kb, vb = k.encode(), context[k].encode()
        out += struct.pack(">I", len(kb)) + kb + struct.pack(">I", len(vb)) + vb
    return out


def prefix(kind: int, shift: int, encrypted_keys: list, context: dict) -> bytes:
    out = b"CFE" + bytes([1, kind, shift, len(encrypted_keys)])
    for edk in encrypted_keys:
        out += struct.pack(">H", len(edk)) + edk
    ctx = canonical(context)
    return out + struct.pack(">I", len(ctx)) + ctx


def derive(data_key: bytes, salt: bytes, info_context: bytes):
    okm = HKDFExpand(hashes.SHA512(), 32 + 12 + 32, LABEL + b"\x00" + salt + info_context).derive(data_key)
    return okm[:32], okm[32:44], okm[44:]


def nonce(base: bytes, index: int) -> bytes:
    return (int.from_bytes(base, "big") ^ index).to_bytes(12, "big")


def stream(data_key, encrypted_keys, context, shift, salt, plaintext):
    p = prefix(1, shift, encrypted_keys, context)
    key, base, commitment = derive(data_key, salt, p)
    size = 1 << shift
    out = p + salt + commitment
    aead = AESGCM(key)
    full = len(plaintext) // size  # every full segment, then the short final one (maybe empty)
    for i in range(full + 1):
        out += aead.encrypt(nonce(base, i), plaintext[i * size:(i + 1) * size], None)
    return out


def record(data_key, encrypted_keys, context, salt, number, plaintext):
    p = prefix(2, 0, encrypted_keys, context)
    key, base, commitment = derive(data_key, salt, p)
    return p + salt + commitment + struct.pack(">Q", number) + AESGCM(key).encrypt(nonce(base, number), plaintext, None)


def message(n: int, seed: int) -> bytes:
    return hashlib.shake_256(b"coffer golden %d" % seed).digest(n)


# Encrypted data keys are opaque to the envelope format: the key service opens them.
# Here they are labels the test's table service maps back to the data keys.
DATA_KEYS = {
    "dk1": bytes(range(32)),
    "dk2": bytes(range(100, 132)),
}
cases = [
    ("stream", "dk1", [b"edk/us-east-1/dk1"], {}, 14, 0, message(0, 1)),
    ("stream", "dk1", [b"edk/us-east-1/dk1"], {"app": "golden"}, 14, 0, message(100, 2)),
    ("stream", "dk1", [b"edk/us-east-1/dk1", b"edk/eu-west-1/dk1"], {"app": "golden", "\u00e9t\u00e9": "caf\u00e9"},
     14, 0, message(2 * 16384, 3)),
    ("stream", "dk2", [b"edk/us-east-1/dk2"], {"size": "large"}, 16, 0, message(65536 + 1234, 4)),
    ("record", "dk1", [b"edk/us-east-1/dk1"], {"app": "records"}, 0, 0, message(1024, 5)),
    ("record", "dk1", [b"edk/us-east-1/dk1"], {"app": "records"}, 0, 41, message(7, 6)),
    ("record", "dk2", [b"edk/us-east-1/dk2", b"edk/ap-south-1/dk2"], {}, 0, 2**32, message(0, 7)),
]
vectors = []
for i, (kind, dk, edks, context, shift, number, plaintext) in enumerate(cases):
    salt = bytes([i + 1]) * 24
    if kind == "stream":
        blob = stream(DATA_KEYS[dk], edks, context, shift, salt, plaintext)
    else:
        blob = record(DATA_KEYS[dk], edks, context, salt, number, plaintext)
    vectors.append({
        "kind": kind,
        "data_key": dk,
        "encrypted_keys": [e.decode() for e in edks],
        "context": context,
        "plaintext_sha256": hashlib.sha256(plaintext).hexdigest(),
        "plaintext_size": len(plaintext),
        "plaintext_hex": plaintext.hex() if len(plaintext) <= 1024 else None,
        "envelope_hex": blob.hex(),
    })
doc = {
    "format": "coffer-envelope-v1",
    "data_keys": {name: key.hex() for name, key in DATA_KEYS.items()},
    "encrypted_keys": {f"edk/{region}/{dk}": dk for dk in DATA_KEYS
                       for region in ("us-east-1", "eu-west-1", "ap-south-1")},
    "vectors": vectors,
}
with open("envelope_v1.json", "w") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
