"""Issue 14's upgrade test, the AWS side: what a previous release made still works.

  upgrade_kms.py make EXPECTED            make the keys and the material (make_fixture.sh,
                                          against the previous release); write EXPECTED
  upgrade_kms.py check EXPECTED [NEW]     everything in EXPECTED (and NEW) decrypts, verifies
  upgrade_kms.py rotate EXPECTED NEW      rotate the symmetric key on demand once more,
                                          encrypt under the new version; write NEW
  upgrade_kms.py secret put|get         Secrets Manager on the upgraded store: create a
                                          secret, or read it back after a restart
  upgrade_kms.py versions DB OUT          the key_versions rows of a stopped store, to OUT
  upgrade_kms.py schema DB EXPECTED FIXTURE_VERSIONS NEW
                                          the upgraded store: schema 6, one domain key, the
                                          old versions still token objects, the new wrapped

The AWS commands read COFFER_AWS_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION (set by the shell scripts). Binary values in the JSON files are base64.
Every check prints one line; the exit status is 1 if any failed.
"""
import base64
import json
import os
import sqlite3
import struct
import sys

REGION = "us-east-1"
ALIAS = "alias/upgrade-v1"

failed = 0


def b64(data):
    return base64.b64encode(data).decode()


def unb64(text):
    return base64.b64decode(text)


def check(what, call):
    """Runs call(); it passes when it returns a true value (or None) without raising."""
    global failed
    try:
        result = call()
        ok = result is None or bool(result)
        detail = "" if ok else f" (got {result!r})"
    except Exception as e:  # any error is this check's failure, the next check still runs
        ok, detail = False, f" ({type(e).__name__}: {e})"
    print(("ok      " if ok else "FAILED  ") + what + detail, flush=True)
    if not ok:
        failed += 1


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def error_code(call, **kwargs):
    from botocore.exceptions import ClientError
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{call.__name__} succeeded, expected an error")


def blob_version(blob):
    """The key id and key version in a Coffer ciphertext blob's header (docs/FORMAT.md)."""
    expect(blob[:4] == b"CFR\x01", "not a version 1 Coffer ciphertext blob")
    length = blob[4]
    key_id = blob[5:5 + length].decode()
    (version,) = struct.unpack(">I", blob[5 + length:9 + length])
    return key_id, version


def kms_client():
    import boto3
    from botocore.config import Config
    # No retries: an answer is the first answer.
    return boto3.client("kms", endpoint_url=os.environ["COFFER_AWS_ENDPOINT"],
                        region_name=os.environ.get("AWS_DEFAULT_REGION", REGION),
                        config=Config(retries={"max_attempts": 1}))


UPGRADE_SECRET = ("upgrade/after-schema-4", "made after the upgrade")


def secret(action):
    import boto3
    sm = boto3.client("secretsmanager", endpoint_url=os.environ["COFFER_AWS_ENDPOINT"],
                      region_name=os.environ.get("AWS_DEFAULT_REGION", REGION))
    name, value = UPGRADE_SECRET
    if action == "put":
        check("CreateSecret on the upgraded store",
              lambda: sm.create_secret(Name=name, SecretString=value)["Name"] == name)

    def reads_back():
        got = sm.get_secret_value(SecretId=name)
        expect(got["SecretString"] == value and "AWSCURRENT" in got["VersionStages"],
               f"{got.get('VersionStages')}")
    check(f"GetSecretValue ({action}) returns the value as AWSCURRENT", reads_back)


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, document):
    with open(path, "w") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")


# ---- make: run once against the previous release ---------------------------------------

def encrypt_record(kms, key, version, plaintext, context):
    kwargs = {"KeyId": key["key_id"], "Plaintext": plaintext}
    if context:
        kwargs["EncryptionContext"] = context
    blob = kms.encrypt(**kwargs)["CiphertextBlob"]
    # The blob names the version it was made under: the fixture must hold what it claims.
    expect(blob_version(blob) == (key["key_id"], version),
           f"ciphertext made under {blob_version(blob)}, expected version {version}")
    return {"key": "symmetric", "version": version, "context": context, "plaintext": b64(plaintext),
            "ciphertext": b64(blob)}


