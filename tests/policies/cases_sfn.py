"""Step Functions policy cases: execution logging, tracing and customer-managed keys."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.policies.cases_lambda import ACCOUNT, KEY, ROLE, named
from tests.policies.harness import Build, Case

LOGS = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/vendedlogs/states/orders:*"
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
SECURE_MACHINE: dict[str, Any] = dict(
    role_arn=ROLE, definition=DEFINITION, tracing_configuration={"enabled": True},
    logging_configuration={"level": "ALL", "include_execution_data": True, "log_destination": LOGS},
    encryption_configuration={"type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key_id": KEY,
                              "kms_data_key_reuse_period_seconds": 300})


def machine(**changes: Any) -> Build:
    return named(f"machine({changes or 'secure'})",
                 lambda: aws.sfn.StateMachine("orders", **{**SECURE_MACHINE, **changes}))


def logged_to_group(**logging: Any) -> Build:
    """An Express state machine logging to a log group of the program (its ARN known only at deploy)."""
    def build() -> None:
        group = aws.cloudwatch.LogGroup("orders-logs", retention_in_days=365, kms_key_id=KEY)
        aws.sfn.StateMachine("orders", **{**SECURE_MACHINE, "type": "EXPRESS", "logging_configuration": {
            "log_destination": group.arn.apply(lambda arn: f"{arn}:*"), **logging}})
    return named(f"logged_to_group({logging})", build)


SECURE = machine()

CASES = [
    Case("sfn-statemachine-logging", SECURE, machine(logging_configuration=None),
         "loggingConfiguration.level is 'OFF'; allowed: ALL, ERROR"),
    Case("sfn-statemachine-logging", logged_to_group(level="ERROR", include_execution_data=True),
         logged_to_group(level="FATAL", include_execution_data=True), "loggingConfiguration.level is 'FATAL'"),
    Case("sfn-statemachine-logging", logged_to_group(level="ALL", include_execution_data=True),
         logged_to_group(level="ALL"), "loggingConfiguration.includeExecutionData is unset"),
    Case("sfn-statemachine-logging", machine(logging_configuration={"level": "ERROR", "log_destination": LOGS}),
         machine(logging_configuration={"level": "ERROR"}), "loggingConfiguration.logDestination is not set",
         config={"sfn-statemachine-logging": {"requireExecutionData": False}}),
    Case("sfn-statemachine-tracing", SECURE, machine(tracing_configuration={"enabled": False}),
         "tracingConfiguration.enabled is False, not true"),
    Case("sfn-statemachine-tracing", SECURE, machine(tracing_configuration=None),
         "tracingConfiguration.enabled is unset"),
    Case("sfn-statemachine-customer-key", SECURE, machine(encryption_configuration=None),
         "encryptionConfiguration.type is unset: data is encrypted only with an AWS-owned key"),
    Case("sfn-statemachine-customer-key", SECURE, machine(encryption_configuration={"type": "AWS_OWNED_KEY"}),
         "encryptionConfiguration.type is 'AWS_OWNED_KEY'"),
    Case("sfn-statemachine-customer-key", SECURE,
         machine(encryption_configuration={"type": "CUSTOMER_MANAGED_KMS_KEY"}),
         "encryptionConfiguration.kmsKeyId is not set"),
]
