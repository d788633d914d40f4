"""Athena: workgroups, which decide where and how query results are written, and databases."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .checks import flag_on, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("athena", "Athena", "Query workgroups and databases.")

WORKGROUP = SERVICE.resource_type("aws:athena/workgroup:Workgroup", kind="workgroup",
                                  key="configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn")
DATABASE = SERVICE.resource_type("aws:athena/database:Database", kind="database", key="encryptionConfiguration.kmsKey")
KMS_OPTIONS = {"SSE_KMS", "CSE_KMS"}
ENCRYPTING_OPTIONS = KMS_OPTIONS | {"SSE_S3"}


def _option_problem(option: Any, require_customer_key: bool) -> str | None:
    allowed = KMS_OPTIONS if require_customer_key else ENCRYPTING_OPTIONS
    if option not in allowed:
        return f"encryptionOption is {shown(option)}, not {' or '.join(sorted(allowed))}"
    return None


@SERVICE.resource_policy(
    name="athena-workgroup-results-encrypted", types=[WORKGROUP], severity="high", criteria=["CC6.1", "C1.1"],
    description="Athena workgroups encrypt query results, with a customer-managed KMS key unless configured not to.",
    remediation="Set configuration.result_configuration.encryption_configuration to encryption_option='SSE_KMS' with "
                "kms_key_arn (or, with managed query results, "
                "configuration.managed_query_results_configuration.encryption_configuration.kms_key).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_159"])
def _results_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    managed = "configuration.managedQueryResultsConfiguration"
    if r.get(f"{managed}.enabled") is True:
        # Results kept by Athena are always encrypted; only the key can be chosen.
        if problem := customer_key.problem_if_required(r, config, f"{managed}.encryptionConfiguration.kmsKey"):
            yield f"managed query results use an AWS-owned key: {problem}"
        return
    encryption = "configuration.resultConfiguration.encryptionConfiguration"
    if problem := _option_problem(r.get(f"{encryption}.encryptionOption"), config["requireCustomerKey"]):
        yield f"query results are not encrypted as required: {problem}"
    elif problem := customer_key.problem_if_required(r, config, f"{encryption}.kmsKeyArn"):
        yield f"query results use no customer-managed key: {problem}"


@SERVICE.resource_policy(
    name="athena-database-encrypted", types=[DATABASE], severity="medium", criteria=["CC6.1", "C1.1"],
    description="Athena databases encrypt the results of the queries that create and change them, with a "
                "customer-managed KMS key unless configured not to (the tables' data is encrypted where it is "
                "stored, so this is advisory).",
    remediation="Set encryption_configuration to encryption_option='SSE_KMS' with kms_key on the aws.athena.Database.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_77"])
def _database_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if problem := _option_problem(r.get("encryptionConfiguration.encryptionOption"), config["requireCustomerKey"]):
        yield f"query results are not encrypted as required: {problem}"
    elif problem := customer_key.problem_if_required(r, config, "encryptionConfiguration.kmsKey"):
        yield f"query results use no customer-managed key: {problem}"


SERVICE.resource_policy(
    name="athena-workgroup-enforce-configuration", types=[WORKGROUP], severity="high", criteria=["CC6.1", "C1.1"],
    description="Athena workgroups enforce their settings, so clients cannot turn result encryption off.",
    remediation="Leave configuration.enforce_workgroup_configuration at its default (true) or set it to True.",
    checkov=["CKV_AWS_82"],
)(flag_on("configuration.enforceWorkgroupConfiguration", "clients can override the workgroup's encryption",
          default=True))
