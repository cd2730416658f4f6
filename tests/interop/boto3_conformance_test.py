"""Issue 22: Coffer answers as AWS KMS does, cell by cell, over the AWS endpoint with boto3.

Two tables, transcribed here from AWS's documentation independently of Coffer's own
(core/api): which key identifier forms each operation accepts (botocore's KeyId
documentation: "key ID, key ARN, alias name, or alias ARN" versus "Specify the key ID or key
ARN"), and what each operation does to a key in each key state Coffer can reach (the
developer guide's "Key states of AWS KMS keys"). Every cell gets fresh keys, so that no
cell depends on another. Then the format of AWS's validation messages.

Run by boto3_conformance_test.sh, which starts cofferd and exports the endpoint.
"""
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
# No retries: a cell's answer is the first answer. Client-side validation off: the server's
# own validation is what is tested.
kms = boto3.client("kms", endpoint_url=ENDPOINT, region_name=os.environ["AWS_DEFAULT_REGION"],
                   config=Config(retries={"max_attempts": 1}, parameter_validation=False))

OK = "ok"
NOT_FOUND = "NotFoundException"
DISABLED = "DisabledException"
INVALID_STATE = "KMSInvalidStateException"

ANY_FORM = ("key-id", "key-arn", "alias-name", "alias-arn")
ID_OR_ARN = ("key-id", "key-arn")


def unique_alias():
    return "alias/conformance-" + uuid.uuid4().hex[:12]


class Cell:
    """Keys made for one cell: the key under test (kind: symmetric, sign, hmac) and helpers."""

    def __init__(self, kind="symmetric"):
        spec = {"symmetric": ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
                "sign": ("ECC_NIST_P256", "SIGN_VERIFY"),
                "hmac": ("HMAC_256", "GENERATE_VERIFY_MAC")}[kind]
        meta = kms.create_key(KeySpec=spec[0], KeyUsage=spec[1])["KeyMetadata"]
        self.kind = kind
        self.key_id = meta["KeyId"]
        self.arn = meta["Arn"]
        self.alias = unique_alias()
        kms.create_alias(AliasName=self.alias, TargetKeyId=self.key_id)
        self.alias_arn = self.arn.split(":key/")[0] + ":" + self.alias
        # Made while the key is enabled, for Decrypt, Verify and VerifyMac in other states.
        if kind == "symmetric":
            self.ciphertext = kms.encrypt(KeyId=self.key_id, Plaintext=b"cell")["CiphertextBlob"]
        elif kind == "sign":
            self.signature = kms.sign(KeyId=self.key_id, Message=b"cell",
                                      SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        else:
            self.mac = kms.generate_mac(KeyId=self.key_id, Message=b"cell",
                                        MacAlgorithm="HMAC_SHA_256")["Mac"]
        self.policy = kms.get_key_policy(KeyId=self.key_id, PolicyName="default")["Policy"]

    def ref(self, form):
        return {"key-id": self.key_id, "key-arn": self.arn, "alias-name": self.alias,
                "alias-arn": self.alias_arn}[form]

    def into_state(self, state):
        if state == "Disabled":
            kms.disable_key(KeyId=self.key_id)
        elif state == "PendingDeletion":
            kms.schedule_key_deletion(KeyId=self.key_id, PendingWindowInDays=7)


def update_alias(cell, ref):
    # An alias already pointing at another key of the same kind, moved to the key under test.
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    alias = unique_alias()
    kms.create_alias(AliasName=alias, TargetKeyId=other)
    kms.update_alias(AliasName=alias, TargetKeyId=ref)


def re_encrypt(cell, ref):
    source = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=source, Plaintext=b"cell")["CiphertextBlob"]
    kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=ref)


