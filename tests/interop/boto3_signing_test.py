"""boto3 against Coffer's AWS JSON API: asymmetric and HMAC keys (issue 6).

Signatures are checked locally with `cryptography` using the public key GetPublicKey
returns; RSA-OAEP ciphertexts made locally are decrypted by Coffer; the private key of
GenerateDataKeyPair is checked against its public key. Run by boto3_signing_test.sh, which
starts cofferd and exports the credentials and endpoint.
"""
import hashlib
import os
import sys

import boto3
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
MESSAGE = b"Coffer signs this message \x00\xff"

RSA_SIGNING = ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
               "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"]
HASHES = {"256": (hashes.SHA256, hashlib.sha256), "384": (hashes.SHA384, hashlib.sha384),
          "512": (hashes.SHA512, hashlib.sha512)}

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{call.__name__} succeeded, expected an error")


def local_verify(public_der, algorithm, message, signature):
    """True if `cryptography` accepts the signature, with AWS's meaning of the algorithm."""
    key = serialization.load_der_public_key(public_der)
    hash_cls, _ = HASHES[algorithm[-3:]]
    try:
        if algorithm.startswith("ECDSA"):
            key.verify(signature, message, ec.ECDSA(hash_cls()))
        elif algorithm.startswith("RSASSA_PSS"):
            key.verify(signature, message, padding.PSS(mgf=padding.MGF1(hash_cls()),
                                                       salt_length=padding.PSS.DIGEST_LENGTH), hash_cls())
        else:
            key.verify(signature, message, padding.PKCS1v15(), hash_cls())
        return True
    except Exception:  # cryptography's InvalidSignature
        return False


def create(kms, spec, usage):
    meta = kms.create_key(KeySpec=spec, KeyUsage=usage, Description=f"boto3 {spec} {usage}")["KeyMetadata"]
    check(meta["KeySpec"] == spec and meta["KeyUsage"] == usage, meta)
    check(meta["CustomerMasterKeySpec"] == spec, meta)
    return meta


def sign_and_verify(kms, key, algorithms):
    public = kms.get_public_key(KeyId=key)
    check(sorted(public["SigningAlgorithms"]) == sorted(algorithms), public)
    check(public["KeyUsage"] == "SIGN_VERIFY", public)
    check("EncryptionAlgorithms" not in public, public)
    der = public["PublicKey"]
    for algorithm in algorithms:
        _, hashlib_fn = HASHES[algorithm[-3:]]
        digest = hashlib_fn(MESSAGE).digest()
        for message_type, message in (("RAW", MESSAGE), ("DIGEST", digest)):
            signed = kms.sign(KeyId=key, Message=message, MessageType=message_type, SigningAlgorithm=algorithm)
            check(signed["SigningAlgorithm"] == algorithm and signed["KeyId"].endswith(key), signed)
            signature = signed["Signature"]
            check(local_verify(der, algorithm, MESSAGE, signature), f"{algorithm} {message_type}: cryptography")
            for vtype, vmessage in (("RAW", MESSAGE), ("DIGEST", digest)):
                ok = kms.verify(KeyId=key, Message=vmessage, MessageType=vtype, Signature=signature,
                                SigningAlgorithm=algorithm)
                check(ok["SignatureValid"] is True and ok["SigningAlgorithm"] == algorithm, ok)
            check(error_code(kms.verify, KeyId=key, Message=MESSAGE + b".", Signature=signature,
                             SigningAlgorithm=algorithm) == "KMSInvalidSignatureException", algorithm)
    return der


