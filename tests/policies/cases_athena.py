"""Athena policy cases: workgroups (results in S3 or managed by Athena) and databases."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, label, named
from tests.policies.harness import Build, Case

KMS_RESULTS = {"output_location": "s3://query-results/",
               "encryption_configuration": {"encryption_option": "SSE_KMS", "kms_key_arn": KEY}}
S3_RESULTS = {"output_location": "s3://query-results/", "encryption_configuration": {"encryption_option": "SSE_S3"}}


def workgroup(**configuration: Any) -> Build:
    settings = {"enforce_workgroup_configuration": True, "result_configuration": KMS_RESULTS, **configuration}
    return named(f"workgroup({label(configuration)})", lambda: aws.athena.Workgroup(
        "analysts", name="analysts", configuration={k: v for k, v in settings.items() if v is not None}))


def managed_results(key: str | None) -> Build:
    encryption = {"encryption_configuration": {"kms_key": key}} if key else {}
    return named(f"managed_results(key={key})", lambda: aws.athena.Workgroup("analysts", name="analysts", configuration={
        "managed_query_results_configuration": {"enabled": True, **encryption}}))


def workgroup_with_key_from_program() -> None:
    key = aws.kms.Key("results", enable_key_rotation=True)
    aws.athena.Workgroup("analysts", name="analysts", configuration={"result_configuration": {
        "output_location": "s3://query-results/",
        "encryption_configuration": {"encryption_option": "CSE_KMS", "kms_key_arn": key.arn}}})


def database(encryption: dict[str, Any] | None) -> Build:
    return named(f"database({encryption})", lambda: aws.athena.Database(
        "events", name="events", bucket="query-results", encryption_configuration=encryption))


CUSTOMER_KEY_OFF = {"requireCustomerKey": False}

CASES = [
    Case("athena-workgroup-enforce-configuration", workgroup(enforce_workgroup_configuration=None),
         workgroup(enforce_workgroup_configuration=False), "enforceWorkgroupConfiguration is False, not true"),
    Case("athena-workgroup-results-encrypted", workgroup(), workgroup(result_configuration=None),
         "encryptionOption is unset, not CSE_KMS or SSE_KMS"),
    Case("athena-workgroup-results-encrypted", named("workgroup_with_key_from_program", workgroup_with_key_from_program),
         workgroup(result_configuration=S3_RESULTS), "encryptionOption is 'SSE_S3', not CSE_KMS or SSE_KMS"),
    Case("athena-workgroup-results-encrypted", workgroup(result_configuration=S3_RESULTS),
         workgroup(result_configuration={"output_location": "s3://query-results/"}),
         "encryptionOption is unset, not CSE_KMS or SSE_KMS or SSE_S3",
         config={"athena-workgroup-results-encrypted": CUSTOMER_KEY_OFF}),
    Case("athena-workgroup-results-encrypted", managed_results(KEY), managed_results(None),
         "managed query results use an AWS-owned key"),
    Case("athena-database-encrypted", database({"encryption_option": "SSE_KMS", "kms_key": KEY}),
         database(None), "encryptionOption is unset"),
    Case("athena-database-encrypted", database({"encryption_option": "SSE_S3"}),
         database(None), "not CSE_KMS or SSE_KMS or SSE_S3", config={"athena-database-encrypted": CUSTOMER_KEY_OFF}),
    Case("athena-database-encrypted", database({"encryption_option": "CSE_KMS", "kms_key": KEY}),
         database({"encryption_option": "SSE_S3"}), "encryptionOption is 'SSE_S3'"),
]
