"""boto3's client("secretsmanager") against Coffer's AWS JSON API (Secrets Manager shares
the KMS listener): what secrets_aws_cli_test.sh covers, plus the ListSecrets paginator and
NextToken, BatchGetSecretValue (by id list and by filters, with Errors), a 65,536-byte
SecretBinary round trip and 65,537-byte values refused.

Run by secrets_boto3_test.sh, which starts cofferd and exports the credentials and endpoint.
The checks come in sections: an unexpected exception fails its section and the run goes
on with the next one, so that one run shows everything that is missing.
"""
import contextlib
import datetime
import json
import os
import string
import sys
import traceback
import uuid

import boto3
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COFFER_AWS_ENDPOINT"]
REGION = os.environ["AWS_DEFAULT_REGION"]

failures = []


def check(what, condition, detail=""):
    if condition:
        print(f"ok: {what}")
    else:
        failures.append(what)
        print(f"FAILED: {what} {detail}", file=sys.stderr)


@contextlib.contextmanager
def section(what):
    """A group of checks: an unexpected exception fails the group and the run goes on."""
    try:
        yield
    except Exception as e:  # reported and counted; the next group runs
        failures.append(what)
        print(f"FAILED: {what}: unexpected {type(e).__name__}: {e}", file=sys.stderr)
        traceback.print_exc()


def error_of(call, **kwargs):
    """(Error.Code, HTTP status) of a call that must fail; ("no error", 0) if it succeeded."""
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return "no error", 0


def code_of(call, **kwargs):
    return error_of(call, **kwargs)[0]


def exception_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e
    return None


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def recent(ts, slack=datetime.timedelta(minutes=10)):
    return isinstance(ts, datetime.datetime) and now() - slack <= ts <= now() + datetime.timedelta(minutes=1)


def name_filter(prefix):
    return [{"Key": "name", "Values": [prefix]}]


def valid_arn(arn, name):
    """arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX (6 random alphanumerics)."""
    prefix = f"arn:aws:secretsmanager:{REGION}:"
    if not arn.startswith(prefix):
        return False
    account, _, rest = arn[len(prefix):].partition(":secret:")
    suffix = rest[len(name):]
    return (len(account) == 12 and account.isdigit() and rest.startswith(name) and len(suffix) == 7
            and suffix[0] == "-" and suffix[1:].isascii() and suffix[1:].isalnum())


class Secrets:
    """The client, and the few questions the checks keep asking it."""

    def __init__(self, client):
        self.client = client

    def string(self, secret_id, **kwargs):
        return self.client.get_secret_value(SecretId=secret_id, **kwargs).get("SecretString")

    def binary(self, secret_id, **kwargs):
        return self.client.get_secret_value(SecretId=secret_id, **kwargs).get("SecretBinary")

    def stages(self, secret_id):
        """VersionId -> sorted staging labels, from DescribeSecret."""
        described = self.client.describe_secret(SecretId=secret_id)
        return {v: sorted(s) for v, s in described["VersionIdsToStages"].items()}

    def version_at(self, secret_id, stage):
        found = [v for v, s in self.stages(secret_id).items() if stage in s]
        return found[0] if len(found) == 1 else found

    def version_count(self, secret_id):
        return len(self.client.list_secret_version_ids(SecretId=secret_id, IncludeDeprecated=True)["Versions"])

    def tags(self, secret_id):
        return sorted((t["Key"], t["Value"]) for t in self.client.describe_secret(SecretId=secret_id).get("Tags", []))

    def names(self, **kwargs):
        """Every name ListSecrets gives, following NextToken by hand."""
        names, token = [], None
        while True:
            page = self.client.list_secrets(**kwargs, **({"NextToken": token} if token else {}))
            names += [s["Name"] for s in page["SecretList"]]
            token = page.get("NextToken")
            if not token:
                return names


