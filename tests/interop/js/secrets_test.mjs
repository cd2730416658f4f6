// The AWS SDK for JavaScript v3's Secrets Manager client (@aws-sdk/client-secrets-manager)
// against Coffer's AWS JSON API: CreateSecret (string and binary), GetSecretValue,
// PutSecretValue, DescribeSecret, ListSecrets (filters and the paginator), the modeled
// exceptions, and DeleteSecret with a recovery window and forced.
// secrets_js_test.sh starts cofferd and exports the environment.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  DescribeSecretCommand, ListSecretsCommand, DeleteSecretCommand, paginateListSecrets,
  ResourceNotFoundException, ResourceExistsException, InvalidRequestException,
} from '@aws-sdk/client-secrets-manager';

const endpoint = process.env.COFFER_AWS_ENDPOINT;
const region = process.env.AWS_DEFAULT_REGION;
const arnPattern = new RegExp(`^arn:aws:secretsmanager:${region}:\\d{12}:secret:js/app-[A-Za-z0-9]{6}$`);

async function names(client, input) {
  const found = [];
  for await (const page of paginateListSecrets({ client, pageSize: 1 }, input)) {
    assert.ok(page.SecretList.length <= 1, 'a page of at most one');
    found.push(...page.SecretList.map((s) => s.Name));
  }
  return found.sort();
}

async function main() {
  const client = new SecretsManagerClient({ region, endpoint });

  // CreateSecret, GetSecretValue by name and ARN.
  const created = await client.send(new CreateSecretCommand({
    Name: 'js/app', Description: 'from javascript', SecretString: 'hello from js \u00ff',
    Tags: [{ Key: 'sdk', Value: 'js' }],
  }));
  assert.match(created.ARN, arnPattern);
  assert.equal(created.Name, 'js/app');
  const v1 = created.VersionId;
  for (const id of ['js/app', created.ARN]) {
    const got = await client.send(new GetSecretValueCommand({ SecretId: id }));
    assert.equal(got.SecretString, 'hello from js \u00ff');
    assert.equal(got.ARN, created.ARN);
    assert.equal(got.VersionId, v1);
    assert.deepEqual(got.VersionStages, ['AWSCURRENT']);
    assert.ok(got.CreatedDate instanceof Date);
  }
  console.log('CreateSecret / GetSecretValue: ok');

  // A binary secret.
  const bytes = crypto.randomBytes(4096);
  await client.send(new CreateSecretCommand({ Name: 'js/binary', SecretBinary: bytes }));
  const bin = await client.send(new GetSecretValueCommand({ SecretId: 'js/binary' }));
  assert.ok(bin.SecretBinary instanceof Uint8Array);
  assert.deepEqual(Buffer.from(bin.SecretBinary), bytes);
  assert.equal(bin.SecretString, undefined);
  console.log('SecretBinary round trip: ok');

  // PutSecretValue: AWSCURRENT moves, AWSPREVIOUS follows.
  const put = await client.send(new PutSecretValueCommand({ SecretId: 'js/app', SecretString: 'second' }));
  assert.notEqual(put.VersionId, v1);
  assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
  assert.equal((await client.send(new GetSecretValueCommand({ SecretId: 'js/app' }))).SecretString, 'second');
  const previous = await client.send(new GetSecretValueCommand({ SecretId: 'js/app', VersionStage: 'AWSPREVIOUS' }));
  assert.equal(previous.SecretString, 'hello from js \u00ff');
  assert.equal(previous.VersionId, v1);
  // An explicit ClientRequestToken becomes the VersionId; repeating it is a no-op.
  const token = crypto.randomUUID();
  const third = await client.send(new PutSecretValueCommand({
    SecretId: 'js/app', ClientRequestToken: token, SecretString: 'third' }));
  assert.equal(third.VersionId, token);
  const repeated = await client.send(new PutSecretValueCommand({
    SecretId: 'js/app', ClientRequestToken: token, SecretString: 'third' }));
  assert.equal(repeated.VersionId, token);
  await assert.rejects(
    client.send(new PutSecretValueCommand({ SecretId: 'js/app', ClientRequestToken: token, SecretString: 'other' })),
    (e) => e instanceof ResourceExistsException && e.name === 'ResourceExistsException');
  console.log('PutSecretValue: ok');

  // DescribeSecret.
  const described = await client.send(new DescribeSecretCommand({ SecretId: created.ARN }));
  assert.equal(described.Name, 'js/app');
  assert.equal(described.Description, 'from javascript');
  assert.deepEqual(described.Tags, [{ Key: 'sdk', Value: 'js' }]);
  assert.deepEqual(described.VersionIdsToStages, { [token]: ['AWSCURRENT'], [put.VersionId]: ['AWSPREVIOUS'] });
  assert.ok(described.CreatedDate instanceof Date && described.LastChangedDate instanceof Date);
  assert.ok(Math.abs(described.CreatedDate.getTime() - Date.now()) < 10 * 60 * 1000, 'CreatedDate is recent');
  assert.equal(described.KmsKeyId, undefined, 'the default key is not named');
  console.log('DescribeSecret: ok');

  // ListSecrets: a filter, the paginator.
  await client.send(new CreateSecretCommand({ Name: 'other/js', SecretString: 'x' }));
  assert.deepEqual(await names(client, { Filters: [{ Key: 'name', Values: ['js/'] }] }), ['js/app', 'js/binary']);
  assert.deepEqual(await names(client, {}), ['js/app', 'js/binary', 'other/js']);
  const listed = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: ['sdk'] }] }));
  assert.deepEqual(listed.SecretList.map((s) => s.ARN), [created.ARN]);
  assert.deepEqual(listed.SecretList[0].SecretVersionsToStages[token], ['AWSCURRENT']);
  console.log('ListSecrets: ok');

  // Errors.
  await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'js/missing' })),
    (e) => e instanceof ResourceNotFoundException && e.$metadata.httpStatusCode === 400);
  await assert.rejects(client.send(new CreateSecretCommand({ Name: 'js/app', SecretString: 'again' })),
    (e) => e instanceof ResourceExistsException);

  // DeleteSecret with a recovery window, then forced.
  const scheduled = await client.send(new DeleteSecretCommand({ SecretId: 'js/binary', RecoveryWindowInDays: 7 }));
  const days = (scheduled.DeletionDate.getTime() - Date.now()) / 86400000;
  assert.ok(days > 6.9 && days < 7.1, `DeletionDate ${scheduled.DeletionDate} is 7 days out`);
  await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'js/binary' })),
    (e) => e instanceof InvalidRequestException);
  const forced = await client.send(new DeleteSecretCommand({ SecretId: 'js/app', ForceDeleteWithoutRecovery: true }));
  assert.equal(forced.ARN, created.ARN);
  assert.ok(forced.DeletionDate instanceof Date);
  await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'js/app' })),
    (e) => e.name === 'ResourceNotFoundException');
  await assert.rejects(client.send(new DescribeSecretCommand({ SecretId: created.ARN })),
    (e) => e.name === 'ResourceNotFoundException');
  assert.deepEqual(await names(client, { Filters: [{ Key: 'name', Values: ['js/'] }] }), []);
  assert.deepEqual(await names(client, { IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: ['js/'] }] }),
    ['js/binary']);
  console.log('DeleteSecret: ok');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