# operation -> (kind of key, the call with the key reference, accepted identifier forms)
OPERATIONS = {
    "DescribeKey": ("symmetric", lambda c, r: kms.describe_key(KeyId=r), ANY_FORM),
    "EnableKey": ("symmetric", lambda c, r: kms.enable_key(KeyId=r), ID_OR_ARN),
    "DisableKey": ("symmetric", lambda c, r: kms.disable_key(KeyId=r), ID_OR_ARN),
    "ScheduleKeyDeletion": ("symmetric", lambda c, r: kms.schedule_key_deletion(KeyId=r, PendingWindowInDays=7),
                            ID_OR_ARN),
    "CancelKeyDeletion": ("symmetric", lambda c, r: kms.cancel_key_deletion(KeyId=r), ID_OR_ARN),
    "UpdateKeyDescription": ("symmetric", lambda c, r: kms.update_key_description(KeyId=r, Description="d"),
                             ID_OR_ARN),
    "GetKeyPolicy": ("symmetric", lambda c, r: kms.get_key_policy(KeyId=r, PolicyName="default"), ID_OR_ARN),
    "PutKeyPolicy": ("symmetric", lambda c, r: kms.put_key_policy(KeyId=r, PolicyName="default", Policy=c.policy),
                     ID_OR_ARN),
    "ListKeyPolicies": ("symmetric", lambda c, r: kms.list_key_policies(KeyId=r), ID_OR_ARN),
    "EnableKeyRotation": ("symmetric", lambda c, r: kms.enable_key_rotation(KeyId=r), ID_OR_ARN),
    "DisableKeyRotation": ("symmetric", lambda c, r: kms.disable_key_rotation(KeyId=r), ID_OR_ARN),
    "GetKeyRotationStatus": ("symmetric", lambda c, r: kms.get_key_rotation_status(KeyId=r), ID_OR_ARN),
    "RotateKeyOnDemand": ("symmetric", lambda c, r: kms.rotate_key_on_demand(KeyId=r), ID_OR_ARN),
    "ListKeyRotations": ("symmetric", lambda c, r: kms.list_key_rotations(KeyId=r), ID_OR_ARN),
    "CreateAlias": ("symmetric", lambda c, r: kms.create_alias(AliasName=unique_alias(), TargetKeyId=r), ID_OR_ARN),
    "UpdateAlias": ("symmetric", update_alias, ID_OR_ARN),
    "ListAliases": ("symmetric", lambda c, r: kms.list_aliases(KeyId=r), ID_OR_ARN),
    "TagResource": ("symmetric", lambda c, r: kms.tag_resource(KeyId=r, Tags=[{"TagKey": "k", "TagValue": "v"}]),
                    ID_OR_ARN),
    "UntagResource": ("symmetric", lambda c, r: kms.untag_resource(KeyId=r, TagKeys=["k"]), ID_OR_ARN),
    "ListResourceTags": ("symmetric", lambda c, r: kms.list_resource_tags(KeyId=r), ID_OR_ARN),
    "Encrypt": ("symmetric", lambda c, r: kms.encrypt(KeyId=r, Plaintext=b"x"), ANY_FORM),
    "Decrypt": ("symmetric", lambda c, r: kms.decrypt(KeyId=r, CiphertextBlob=c.ciphertext), ANY_FORM),
    "ReEncrypt": ("symmetric", re_encrypt, ANY_FORM),
    "GenerateDataKey": ("symmetric", lambda c, r: kms.generate_data_key(KeyId=r, KeySpec="AES_256"), ANY_FORM),
    "GenerateDataKeyWithoutPlaintext": (
        "symmetric", lambda c, r: kms.generate_data_key_without_plaintext(KeyId=r, KeySpec="AES_256"), ANY_FORM),
    "GenerateDataKeyPair": (
        "symmetric", lambda c, r: kms.generate_data_key_pair(KeyId=r, KeyPairSpec="ECC_NIST_P256"), ANY_FORM),
    "GenerateDataKeyPairWithoutPlaintext": (
        "symmetric", lambda c, r: kms.generate_data_key_pair_without_plaintext(KeyId=r, KeyPairSpec="ECC_NIST_P256"),
        ANY_FORM),
    "Sign": ("sign", lambda c, r: kms.sign(KeyId=r, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"), ANY_FORM),
    "Verify": ("sign", lambda c, r: kms.verify(KeyId=r, Message=b"cell", Signature=c.signature,
                                              SigningAlgorithm="ECDSA_SHA_256"), ANY_FORM),
    "GetPublicKey": ("sign", lambda c, r: kms.get_public_key(KeyId=r), ANY_FORM),
    "GenerateMac": ("hmac", lambda c, r: kms.generate_mac(KeyId=r, Message=b"m", MacAlgorithm="HMAC_SHA_256"),
                    ANY_FORM),
    "VerifyMac": ("hmac", lambda c, r: kms.verify_mac(KeyId=r, Message=b"cell", Mac=c.mac,
                                                     MacAlgorithm="HMAC_SHA_256"), ANY_FORM),
}

# AWS's key-state table, for the states Coffer reaches: Enabled, Disabled, PendingDeletion.
USE = (OK, DISABLED, INVALID_STATE)
ALWAYS = (OK, OK, OK)
MANAGE = (OK, OK, INVALID_STATE)
ROTATION = (OK, DISABLED, INVALID_STATE)
STATES = ("Enabled", "Disabled", "PendingDeletion")
KEY_STATE_TABLE = {
    "DescribeKey": ALWAYS, "EnableKey": MANAGE, "DisableKey": MANAGE, "ScheduleKeyDeletion": MANAGE,
    "CancelKeyDeletion": (INVALID_STATE, INVALID_STATE, OK), "UpdateKeyDescription": MANAGE,
    "GetKeyPolicy": ALWAYS, "PutKeyPolicy": ALWAYS, "ListKeyPolicies": ALWAYS,
    "EnableKeyRotation": ROTATION, "DisableKeyRotation": ROTATION, "GetKeyRotationStatus": ALWAYS,
    "RotateKeyOnDemand": ROTATION, "ListKeyRotations": ALWAYS,
    "CreateAlias": MANAGE, "UpdateAlias": MANAGE, "ListAliases": ALWAYS,
    "TagResource": MANAGE, "UntagResource": MANAGE, "ListResourceTags": ALWAYS,
    "Encrypt": USE, "Decrypt": USE, "ReEncrypt": USE, "GenerateDataKey": USE,
    "GenerateDataKeyWithoutPlaintext": USE, "GenerateDataKeyPair": USE,
    "GenerateDataKeyPairWithoutPlaintext": USE, "Sign": USE, "Verify": USE, "GetPublicKey": USE,
    "GenerateMac": USE, "VerifyMac": USE,
}


def outcome(call):
    try:
        call()
        return OK
    except ClientError as e:
        return e.response["Error"]["Code"]


def identifier_form_cells(failures):
    cells = 0
    for op, (kind, call, accepted) in OPERATIONS.items():
        for form in ANY_FORM:
            cell = Cell(kind)
            if op == "CancelKeyDeletion":
                cell.into_state("PendingDeletion")
            expected = OK if form in accepted else NOT_FOUND
            got = outcome(lambda: call(cell, cell.ref(form)))
            cells += 1
            if got != expected:
                failures.append(f"{op} with a {form}: expected {expected}, got {got}")
    return cells


def key_state_cells(failures):
    cells = 0
    for op, row in KEY_STATE_TABLE.items():
        kind, call, _ = OPERATIONS[op]
        for state, expected in zip(STATES, row):
            cell = Cell(kind)
            cell.into_state(state)
            got = outcome(lambda: call(cell, cell.key_id))
            cells += 1
            if got != expected:
                failures.append(f"{op} on a {state} key: expected {expected}, got {got}")
    return cells


def error_of(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("expected an error")


def validation_messages(failures):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    cases = [
        ("enum", lambda: kms.create_key(KeySpec="NOPE"),
         "1 validation error detected: Value 'NOPE' at 'keySpec' failed to satisfy constraint: Member must "
         "satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, "
         "ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, "
         "ML_DSA_87, ECC_NIST_EDWARDS25519]"),
        ("length", lambda: kms.encrypt(KeyId=key, Plaintext=b"x" * 4097),
         "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have "
         "length less than or equal to 4096"),
        ("range", lambda: kms.generate_random(NumberOfBytes=1025),
         "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member "
         "must have value less than or equal to 1024"),
        ("pattern", lambda: kms.create_alias(AliasName="alias/bad name", TargetKeyId=key),
         "1 validation error detected: Value 'alias/bad name' at 'aliasName' failed to satisfy constraint: "
         "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"),
        ("null", lambda: kms.describe_key(),
         "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be "
         "null"),
        ("two", lambda: kms.list_keys(Limit=0, Marker=""),
         "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have "
         "value greater than or equal to 1; Value '' at 'marker' failed to satisfy constraint: Member must have "
         "length greater than or equal to 1"),
    ]
    for name, call, message in cases:
        code, got = error_of(call)
        if code != "ValidationException" or got != message:
            failures.append(f"validation message ({name}): got {code}: {got!r}")
    # Error codes for named cases of the issue.
    code, _ = error_of(lambda: kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key))
    if code != "NotAuthorizedException":
        failures.append(f"reserved alias: expected NotAuthorizedException, got {code}")
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    code, _ = error_of(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=other))
    if code != "IncorrectKeyException":
        failures.append(f"Decrypt under another key: expected IncorrectKeyException, got {code}")
    code, message = error_of(lambda: kms.enable_key_rotation(KeyId="alias/whatever"))
    if code != NOT_FOUND or message != "Invalid keyId alias/whatever":
        failures.append(f"alias where a key id is required: got {code}: {message!r}")


def main():
    failures = []
    forms = identifier_form_cells(failures)
    states = key_state_cells(failures)
    validation_messages(failures)
    print(f"{forms} identifier-form cells, {states} key-state cells, validation messages")
    for f in failures:
        print("MISMATCH:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
