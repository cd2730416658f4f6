// The AWS SDK for JavaScript v3 (@aws-sdk/client-kms) and the AWS Encryption SDK for
// JavaScript (@aws-crypto/client-node, a KMS keyring whose clients point at Coffer):
// encrypt/decrypt round trips. js_test.sh starts cofferd and exports the environment.
'use strict';
const assert = require('node:assert/strict');
const { KMS, KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, GenerateDataKeyCommand } =
  require('@aws-sdk/client-kms');
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

  // AWS Encryption SDK: a KMS keyring whose client provider points at Coffer.
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const clientProvider = (r) => new KMS({ region: r, endpoint });
  const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
  const message = Buffer.alloc(100000, 'coffer');
  const { result } = await encrypt(keyring, message, { encryptionContext: { purpose: 'interop' } });
  const opened = await decrypt(keyring, result);
  assert.deepEqual(opened.plaintext, message);
  assert.equal(opened.messageHeader.encryptionContext.purpose, 'interop');
  console.log('encryption SDK round trip: ok');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
