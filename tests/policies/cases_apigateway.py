"""API Gateway policy cases: REST (v1) and HTTP/WebSocket (v2) stages, methods, routes, custom domains,
method settings joined to their stages, and web ACLs."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.policies.cases_lambda import ACCOUNT, named
from tests.policies.harness import Build, Case

LOGS = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/apigateway/orders"
ACCESS_LOGS = {"destination_arn": LOGS, "format": json.dumps({"requestId": "$context.requestId",
                                                              "ip": "$context.identity.sourceIp",
                                                              "status": "$context.status"})}
WEB_ACL = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/api/abc"
CERTIFICATE = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc"
LOGGED = {"logging_level": "ERROR", "metrics_enabled": True, "data_trace_enabled": False}
SECURE_STAGE: dict[str, Any] = dict(stage_name="prod", xray_tracing_enabled=True, access_log_settings=ACCESS_LOGS)


def rest_stage(settings: list[dict[str, Any]] | None = None, waf: str = "output", endpoint: str = "REGIONAL",
               by_literal: bool = False, **changes: Any) -> Build:
    """A REST API, its prod stage, MethodSettings for it (computed from the stage, or naming the API and stage),
    and a web ACL association by the stage's ARN output ('output') or none."""
    def build() -> None:
        api = aws.apigateway.RestApi("orders", endpoint_configuration={"types": endpoint})
        deployment = aws.apigateway.Deployment("orders", rest_api=api.id)
        stage = aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id,
                                     **{**SECURE_STAGE, **changes})
        for index, entry in enumerate([{"method_path": "*/*", "settings": LOGGED}] if settings is None else settings):
            aws.apigateway.MethodSettings(f"prod-settings-{index}", rest_api=api.id,
                                          stage_name="prod" if by_literal else stage.stage_name, **entry)
        if waf == "output":
            aws.wafv2.WebAclAssociation("prod-waf", resource_arn=stage.arn, web_acl_arn=WEB_ACL)
    label = f"settings={settings}, waf={waf}, endpoint={endpoint}, literal={by_literal}, {changes}"
    return named(f"rest_stage({label})", build)


def external_stage(association_arn: str | None) -> Build:
    """A stage of a REST API created elsewhere (its id written out), protected through a literal stage ARN."""
    def build() -> None:
        aws.apigateway.Stage("prod", rest_api="a1b2c3d4e5", deployment="dep123", **SECURE_STAGE)
        aws.apigateway.MethodSettings("prod-settings", rest_api="a1b2c3d4e5", stage_name="prod", method_path="*/*",
                                      settings=LOGGED)
        if association_arn:
            aws.wafv2.WebAclAssociation("prod-waf", resource_arn=association_arn, web_acl_arn=WEB_ACL)
    return named(f"external_stage({association_arn})", build)


def method(**args: Any) -> Build:
    def build() -> None:
        api = aws.apigateway.RestApi("orders")
        resource = aws.apigateway.Resource("orders", rest_api=api.id, parent_id=api.root_resource_id,
                                           path_part="orders")
        aws.apigateway.Method("get-orders", rest_api=api.id, resource_id=resource.id,
                              **{"http_method": "GET", "authorization": "NONE", **args})
    return named(f"method({args})", build)


def v2_stage(protocol: str = "WEBSOCKET", **changes: Any) -> Build:
    def build() -> None:
        api = aws.apigatewayv2.Api("orders", protocol_type=protocol,
                                   **({"route_selection_expression": "$request.body.action"}
                                      if protocol == "WEBSOCKET" else {}))
        defaults = {"logging_level": "ERROR", "data_trace_enabled": False, "throttling_rate_limit": 100,
                    "throttling_burst_limit": 50} if protocol == "WEBSOCKET" else {"throttling_rate_limit": 100}
        aws.apigatewayv2.Stage("prod", api_id=api.id, name="prod",
                               **{"access_log_settings": ACCESS_LOGS, "default_route_settings": defaults, **changes})
    return named(f"v2_stage({protocol}, {changes})", build)


