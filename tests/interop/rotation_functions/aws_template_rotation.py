"""A rotation function written the way AWS's SecretsManagerRotationTemplate is, and left
unchanged apart from setSecret and testSecret (no-ops here: there is no database to
change): Coffer runs it as Lambda would, calling lambda_handler(event, context) once per
step with event = {"SecretId", "ClientRequestToken", "Step"}.

Its client is made the template's way, boto3.client("secretsmanager",
endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"]); the credentials and region come from
the environment Coffer gives the function (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION, AWS_DEFAULT_REGION). For the tests, each step that runs leaves an empty file
"<ClientRequestToken>.<Step>" in $ROTATION_MARKER_DIR when that is set.
"""
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    """Rotation entry point: SecretId, ClientRequestToken and Step from the event.

    Raises ValueError when the secret is not set up for this rotation (rotation off, the
    token's version missing or not AWSPENDING) or the step is unknown, and whatever the
    Secrets Manager client raises.
    """
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]

    service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])

    # The version being rotated must exist and carry AWSPENDING (RotateSecret puts it there).
    metadata = service_client.describe_secret(SecretId=arn)
    if not metadata["RotationEnabled"]:
        logger.error("Secret %s is not enabled for rotation", arn)
        raise ValueError(f"Secret {arn} is not enabled for rotation")
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        logger.error("Secret version %s has no stage for rotation of secret %s.", token, arn)
        raise ValueError(f"Secret version {token} has no stage for rotation of secret {arn}.")
    if "AWSCURRENT" in versions[token]:
        logger.info("Secret version %s already set as AWSCURRENT for secret %s.", token, arn)
        return
    if "AWSPENDING" not in versions[token]:
        logger.error("Secret version %s not set as AWSPENDING for rotation of secret %s.", token, arn)
        raise ValueError(f"Secret version {token} not set as AWSPENDING for rotation of secret {arn}.")

    steps = {"createSecret": create_secret, "setSecret": set_secret, "testSecret": test_secret,
             "finishSecret": finish_secret}
    if step not in steps:
        raise ValueError("Invalid step parameter")
    steps[step](service_client, arn, token)
    mark(token, step)


def create_secret(service_client, arn, token):
    """Puts a new random password as the AWSPENDING version `token`, unless it has a value."""
    # The current version must exist.
    service_client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    try:
        service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        logger.info("createSecret: Successfully retrieved secret for %s.", arn)
    except service_client.exceptions.ResourceNotFoundException:
        exclude_characters = os.environ.get("EXCLUDE_CHARACTERS", "/@\"'\\")
        passwd = service_client.get_random_password(ExcludeCharacters=exclude_characters)
        service_client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                        SecretString=passwd["RandomPassword"], VersionStages=["AWSPENDING"])
        logger.info("createSecret: Successfully put secret for ARN %s and version %s.", arn, token)


def set_secret(service_client, arn, token):
    """Would set the AWSPENDING value in the service the secret is for: nothing to do here."""
    logger.info("setSecret: nothing to set for %s version %s.", arn, token)


def test_secret(service_client, arn, token):
    """Would log in with the AWSPENDING value: here, only checks that it can be read."""
    service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
    logger.info("testSecret: version %s of %s is readable.", token, arn)


def finish_secret(service_client, arn, token):
    """Moves AWSCURRENT to `token` (AWSPREVIOUS follows by itself) and drops AWSPENDING."""
    metadata = service_client.describe_secret(SecretId=arn)
    current_version = None
    for version, stages in metadata["VersionIdsToStages"].items():
        if "AWSCURRENT" in stages:
            if version == token:
                logger.info("finishSecret: Version %s already marked as AWSCURRENT for %s", version, arn)
                return
            current_version = version
            break
    service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                               RemoveFromVersionId=current_version)
    service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=token)
    logger.info("finishSecret: Successfully set AWSCURRENT stage to version %s for secret %s.", token, arn)


def mark(token, step):
    """For the tests: an empty file <token>.<step> in $ROTATION_MARKER_DIR, if that is set."""
    directory = os.environ.get("ROTATION_MARKER_DIR")
    if directory:
        with open(os.path.join(directory, f"{token}.{step}"), "w", encoding="ascii"):
            pass