def main():
    kms = boto3.client("kms", endpoint_url=ENDPOINT, region_name=REGION)
    sm = boto3.client("secretsmanager", endpoint_url=ENDPOINT, region_name=REGION)
    s = Secrets(sm)

    key = kms.create_key(Description="secrets-boto3")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/app-key", TargetKeyId=key)
    created = sm.create_secret(Name="app/db", Description="db password", KmsKeyId="alias/app-key",
                               SecretString="first value",
                               Tags=[{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "test"}])
    arn, v1 = created["ARN"], created["VersionId"]
    blob = bytes(range(256)) + b"\x00binary\xff"
    blob_arn = sm.create_secret(Name="app/blob", SecretBinary=blob)["ARN"]

    with section("CreateSecret"):
        check("CreateSecret ARN is arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX",
              valid_arn(arn, "app/db"), arn)
        check("CreateSecret Name", created["Name"] == "app/db")
        kms_key_id = sm.describe_secret(SecretId="app/db").get("KmsKeyId", "")
        check("DescribeSecret KmsKeyId names alias/app-key or its key",
              "alias/app-key" in kms_key_id or key in kms_key_id, kms_key_id)
        got = sm.get_secret_value(SecretId="app/blob")
        check("SecretBinary round trip", got.get("SecretBinary") == blob)
        check("a binary secret has no SecretString", "SecretString" not in got)
        check("DescribeSecret omits KmsKeyId for the default key",
              "KmsKeyId" not in sm.describe_secret(SecretId="app/blob"))

    with section("GetSecretValue by name, full ARN and partial ARN"):
        for what, secret_id in (("name", "app/db"), ("full ARN", arn), ("partial ARN", arn[:-7])):
            got = sm.get_secret_value(SecretId=secret_id)
            check(f"GetSecretValue by {what}", (got["SecretString"], got["ARN"], got["Name"], got["VersionId"])
                  == ("first value", arn, "app/db", v1), got)
        check("GetSecretValue VersionStages", got["VersionStages"] == ["AWSCURRENT"], got["VersionStages"])
        check("GetSecretValue CreatedDate", recent(got["CreatedDate"]), got["CreatedDate"])

    with section("PutSecretValue: AWSCURRENT moves, AWSPREVIOUS follows"):
        put = sm.put_secret_value(SecretId="app/db", SecretString="second value")
        v2 = put["VersionId"]
        check("PutSecretValue answers the new version's stages", put["VersionStages"] == ["AWSCURRENT"], put)
        check("PutSecretValue: the new value is AWSCURRENT", s.string("app/db") == "second value")
        check("PutSecretValue: the old value is AWSPREVIOUS",
              s.string("app/db", VersionStage="AWSPREVIOUS") == "first value")
        check("VersionIdsToStages after PutSecretValue",
              s.stages("app/db") == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT"]}, s.stages("app/db"))
        check("GetSecretValue by VersionId", s.string("app/db", VersionId=v1) == "first value")
        check("GetSecretValue by VersionId and a stage it has",
              s.string("app/db", VersionId=v1, VersionStage="AWSPREVIOUS") == "first value")
        check("GetSecretValue by VersionId and a stage it lacks: refused",
              code_of(sm.get_secret_value, SecretId="app/db", VersionId=v1, VersionStage="AWSCURRENT")
              in ("ResourceNotFoundException", "InvalidRequestException"))

    with section("PutSecretValue with VersionStages leaves AWSCURRENT where it is"):
        staged = sm.put_secret_value(SecretId="app/db", SecretString="staged value", VersionStages=["BLUE"])
        check("PutSecretValue VersionStages=[BLUE]", staged["VersionStages"] == ["BLUE"], staged)
        check("...leaves AWSCURRENT alone", s.version_at("app/db", "AWSCURRENT") == v2)
        check("...is readable by its stage", s.string("app/db", VersionStage="BLUE") == "staged value")

    with section("ClientRequestToken idempotency"):
        token = str(uuid.uuid4())
        first = sm.put_secret_value(SecretId="app/db", ClientRequestToken=token, SecretString="third value")
        check("ClientRequestToken becomes the VersionId", first["VersionId"] == token)
        count = s.version_count("app/db")
        again = sm.put_secret_value(SecretId="app/db", ClientRequestToken=token, SecretString="third value")
        check("same token, same value: same VersionId", again["VersionId"] == token)
        check("same token, same value: no new version", s.version_count("app/db") == count)
        check("same token, same value: AWSPREVIOUS stays", s.version_at("app/db", "AWSPREVIOUS") == v2)
        check("same token, another value: ResourceExistsException",
              error_of(sm.put_secret_value, SecretId="app/db", ClientRequestToken=token, SecretString="other")
              == ("ResourceExistsException", 400))
        check("same token, the same bytes as SecretBinary instead of SecretString: ResourceExistsException",
              code_of(sm.put_secret_value, SecretId="app/db", ClientRequestToken=token, SecretBinary=b"third value")
              == "ResourceExistsException")
        check("the refused puts changed nothing", s.string("app/db") == "third value")

    with section("UpdateSecret"):
        updated = sm.update_secret(SecretId="app/db", Description="rotated db password")
        check("UpdateSecret of the description alone makes no version", "VersionId" not in updated, updated)
        check("UpdateSecret Description", sm.describe_secret(SecretId="app/db")["Description"] == "rotated db password")
        check("...and adds no version", s.version_count("app/db") == count)
        v4 = sm.update_secret(SecretId="app/db", SecretString="fourth value")["VersionId"]
        check("UpdateSecret with a value: AWSCURRENT", s.version_at("app/db", "AWSCURRENT") == v4)
        check("UpdateSecret with a value: AWSPREVIOUS", s.version_at("app/db", "AWSPREVIOUS") == token)
        check("UpdateSecret with an existing version's token and another value: refused",
              code_of(sm.update_secret, SecretId="app/db", ClientRequestToken=token, SecretString="fifth value")
              in ("ResourceExistsException", "InvalidRequestException"))

    with section("UpdateSecretVersionStage"):
        sm.update_secret_version_stage(SecretId="app/db", VersionStage="STAGING", MoveToVersionId=v2)
        check("custom label STAGING", sm.get_secret_value(SecretId="app/db", VersionStage="STAGING")["VersionId"] == v2)
        check("moving an attached label without RemoveFromVersionId: InvalidParameterException",
              code_of(sm.update_secret_version_stage, SecretId="app/db", VersionStage="STAGING", MoveToVersionId=v4)
              == "InvalidParameterException")
        sm.update_secret_version_stage(SecretId="app/db", VersionStage="STAGING", MoveToVersionId=v4,
                                       RemoveFromVersionId=v2)
        sm.update_secret_version_stage(SecretId="app/db", VersionStage="BLUE", RemoveFromVersionId=staged["VersionId"])
        check("labels after the moves", s.stages("app/db") == {v4: ["AWSCURRENT", "STAGING"], token: ["AWSPREVIOUS"]},
              s.stages("app/db"))
        sm.update_secret_version_stage(SecretId="app/db", VersionStage="AWSCURRENT", MoveToVersionId=token,
                                       RemoveFromVersionId=v4)
        check("moving AWSCURRENT back moves AWSPREVIOUS to the old current",
              s.stages("app/db") == {v4: ["AWSPREVIOUS", "STAGING"], token: ["AWSCURRENT"]}, s.stages("app/db"))

    with section("ListSecretVersionIds"):
        listed = sm.list_secret_version_ids(SecretId="app/db")
        check("ListSecretVersionIds: only labelled versions",
              {v["VersionId"] for v in listed["Versions"]} == {v4, token}, listed["Versions"])
        check("ListSecretVersionIds ARN and Name", (listed["ARN"], listed["Name"]) == (arn, "app/db"))
        everything = sm.list_secret_version_ids(SecretId="app/db", IncludeDeprecated=True)["Versions"]
        all_ids = {v1, v2, staged["VersionId"], token, v4}
        check("ListSecretVersionIds IncludeDeprecated: all five", {v["VersionId"] for v in everything} == all_ids,
              everything)
        check("ListSecretVersionIds CreatedDate", all(recent(v["CreatedDate"]) for v in everything))
        check("ListSecretVersionIds VersionStages",
              {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in everything}
              == {v1: [], v2: [], staged["VersionId"]: [], token: ["AWSCURRENT"], v4: ["AWSPREVIOUS", "STAGING"]},
              everything)
        page = sm.list_secret_version_ids(SecretId="app/db", IncludeDeprecated=True, MaxResults=2)
        seen = [v["VersionId"] for v in page["Versions"]]
        check("ListSecretVersionIds MaxResults=2: at most two, and a NextToken",
              len(seen) <= 2 and bool(page.get("NextToken")), page)
        while page.get("NextToken"):
            page = sm.list_secret_version_ids(SecretId="app/db", IncludeDeprecated=True, MaxResults=2,
                                              NextToken=page["NextToken"])
            seen += [v["VersionId"] for v in page["Versions"]]
        check("ListSecretVersionIds pages of 2", sorted(seen) == sorted(all_ids), seen)

    with section("DescribeSecret: tags and dates"):
        d = sm.describe_secret(SecretId=arn)
        check("DescribeSecret Tags", s.tags(arn) == [("env", "test"), ("team", "blue")], d.get("Tags"))
        check("DescribeSecret CreatedDate", recent(d.get("CreatedDate")), d.get("CreatedDate"))
        check("DescribeSecret LastChangedDate",
              recent(d.get("LastChangedDate")) and d["LastChangedDate"] >= d["CreatedDate"], d.get("LastChangedDate"))
        check("DescribeSecret LastAccessedDate (day resolution)",
              recent(d.get("LastAccessedDate"), slack=datetime.timedelta(days=1)), d.get("LastAccessedDate"))
        check("DescribeSecret of a secret never rotated: no LastRotatedDate, NextRotationDate, RotationEnabled",
              "LastRotatedDate" not in d and "NextRotationDate" not in d and not d.get("RotationEnabled"), d)
        check("DescribeSecret ARN Name Description",
              (d["ARN"], d["Name"], d["Description"]) == (arn, "app/db", "rotated db password"))

    with section("TagResource and UntagResource"):
        sm.tag_resource(SecretId="app/db", Tags=[{"Key": "owner", "Value": "alice"}, {"Key": "team", "Value": "green"}])
        sm.untag_resource(SecretId="app/db", TagKeys=["env"])
        check("tags after TagResource/UntagResource", s.tags("app/db") == [("owner", "alice"), ("team", "green")],
              s.tags("app/db"))

    with section("ListSecrets: filters, the paginator, NextToken"):
        for i in range(3):
            sm.create_secret(Name=f"paged/s{i}", SecretString=f"v{i}", Tags=[{"Key": "pager", "Value": str(i)}])
        paged = ["paged/s0", "paged/s1", "paged/s2"]
        check("ListSecrets name filter (prefix)", sorted(s.names(Filters=name_filter("paged/"))) == paged)
        check("ListSecrets name filter is case-sensitive", s.names(Filters=name_filter("PAGED/")) == [])
        check("ListSecrets tag-key filter", s.names(Filters=[{"Key": "tag-key", "Values": ["owner"]}]) == ["app/db"])
        check("ListSecrets tag-value filter",
              s.names(Filters=[{"Key": "tag-value", "Values": ["alice"]}]) == ["app/db"])
        check("ListSecrets description filter",
              s.names(Filters=[{"Key": "description", "Values": ["rotated"]}]) == ["app/db"])
        check("ListSecrets filters are ANDed",
              s.names(Filters=name_filter("app/") + [{"Key": "tag-key", "Values": ["team"]}]) == ["app/db"])
        first_page = sm.list_secrets(MaxResults=1, Filters=name_filter("paged/"))
        check("ListSecrets MaxResults=1: at most one", len(first_page["SecretList"]) <= 1)
        check("ListSecrets MaxResults=1 over three: NextToken", bool(first_page.get("NextToken")))
        pages = list(sm.get_paginator("list_secrets").paginate(Filters=name_filter("paged/"),
                                                               PaginationConfig={"PageSize": 1}))
        names = [e["Name"] for p in pages for e in p["SecretList"]]
        check("list_secrets paginator, pages of 1", sorted(names) == paged and len(pages) >= 3,
              f"{names} in {len(pages)} pages")
        check("list_secrets paginator: every page at most one", all(len(p["SecretList"]) <= 1 for p in pages))
        every = [e["Name"] for p in sm.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 2})
                 for e in p["SecretList"]]
        check("list_secrets paginator over everything", sorted(every) == sorted(["app/db", "app/blob"] + paged), every)
        entry = sm.list_secrets(Filters=name_filter("app/db"))["SecretList"][0]
        check("ListSecrets entry", entry["ARN"] == arn and entry["SecretVersionsToStages"][token] == ["AWSCURRENT"]
              and entry["Description"] == "rotated db password" and recent(entry["CreatedDate"]), entry)
        by_name_desc = sm.list_secrets(Filters=name_filter("paged/"), SortBy="name", SortOrder="desc")["SecretList"]
        check("ListSecrets SortBy name, SortOrder desc", [e["Name"] for e in by_name_desc] == paged[::-1], by_name_desc)
        check("ListSecrets with a bogus NextToken: InvalidNextTokenException",
              code_of(sm.list_secrets, NextToken="not-a-token-" + "x" * 20) == "InvalidNextTokenException")

    with section("BatchGetSecretValue: an id list (with a missing id), then filters"):
        batch = sm.batch_get_secret_value(SecretIdList=["paged/s0", arn, "missing/secret"])
        values = {v["Name"]: v for v in batch["SecretValues"]}
        check("BatchGetSecretValue SecretIdList values",
              {n: v.get("SecretString") for n, v in values.items()} == {"paged/s0": "v0", "app/db": "third value"},
              batch)
        check("BatchGetSecretValue values carry ARN, VersionId and stages",
              values["app/db"]["ARN"] == arn and values["app/db"]["VersionId"] == token
              and values["app/db"]["VersionStages"] == ["AWSCURRENT"], values.get("app/db"))
        check("BatchGetSecretValue Errors for a missing id",
              [(e["SecretId"], e["ErrorCode"]) for e in batch.get("Errors", [])]
              == [("missing/secret", "ResourceNotFoundException")], batch.get("Errors"))
        by_filter = sm.batch_get_secret_value(Filters=name_filter("paged/"))
        check("BatchGetSecretValue Filters",
              {v["Name"]: v["SecretString"] for v in by_filter["SecretValues"]}
              == {"paged/s0": "v0", "paged/s1": "v1", "paged/s2": "v2"} and not by_filter.get("Errors"), by_filter)
        got, next_token = [], None
        for _ in range(10):
            page = sm.batch_get_secret_value(Filters=name_filter("paged/"), MaxResults=1,
                                             **({"NextToken": next_token} if next_token else {}))
            check("BatchGetSecretValue MaxResults=1: at most one", len(page["SecretValues"]) <= 1)
            got += [v["Name"] for v in page["SecretValues"]]
            next_token = page.get("NextToken")
            if not next_token:
                break
        check("BatchGetSecretValue pages of 1 with NextToken", sorted(got) == paged, got)
        check("BatchGetSecretValue with both SecretIdList and Filters is refused",
              code_of(sm.batch_get_secret_value, SecretIdList=["app/db"], Filters=name_filter("app/"))
              in ("InvalidParameterException", "InvalidRequestException"))

    with section("Value sizes: 65,536 random bytes round trip; 65,537 refused"):
        big = os.urandom(65536)
        sm.create_secret(Name="big/binary", SecretBinary=big)
        check("CreateSecret SecretBinary of 65536 random bytes round trip", s.binary("big/binary") == big)
        big2 = os.urandom(65536)
        sm.put_secret_value(SecretId="big/binary", SecretBinary=big2)
        check("PutSecretValue of 65536 random bytes round trip", s.binary("big/binary") == big2)
        too_big = ("InvalidParameterException", "ValidationException")
        check("PutSecretValue of a 65537-byte SecretBinary refused",
              code_of(sm.put_secret_value, SecretId="big/binary", SecretBinary=os.urandom(65537)) in too_big)
        check("CreateSecret of a 65537-byte SecretBinary refused",
              code_of(sm.create_secret, Name="big/too", SecretBinary=os.urandom(65537)) in too_big)
        check("PutSecretValue of a 65537-character SecretString refused",
              code_of(sm.put_secret_value, SecretId="big/binary", SecretString="x" * 65537) in too_big)
        check("the refused values changed nothing", s.binary("big/binary") == big2)
        check("the refused CreateSecret created nothing",
              code_of(sm.describe_secret, SecretId="big/too") == "ResourceNotFoundException")
        check("both SecretString and SecretBinary: InvalidParameterException",
              code_of(sm.put_secret_value, SecretId="big/binary", SecretString="a", SecretBinary=b"a")
              == "InvalidParameterException")

    with section("GetRandomPassword"):
        check("GetRandomPassword default length 32", len(sm.get_random_password()["RandomPassword"]) == 32)
        pw = sm.get_random_password(PasswordLength=24, ExcludePunctuation=True,
                                    ExcludeCharacters="abcXYZ019")["RandomPassword"]
        allowed = set(string.ascii_letters + string.digits) - set("abcXYZ019")
        check("GetRandomPassword ExcludePunctuation ExcludeCharacters", len(pw) == 24 and set(pw) <= allowed, pw)
        check("GetRandomPassword each included type", any(c.isupper() for c in pw) and any(c.islower() for c in pw)
              and any(c.isdigit() for c in pw), pw)
        pw = sm.get_random_password(PasswordLength=50, ExcludeUppercase=True, ExcludeLowercase=True,
                                    ExcludeNumbers=True, IncludeSpace=True)["RandomPassword"]
        check("GetRandomPassword punctuation (and space) only",
              len(pw) == 50 and set(pw) <= set(string.punctuation + " "), pw)
        pw = sm.get_random_password(PasswordLength=4, RequireEachIncludedType=True)["RandomPassword"]
        check("GetRandomPassword RequireEachIncludedType with length 4", any(c.isupper() for c in pw)
              and any(c.islower() for c in pw) and any(c.isdigit() for c in pw)
              and any(c in string.punctuation for c in pw), pw)
        pw = sm.get_random_password(PasswordLength=4096, ExcludePunctuation=True)["RandomPassword"]
        check("GetRandomPassword PasswordLength 4096", len(pw) == 4096 and pw.isalnum())
        check("GetRandomPassword PasswordLength 4097 refused", code_of(sm.get_random_password, PasswordLength=4097)
              in ("InvalidParameterException", "ValidationException"))

    with section("Resource policies"):
        account = arn.split(":")[4]
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
        validated = sm.validate_resource_policy(SecretId="app/db", ResourcePolicy=json.dumps(policy))
        check("ValidateResourcePolicy passes", validated["PolicyValidationPassed"] is True, validated)
        check("ValidateResourcePolicy without SecretId",
              sm.validate_resource_policy(ResourcePolicy=json.dumps(policy))["PolicyValidationPassed"] is True)
        put = sm.put_resource_policy(SecretId="app/db", ResourcePolicy=json.dumps(policy))
        check("PutResourcePolicy ARN Name", (put["ARN"], put["Name"]) == (arn, "app/db"))
        got = sm.get_resource_policy(SecretId="app/db")
        check("GetResourcePolicy", json.loads(got["ResourcePolicy"]) == policy and got["ARN"] == arn, got)
        check("PutResourcePolicy of a malformed document: MalformedPolicyDocumentException",
              code_of(sm.put_resource_policy, SecretId="app/db", ResourcePolicy='{"Version": ')
              == "MalformedPolicyDocumentException")
        deleted = sm.delete_resource_policy(SecretId="app/db")
        check("DeleteResourcePolicy", (deleted["ARN"], deleted["Name"]) == (arn, "app/db"))
        check("GetResourcePolicy after DeleteResourcePolicy",
              "ResourcePolicy" not in sm.get_resource_policy(SecretId="app/db"))

    with section("A disabled KMS key"):
        kms.disable_key(KeyId=key)
        code = code_of(sm.get_secret_value, SecretId="app/db")
        check("GetSecretValue under a disabled key: DecryptionFailure or KMSInvalidStateException",
              code in ("DecryptionFailure", "KMSInvalidStateException"), code)
        check("a secret under the default key is still readable", s.binary("app/blob") == blob)
        kms.enable_key(KeyId=key)
        check("readable after EnableKey", s.string("app/db") == "third value")

    with section("Error names"):
        check("missing secret: ResourceNotFoundException (400)",
              error_of(sm.get_secret_value, SecretId="does/not/exist") == ("ResourceNotFoundException", 400))
        check("missing secret by ARN: ResourceNotFoundException",
              code_of(sm.describe_secret, SecretId=arn[:-6] + "zzzzzz") == "ResourceNotFoundException")
        check("duplicate name: ResourceExistsException (400)",
              error_of(sm.create_secret, Name="app/db", SecretString="x") == ("ResourceExistsException", 400))
        check("boto3 raises the modeled exception class",
              isinstance(exception_of(sm.get_secret_value, SecretId="does/not/exist"),
                         sm.exceptions.ResourceNotFoundException))

    with section("DeleteSecret with a recovery window; RestoreSecret"):
        deletion = sm.delete_secret(SecretId="app/blob", RecoveryWindowInDays=7)
        check("DeleteSecret ARN Name", (deletion["ARN"], deletion["Name"]) == (blob_arn, "app/blob"))
        days = (deletion["DeletionDate"] - now()).total_seconds() / 86400
        check("DeletionDate is 7 days out", 6.9 < days < 7.1, deletion["DeletionDate"])
        check("GetSecretValue of a secret marked for deletion: InvalidRequestException",
              error_of(sm.get_secret_value, SecretId="app/blob") == ("InvalidRequestException", 400))
        check("PutSecretValue to a secret marked for deletion: InvalidRequestException",
              code_of(sm.put_secret_value, SecretId="app/blob", SecretString="nope") == "InvalidRequestException")
        check("DeleteSecret with RecoveryWindowInDays 6 refused",
              code_of(sm.delete_secret, SecretId="paged/s0", RecoveryWindowInDays=6) == "InvalidParameterException")
        check("DeleteSecret with both a window and ForceDeleteWithoutRecovery refused",
              code_of(sm.delete_secret, SecretId="paged/s0", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
              == "InvalidParameterException")
        check("the refused deletions left the secret alone", s.string("paged/s0") == "v0")
        # The API reference calls DescribeSecret's DeletedDate "the date the secret is
        # scheduled for deletion" and ListSecrets' "the date and time the deletion of the
        # secret occurred": accept the time of the request or the DeletionDate.
        d = sm.describe_secret(SecretId="app/blob")
        check("DescribeSecret of a secret marked for deletion shows DeletedDate", "DeletedDate" in d and (
            recent(d["DeletedDate"]) or abs((d["DeletedDate"] - deletion["DeletionDate"]).total_seconds()) < 3600), d)
        check("ListSecrets leaves it out", "app/blob" not in s.names())
        check("ListSecrets IncludePlannedDeletion", "app/blob" in s.names(IncludePlannedDeletion=True))
        restored = sm.restore_secret(SecretId="app/blob")
        check("RestoreSecret", (restored["ARN"], restored["Name"]) == (blob_arn, "app/blob"))
        check("readable after RestoreSecret", s.binary("app/blob") == blob)
        check("RestoreSecret clears DeletedDate", "DeletedDate" not in sm.describe_secret(SecretId="app/blob"))

    with section("DeleteSecret ForceDeleteWithoutRecovery"):
        forced = sm.delete_secret(SecretId="app/blob", ForceDeleteWithoutRecovery=True)
        check("DeleteSecret ForceDeleteWithoutRecovery", forced["ARN"] == blob_arn and recent(forced["DeletionDate"]),
              forced)
        check("gone: GetSecretValue ResourceNotFoundException",
              code_of(sm.get_secret_value, SecretId="app/blob") == "ResourceNotFoundException")
        check("gone: DescribeSecret ResourceNotFoundException",
              code_of(sm.describe_secret, SecretId=blob_arn) == "ResourceNotFoundException")
        check("gone from ListSecrets IncludePlannedDeletion", "app/blob" not in s.names(IncludePlannedDeletion=True))

    if failures:
        print(f"{len(failures)} checks failed: {failures}", file=sys.stderr)
        return 1
    print("secrets boto3 interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
