"""A rotation function whose setSecret fails: createSecret puts the AWSPENDING version as
AWS's template does, then setSecret raises, so the rotation must stop there, leaving
AWSPENDING on the new version and AWSCURRENT where it was. Each step that is entered
leaves an empty file "<ClientRequestToken>.<Step>" in $ROTATION_MARKER_DIR when that is
set (setSecret's before it raises).
"""
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]
    service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])

    metadata = service_client.describe_secret(SecretId=arn)
    if not metadata["RotationEnabled"]:
        raise ValueError(f"Secret {arn} is not enabled for rotation")
    versions = metadata["VersionIdsToStages"]
    if token not in versions or "AWSPENDING" not in versions[token]:
        raise ValueError(f"Secret version {token} not set as AWSPENDING for rotation of secret {arn}.")
    mark(token, step)

    if step == "createSecret":
        service_client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
        try:
            service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except service_client.exceptions.ResourceNotFoundException:
            passwd = service_client.get_random_password(ExcludeCharacters="/@\"'\\")
            service_client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                            SecretString=passwd["RandomPassword"], VersionStages=["AWSPENDING"])
    elif step == "setSecret":
        logger.error("setSecret: the service refused the new password (on purpose)")
        raise RuntimeError("setSecret failed on purpose")
    elif step in ("testSecret", "finishSecret"):
        raise RuntimeError(f"{step} must not run after a failed setSecret")
    else:
        raise ValueError("Invalid step parameter")


def mark(token, step):
    directory = os.environ.get("ROTATION_MARKER_DIR")
    if directory:
        with open(os.path.join(directory, f"{token}.{step}"), "w", encoding="ascii"):
            pass
