// The AWS SDK for JavaScript v3 (@aws-sdk/client-kms) and the AWS Encryption SDK for
// JavaScript (@aws-crypto/client-node, a KMS keyring whose clients point at Coffer):
// encrypt/decrypt round trips, and signatures and MACs checked with Node's own crypto.
// js_test.sh starts cofferd and exports the environment.
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const {
  KMS, KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, GenerateDataKeyCommand, SignCommand,
  VerifyCommand, GetPublicKeyCommand, GenerateMacCommand, VerifyMacCommand,
} = require('@aws-sdk/client-kms');
const { buildClient, CommitmentPolicy, KmsKeyringNode } = require('@aws-crypto/client-node');

const endpoint = process.env.COFFER_AWS_ENDPOINT;
const region = process.env.AWS_DEFAULT_REGION;

async function main() {
  const client = new KMSClient({ region, endpoint });
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: 'js' }));
  assert.ok(KeyMetadata.CreationDate instanceof Date);
  const keyArn = KeyMetadata.Arn;

  // client-kms: Encrypt/Decrypt and GenerateDataKey/Decrypt.
  const plaintext = Buffer.from('hello from @aws-sdk/client-kms \u00ff');
  const context = { app: 'js' };
  const enc = await client.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: context }));
  const dec = await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }));
  assert.deepEqual(Buffer.from(dec.Plaintext), plaintext);
  assert.equal(dec.KeyId, keyArn);
  const dk = await client.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256' }));
  const dkPlain = await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
  assert.deepEqual(Buffer.from(dkPlain.Plaintext), Buffer.from(dk.Plaintext));
  await assert.rejects(
    client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'other' } })),
    (e) => e.name === 'InvalidCiphertextException');
  console.log('client-kms round trips: ok');

  // Sign with an ECC key; Node verifies with the public key from GetPublicKey.
  const ec = await client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  const message = Buffer.from('signed by coffer');
  const signed = await client.send(new SignCommand({
    KeyId: ec.KeyMetadata.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));
  const pub = await client.send(new GetPublicKeyCommand({ KeyId: ec.KeyMetadata.KeyId }));
  assert.deepEqual(pub.SigningAlgorithms, ['ECDSA_SHA_256']);
  const publicKey = crypto.createPublicKey({ key: Buffer.from(pub.PublicKey), format: 'der', type: 'spki' });
  assert.ok(crypto.verify('sha256', message, publicKey, Buffer.from(signed.Signature)));
  const ok = await client.send(new VerifyCommand({
    KeyId: ec.KeyMetadata.KeyId, Message: message, Signature: signed.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
  assert.equal(ok.SignatureValid, true);
  await assert.rejects(
    client.send(new VerifyCommand({
      KeyId: ec.KeyMetadata.KeyId, Message: Buffer.from('other'), Signature: signed.Signature,
      SigningAlgorithm: 'ECDSA_SHA_256' })),
    (e) => e.name === 'KMSInvalidSignatureException');
  // RSA-PSS over a digest the caller computed.
  const rsa = await client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
  const digest = crypto.createHash('sha256').update(message).digest();
  const pss = await client.send(new SignCommand({
    KeyId: rsa.KeyMetadata.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
  const rsaPub = await client.send(new GetPublicKeyCommand({ KeyId: rsa.KeyMetadata.KeyId }));
  assert.ok(crypto.verify('sha256', message, {
    key: crypto.createPublicKey({ key: Buffer.from(rsaPub.PublicKey), format: 'der', type: 'spki' }),
    padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(pss.Signature)));
  // HMAC.
  const hmac = await client.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  const mac = await client.send(new GenerateMacCommand({
    KeyId: hmac.KeyMetadata.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
  assert.equal(Buffer.from(mac.Mac).length, 32);
  const macOk = await client.send(new VerifyMacCommand({
    KeyId: hmac.KeyMetadata.KeyId, Message: message, Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_256' }));
  assert.equal(macOk.MacValid, true);
  await assert.rejects(
    client.send(new VerifyMacCommand({
      KeyId: hmac.KeyMetadata.KeyId, Message: Buffer.from('other'), Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_256' })),
    (e) => e.name === 'KMSInvalidMacException');
  console.log('client-kms signatures and MACs: ok');

  // AWS Encryption SDK: a KMS keyring whose client provider points at Coffer.
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const clientProvider = (r) => new KMS({ region: r, endpoint });
  const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
  const bulk = Buffer.alloc(100000, 'coffer');
  const { result } = await encrypt(keyring, bulk, { encryptionContext: { purpose: 'interop' } });
  const opened = await decrypt(keyring, result);
  assert.deepEqual(opened.plaintext, bulk);
  assert.equal(opened.messageHeader.encryptionContext.purpose, 'interop');
  console.log('encryption SDK round trip: ok');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
