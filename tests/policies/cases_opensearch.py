"""OpenSearch policy cases, on the current aws.opensearch.Domain and the legacy aws.elasticsearch.Domain."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/opensearch/search"
SECURE: dict[str, Any] = dict(
    domain_name="search", encrypt_at_rest={"enabled": True, "kms_key_id": KEY},
    node_to_node_encryption={"enabled": True},
    domain_endpoint_options={"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10"},
    vpc_options={"subnet_ids": ["subnet-0a", "subnet-0b", "subnet-0c"], "security_group_ids": ["sg-0search"]},
    log_publishing_options=[{"log_type": "AUDIT_LOGS", "cloudwatch_log_group_arn": LOG_GROUP},
                            {"log_type": "ES_APPLICATION_LOGS", "cloudwatch_log_group_arn": LOG_GROUP}],
    advanced_security_options={"enabled": True, "internal_user_database_enabled": False,
                               "master_user_options": {"master_user_arn": "arn:aws:iam::123456789012:role/search"}},
    cluster_config={"instance_type": "r6g.large.search", "instance_count": 3, "dedicated_master_enabled": True,
                    "dedicated_master_type": "m6g.large.search", "dedicated_master_count": 3,
                    "zone_awareness_enabled": True, "zone_awareness_config": {"availability_zone_count": 3}},
    ebs_options={"ebs_enabled": True, "volume_size": 100}, tags={"soc2:environment": "prod"})


def opensearch(**changes: Any) -> Build:
    def build() -> None:
        aws.opensearch.Domain("search", engine_version="OpenSearch_2.13", **{**SECURE, **changes})
    build.__name__ = f"opensearch({changes or 'secure'})"
    return build


def elasticsearch(**changes: Any) -> Build:
    def build() -> None:
        aws.elasticsearch.Domain("search", elasticsearch_version="7.10", **{**SECURE, **changes})
    build.__name__ = f"elasticsearch({changes or 'secure'})"
    return build


def logged_by_the_program(*log_types: str) -> Build:
    """Log groups created by the program, their ARNs known only once deployed."""
    def build() -> None:
        group = aws.cloudwatch.LogGroup("search-logs", retention_in_days=365)
        aws.opensearch.Domain("search", engine_version="OpenSearch_2.13", **{**SECURE, "log_publishing_options": [
            {"log_type": t, "cloudwatch_log_group_arn": group.arn} for t in log_types]})
    build.__name__ = f"logged_by_the_program({log_types})"
    return build


CLUSTER = SECURE["cluster_config"]

CASES = [
    Case("opensearch-domain-encrypted-at-rest", opensearch(), opensearch(encrypt_at_rest={"enabled": False}),
         "indexes are stored unencrypted: encryptAtRest.enabled is False"),
    Case("opensearch-domain-encrypted-at-rest", elasticsearch(), elasticsearch(encrypt_at_rest={"enabled": True}),
         "encryptAtRest.kmsKeyId is not set"),
    Case("opensearch-domain-encrypted-at-rest", elasticsearch(encrypt_at_rest={"enabled": True}),
         elasticsearch(encrypt_at_rest=None), "encryptAtRest.enabled is unset",
         config={"opensearch-domain-encrypted-at-rest": {"requireCustomerKey": False}}),
    Case("opensearch-domain-node-to-node-encryption", opensearch(), opensearch(node_to_node_encryption=None),
         "nodeToNodeEncryption.enabled is unset, not true"),
    Case("opensearch-domain-node-to-node-encryption", elasticsearch(),
         elasticsearch(node_to_node_encryption={"enabled": False}), "nodeToNodeEncryption.enabled is False"),
    Case("opensearch-domain-enforce-https", opensearch(domain_endpoint_options={
        "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}), opensearch(domain_endpoint_options=None),
         "domainEndpointOptions is not set"),
    Case("opensearch-domain-enforce-https", elasticsearch(), elasticsearch(domain_endpoint_options={
        "enforce_https": False, "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}), "enforceHttps is false"),
    Case("opensearch-domain-tls-policy", opensearch(), opensearch(domain_endpoint_options={
        "enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-0-2019-07"}),
         "tlsSecurityPolicy is 'Policy-Min-TLS-1-0-2019-07'; allowed"),
    Case("opensearch-domain-tls-policy", elasticsearch(), elasticsearch(domain_endpoint_options={
        "enforce_https": True}), "tlsSecurityPolicy is unset"),
    Case("opensearch-domain-in-vpc", opensearch(), opensearch(vpc_options=None), "vpcOptions.subnetIds is not set"),
    Case("opensearch-domain-in-vpc", elasticsearch(), elasticsearch(vpc_options=None), "the domain has a public endpoint"),
    Case("opensearch-domain-log-publishing", opensearch(), opensearch(log_publishing_options=[
        {"log_type": "AUDIT_LOGS", "cloudwatch_log_group_arn": LOG_GROUP},
        {"log_type": "ES_APPLICATION_LOGS", "cloudwatch_log_group_arn": LOG_GROUP, "enabled": False}]),
         "logs not published to CloudWatch Logs: ES_APPLICATION_LOGS"),
    Case("opensearch-domain-log-publishing", logged_by_the_program("AUDIT_LOGS", "ES_APPLICATION_LOGS"),
         logged_by_the_program("INDEX_SLOW_LOGS"), "logs not published to CloudWatch Logs: AUDIT_LOGS, ES_APPLICATION_LOGS"),
    Case("opensearch-domain-log-publishing", elasticsearch(), elasticsearch(log_publishing_options=None),
         "AUDIT_LOGS, ES_APPLICATION_LOGS"),
    Case("opensearch-domain-fine-grained-access", opensearch(), opensearch(advanced_security_options=None),
         "every authenticated user has the same access"),
    Case("opensearch-domain-fine-grained-access", elasticsearch(),
         elasticsearch(advanced_security_options={"enabled": False}), "advancedSecurityOptions.enabled is False"),
    Case("opensearch-domain-high-availability", opensearch(),
         opensearch(cluster_config={**CLUSTER, "dedicated_master_count": 2}),
         "environment prod: clusterConfig.dedicatedMasterCount is 2, below the minimum of 3"),
    Case("opensearch-domain-high-availability",
         elasticsearch(cluster_config={"instance_count": 1}, tags={"soc2:environment": "dev"}),
         elasticsearch(cluster_config={"instance_count": 1}, tags=None),
         "untagged (taken as production): no dedicated master nodes"),
    Case("opensearch-domain-high-availability", opensearch(),
         opensearch(cluster_config={**CLUSTER, "zone_awareness_enabled": False}),
         "a zone failure takes the domain down: clusterConfig.zoneAwarenessEnabled is not true"),
]
