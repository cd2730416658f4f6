#!/usr/bin/env python3
"""Writes ciphertext_v1.json: golden KMS ciphertext blobs of format version 1.

An implementation of docs/FORMAT.md ("Ciphertext blob, version 1") independent of the C++
code, so the golden vectors check the specification, not just self-consistency. Run once;
the committed output must keep decrypting in every later Coffer.
"""
import json
import os
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ID = "2f6b3c1e-8a4d-4e7b-9c0a-5d1e2f3a4b5c"
MRK_ID = "mrk-0123456789abcdef0123456789abcdef"
MATERIAL = {
    (KEY_ID, 1): bytes(range(32)),
    (KEY_ID, 2): bytes(range(32, 64)),
    (MRK_ID, 1): bytes(range(64, 96)),
}


def header(key_id: str, version: int) -> bytes:
    kid = key_id.encode()
    return b"CFR" + bytes([1, len(kid)]) + kid + struct.pack(">I", version)


def canonical(context: dict) -> bytes:
    out = struct.pack(">I", len(context))
    for k in sorted(context, key=lambda s: s.encode()):
        kb, vb = k.encode(), context[k].encode()
        out += struct.pack(">I", len(kb)) + kb + struct.pack(">I", len(vb)) + vb
    return out


def blob(key_id, version, plaintext, context, iv):
    h = header(key_id, version)
    sealed = AESGCM(MATERIAL[(key_id, version)]).encrypt(iv, plaintext, h + canonical(context))
    return h + iv + sealed


cases = [
    (KEY_ID, 1, b"hello, golden world", {}),
    (KEY_ID, 1, b"with context", {"purpose": "golden", "app": "coffer", "\u00e9t\u00e9": "caf\u00e9"}),
    (KEY_ID, 2, bytes(range(256)) * 16, {"size": "4096"}),
    (MRK_ID, 1, b"x", {"region": "any"}),
]
vectors = []
for i, (kid, ver, pt, ctx) in enumerate(cases):
    iv = bytes([i + 1]) * 12
    vectors.append({
        "key_id": kid,
        "version": ver,
        "plaintext_hex": pt.hex(),
        "context": ctx,
        "blob_hex": blob(kid, ver, pt, ctx, iv).hex(),
    })
out = {
    "format": "coffer-ciphertext-v1",
    "keys": [{"key_id": k, "version": v, "material_hex": m.hex()} for (k, v), m in MATERIAL.items()],
    "vectors": vectors,
}
with open(os.path.join(os.path.dirname(__file__), "ciphertext_v1.json"), "w") as f:
    json.dump(out, f, indent=2, ensure_ascii=False)
    f.write("\n")