def main():
    kms = boto3.client("kms", endpoint_url=ENDPOINT, region_name=os.environ["AWS_DEFAULT_REGION"])

    ecc = create(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    check(ecc["SigningAlgorithms"] == ["ECDSA_SHA_256"], ecc)
    rsa_sign = create(kms, "RSA_2048", "SIGN_VERIFY")
    check(sorted(rsa_sign["SigningAlgorithms"]) == sorted(RSA_SIGNING), rsa_sign)
    rsa_crypt = create(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    check(sorted(rsa_crypt["EncryptionAlgorithms"]) == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], rsa_crypt)
    hmac = create(kms, "HMAC_256", "GENERATE_VERIFY_MAC")
    check(hmac["MacAlgorithms"] == ["HMAC_SHA_256"], hmac)
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/boto3-ecc", TargetKeyId=ecc["KeyId"])

    # Sign / Verify, RAW and DIGEST, checked locally with the public key.
    ecc_der = sign_and_verify(kms, ecc["KeyId"], ["ECDSA_SHA_256"])
    check(isinstance(serialization.load_der_public_key(ecc_der), ec.EllipticCurvePublicKey), "EC public key")
    check(serialization.load_der_public_key(ecc_der).curve.name == "secp256r1", "P-256")
    rsa_der = sign_and_verify(kms, rsa_sign["KeyId"], RSA_SIGNING)
    check(serialization.load_der_public_key(rsa_der).key_size == 2048, "RSA-2048")
    # By alias, and the ECDSA signature is DER that cryptography decodes.
    signature = kms.sign(KeyId="alias/boto3-ecc", Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    r, s = utils.decode_dss_signature(signature)
    check(utils.encode_dss_signature(r, s) == signature, "ECDSA signature is strict DER")
    # A signature made locally by a key Coffer does not hold does not verify.
    stranger = ec.generate_private_key(ec.SECP256R1()).sign(MESSAGE, ec.ECDSA(hashes.SHA256()))
    check(error_code(kms.verify, KeyId=ecc["KeyId"], Message=MESSAGE, Signature=stranger,
                     SigningAlgorithm="ECDSA_SHA_256") == "KMSInvalidSignatureException", "stranger's signature")

    # RSA-OAEP: encrypted locally with the public key, decrypted by Coffer, and back.
    crypt_public = kms.get_public_key(KeyId=rsa_crypt["KeyId"])
    check(sorted(crypt_public["EncryptionAlgorithms"]) == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], crypt_public)
    check("SigningAlgorithms" not in crypt_public, crypt_public)
    public_key = serialization.load_der_public_key(crypt_public["PublicKey"])
    for algorithm, hash_cls in (("RSAES_OAEP_SHA_1", hashes.SHA1), ("RSAES_OAEP_SHA_256", hashes.SHA256)):
        local = public_key.encrypt(b"oaep \x00 plaintext", padding.OAEP(mgf=padding.MGF1(hash_cls()),
                                                                        algorithm=hash_cls(), label=None))
        out = kms.decrypt(KeyId=rsa_crypt["KeyId"], CiphertextBlob=local, EncryptionAlgorithm=algorithm)
        check(out["Plaintext"] == b"oaep \x00 plaintext" and out["EncryptionAlgorithm"] == algorithm, out)
        blob = kms.encrypt(KeyId=rsa_crypt["KeyId"], Plaintext=b"round trip",
                           EncryptionAlgorithm=algorithm)["CiphertextBlob"]
        check(len(blob) == 256, "bare OAEP ciphertext")
        check(kms.decrypt(KeyId=rsa_crypt["KeyId"], CiphertextBlob=blob,
                          EncryptionAlgorithm=algorithm)["Plaintext"] == b"round trip", algorithm)
    check(error_code(kms.decrypt, KeyId=rsa_crypt["KeyId"], CiphertextBlob=blob,
                     EncryptionAlgorithm="RSAES_OAEP_SHA_1") == "InvalidCiphertextException", "wrong OAEP digest")
    check(error_code(kms.encrypt, KeyId=rsa_crypt["KeyId"], Plaintext=b"x" * 191,
                     EncryptionAlgorithm="RSAES_OAEP_SHA_256") == "ValidationException", "OAEP plaintext limit")

    # GenerateMac / VerifyMac.
    mac = kms.generate_mac(KeyId=hmac["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    check(len(mac["Mac"]) == 32 and mac["MacAlgorithm"] == "HMAC_SHA_256", mac)
    check(kms.generate_mac(KeyId=hmac["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"] == mac["Mac"],
          "HMAC is deterministic")
    ok = kms.verify_mac(KeyId=hmac["KeyId"], Message=MESSAGE, Mac=mac["Mac"], MacAlgorithm="HMAC_SHA_256")
    check(ok["MacValid"] is True, ok)
    check(error_code(kms.verify_mac, KeyId=hmac["KeyId"], Message=MESSAGE + b".", Mac=mac["Mac"],
                     MacAlgorithm="HMAC_SHA_256") == "KMSInvalidMacException", "wrong message")
    check(error_code(kms.verify_mac, KeyId=hmac["KeyId"], Message=MESSAGE, Mac=mac["Mac"][:16],
                     MacAlgorithm="HMAC_SHA_256") == "KMSInvalidMacException", "truncated MAC")
    check(error_code(kms.generate_mac, KeyId=hmac["KeyId"], Message=MESSAGE,
                     MacAlgorithm="HMAC_SHA_512") == "InvalidKeyUsageException", "MAC algorithm of another spec")

    # GenerateDataKeyPair(WithoutPlaintext): the sealed private key decrypts to the PKCS#8
    # key whose public half is PublicKey.
    for spec in ("ECC_NIST_P256", "RSA_2048"):
        pair = kms.generate_data_key_pair(KeyId=symmetric, KeyPairSpec=spec, EncryptionContext={"who": "boto3"})
        check(pair["KeyPairSpec"] == spec and pair["KeyId"].endswith(symmetric), pair["KeyPairSpec"])
        opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"who": "boto3"})
        check(opened["Plaintext"] == pair["PrivateKeyPlaintext"], "sealed private key = plaintext private key")
        private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
        check(private.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo) == pair["PublicKey"],
              f"{spec}: private key matches PublicKey")
        bare = kms.generate_data_key_pair_without_plaintext(KeyId=symmetric, KeyPairSpec=spec)
        check("PrivateKeyPlaintext" not in bare, "WithoutPlaintext has no plaintext")
        private = serialization.load_der_private_key(
            kms.decrypt(CiphertextBlob=bare["PrivateKeyCiphertextBlob"])["Plaintext"], password=None)
        check(private.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo) == bare["PublicKey"],
              f"{spec}: WithoutPlaintext private key matches PublicKey")
    check(isinstance(private, rsa.RSAPrivateKey), "RSA_2048 pair is RSA")

    # Errors, as AWS names them.
    for key in (ecc["KeyId"], rsa_sign["KeyId"], rsa_crypt["KeyId"], hmac["KeyId"]):
        check(error_code(kms.enable_key_rotation, KeyId=key) == "UnsupportedOperationException", key)
        check(error_code(kms.rotate_key_on_demand, KeyId=key) == "UnsupportedOperationException", key)
    check(error_code(kms.sign, KeyId=rsa_crypt["KeyId"], Message=MESSAGE,
                     SigningAlgorithm="RSASSA_PSS_SHA_256") == "InvalidKeyUsageException", "sign with an encryption key")
    check(error_code(kms.sign, KeyId=ecc["KeyId"], Message=MESSAGE,
                     SigningAlgorithm="ECDSA_SHA_384") == "InvalidKeyUsageException", "algorithm of another curve")
    check(error_code(kms.generate_mac, KeyId=ecc["KeyId"], Message=MESSAGE,
                     MacAlgorithm="HMAC_SHA_256") == "InvalidKeyUsageException", "MAC with a signing key")
    check(error_code(kms.encrypt, KeyId=rsa_sign["KeyId"], Plaintext=b"x",
                     EncryptionAlgorithm="RSAES_OAEP_SHA_256") == "InvalidKeyUsageException", "encrypt with signing key")
    check(error_code(kms.generate_data_key_pair, KeyId=ecc["KeyId"],
                     KeyPairSpec="ECC_NIST_P256") == "InvalidKeyUsageException", "pair under an asymmetric key")
    check(error_code(kms.get_public_key, KeyId=symmetric) == "UnsupportedOperationException", "symmetric public key")
    check(error_code(kms.sign, KeyId=ecc["KeyId"], Message=b"\x00" * 31, MessageType="DIGEST",
                     SigningAlgorithm="ECDSA_SHA_256") == "ValidationException", "digest of the wrong length")
    check(error_code(kms.sign, KeyId=ecc["KeyId"], Message=MESSAGE,
                     SigningAlgorithm="ECDSA_SHA_1") == "ValidationException", "unknown signing algorithm")
    check(error_code(kms.sign, KeyId=ecc["KeyId"], Message=MESSAGE, MessageType="HASH",
                     SigningAlgorithm="ECDSA_SHA_256") == "ValidationException", "unknown message type")
    check(error_code(kms.generate_data_key_pair, KeyId=symmetric,
                     KeyPairSpec="HMAC_256") == "ValidationException", "unknown key pair spec")
    kms.disable_key(KeyId=ecc["KeyId"])
    check(error_code(kms.sign, KeyId=ecc["KeyId"], Message=MESSAGE,
                     SigningAlgorithm="ECDSA_SHA_256") == "DisabledException", "disabled key")
    check(error_code(kms.get_public_key, KeyId=ecc["KeyId"]) == "DisabledException", "disabled key public key")
    kms.enable_key(KeyId=ecc["KeyId"])
    check(kms.verify(KeyId=ecc["KeyId"], Message=MESSAGE, Signature=signature,
                     SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"], "enabled again")
    print(f"boto3 signing interop: all {checks} checks passed")


if __name__ == "__main__":
    sys.exit(main())
