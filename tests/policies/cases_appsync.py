"""AppSync policy cases: GraphQL and Event APIs' logs and authentication, caches, and web ACLs."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_lambda import ACCOUNT, ROLE, named
from tests.policies.harness import Build, Case

SCHEMA = "type Query { order(id: ID!): String }\nschema { query: Query }\n"
POOL = {"user_pool_id": "us-east-1_AbCdEf123", "default_action": "ALLOW", "aws_region": "us-east-1"}
SECURE_API: dict[str, Any] = dict(authentication_type="AMAZON_COGNITO_USER_POOLS", user_pool_config=POOL,
                                  schema=SCHEMA, xray_enabled=True,
                                  log_config={"cloudwatch_logs_role_arn": ROLE, "field_log_level": "ERROR"})
WEB_ACL = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/api/abc"


def graphql(**changes: Any) -> Build:
    return named(f"graphql({changes or 'secure'})",
                 lambda: aws.appsync.GraphQLApi("orders", **{**SECURE_API, **changes}))


def event_api(auth: str = "AWS_IAM", log_level: str | None = "ERROR") -> Build:
    modes = [{"auth_type": auth}]
    log = {"log_config": {"cloudwatch_logs_role_arn": ROLE, "log_level": log_level}} if log_level else {}
    return named(f"event_api({auth}, {log_level})", lambda: aws.appsync.Api("events", name="events", event_config={
        "auth_providers": [{"auth_type": auth}], "connection_auth_modes": modes, "default_publish_auth_modes": modes,
        "default_subscribe_auth_modes": modes, **log}))


def cache(**changes: Any) -> Build:
    def build() -> None:
        api = aws.appsync.GraphQLApi("orders", **SECURE_API)
        aws.appsync.ApiCache("orders-cache", api_id=api.id, type="SMALL", ttl=300,
                             api_caching_behavior="FULL_REQUEST_CACHING",
                             **{"at_rest_encryption_enabled": True, "transit_encryption_enabled": True, **changes})
    return named(f"cache({changes or 'secure'})", build)


def protected(association: str, **changes: Any) -> Build:
    """A GraphQL API and a web ACL association naming it by its ARN output, by a literal ARN, or none."""
    def build() -> None:
        api = aws.appsync.GraphQLApi("orders", **{**SECURE_API, **changes})
        if association == "output":
            aws.wafv2.WebAclAssociation("orders-waf", resource_arn=api.arn, web_acl_arn=WEB_ACL)
        elif association == "other":
            other = aws.appsync.GraphQLApi("admin", **SECURE_API)
            aws.wafv2.WebAclAssociation("admin-waf", resource_arn=other.arn, web_acl_arn=WEB_ACL)
    return named(f"protected({association}, {changes})", build)


SECURE = graphql()

CASES = [
    Case("appsync-api-logging", SECURE, graphql(log_config=None), "logConfig.cloudwatchLogsRoleArn is not set"),
    Case("appsync-api-logging", graphql(log_config={"cloudwatch_logs_role_arn": ROLE, "field_log_level": "ALL"}),
         graphql(log_config={"cloudwatch_logs_role_arn": ROLE, "field_log_level": "NONE"}),
         "logConfig.fieldLogLevel is 'NONE'"),
    Case("appsync-api-logging", event_api(), event_api(log_level=None),
         "eventConfig.logConfig.cloudwatchLogsRoleArn is not set"),
    Case("appsync-api-logging", event_api(log_level="INFO"), event_api(log_level="NONE"),
         "eventConfig.logConfig.logLevel is 'NONE'"),
    Case("appsync-api-not-api-key-only", graphql(authentication_type="API_KEY", additional_authentication_providers=[
        {"authentication_type": "AMAZON_COGNITO_USER_POOLS", "user_pool_config": POOL}]),
         graphql(authentication_type="API_KEY", user_pool_config=None), "the only authentication is API_KEY"),
    Case("appsync-api-not-api-key-only", event_api(), event_api(auth="API_KEY"), "the only authentication is API_KEY"),
    Case("appsync-apicache-encrypted-at-rest", cache(), cache(at_rest_encryption_enabled=False),
         "atRestEncryptionEnabled is False, not true"),
    Case("appsync-apicache-encrypted-at-rest", cache(), cache(at_rest_encryption_enabled=None),
         "atRestEncryptionEnabled is unset"),
    Case("appsync-apicache-encrypted-in-transit", cache(), cache(transit_encryption_enabled=False),
         "transitEncryptionEnabled is False, not true"),
    Case("appsync-apicache-encrypted-in-transit", cache(), cache(transit_encryption_enabled=None),
         "cached responses travel unencrypted"),
    Case("appsync-graphqlapi-waf", protected("output"), protected("none"),
         "GraphQL API orders has no web ACL: no WebAclAssociation's resourceArn refers to it"),
    Case("appsync-graphqlapi-waf", protected("none", visibility="PRIVATE"), protected("other"),
         "GraphQL API orders has no web ACL"),
]
