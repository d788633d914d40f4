"""API Gateway policies that join resources: a stage and its method settings (execution logs, cache
encryption), a stage and the web ACL protecting it, a route and the API that says which routes can
carry an authorizer."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .aws_apigateway import METHOD_SETTINGS, REST_API, REST_STAGE, ROUTE, SERVICE, V2_API, V2_STAGE
from .aws_wafv2 import ASSOCIATION
from .checks import list_schema
from .conventions import UNKNOWN
from .framework import Resource, Stack

ALL_METHODS = "*/*"
LOG_LEVELS = ["ERROR", "INFO"]


def _first(resource: Resource, path: str, type_: str) -> Resource | None:
    return next((d for d in resource.depends_on(path) if d.type == type_), None)


def _api_key(resource: Resource, path: str, type_: str) -> str | None:
    """What identifies the API a resource belongs to: the URN of the API it was computed from, or a literal id."""
    api = _first(resource, path, type_)
    literal = resource.peek(path)
    if api is not None:
        return api.urn
    return literal if isinstance(literal, str) and literal not in ("", UNKNOWN) else None


def _settings_by_stage(stack: Stack) -> dict[str, list[Resource]]:
    """Stage URN to its MethodSettings: computed from the stage, or naming its API and stage name."""
    stages = {(key, name): s for s in stack.of_type(REST_STAGE)
              if (key := _api_key(s, "restApi", REST_API)) and isinstance(name := s.peek("stageName"), str)}
    found: dict[str, list[Resource]] = {}
    for settings in stack.of_type(METHOD_SETTINGS):
        name = settings.peek("stageName")
        stage = _first(settings, "stageName", REST_STAGE) or (
            stages.get((_api_key(settings, "restApi", REST_API), name)) if isinstance(name, str) else None)
        if stage is not None:
            found.setdefault(stage.urn, []).append(settings)
    return found


def _all_methods(settings: list[Resource]) -> list[Resource]:
    return [s for s in settings if s.get("methodPath") == ALL_METHODS]


def _rest_logging(stage: Resource, settings: list[Resource], levels: list[str]) -> Iterable[str]:
    if not any(s.get("settings.loggingLevel") in levels for s in _all_methods(settings)):
        yield (f"stage {stage.name} has no execution logs: no MethodSettings with methodPath '*/*' sets "
               f"settings.loggingLevel to {' or '.join(levels)}")
    for s in settings:
        if s.get("settings.loggingLevel") == "OFF":
            yield f"stage {stage.name}: MethodSettings {s.name} turns execution logging off for {s.get('methodPath')}"


@SERVICE.stack_policy(
    name="apigateway-stage-execution-logging", severity="high", criteria=["CC7.2", "CC7.3"],
    description="API Gateway REST and WebSocket stages write execution logs (ERROR or INFO) to CloudWatch Logs.",
    remediation="REST: add aws.apigateway.MethodSettings(rest_api=api.id, stage_name=stage.stage_name, "
                "method_path='*/*', settings={'logging_level': 'ERROR', 'metrics_enabled': True}) and an "
                "aws.apigateway.Account with cloudwatch_role_arn. WebSocket: set "
                "default_route_settings={'logging_level': 'ERROR'} on the stage. HTTP APIs have access logs only.",
    config={"levels": list_schema(LOG_LEVELS, "Accepted execution logging levels.")},
    checkov=["CKV2_AWS_4"], examines=[REST_STAGE, V2_STAGE])
def _execution_logging(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    levels = [str(level) for level in config["levels"]]
    settings = _settings_by_stage(stack)
    for stage in stack.of_type(REST_STAGE):
        for message in _rest_logging(stage, settings.get(stage.urn, []), levels):
            yield message, stage.urn
    for stage in stack.of_type(V2_STAGE):
        api = _first(stage, "apiId", V2_API)
        level = stage.get("defaultRouteSettings.loggingLevel")
        # Only WebSocket APIs log executions; a stage whose API is elsewhere is judged by what it sets.
        websocket = api.get("protocolType") == "WEBSOCKET" if api is not None else level is not None
        if websocket and level not in levels:
            yield (f"WebSocket stage {stage.name} has no execution logs: defaultRouteSettings.loggingLevel is "
                   f"{level!r}, not {' or '.join(levels)}"), stage.urn


@SERVICE.stack_policy(
    name="apigateway-stage-cache-encrypted", severity="high", criteria=["CC6.1", "C1.1"],
    description="API Gateway response caches are encrypted.",
    remediation="In the MethodSettings of a caching stage (method_path='*/*') and of every method with "
                "caching_enabled=True, set cache_data_encrypted=True.",
    checkov=["CKV_AWS_308"], examines=[REST_STAGE, METHOD_SETTINGS])
def _cache_encrypted(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for s in stack.of_type(METHOD_SETTINGS):
        if s.get("settings.cachingEnabled") is True and s.get("settings.cacheDataEncrypted") is not True:
            yield (f"MethodSettings {s.name} caches {s.get('methodPath')} without encryption: "
                   "settings.cacheDataEncrypted is not true"), s.urn
    settings = _settings_by_stage(stack)
    for stage in stack.of_type(REST_STAGE):
        if stage.get("cacheClusterEnabled") is not True:
            continue
        star = _all_methods(settings.get(stage.urn, []))
        if not any(s.get("settings.cacheDataEncrypted") is True or s.get("settings.cachingEnabled") is False
                   for s in star):
            yield (f"stage {stage.name} has a cache cluster, which caches GET methods by default, but no "
                   "MethodSettings with methodPath '*/*' sets settings.cacheDataEncrypted"), stage.urn


def _private(api: Resource | None) -> bool:
    types = api.get("endpointConfiguration.types") if api is not None else None
    return "PRIVATE" in (types if isinstance(types, list) else [types])


def _protected(stack: Stack) -> tuple[set[str], set[str]]:
    """URNs that web ACL associations' resourceArn was computed from, and the stages their literal ARNs name
    (`/restapis/<id>/stages/<name>`)."""
    associations = stack.of_type(ASSOCIATION)
    arns = [arn for a in associations if isinstance(arn := a.peek("resourceArn"), str) and "/restapis/" in arn]
    return ({d.urn for a in associations for d in a.depends_on("resourceArn")},
            {"/restapis/" + arn.split("/restapis/", 1)[1] for arn in arns})


def _stage_path(stage: Resource) -> str | None:
    api, name = stage.peek("restApi"), stage.peek("stageName")
    return f"/restapis/{api}/stages/{name}" if isinstance(api, str) and isinstance(name, str) else None


@SERVICE.stack_policy(
    name="apigateway-restapi-waf", severity="high", criteria=["CC6.6"],
    description="Every stage of a public (edge or regional) REST API is protected by a WAF web ACL.",
    remediation="Add aws.wafv2.WebAclAssociation(resource_arn=stage.arn, web_acl_arn=web_acl.arn) with a REGIONAL "
                "web ACL, or make the API PRIVATE (endpoint_configuration types PRIVATE).",
    checkov=["CKV2_AWS_29"], examines=[REST_STAGE, REST_API])
def _waf(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    urns, paths = _protected(stack)
    for stage in stack.of_type(REST_STAGE):
        protected = stage.urn in urns or _stage_path(stage) in paths
        if not protected and not _private(_first(stage, "restApi", REST_API)):
            yield (f"stage {stage.name} of a public REST API has no web ACL: no WebAclAssociation's resourceArn "
                   "refers to it"), stage.urn


def _websocket(route: Resource) -> bool:
    """Whether the route belongs to a WebSocket API: its API says so, or (API elsewhere) its key looks so."""
    api = _first(route, "apiId", V2_API)
    if api is not None:
        return api.get("protocolType") == "WEBSOCKET"
    key = route.get("routeKey")
    return isinstance(key, str) and key != "$default" and " " not in key


def _route_open(route: Resource) -> bool:
    authorized = (route.get("authorizationType") or "NONE") != "NONE"
    if _websocket(route):  # only $connect can carry an authorizer or an API key
        return route.get("routeKey") == "$connect" and not authorized and route.get("apiKeyRequired") is not True
    return not authorized


@SERVICE.stack_policy(
    name="apigateway-route-authorized", severity="high", criteria=["CC6.1", "CC6.2"],
    description="API Gateway HTTP routes, and WebSocket $connect routes, require an authorizer or IAM.",
    remediation="Set authorization_type to JWT, CUSTOM (with authorizer_id) or AWS_IAM on the aws.apigatewayv2.Route "
                "(a WebSocket $connect route may use api_key_required=True instead); replace quick-create APIs "
                "(target on the Api) with explicit routes that carry an authorizer.",
    checkov=["CKV_AWS_309"], examines=[ROUTE, V2_API])
def _route_authorized(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for route in stack.of_type(ROUTE):
        if _route_open(route):
            yield (f"route {route.get('routeKey')!r} ({route.name}) has authorizationType "
                   f"{route.get('authorizationType') or 'NONE'!r}: anyone can call it"), route.urn
    for api in stack.of_type(V2_API):
        if api.is_set("target") and api.get("protocolType") == "HTTP":
            yield (f"HTTP API {api.name} is quick-created (target is set): its default route has no authorizer"), \
                api.urn
