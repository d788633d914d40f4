"""Step Functions: state machines' execution logs, traces and encryption."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import list_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("sfn", "Step Functions", "State machines.")

STATE_MACHINE = SERVICE.resource_type("aws:sfn/stateMachine:StateMachine", kind="state machine",
                                      key="encryptionConfiguration.kmsKeyId")
CUSTOMER_KEY = "CUSTOMER_MANAGED_KMS_KEY"


@SERVICE.resource_policy(
    name="sfn-statemachine-logging", types=[STATE_MACHINE], severity="high", criteria=["CC7.2", "CC7.3"],
    description="State machines log their executions, with execution data, to CloudWatch Logs.",
    remediation="Set logging_configuration={'level': 'ALL' (or 'ERROR'), 'include_execution_data': True, "
                "'log_destination': f'{log_group.arn}:*'}.",
    config={"levels": list_schema(["ALL", "ERROR"], "Accepted logging levels."),
            "requireExecutionData": {"type": "boolean", "default": True,
                                     "description": "Also require include_execution_data, so the logs show each "
                                                    "state's input and output."}},
    checkov=["CKV_AWS_285"])
def _logging(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    level = r.get("loggingConfiguration.level") or "OFF"
    if level not in config["levels"]:
        yield f"loggingConfiguration.level is {level!r}; allowed: {', '.join(map(str, config['levels']))}"
        return
    if not r.is_set("loggingConfiguration.logDestination"):
        yield "loggingConfiguration.logDestination is not set: execution logs go nowhere"
    if config["requireExecutionData"] and r.get("loggingConfiguration.includeExecutionData") is not True:
        yield (f"loggingConfiguration.includeExecutionData is "
               f"{shown(r.get('loggingConfiguration.includeExecutionData'))}: logs omit each state's input and output")


@SERVICE.resource_policy(
    name="sfn-statemachine-tracing", types=[STATE_MACHINE], severity="medium", criteria=["CC7.2"],
    description="State machines send X-Ray traces.",
    remediation="Set tracing_configuration={'enabled': True} and allow the X-Ray write actions in the state machine's "
                "role.",
    checkov=["CKV_AWS_284"])
def _tracing(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("tracingConfiguration.enabled") is not True:
        yield f"tracingConfiguration.enabled is {shown(r.get('tracingConfiguration.enabled'))}, not true"


@SERVICE.resource_policy(
    name="sfn-statemachine-customer-key", types=[STATE_MACHINE], severity="medium", criteria=["CC6.1", "C1.1"],
    description="State machines encrypt their definitions and execution data with a customer-managed KMS key.",
    remediation="Set encryption_configuration={'type': 'CUSTOMER_MANAGED_KMS_KEY', 'kms_key_id': key.arn} with a key "
                "whose policy admits states.amazonaws.com.")
def _customer_key(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    kind = r.get("encryptionConfiguration.type")
    if kind != CUSTOMER_KEY:
        yield f"encryptionConfiguration.type is {shown(kind)}: data is encrypted only with an AWS-owned key"
    elif not r.is_set("encryptionConfiguration.kmsKeyId"):
        yield "encryptionConfiguration.kmsKeyId is not set"
