"""Lambda policy cases: functions, permissions, function URLs and asynchronous failure destinations."""

from __future__ import annotations

from typing import Any, Callable

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-function"
DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:app-dlq"
SECURE_FUNCTION: dict[str, Any] = dict(
    role=ROLE, runtime="python3.12", handler="index.handler", kms_key_arn=KEY, tracing_config={"mode": "Active"},
    environment={"variables": {"LOG_LEVEL": "info", "DB_SECRET_ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:"
                               "secret:app-db", "DB_PASSWORD_PARAMETER": "/app/db/password"}},
    dead_letter_config={"target_arn": DLQ},
    vpc_config={"subnet_ids": ["subnet-1", "subnet-2"], "security_group_ids": ["sg-1"]})


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def code() -> pulumi.AssetArchive:
    return pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return event\n")})


def function(**changes: Any) -> aws.lambda_.Function:
    return aws.lambda_.Function("app", code=code(), **{**SECURE_FUNCTION, **changes})


def lambda_function(**changes: Any) -> Build:
    return named(f"function({changes or 'secure'})", lambda: function(**changes))


def permission(**args: Any) -> Build:
    def build() -> None:
        fn = function()
        aws.lambda_.Permission("invoke", function=fn.name, **{"action": "lambda:InvokeFunction", **args})
    return named(f"permission({args})", build)


def api_permission(source: bool) -> Build:
    """API Gateway allowed to invoke, limited (or not) to the API's execution ARN."""
    def build() -> None:
        fn = function()
        api = aws.apigatewayv2.Api("http", protocol_type="HTTP")
        aws.lambda_.Permission("apigateway", function=fn.name, action="lambda:InvokeFunction",
                               principal="apigateway.amazonaws.com",
                               source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*") if source else None)
    return named(f"api_permission(source={source})", build)


def url(literal_name: bool = False, **args: Any) -> Build:
    def build() -> None:
        fn = function(**({"name": "app-fn"} if literal_name else {}))
        aws.lambda_.FunctionUrl("url", function_name="app-fn" if literal_name else fn.name,
                                **{"authorization_type": "AWS_IAM", **args})
    return named(f"url(literal={literal_name}, {args})", build)


def environment(secret: tuple[str, str] | None = None, **variables: Any) -> Build:
    """A function with these environment variables, and `secret` (key, value) passed as a pulumi secret."""
    def build() -> None:
        wrapped = {secret[0]: pulumi.Output.secret(secret[1])} if secret else {}
        function(environment={"variables": {"LOG_LEVEL": "info", **variables, **wrapped}})
    return named(f"environment({sorted(variables)}, secret={secret[0] if secret else None})", build)


def computed_key() -> Build:
    def build() -> None:
        key = aws.kms.Key("functions", enable_key_rotation=True)
        function(kms_key_arn=key.arn)
    return named("computed_key", build)


def failure_handling(kind: str) -> Build:
    """A function without a dead-letter queue, whose async failures go (or not) to an invocation config."""
    def build() -> None:
        fn = function(dead_letter_config=None, **({"name": "app-fn"} if kind == "literal" else {}))
        target = "app-fn" if kind == "literal" else fn.name
        if kind in ("config", "literal"):
            aws.lambda_.FunctionEventInvokeConfig("async", function_name=target,
                                                  destination_config={"on_failure": {"destination": DLQ}})
        elif kind == "success-only":
            aws.lambda_.FunctionEventInvokeConfig("async", function_name=target,
                                                  destination_config={"on_success": {"destination": DLQ}})
    return named(f"failure_handling({kind})", build)


SECURE = lambda_function()

CASES = [
    Case("lambda-permission-no-public-principal", permission(principal=ACCOUNT), permission(principal="*"),
         "principal is '*' with no sourceArn, sourceAccount or principalOrgId"),
    Case("lambda-permission-no-public-principal", permission(principal="*", principal_org_id="o-abc123def4"),
         permission(principal="*", action="lambda:InvokeFunctionUrl", function_url_auth_type="NONE"),
         "principal is '*' (functionUrlAuthType NONE)"),
    Case("lambda-permission-service-source-limited", api_permission(source=True), api_permission(source=False),
         "principal apigateway.amazonaws.com may invoke the function on behalf of any account's resources"),
    Case("lambda-permission-service-source-limited", permission(principal="s3.amazonaws.com", source_account=ACCOUNT),
         permission(principal="s3.amazonaws.com"), "sourceArn and sourceAccount are unset"),
    Case("lambda-functionurl-auth-required", url(), url(authorization_type="NONE"), "authorizationType is 'NONE'"),
    Case("lambda-functionurl-auth-required", url(literal_name=True),
         url(literal_name=True, authorization_type="NONE"), "anyone on the internet can call the function URL"),
    Case("lambda-functionurl-cors-restricted", url(cors={"allow_origins": ["https://app.example.com"]}),
         url(cors={"allow_origins": ["*"]}), "cors.allowOrigins contains '*'"),
    Case("lambda-functionurl-cors-restricted", url(),
         url(cors={"allow_origins": ["https://app.example.com", "*"], "allow_methods": ["GET"]}),
         "any website can call the function"),
    Case("lambda-function-no-secrets-in-environment", SECURE, environment(DB_PASSWORD="hunter2-but-longer"),
         "environment.variables.DB_PASSWORD holds a credential"),
    Case("lambda-function-no-secrets-in-environment", environment(UPSTREAM_URL="https://api.example.com"),
         environment(UPSTREAM="AKIAABCDEFGHIJKLMNOP"), "environment.variables.UPSTREAM holds a credential"),
    Case("lambda-function-no-secrets-in-environment", environment(STRIPE_KEY_ARN="arn:aws:ssm:us-east-1:1:p/stripe"),
         environment(secret=("STRIPE_API_KEY", "sk_live_abcdefghijklmnopqrstuvwx")),
         "environment.variables.STRIPE_API_KEY holds a credential"),
    Case("lambda-function-environment-kms", SECURE, lambda_function(kms_key_arn=None), "kmsKeyArn is not set"),
    Case("lambda-function-environment-kms", computed_key(), lambda_function(kms_key_arn=None, environment={
        "variables": {"QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/1/jobs"}}), "aws/lambda key"),
    Case("lambda-function-tracing", SECURE, lambda_function(tracing_config={"mode": "PassThrough"}),
         "tracingConfig.mode is 'PassThrough', not 'Active'"),
    Case("lambda-function-tracing", SECURE, lambda_function(tracing_config=None), "tracingConfig.mode is unset"),
    Case("lambda-function-failure-destination", SECURE, failure_handling("none"),
         "function app drops asynchronous events that fail"),
    Case("lambda-function-failure-destination", failure_handling("config"), failure_handling("success-only"),
         "no FunctionEventInvokeConfig with an onFailure destination"),
    Case("lambda-function-failure-destination", failure_handling("literal"), failure_handling("none"),
         "no deadLetterConfig.targetArn"),
    Case("lambda-function-in-vpc", SECURE, lambda_function(vpc_config=None), "vpcConfig.subnetIds is not set"),
]
