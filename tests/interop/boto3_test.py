"""boto3 against Coffer's AWS JSON API: the issue 5 scenario, plus a second region.

Run by boto3_test.sh, which starts cofferd and exports the credentials and endpoint.
"""
import os
import sys

import boto3
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]


def client(region=None):
    return boto3.client("kms", endpoint_url=ENDPOINT, region_name=region or os.environ["AWS_DEFAULT_REGION"])


def error_code(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("expected an error")


def main():
    kms = client()
    meta = kms.create_key(Description="boto3", Tags=[{"TagKey": "a", "TagValue": "b"}])["KeyMetadata"]
    key = meta["KeyId"]
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["Enabled"] is True
    assert meta["CreationDate"].year >= 2024  # parsed from epoch seconds
    kms.create_alias(AliasName="alias/boto3", TargetKeyId=key)
    assert kms.describe_key(KeyId="alias/boto3")["KeyMetadata"]["KeyId"] == key

    kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key)
    assert status["KeyRotationEnabled"] and status["RotationPeriodInDays"] == 90

    context = {"purpose": "boto3"}
    old = kms.encrypt(KeyId="alias/boto3", Plaintext=b"\x00hello\xff", EncryptionContext=context)
    assert kms.decrypt(CiphertextBlob=old["CiphertextBlob"], EncryptionContext=context)["Plaintext"] == b"\x00hello\xff"

    dk = kms.generate_data_key(KeyId=key, KeySpec="AES_128")
    assert len(dk["Plaintext"]) == 16
    assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
    assert "Plaintext" not in kms.generate_data_key_without_plaintext(KeyId=key, NumberOfBytes=64)

    kms.rotate_key_on_demand(KeyId=key)
    assert kms.decrypt(CiphertextBlob=old["CiphertextBlob"], EncryptionContext=context)["Plaintext"] == b"\x00hello\xff"
    rotations = kms.list_key_rotations(KeyId=key)["Rotations"]
    assert any(r["RotationType"] == "ON_DEMAND" for r in rotations), rotations

    again = kms.re_encrypt(CiphertextBlob=old["CiphertextBlob"], SourceEncryptionContext=context,
                           DestinationKeyId=key, DestinationEncryptionContext={"x": "y"})
    assert kms.decrypt(CiphertextBlob=again["CiphertextBlob"], EncryptionContext={"x": "y"})["Plaintext"] == b"\x00hello\xff"

    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "team", "TagValue": "blue"}])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key)["Tags"]}
    assert tags == {"a": "b", "team": "blue"}, tags
    kms.untag_resource(KeyId=key, TagKeys=["a"])

    kms.disable_key(KeyId=key)
    assert error_code(kms.encrypt, KeyId=key, Plaintext=b"x")[0] == "DisabledException"
    kms.enable_key(KeyId=key)
    deletion = kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert deletion["KeyState"] == "PendingDeletion" and deletion["DeletionDate"].year >= 2024
    kms.cancel_key_deletion(KeyId=key)
    kms.enable_key(KeyId=key)
    kms.update_key_description(KeyId=key, Description="changed")

    assert error_code(kms.describe_key, KeyId="alias/none") == ("NotFoundException", 400)
    assert error_code(kms.decrypt, CiphertextBlob=old["CiphertextBlob"],
                      EncryptionContext={"purpose": "other"})[0] == "InvalidCiphertextException"
    assert error_code(kms.generate_random, NumberOfBytes=2000) == ("ValidationException", 400)
    assert len(kms.generate_random(NumberOfBytes=32)["Plaintext"]) == 32

    # Paging through ListKeys with Limit/Marker.
    for _ in range(3):
        kms.create_key()
    seen, marker = [], None
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        seen += [k["KeyId"] for k in page["Keys"]]
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert key in seen and len(seen) == len(set(seen)) >= 4

    # A second served region has its own keyspace and ARNs; an unserved one is refused.
    other = os.environ.get("COFFER_SECOND_REGION")
    if other:
        kms2 = client(other)
        arn = kms2.create_key()["KeyMetadata"]["Arn"]
        assert f":{other}:" in arn, arn
        assert error_code(kms2.describe_key, KeyId="alias/boto3")[0] == "NotFoundException"
    code, _ = error_code(client("xx-nowhere-9").list_keys)
    assert code == "InvalidSignatureException", code
    print("boto3 interop: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