def make(expected_path):
    kms = kms_client()
    keys = {}

    def create(name, spec, usage):
        meta = kms.create_key(KeySpec=spec, KeyUsage=usage,
                              Description=f"issue 14 upgrade fixture: {name}")["KeyMetadata"]
        keys[name] = {"key_id": meta["KeyId"], "arn": meta["Arn"], "key_spec": spec,
                      "key_usage": usage}
        return keys[name]

    document = {"region": REGION, "keys": keys, "ciphertexts": [], "signatures": [], "macs": [],
                "public_keys": {}, "data_keys": []}

    symmetric = create("symmetric", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    kms.create_alias(AliasName=ALIAS, TargetKeyId=symmetric["key_id"])
    document["alias"] = {"name": ALIAS, "key": "symmetric"}
    context = {"purpose": "upgrade-test", "made-by": "previous release"}
    for version in (1, 2):
        if version == 2:
            kms.rotate_key_on_demand(KeyId=symmetric["key_id"])
            rotations = kms.list_key_rotations(KeyId=symmetric["key_id"])["Rotations"]
            expect(len(rotations) == 1, f"{len(rotations)} rotations after one RotateKeyOnDemand")
        for with_context in (None, context):
            plaintext = f"version {version} {'with' if with_context else 'without'} context".encode()
            document["ciphertexts"].append(
                encrypt_record(kms, symmetric, version, plaintext, with_context))
    symmetric["versions"] = 2
    data_key = kms.generate_data_key(KeyId=symmetric["key_id"], KeySpec="AES_256")
    expect(blob_version(data_key["CiphertextBlob"])[1] == 2, "data key not under version 2")
    document["data_keys"].append({"key": "symmetric", "version": 2, "key_spec": "AES_256",
                                  "plaintext": b64(data_key["Plaintext"]),
                                  "ciphertext": b64(data_key["CiphertextBlob"])})

    rsa_encrypt = create("rsa_encrypt", "RSA_2048", "ENCRYPT_DECRYPT")
    plaintext = b"RSA-OAEP under the previous release"
    document["ciphertexts"].append({
        "key": "rsa_encrypt", "algorithm": "RSAES_OAEP_SHA_256", "plaintext": b64(plaintext),
        "ciphertext": b64(kms.encrypt(KeyId=rsa_encrypt["key_id"], Plaintext=plaintext,
                                      EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"])})

    for name, spec, algorithm in (("rsa_sign", "RSA_2048", "RSASSA_PSS_SHA_256"),
                                  ("ecc_sign", "ECC_NIST_P256", "ECDSA_SHA_256")):
        key = create(name, spec, "SIGN_VERIFY")
        message = f"signed by {name} under the previous release".encode()
        signature = kms.sign(KeyId=key["key_id"], Message=message, MessageType="RAW",
                             SigningAlgorithm=algorithm)["Signature"]
        document["signatures"].append({"key": name, "algorithm": algorithm,
                                       "message": b64(message), "signature": b64(signature)})

    for name in ("rsa_encrypt", "rsa_sign", "ecc_sign"):
        document["public_keys"][name] = b64(
            kms.get_public_key(KeyId=keys[name]["key_id"])["PublicKey"])

    for name, spec, algorithm in (("hmac_256", "HMAC_256", "HMAC_SHA_256"),
                                  ("hmac_224", "HMAC_224", "HMAC_SHA_224")):
        key = create(name, spec, "GENERATE_VERIFY_MAC")
        message = f"MAC by {name} under the previous release".encode()
        mac = kms.generate_mac(KeyId=key["key_id"], Message=message, MacAlgorithm=algorithm)["Mac"]
        document["macs"].append({"key": name, "algorithm": algorithm, "message": b64(message),
                                 "mac": b64(mac)})

    save(expected_path, document)
    print(f"made {len(keys)} keys, {len(document['ciphertexts'])} ciphertexts, "
          f"{len(document['signatures'])} signatures, {len(document['macs'])} MACs, "
          f"{len(document['data_keys'])} data key -> {expected_path}")


# ---- check: against the new release -----------------------------------------------------

def check_ciphertext(kms, keys, item, label):
    key = keys[item["key"]]
    blob = unb64(item["ciphertext"])
    kwargs = {"CiphertextBlob": blob}
    if "algorithm" in item:  # asymmetric: the key and the algorithm must be named
        kwargs.update(KeyId=key["key_id"], EncryptionAlgorithm=item["algorithm"])
    if item.get("context"):
        kwargs["EncryptionContext"] = item["context"]

    def decrypts():
        answer = kms.decrypt(**kwargs)
        expect(answer["Plaintext"] == unb64(item["plaintext"]), "wrong plaintext")
        expect(answer["KeyId"] == key["arn"], f"KeyId {answer['KeyId']}")
    check(f"Decrypt {label}", decrypts)
    if item.get("context"):
        # The context is bound: without it, or with another, the blob must not decrypt.
        wrong = dict(kwargs, EncryptionContext={"purpose": "something else"})
        check(f"Decrypt {label}, under another context, is refused",
              lambda: expect(error_code(kms.decrypt, **wrong) == "InvalidCiphertextException",
                             "not InvalidCiphertextException"))


def check_all(expected_path, new_path=None):
    document = load(expected_path)
    keys = document["keys"]
    kms = kms_client()

    for name, key in sorted(keys.items()):
        def described(key=key):
            meta = kms.describe_key(KeyId=key["key_id"])["KeyMetadata"]
            expect(meta["KeyState"] == "Enabled", f"state {meta['KeyState']}")
            expect(meta["KeySpec"] == key["key_spec"], f"KeySpec {meta['KeySpec']}")
            expect(meta["KeyUsage"] == key["key_usage"], f"KeyUsage {meta['KeyUsage']}")
            expect(meta["Arn"] == key["arn"], f"Arn {meta['Arn']}")
        check(f"DescribeKey {name} ({key['key_spec']}): Enabled, same spec, usage and ARN", described)

    alias = document["alias"]
    target = keys[alias["key"]]
    check(f"DescribeKey {alias['name']} resolves to the {alias['key']} key",
          lambda: expect(kms.describe_key(KeyId=alias["name"])["KeyMetadata"]["KeyId"]
                         == target["key_id"], "another key"))
    check(f"ListAliases names {alias['name']} -> {alias['key']}",
          lambda: expect(any(a["AliasName"] == alias["name"]
                             and a.get("TargetKeyId") == target["key_id"]
                             for a in kms.list_aliases(KeyId=target["key_id"])["Aliases"]),
                         "alias not listed"))

    for item in document["ciphertexts"]:
        if "version" in item:
            label = (f"symmetric version {item['version']} ciphertext "
                     f"{'with' if item.get('context') else 'without'} context")
        else:
            label = f"{item['key']} {item['algorithm']} ciphertext"
        check_ciphertext(kms, keys, item, label)
    for item in document["data_keys"]:
        check_ciphertext(kms, keys, item, f"GenerateDataKey {item['key_spec']} CiphertextBlob "
                                          f"(version {item['version']})")

    for name, public_key in sorted(document["public_keys"].items()):
        def same_public_key(name=name, public_key=public_key):
            answer = kms.get_public_key(KeyId=keys[name]["key_id"])
            expect(answer["PublicKey"] == unb64(public_key), "another public key")
            expect(answer["KeySpec"] == keys[name]["key_spec"], f"KeySpec {answer['KeySpec']}")
        check(f"GetPublicKey {name} equals the recorded one", same_public_key)

    for item in document["signatures"]:
        key_id = keys[item["key"]]["key_id"]
        args = {"KeyId": key_id, "Message": unb64(item["message"]), "MessageType": "RAW",
                "SigningAlgorithm": item["algorithm"], "Signature": unb64(item["signature"])}
        check(f"Verify {item['key']} {item['algorithm']} signature",
              lambda args=args: expect(kms.verify(**args)["SignatureValid"], "not valid"))
        # Verify needs only the public key: Sign is what shows the private key still works
        # (the token keeps them as two objects under one id).
        def signs_anew(args=args):
            fresh = {k: v for k, v in args.items() if k != "Signature"}
            fresh["Message"] = b"signed after the upgrade"
            fresh["Signature"] = kms.sign(**fresh)["Signature"]
            expect(kms.verify(**fresh)["SignatureValid"], "the new signature does not verify")
        check(f"Sign with {item['key']} anew; the new signature verifies", signs_anew)
        tampered = dict(args, Message=args["Message"] + b"!")
        check(f"Verify {item['key']} on another message is refused",
              lambda tampered=tampered: expect(
                  error_code(kms.verify, **tampered) == "KMSInvalidSignatureException",
                  "not KMSInvalidSignatureException"))

    for item in document["macs"]:
        key_id = keys[item["key"]]["key_id"]
        args = {"KeyId": key_id, "Message": unb64(item["message"]), "MacAlgorithm": item["algorithm"]}
        mac = unb64(item["mac"])
        check(f"VerifyMac {item['key']} {item['algorithm']}",
              lambda args=args, mac=mac: expect(kms.verify_mac(Mac=mac, **args)["MacValid"],
                                                "not valid"))
        check(f"GenerateMac {item['key']} gives the recorded MAC again",
              lambda args=args, mac=mac: expect(kms.generate_mac(**args)["Mac"] == mac, "another MAC"))
        tampered = dict(args, Message=args["Message"] + b"!")
        check(f"VerifyMac {item['key']} on another message is refused",
              lambda tampered=tampered, mac=mac: expect(
                  error_code(kms.verify_mac, Mac=mac, **tampered) == "KMSInvalidMacException",
                  "not KMSInvalidMacException"))

    if new_path:
        new = load(new_path)
        for item in new["ciphertexts"]:
            check_ciphertext(kms, keys, item,
                             f"symmetric version {item['version']} ciphertext made after the upgrade "
                             f"{'with' if item.get('context') else 'without'} context")
        rotations = 1 + new["rotations"]
    else:
        rotations = 1
    check(f"ListKeyRotations of the symmetric key lists {rotations}",
          lambda: expect(len(kms.list_key_rotations(KeyId=keys["symmetric"]["key_id"])["Rotations"])
                         == rotations, "another count"))


def rotate(expected_path, new_path):
    document = load(expected_path)
    symmetric = document["keys"]["symmetric"]
    kms = kms_client()
    version = symmetric["versions"] + 1
    new = {"rotations": 1, "version": version, "ciphertexts": []}

    check("RotateKeyOnDemand of the symmetric key (made by the previous release)",
          lambda: kms.rotate_key_on_demand(KeyId=symmetric["key_id"]))
    context = {"purpose": "upgrade-test", "made-by": "new release"}
    for with_context in (None, context):
        plaintext = f"version {version} {'with' if with_context else 'without'} context".encode()
        label = f"{'with' if with_context else 'without'} context"

        def encrypts(plaintext=plaintext, with_context=with_context):
            item = encrypt_record(kms, symmetric, version, plaintext, with_context)
            new["ciphertexts"].append(item)
        check(f"Encrypt under version {version} {label} (the blob names version {version})", encrypts)
    for item in new["ciphertexts"]:
        check_ciphertext(kms, document["keys"], item,
                         f"version {version} ciphertext "
                         f"{'with' if item.get('context') else 'without'} context")
    save(new_path, new)


# ---- the store, after cofferd stopped ----------------------------------------------------

def connect_read_only(db_path):
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


def versions(db_path, out_path):
    db = connect_read_only(db_path)
    rows = db.execute("SELECT key_id, version FROM key_versions ORDER BY key_id, version").fetchall()
    db.close()
    save(out_path, [list(row) for row in rows])
    print(f"the fixture's store has {len(rows)} key versions")


def schema(db_path, expected_path, fixture_versions_path, new_path):
    document = load(expected_path)
    new = load(new_path)
    symmetric = document["keys"]["symmetric"]["key_id"]
    fixture_versions = {tuple(row) for row in load(fixture_versions_path)}
    new_version = (symmetric, new["version"])
    db = connect_read_only(db_path)

    check("PRAGMA user_version is 6",
          lambda: expect(db.execute("PRAGMA user_version").fetchone()[0] == 6,
                         f"user_version {db.execute('PRAGMA user_version').fetchone()[0]}"))

    def secrets_tables():
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        wanted = {"secrets", "secret_versions", "secret_stages", "secret_tags", "key_policies",
                  "principal_policies", "grants"}
        expect(wanted <= tables, f"missing {sorted(wanted - tables)}")
    check("schemas 4 to 6 added the Secrets Manager tables, key_policies, principal_policies "
          "and grants", secrets_tables)
    # The fixture's keys keep the default policy (no row); the aws/secretsmanager key made
    # after the upgrade has AWS's managed-key policy.
    check("key_policies: no row for the fixture's keys",
          lambda: expect(not [r for r in db.execute("SELECT key_id FROM key_policies")
                              if r[0] in {k for k, _ in fixture_versions}], "a fixture key has a row"))

    def one_domain_key():
        rows = db.execute("SELECT region, version, active FROM domain_keys").fetchall()
        expect([r for r in rows if r[0] == REGION and r[2]] and
               len([r for r in rows if r[0] == REGION]) == 1, f"domain_keys rows {rows}")
    check(f"domain_keys has exactly one row for {REGION}", one_domain_key)

    def fixture_rows_complete():
        for name, key in document["keys"].items():
            for version in range(1, key.get("versions", 1) + 1):
                expect((key["key_id"], version) in fixture_versions, f"{name} version {version} missing")
    check("the fixture's store held every key version expected.json names", fixture_rows_complete)

    def rows():
        return {(k, v): material for k, v, material in
                db.execute("SELECT key_id, version, wrapped_material FROM key_versions")}

    def same_versions_plus_new():
        # Keys made after the upgrade (aws/secretsmanager, by the secret step) are not
        # the fixture's.
        fixture_keys = {key for key, _ in fixture_versions}
        got = {row for row in db.execute("SELECT key_id, version FROM key_versions")
               if row[0] in fixture_keys}
        wanted = fixture_versions | {new_version}
        expect(got == wanted, f"extra {sorted(got - wanted)}, missing {sorted(wanted - got)}")
    check(f"key_versions: the fixture's {len(fixture_versions)} plus the one rotated in",
          same_versions_plus_new)

    def old_unwrapped():
        wrapped = [kv for kv, material in rows().items()
                   if kv in fixture_versions and material is not None]
        expect(not wrapped, f"wrapped now: {wrapped}")
    check("the fixture's versions still have wrapped_material NULL (token objects)", old_unwrapped)
    check(f"the new version {new['version']} has wrapped_material NOT NULL",
          lambda: expect(rows().get(new_version) is not None, "NULL or missing"))
    db.close()


def main(argv):
    commands = {"make": (make, 1), "check": (check_all, (1, 2)), "rotate": (rotate, 2),
                "versions": (versions, 2), "schema": (schema, 4), "secret": (secret, 1)}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    function, arity = commands[argv[1]]
    arity = arity if isinstance(arity, tuple) else (arity,)
    if len(argv) - 2 not in arity:
        print(__doc__, file=sys.stderr)
        return 2
    function(*argv[2:])
    if failed:
        print(f"{failed} check(s) failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
