"""AppSync: GraphQL and Event APIs, their logs, authentication, caches and web ACLs."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .aws_wafv2 import ASSOCIATION
from .checks import flag_on, list_schema, shown
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("appsync", "AppSync", "GraphQL and Event APIs and their caches.")

GRAPHQL_API = SERVICE.resource_type("aws:appsync/graphQLApi:GraphQLApi", kind="GraphQL API", public=True)
EVENT_API = SERVICE.resource_type("aws:appsync/api:Api", kind="Event API", public=True)
API_CACHE = SERVICE.resource_type("aws:appsync/apiCache:ApiCache", kind="API cache")
APIS = [GRAPHQL_API, EVENT_API]
# Every level but NONE logs errors (ERROR < INFO < DEBUG < ALL).
LOG_LEVELS = ["ERROR", "INFO", "DEBUG", "ALL"]


def _log_paths(r: Resource) -> tuple[str, str]:
    """Where the API keeps its logging role and level: a GraphQL API's logConfig, an Event API's eventConfig."""
    if r.type == EVENT_API:
        return "eventConfig.logConfig.cloudwatchLogsRoleArn", "eventConfig.logConfig.logLevel"
    return "logConfig.cloudwatchLogsRoleArn", "logConfig.fieldLogLevel"


@SERVICE.resource_policy(
    name="appsync-api-logging", types=APIS, severity="high", criteria=["CC7.2", "CC7.3"],
    description="AppSync APIs log requests, with field-level logs, to CloudWatch Logs.",
    remediation="Set log_config={'cloudwatch_logs_role_arn': role.arn, 'field_log_level': 'ERROR' (or 'ALL')} on a "
                "GraphQL API; event_config.log_config with log_level on an Event API.",
    config={"levels": list_schema(LOG_LEVELS, "Accepted field log levels.")},
    checkov=["CKV_AWS_193", "CKV_AWS_194"])
def _logging(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    role, level_path = _log_paths(r)
    if not r.is_set(role):
        yield f"the API writes no logs: {role} is not set"
        return
    level = r.get(level_path)
    if level not in config["levels"]:
        yield f"{level_path} is {shown(level)}; allowed: {', '.join(map(str, config['levels']))}"


def _auth_types(r: Resource) -> list[Any]:
    if r.type == EVENT_API:
        return [p.get("authType") for p in r.list("eventConfig.authProviders") if isinstance(p, Mapping)]
    extra = [p.get("authenticationType") for p in r.list("additionalAuthenticationProviders") if isinstance(p, Mapping)]
    return [r.get("authenticationType"), *extra]


@SERVICE.resource_policy(
    name="appsync-api-not-api-key-only", types=APIS, severity="medium", criteria=["CC6.1", "CC6.2"],
    description="AppSync APIs authenticate callers with more than a shared API key.",
    remediation="Use AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_IAM or AWS_LAMBDA as authentication_type (or add "
                "one in additional_authentication_providers); keep API keys for public, read-only data.")
def _not_api_key_only(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    types = _auth_types(r)
    if types and all(t == "API_KEY" for t in types):
        yield "the only authentication is API_KEY: anyone holding the shared key is let in, and nobody is identified"


def _protected(stack: Stack) -> tuple[set[str], set[Any]]:
    """URNs that web ACL associations' resourceArn was computed from, and the ARNs they name literally."""
    associations = stack.of_type(ASSOCIATION)
    return ({d.urn for a in associations for d in a.depends_on("resourceArn")},
            {arn for a in associations if isinstance(arn := a.peek("resourceArn"), str)})


@SERVICE.stack_policy(
    name="appsync-graphqlapi-waf", severity="high", criteria=["CC6.6"],
    description="Every public AppSync GraphQL API is protected by a WAF web ACL.",
    remediation="Add aws.wafv2.WebAclAssociation(resource_arn=api.arn, web_acl_arn=web_acl.arn) with a REGIONAL web "
                "ACL, or set visibility='PRIVATE'.",
    checkov=["CKV2_AWS_33"], examines=[GRAPHQL_API])
def _waf(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    urns, arns = _protected(stack)
    for api in stack.of_type(GRAPHQL_API):
        arn = api.peek("arn")
        if api.get("visibility") != "PRIVATE" and api.urn not in urns and not (isinstance(arn, str) and arn in arns):
            yield f"GraphQL API {api.name} has no web ACL: no WebAclAssociation's resourceArn refers to it", api.urn


SERVICE.resource_policy(
    name="appsync-apicache-encrypted-at-rest", types=[API_CACHE], severity="high", criteria=["CC6.1", "C1.1"],
    description="AppSync API caches encrypt cached data at rest.",
    remediation="Set at_rest_encryption_enabled=True (the cache must be replaced to change it).",
    checkov=["CKV_AWS_214"],
)(flag_on("atRestEncryptionEnabled", "cached responses are stored unencrypted"))

SERVICE.resource_policy(
    name="appsync-apicache-encrypted-in-transit", types=[API_CACHE], severity="high", criteria=["CC6.7"],
    description="AppSync API caches encrypt traffic between AppSync and the cache.",
    remediation="Set transit_encryption_enabled=True (the cache must be replaced to change it).",
    checkov=["CKV_AWS_215"],
)(flag_on("transitEncryptionEnabled", "cached responses travel unencrypted"))
