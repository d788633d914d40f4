"""Lambda: functions, their resource-based permissions, function URLs and asynchronous invocation configs."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .catalog import Arn, Dimension
from .checks import is_set, list_schema, shown
from .conventions import UNKNOWN, is_credential_key
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("lambda", "Lambda", "Functions, their permissions, function URLs and asynchronous invocation.")

FUNCTION = SERVICE.resource_type(
    "aws:lambda/function:Function", kind="function", key="kmsKeyArn", public=True,
    arn=Arn("lambda", "function:", "name"), dimension=Dimension("FunctionName", "name"))
PERMISSION = SERVICE.resource_type("aws:lambda/permission:Permission", kind="function permission")
FUNCTION_URL = SERVICE.resource_type("aws:lambda/functionUrl:FunctionUrl", kind="function URL", public=True)
INVOKE_CONFIG = SERVICE.resource_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                                      kind="asynchronous invocation config")

# Values that are credentials whatever their key is called: AWS access key ids, private keys, GitHub,
# Slack and Stripe live tokens.
SECRET_VALUES = [r"\b(AKIA|ASIA)[A-Z0-9]{16}\b", r"-----BEGIN [A-Z ]*PRIVATE KEY-----", r"\bgh[pousr]_[A-Za-z0-9]{36,}",
                 r"\bxox[abprs]-[A-Za-z0-9-]{10,}", r"\b[rs]k_live_[A-Za-z0-9]{20,}"]
# A value that names where a secret is kept rather than holding it: an ARN, a CloudFormation-style
# dynamic reference, or an SSM parameter path.
REFERENCE_VALUE = re.compile(r"^(arn:|\{\{resolve:|/[\w.\-/]+$)")
# Narrow a `*` principal to one organization, account or source, as a function policy condition does.
NARROWING = ("sourceArn", "sourceAccount", "principalOrgId")


@SERVICE.resource_policy(
    name="lambda-permission-no-public-principal", types=[PERMISSION], severity="critical", criteria=["CC6.6", "CC6.3"],
    description="Lambda permissions do not let everyone invoke a function.",
    remediation="Set principal to an account ID, a role ARN or a service principal such as apigateway.amazonaws.com; "
                "if it must stay '*', narrow it with source_arn, source_account or principal_org_id.",
    checkov=["CKV_AWS_301"])
def _no_public_principal(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("principal") == "*" and not any(r.is_set(p) for p in NARROWING):
        url = f" (functionUrlAuthType {r.get('functionUrlAuthType')})" if r.is_set("functionUrlAuthType") else ""
        yield (f"principal is '*'{url} with no sourceArn, sourceAccount or principalOrgId: anyone may invoke the "
               "function")


@SERVICE.resource_policy(
    name="lambda-permission-service-source-limited", types=[PERMISSION], severity="high", criteria=["CC6.3", "CC6.6"],
    description="Lambda permissions granted to an AWS service name the source ARN or account that may invoke.",
    remediation="Set source_arn to the ARN of the resource that invokes the function (the API's execution ARN, the "
                "bucket, the rule) or source_account to your account ID.",
    checkov=["CKV_AWS_364"])
def _service_source_limited(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    principal = r.get("principal")
    if isinstance(principal, str) and principal.endswith((".amazonaws.com", ".amazonaws.com.cn")) \
            and not (r.is_set("sourceArn") or r.is_set("sourceAccount")):
        yield (f"principal {principal} may invoke the function on behalf of any account's resources: sourceArn and "
               "sourceAccount are unset")


@SERVICE.resource_policy(
    name="lambda-functionurl-auth-required", types=[FUNCTION_URL], severity="high",
    criteria=["CC6.1", "CC6.2", "CC6.6"],
    description="Lambda function URLs authenticate callers.",
    remediation="Set authorization_type='AWS_IAM' and grant lambda:InvokeFunctionUrl to the callers; put a public "
                "endpoint behind API Gateway with an authorizer instead.",
    checkov=["CKV_AWS_258"])
def _url_auth(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("authorizationType") == "NONE":
        yield "authorizationType is 'NONE': anyone on the internet can call the function URL"


@SERVICE.resource_policy(
    name="lambda-functionurl-cors-restricted", types=[FUNCTION_URL], severity="high", criteria=["CC6.6"],
    description="Lambda function URLs accept cross-origin requests only from named origins.",
    remediation="List the web origins that may call the function in cors.allow_origins (https://app.example.com), "
                "never '*'.",
    checkov=["CKV2_AWS_75"])
def _url_cors(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if "*" in r.list("cors.allowOrigins"):
        yield "cors.allowOrigins contains '*': any website can call the function from its visitors' browsers"


def _secret_keys(r: Resource, patterns: list[re.Pattern[str]]) -> tuple[list[str], list[str]]:
    """(keys holding a literal credential, credential-named keys whose value is unknown until deploy)."""
    found, unknown = [], []
    for key, value in r.dict("environment.variables").items():
        if value == UNKNOWN:
            if is_credential_key(str(key)):
                unknown.append(str(key))
        elif isinstance(value, str) and value.strip() and not REFERENCE_VALUE.match(value) and (
                is_credential_key(str(key)) or any(p.search(value) for p in patterns)):
            found.append(str(key))
    return found, unknown


@SERVICE.resource_policy(
    name="lambda-function-no-secrets-in-environment", types=[FUNCTION], severity="critical", criteria=["CC6.1", "C1.1"],
    description="Lambda environment variables hold no credentials.",
    remediation="Keep the credential in Secrets Manager or SSM Parameter Store, pass its ARN or name in the "
                "environment (DB_SECRET_ARN), grant the function's role secretsmanager:GetSecretValue on it and read "
                "it at start. A pulumi.Output.secret is not enough: Lambda shows environment values to anyone who can "
                "read the function's configuration.",
    config={"valuePatterns": list_schema(SECRET_VALUES, "Regular expressions over environment values that are "
                                                        "credentials whatever their key is called.")},
    checkov=["CKV_AWS_45"])
def _no_secrets(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    patterns, invalid = [], []
    for pattern in config.get("valuePatterns") or []:
        try:
            patterns.append(re.compile(str(pattern)))
        except re.error:
            invalid.append(str(pattern))
    for pattern in invalid:
        yield f"valuePatterns entry {pattern!r} is not a valid regular expression"
    found, unknown = _secret_keys(r, patterns)
    for key in found:
        yield (f"environment.variables.{key} holds a credential: anyone who can read the function's configuration "
               "sees it")
    if not found and unknown:
        r.get(f"environment.variables.{unknown[0]}")  # computed: raises, so the policy reports "not evaluated"


@SERVICE.resource_policy(
    name="lambda-function-environment-kms", types=[FUNCTION], severity="high", criteria=["CC6.1", "C1.1"],
    description="Lambda functions with environment variables encrypt them with a customer-managed KMS key.",
    remediation="Set kms_key_arn to a customer-managed key whose policy lets the function's role decrypt.",
    checkov=["CKV_AWS_173"])
def _environment_kms(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.is_set("environment.variables") and not r.is_set("kmsKeyArn"):
        yield "environment variables are encrypted only with the AWS-managed aws/lambda key: kmsKeyArn is not set"


@SERVICE.resource_policy(
    name="lambda-function-tracing", types=[FUNCTION], severity="medium", criteria=["CC7.2"],
    description="Lambda functions send X-Ray traces.",
    remediation="Set tracing_config={'mode': 'Active'} and allow xray:PutTraceSegments in the function's role.",
    checkov=["CKV_AWS_50"])
def _tracing(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    mode = r.get("tracingConfig.mode")
    if mode != "Active":
        yield f"tracingConfig.mode is {shown(mode)}, not 'Active'"


def _has_failure_destination(config: Resource) -> bool:
    return config.is_set("destinationConfig.onFailure.destination")


@SERVICE.stack_policy(
    name="lambda-function-failure-destination", severity="medium", criteria=["A1.2", "CC7.5"],
    description="Lambda functions keep asynchronous events that failed every retry, in a dead-letter queue or an "
                "on-failure destination.",
    remediation="Set dead_letter_config={'target_arn': queue.arn} on the function, or add an "
                "aws.lambda_.FunctionEventInvokeConfig with destination_config.on_failure.destination. Functions "
                "invoked only synchronously can be waived.",
    checkov=["CKV_AWS_116"], examines=[FUNCTION])
def _failure_destination(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    configs = stack.referrers([INVOKE_CONFIG], "functionName", [FUNCTION], "name")
    for function in stack.of_type(FUNCTION):
        if function.is_set("deadLetterConfig.targetArn"):
            continue
        if not any(_has_failure_destination(c) for c in configs.get(function.urn, [])):
            yield (f"function {function.name} drops asynchronous events that fail: no deadLetterConfig.targetArn and "
                   "no FunctionEventInvokeConfig with an onFailure destination"), function.urn


SERVICE.resource_policy(
    name="lambda-function-in-vpc", types=[FUNCTION], severity="low", criteria=["CC6.6"],
    description="Lambda functions run inside a VPC, behind its security groups.",
    remediation="Set vpc_config with private subnet_ids and security_group_ids; functions that call only public AWS "
                "APIs can be waived.",
    checkov=["CKV_AWS_117"],
)(is_set("vpcConfig.subnetIds", "the function runs outside any VPC"))