def route(key: str, protocol: str | None = "HTTP", **args: Any) -> Build:
    """A route of an HTTP or WebSocket API in the program, or (protocol None) of an API created elsewhere."""
    def build() -> None:
        api_id: Any = "abc123"
        if protocol:
            api = aws.apigatewayv2.Api("orders", protocol_type=protocol,
                                       **({"route_selection_expression": "$request.body.action"}
                                          if protocol == "WEBSOCKET" else {}))
            api_id = api.id
        aws.apigatewayv2.Route("route", api_id=api_id, route_key=key, **args)
    return named(f"route({key!r}, {protocol}, {args})", build)


def quick_create(target: bool) -> Build:
    return named(f"quick_create(target={target})", lambda: aws.apigatewayv2.Api(
        "orders", protocol_type="HTTP",
        **({"target": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"} if target else {})))


def rest_domain(**args: Any) -> Build:
    return named(f"rest_domain({args})", lambda: aws.apigateway.DomainName(
        "api", domain_name="api.example.com", regional_certificate_arn=CERTIFICATE,
        endpoint_configuration={"types": "REGIONAL"}, **args))


def v2_domain(policy: str) -> Build:
    return named(f"v2_domain({policy})", lambda: aws.apigatewayv2.DomainName(
        "ws", domain_name="ws.example.com", domain_name_configuration={
            "certificate_arn": CERTIFICATE, "endpoint_type": "REGIONAL", "security_policy": policy}))


SECURE = rest_stage()
JWT = {"authorization_type": "JWT", "authorizer_id": "auth123"}
STAR = "*/*"

CASES = [
    Case("apigateway-stage-access-logging", SECURE, rest_stage(access_log_settings=None),
         "access logs are off: accessLogSettings.destinationArn is not set"),
    Case("apigateway-stage-access-logging", v2_stage(), v2_stage(access_log_settings=None),
         "accessLogSettings.destinationArn is not set"),
    Case("apigateway-stage-data-trace-off", SECURE,
         rest_stage(settings=[{"method_path": STAR, "settings": {**LOGGED, "data_trace_enabled": True}}]),
         "settings.dataTraceEnabled is true: request and response bodies and headers are written to the logs"),
    Case("apigateway-stage-data-trace-off", v2_stage(),
         v2_stage(route_settings=[{"route_key": "$connect", "data_trace_enabled": True}]),
         "routeSettings.0.dataTraceEnabled is true"),
    Case("apigateway-stage-data-trace-off", v2_stage(), v2_stage(default_route_settings={
        "logging_level": "INFO", "data_trace_enabled": True}), "defaultRouteSettings.dataTraceEnabled is true"),
    Case("apigateway-method-authorized", method(authorization="CUSTOM", authorizer_id="auth123"), method(),
         "GET method has authorization 'NONE' and apiKeyRequired is unset: anyone can call it"),
    Case("apigateway-method-authorized", method(api_key_required=True), method(api_key_required=False),
         "apiKeyRequired is False"),
    Case("apigateway-method-authorized", method(http_method="OPTIONS"), method(http_method="POST"),
         "POST method has authorization 'NONE'"),
    Case("apigateway-domainname-tls12", rest_domain(security_policy="TLS_1_2"), rest_domain(security_policy="TLS_1_0"),
         "securityPolicy is 'TLS_1_0'; allowed: TLS_1_2, SecurityPolicy_TLS12_*, SecurityPolicy_TLS13_*"),
    Case("apigateway-domainname-tls12", rest_domain(security_policy="SecurityPolicy_TLS13_1_3_2025_09",
                                                    endpoint_access_mode="STRICT"),
         rest_domain(), "securityPolicy is unset, so TLS 1.0 may be accepted"),
    Case("apigateway-domainname-tls12", v2_domain("TLS_1_2"), v2_domain("TLS_1_0"),
         "domainNameConfiguration.securityPolicy is 'TLS_1_0'"),
    Case("apigateway-stage-xray-tracing", SECURE, rest_stage(xray_tracing_enabled=False),
         "xrayTracingEnabled is False, not true"),
    Case("apigateway-stage-execution-logging", SECURE, rest_stage(settings=[]),
         "stage prod has no execution logs: no MethodSettings with methodPath '*/*' sets settings.loggingLevel to "
         "ERROR or INFO"),
    Case("apigateway-stage-execution-logging", rest_stage(by_literal=True),
         rest_stage(by_literal=True, settings=[{"method_path": STAR, "settings": {"logging_level": "OFF"}}]),
         "stage prod has no execution logs"),
    Case("apigateway-stage-execution-logging", rest_stage(settings=[
        {"method_path": STAR, "settings": LOGGED},
        {"method_path": "orders/GET", "settings": {"metrics_enabled": True}}]),
         rest_stage(settings=[{"method_path": STAR, "settings": LOGGED},
                              {"method_path": "orders/GET", "settings": {"logging_level": "OFF"}}]),
         "MethodSettings prod-settings-1 turns execution logging off for orders/GET"),
    Case("apigateway-stage-execution-logging", external_stage(None), rest_stage(settings=[
        {"method_path": "orders/GET", "settings": LOGGED}]), "no MethodSettings with methodPath '*/*'"),
    Case("apigateway-stage-execution-logging", v2_stage(protocol="HTTP"),
         v2_stage(default_route_settings={"throttling_rate_limit": 100}),
         "WebSocket stage prod has no execution logs: defaultRouteSettings.loggingLevel is None"),
    Case("apigateway-stage-cache-encrypted", rest_stage(cache_cluster_enabled=True, cache_cluster_size="0.5",
                                                        settings=[{"method_path": STAR, "settings": {
                                                            **LOGGED, "caching_enabled": True,
                                                            "cache_data_encrypted": True}}]),
         rest_stage(cache_cluster_enabled=True, cache_cluster_size="0.5"),
         "stage prod has a cache cluster, which caches GET methods by default, but no MethodSettings with "
         "methodPath '*/*' sets settings.cacheDataEncrypted"),
    Case("apigateway-stage-cache-encrypted", SECURE, rest_stage(settings=[
        {"method_path": STAR, "settings": LOGGED},
        {"method_path": "orders/GET", "settings": {"caching_enabled": True, "cache_ttl_in_seconds": 60}}]),
         "MethodSettings prod-settings-1 caches orders/GET without encryption"),
    Case("apigateway-restapi-waf", SECURE, rest_stage(waf="none"),
         "stage prod of a public REST API has no web ACL: no WebAclAssociation's resourceArn refers to it"),
    Case("apigateway-restapi-waf", rest_stage(waf="none", endpoint="PRIVATE"), rest_stage(waf="none", endpoint="EDGE"),
         "stage prod of a public REST API has no web ACL"),
    Case("apigateway-restapi-waf",
         external_stage("arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"),
         external_stage("arn:aws:apigateway:us-east-1::/restapis/zzz999/stages/prod"), "has no web ACL"),
    Case("apigateway-route-authorized", route("GET /orders", **JWT), route("GET /orders"),
         "route 'GET /orders' (route) has authorizationType 'NONE': anyone can call it"),
    Case("apigateway-route-authorized", route("$default", authorization_type="AWS_IAM"),
         route("$default", authorization_type="NONE"), "route '$default' (route) has authorizationType 'NONE'"),
    Case("apigateway-route-authorized", route("$default", protocol="WEBSOCKET"),
         route("$connect", protocol="WEBSOCKET"),
         "route '$connect' (route) has authorizationType 'NONE'"),
    Case("apigateway-route-authorized", route("$connect", protocol="WEBSOCKET", api_key_required=True),
         route("$connect", protocol=None), "route '$connect' (route) has authorizationType 'NONE'"),
    Case("apigateway-route-authorized", route("sendMessage", protocol=None), route("POST /orders", protocol=None),
         "route 'POST /orders' (route) has authorizationType 'NONE'"),
    Case("apigateway-route-authorized", quick_create(target=False), quick_create(target=True),
         "HTTP API orders is quick-created (target is set): its default route has no authorizer"),
]
