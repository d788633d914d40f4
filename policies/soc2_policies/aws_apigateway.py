"""API Gateway: REST APIs (v1) and HTTP/WebSocket APIs (v2), one resource at a time; the policies
that join stages to their settings, routes to their APIs and stages to web ACLs are in
aws_apigateway_stack.py."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterable, Mapping

from .checks import flag_on, list_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("apigateway", "API Gateway", "REST, HTTP and WebSocket APIs: stages, methods, routes and custom "
                                               "domains.")

REST_API = SERVICE.resource_type("aws:apigateway/restApi:RestApi", kind="REST API", public=True)
REST_STAGE = SERVICE.resource_type("aws:apigateway/stage:Stage", kind="API stage")
METHOD_SETTINGS = SERVICE.resource_type("aws:apigateway/methodSettings:MethodSettings", kind="method settings")
METHOD = SERVICE.resource_type("aws:apigateway/method:Method", kind="API method")
REST_DOMAIN = SERVICE.resource_type("aws:apigateway/domainName:DomainName", kind="API domain name", public=True)
V2_API = SERVICE.resource_type("aws:apigatewayv2/api:Api", kind="HTTP or WebSocket API", public=True)
V2_STAGE = SERVICE.resource_type("aws:apigatewayv2/stage:Stage", kind="API stage")
ROUTE = SERVICE.resource_type("aws:apigatewayv2/route:Route", kind="API route")
V2_DOMAIN = SERVICE.resource_type("aws:apigatewayv2/domainName:DomainName", kind="API domain name", public=True)
STAGES = [REST_STAGE, V2_STAGE]
# TLS_1_2 and the enhanced policies whose minimum is TLS 1.2 or 1.3 (SecurityPolicy_TLS13_1_3_2025_09...).
TLS12_POLICIES = ["TLS_1_2", "SecurityPolicy_TLS12_*", "SecurityPolicy_TLS13_*"]
SECURITY_POLICY = {REST_DOMAIN: "securityPolicy", V2_DOMAIN: "domainNameConfiguration.securityPolicy"}


@SERVICE.resource_policy(
    name="apigateway-stage-access-logging", types=STAGES, severity="high", criteria=["CC7.2", "CC7.3"],
    description="API Gateway stages write access logs to CloudWatch Logs or Firehose.",
    remediation="Set access_log_settings={'destination_arn': log_group.arn, 'format': json.dumps({...})} with at "
                "least $context.requestId, $context.identity.sourceIp, $context.status and $context.requestTime.",
    checkov=["CKV_AWS_76", "CKV_AWS_95"])
def _access_logging(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("accessLogSettings.destinationArn"):
        yield "access logs are off: accessLogSettings.destinationArn is not set"


def _data_traces(r: Resource) -> list[str]:
    """Paths that turn data tracing on: a MethodSettings' settings, a v2 stage's default and per-route settings."""
    if r.type == METHOD_SETTINGS:
        return ["settings.dataTraceEnabled"]
    return ["defaultRouteSettings.dataTraceEnabled",
            *(f"routeSettings.{i}.dataTraceEnabled" for i in range(len(r.list("routeSettings"))))]


@SERVICE.resource_policy(
    name="apigateway-stage-data-trace-off", types=[METHOD_SETTINGS, V2_STAGE], severity="high",
    criteria=["C1.1", "CC6.1"],
    description="API Gateway does not log full requests and responses (data trace), which copies credentials and "
                "customer data into the logs.",
    remediation="Remove data_trace_enabled=True from MethodSettings settings (and from a v2 stage's "
                "default_route_settings and route_settings); keep logging_level ERROR or INFO.",
    checkov=["CKV_AWS_276"])
def _data_trace_off(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for path in _data_traces(r):
        if r.get(path) is True:
            yield f"{path} is true: request and response bodies and headers are written to the logs"


@SERVICE.resource_policy(
    name="apigateway-method-authorized", types=[METHOD], severity="high", criteria=["CC6.1", "CC6.2"],
    description="API Gateway REST methods require an authorizer, IAM or an API key.",
    remediation="Set authorization to AWS_IAM, COGNITO_USER_POOLS or CUSTOM (with authorizer_id), or "
                "api_key_required=True. CORS preflight (OPTIONS) methods are exempt.",
    checkov=["CKV_AWS_59", "CKV2_AWS_70"])
def _method_authorized(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("httpMethod") == "OPTIONS":
        return
    if r.get("authorization") == "NONE" and r.get("apiKeyRequired") is not True:
        yield (f"{r.get('httpMethod')} method has authorization 'NONE' and apiKeyRequired is "
               f"{shown(r.get('apiKeyRequired'))}: anyone can call it")


@SERVICE.resource_policy(
    name="apigateway-domainname-tls12", types=[REST_DOMAIN, V2_DOMAIN], severity="high", criteria=["CC6.7"],
    description="API Gateway custom domains accept TLS 1.2 or newer only.",
    remediation="Set security_policy='TLS_1_2' (or an enhanced SecurityPolicy_TLS13_* policy) on the DomainName; on "
                "apigatewayv2 set domain_name_configuration.security_policy='TLS_1_2'.",
    config={"allowedPolicies": list_schema(TLS12_POLICIES, "Accepted security policies (globs).")},
    checkov=["CKV_AWS_206"])
def _domain_tls(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    path = SECURITY_POLICY[r.type]
    policy = r.get(path)
    if not isinstance(policy, str) or not any(fnmatchcase(policy, str(p)) for p in config["allowedPolicies"]):
        shown_policy = "unset, so TLS 1.0 may be accepted" if policy is None else repr(policy)
        yield f"{path} is {shown_policy}; allowed: {', '.join(map(str, config['allowedPolicies']))}"


SERVICE.resource_policy(
    name="apigateway-stage-xray-tracing", types=[REST_STAGE], severity="low", criteria=["CC7.2"],
    description="API Gateway REST stages send X-Ray traces.",
    remediation="Set xray_tracing_enabled=True on the aws.apigateway.Stage.",
    checkov=["CKV_AWS_73"],
)(flag_on("xrayTracingEnabled", "requests are not traced"))
