"""Glue: security configurations and the jobs, crawlers and development endpoints that use them, the Data
Catalog's encryption settings, and job logging."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .checks import list_schema, shown
from .companions import literal_name, named_by
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("glue", "Glue", "ETL jobs, crawlers, development endpoints, security configurations and the Data "
                                  "Catalog's encryption.")

JOB = SERVICE.resource_type("aws:glue/job:Job", kind="job")
CRAWLER = SERVICE.resource_type("aws:glue/crawler:Crawler", kind="crawler")
DEV_ENDPOINT = SERVICE.resource_type("aws:glue/devEndpoint:DevEndpoint", kind="development endpoint")
SECURITY_CONFIGURATION = SERVICE.resource_type(
    "aws:glue/securityConfiguration:SecurityConfiguration", kind="security configuration",
    key="encryptionConfiguration.s3Encryption.kmsKeyArn")
CATALOG_ENCRYPTION = SERVICE.resource_type(
    "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", kind="Data Catalog encryption settings",
    key="dataCatalogEncryptionSettings.encryptionAtRest.sseAwsKmsKeyId")
USERS = [JOB, CRAWLER, DEV_ENDPOINT]
# (block, mode property, the modes that encrypt with a KMS key): what a security configuration encrypts.
ENCRYPTED_PARTS = [("s3Encryption", "s3EncryptionMode", {"SSE-KMS"}),
                   ("cloudwatchEncryption", "cloudwatchEncryptionMode", {"SSE-KMS"}),
                   ("jobBookmarksEncryption", "jobBookmarksEncryptionMode", {"CSE-KMS"})]
S3_MANAGED = "SSE-S3"
KMS_CATALOG_MODES = {"SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"}
SPARK_COMMANDS = {None, "glueetl", "gluestreaming"}
CONTINUOUS_LOG = "--enable-continuous-cloudwatch-log"


def _encryption_problems(r: Resource, require_customer_key: bool) -> list[str]:
    """What a security configuration leaves unencrypted (S3 data may use S3-managed keys unless a customer key
    is required)."""
    problems = []
    for block, mode, kms_modes in ENCRYPTED_PARTS:
        value = r.get(f"encryptionConfiguration.{block}.{mode}")
        allowed = kms_modes if require_customer_key or block != "s3Encryption" else kms_modes | {S3_MANAGED}
        if value not in allowed:
            problems.append(f"{block}.{mode} is {shown(value)}, not {' or '.join(sorted(allowed))}")
    return problems


@SERVICE.resource_policy(
    name="glue-securityconfiguration-encrypted", types=[SECURITY_CONFIGURATION], severity="high",
    criteria=["CC6.1", "C1.1"],
    description="Glue security configurations encrypt S3 data, CloudWatch logs and job bookmarks, with KMS keys.",
    remediation="In encryption_configuration set s3_encryption.s3_encryption_mode='SSE-KMS', "
                "cloudwatch_encryption.cloudwatch_encryption_mode='SSE-KMS' and "
                "job_bookmarks_encryption.job_bookmarks_encryption_mode='CSE-KMS', each with a kms_key_arn of a "
                "customer-managed key.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_99"])
def _configuration_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    yield from _encryption_problems(r, config["requireCustomerKey"])


@SERVICE.stack_policy(
    name="glue-job-security-configuration", severity="high", criteria=["CC6.1", "C1.1"],
    description="Glue jobs, crawlers and development endpoints run with a security configuration that encrypts what "
                "they write.",
    remediation="Create an aws.glue.SecurityConfiguration that encrypts (see glue-securityconfiguration-encrypted) and "
                "pass its name as security_configuration; list configurations managed in another stack in "
                "externalConfigurations.",
    config={"externalConfigurations": list_schema([], "Names of security configurations managed outside this stack "
                                                      "that are trusted to encrypt.")},
    checkov=["CKV_AWS_195"], examines=USERS)
def _uses_security_configuration(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    named = named_by(stack, USERS, "securityConfiguration", [SECURITY_CONFIGURATION], "name")
    for user in stack.of_type(*USERS):
        if user.urn in named:
            for configuration in named[user.urn]:
                if problems := _encryption_problems(configuration, False):
                    yield (f"its security configuration {configuration.name} does not encrypt: "
                           f"{'; '.join(problems)}"), user.urn
            continue
        name = literal_name(user, "securityConfiguration")
        if name is None:
            yield "no security configuration: securityConfiguration is not set, so its output is not encrypted", \
                user.urn
        elif name not in config["externalConfigurations"]:
            yield (f"securityConfiguration names {name}, which this stack does not manage, so its encryption cannot "
                   "be verified; manage it here or list it in externalConfigurations"), user.urn


@SERVICE.resource_policy(
    name="glue-datacatalog-encrypted", types=[CATALOG_ENCRYPTION], severity="high", criteria=["CC6.1", "C1.1"],
    description="The Glue Data Catalog encrypts metadata at rest and connection passwords with KMS keys.",
    remediation="In data_catalog_encryption_settings set encryption_at_rest.catalog_encryption_mode='SSE-KMS' with "
                "sse_aws_kms_key_id, and connection_password_encryption.return_connection_password_encrypted=True "
                "with aws_kms_key_id, both customer-managed keys.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_94"])
def _catalog_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    settings = "dataCatalogEncryptionSettings"
    mode = r.get(f"{settings}.encryptionAtRest.catalogEncryptionMode")
    if mode not in KMS_CATALOG_MODES:
        yield f"metadata is unencrypted: encryptionAtRest.catalogEncryptionMode is {shown(mode)}, not SSE-KMS"
    elif problem := customer_key.problem_if_required(r, config, f"{settings}.encryptionAtRest.sseAwsKmsKeyId"):
        yield f"metadata uses an AWS-managed key: {problem}"
    password = f"{settings}.connectionPasswordEncryption"
    if r.get(f"{password}.returnConnectionPasswordEncrypted") is not True:
        yield "connection passwords are kept unencrypted: returnConnectionPasswordEncrypted is not true"
    elif problem := customer_key.problem_if_required(r, config, f"{password}.awsKmsKeyId"):
        yield f"connection passwords use an AWS-managed key: {problem}"


def _glue_version(r: Resource) -> float | None:
    try:
        return float(str(r.get("glueVersion")))
    except ValueError:
        return None


@SERVICE.resource_policy(
    name="glue-job-continuous-logging", types=[JOB], severity="medium", criteria=["CC7.2"],
    description="Glue Spark jobs before Glue 5.0 stream their logs to CloudWatch Logs while they run (Glue 5.0 always "
                "does; without it, earlier versions write logs only when a run ends).",
    remediation="Set default_arguments={'--enable-continuous-cloudwatch-log': 'true'} on the aws.glue.Job, or use "
                "glue_version='5.0'.")
def _continuous_logging(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    version = _glue_version(r)
    if r.get("command.name") not in SPARK_COMMANDS or (version is not None and version >= 5):
        return
    values = [r.get(f"{arguments}.{CONTINUOUS_LOG}") for arguments in ("nonOverridableArguments", "defaultArguments")]
    if not any(str(v).lower() == "true" for v in values):
        yield (f"continuous logging is off: {CONTINUOUS_LOG} is {shown(next((v for v in values if v is not None), None))}"
               " in defaultArguments and nonOverridableArguments")
