"""Glue policy cases: security configurations and what uses them, the Data Catalog's encryption, job logging."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, ROLE_ARN, label, named
from tests.policies.cases_redshift import variant
from tests.policies.harness import Build, Case

ENCRYPTING: dict[str, Any] = {
    "s3_encryption": {"s3_encryption_mode": "SSE-KMS", "kms_key_arn": KEY},
    "cloudwatch_encryption": {"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": KEY},
    "job_bookmarks_encryption": {"job_bookmarks_encryption_mode": "CSE-KMS", "kms_key_arn": KEY}}
S3_MANAGED = {**ENCRYPTING, "s3_encryption": {"s3_encryption_mode": "SSE-S3"}}
UNENCRYPTED = {"s3_encryption": {"s3_encryption_mode": "DISABLED"},
               "cloudwatch_encryption": {"cloudwatch_encryption_mode": "DISABLED"},
               "job_bookmarks_encryption": {"job_bookmarks_encryption_mode": "DISABLED"}}
CONTINUOUS = {"--enable-continuous-cloudwatch-log": "true"}
SECURE_JOB: dict[str, Any] = dict(role_arn=ROLE_ARN, command={"script_location": "s3://etl/job.py"}, glue_version="4.0",
                                  default_arguments=CONTINUOUS, security_configuration="etl-encrypted")
SECURE_CATALOG: dict[str, Any] = {
    "connection_password_encryption": {"return_connection_password_encrypted": True, "aws_kms_key_id": KEY},
    "encryption_at_rest": {"catalog_encryption_mode": "SSE-KMS", "sse_aws_kms_key_id": KEY}}

security_configuration = variant("security_configuration", lambda **a: aws.glue.SecurityConfiguration(
    "etl", name="etl-encrypted", **a), {"encryption_configuration": ENCRYPTING})
job = variant("job", lambda **a: aws.glue.Job("etl", **a), SECURE_JOB)


def catalog(**changes: Any) -> Build:
    settings = {**SECURE_CATALOG, **changes}
    return named(f"catalog({label(changes)})", lambda: aws.glue.DataCatalogEncryptionSettings(
        "catalog", data_catalog_encryption_settings=settings))


CONFIGURATIONS = {"encrypting": ENCRYPTING, "unencrypted": UNENCRYPTED}


def users(kind: str, configuration: str | None = "encrypting", by: str = "output") -> Build:
    """A job, crawler or development endpoint and, unless `configuration` is None, a security configuration it names
    by output or by literal name ('etl-encrypted' either way; `by='none'` names none)."""
    def build() -> None:
        name: Any = "etl-encrypted"
        if configuration is not None:
            created = aws.glue.SecurityConfiguration("etl", name="etl-encrypted",
                                                     encryption_configuration=CONFIGURATIONS[configuration])
            name = created.name if by == "output" else name
        elif by == "none":
            name = None
        if kind == "job":
            aws.glue.Job("etl", **{**SECURE_JOB, "security_configuration": name})
        elif kind == "crawler":
            aws.glue.Crawler("raw", role=ROLE_ARN, database_name="raw", s3_targets=[{"path": "s3://raw/"}],
                             security_configuration=name)
        else:
            aws.glue.DevEndpoint("dev", role_arn=ROLE_ARN, security_configuration=name)
    return named(f"users({kind}, {configuration}, by={by})", build)


CASES = [
    Case("glue-securityconfiguration-encrypted", security_configuration(),
         security_configuration(encryption_configuration=UNENCRYPTED),
         "s3Encryption.s3EncryptionMode is 'DISABLED', not SSE-KMS"),
    Case("glue-securityconfiguration-encrypted", security_configuration(),
         security_configuration(encryption_configuration=S3_MANAGED),
         "s3EncryptionMode is 'SSE-S3', not SSE-KMS"),
    Case("glue-securityconfiguration-encrypted", security_configuration(encryption_configuration=S3_MANAGED),
         security_configuration(encryption_configuration={**ENCRYPTING, "job_bookmarks_encryption": {
             "job_bookmarks_encryption_mode": "DISABLED"}}),
         "jobBookmarksEncryption.jobBookmarksEncryptionMode is 'DISABLED', not CSE-KMS",
         config={"glue-securityconfiguration-encrypted": {"requireCustomerKey": False}}),
    Case("glue-job-security-configuration", users("job"), users("job", "unencrypted"),
         "its security configuration etl does not encrypt"),
    Case("glue-job-security-configuration", users("crawler", by="name"), users("crawler", None, by="none"),
         "securityConfiguration is not set"),
    Case("glue-job-security-configuration", users("endpoint"), users("endpoint", None),
         "securityConfiguration names etl-encrypted, which this stack does not manage"),
    Case("glue-job-security-configuration", users("job", None), users("crawler", "unencrypted", by="name"),
         "does not encrypt", config={"glue-job-security-configuration": {"externalConfigurations": ["etl-encrypted"]}}),
    Case("glue-datacatalog-encrypted", catalog(), catalog(encryption_at_rest={"catalog_encryption_mode": "DISABLED"}),
         "metadata is unencrypted: encryptionAtRest.catalogEncryptionMode is 'DISABLED'"),
    Case("glue-datacatalog-encrypted", catalog(), catalog(encryption_at_rest={"catalog_encryption_mode": "SSE-KMS"}),
         "metadata uses an AWS-managed key: dataCatalogEncryptionSettings.encryptionAtRest.sseAwsKmsKeyId is not set"),
    Case("glue-datacatalog-encrypted", catalog(),
         catalog(connection_password_encryption={"return_connection_password_encrypted": False}),
         "connection passwords are kept unencrypted"),
    Case("glue-job-continuous-logging", job(), job(default_arguments=None),
         "continuous logging is off: --enable-continuous-cloudwatch-log is unset"),
    Case("glue-job-continuous-logging", job(default_arguments=None, non_overridable_arguments=CONTINUOUS),
         job(default_arguments={"--enable-continuous-cloudwatch-log": "false"}),
         "--enable-continuous-cloudwatch-log is 'false'"),
    Case("glue-job-continuous-logging", job(default_arguments=None, glue_version="5.0"),
         job(default_arguments=None, glue_version=None), "continuous logging is off"),
    Case("glue-job-continuous-logging",
         job(default_arguments=None, command={"name": "pythonshell", "script_location": "s3://etl/job.py"}),
         job(default_arguments=None, command={"name": "gluestreaming", "script_location": "s3://etl/job.py"}),
         "continuous logging is off"),
]
