"""OpenSearch Service domains, and the Elasticsearch domains that came before them (same settings)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key, environments
from .catalog import Dimension
from .checks import flag_on, is_set, list_schema, minimum_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("opensearch", "OpenSearch", "OpenSearch Service domains, and legacy Elasticsearch domains.")

DOMAINS = SERVICE.resource_types(
    "aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain", kind="search domain", stateful=True,
    alarmed=True, dimension=Dimension("DomainName", "domainName"), key="encryptAtRest.kmsKeyId", public=True)
TLS12_POLICIES = ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"]
LOG_TYPES = ["AUDIT_LOGS", "ES_APPLICATION_LOGS"]


@SERVICE.resource_policy(
    name="opensearch-domain-encrypted-at-rest", types=DOMAINS, severity="high", criteria=["CC6.1", "C1.1"],
    description="OpenSearch domains encrypt indexes at rest, by default with a customer-managed KMS key.",
    remediation="Set encrypt_at_rest={'enabled': True, 'kms_key_id': key.arn} on the aws.opensearch.Domain (or "
                "aws.elasticsearch.Domain).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_5", "CKV_AWS_247"])
def _encrypted_at_rest(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.get("encryptAtRest.enabled") is not True:
        yield f"indexes are stored unencrypted: encryptAtRest.enabled is {shown(r.get('encryptAtRest.enabled'))}"
    elif customer_key.required(config) and (problem := customer_key.problem(r, "encryptAtRest.kmsKeyId")):
        yield f"indexes are not encrypted with a customer-managed key: {problem}"


@SERVICE.resource_policy(
    name="opensearch-domain-enforce-https", types=DOMAINS, severity="high", criteria=["CC6.7"],
    description="OpenSearch domains refuse plain HTTP requests.",
    remediation="Set domain_endpoint_options={'enforce_https': True, 'tls_security_policy': "
                "'Policy-Min-TLS-1-2-PFS-2023-10'} on the domain.",
    checkov=["CKV_AWS_83"])
def _enforce_https(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("domainEndpointOptions") is None:  # the block's enforce_https defaults to true, the API's to false
        yield "domainEndpointOptions is not set, so the endpoint accepts plain HTTP"
    elif r.get("domainEndpointOptions.enforceHttps") is False:
        yield "the endpoint accepts plain HTTP: domainEndpointOptions.enforceHttps is false"


@SERVICE.resource_policy(
    name="opensearch-domain-tls-policy", types=DOMAINS, severity="high", criteria=["CC6.7"],
    description="OpenSearch domain endpoints require TLS 1.2 or newer.",
    remediation="Set domain_endpoint_options.tls_security_policy to Policy-Min-TLS-1-2-PFS-2023-10 (or another "
                "allowed policy).",
    config={"allowed": list_schema(TLS12_POLICIES, "Accepted tlsSecurityPolicy values.")},
    checkov=["CKV_AWS_228"])
def _tls_policy(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    policy = r.get("domainEndpointOptions.tlsSecurityPolicy")
    if policy not in config["allowed"]:
        yield (f"domainEndpointOptions.tlsSecurityPolicy is {shown(policy)}; allowed: "
               f"{', '.join(map(str, config['allowed']))}")


@SERVICE.resource_policy(
    name="opensearch-domain-log-publishing", types=DOMAINS, severity="high", criteria=["CC7.2", "CC7.3"],
    description="OpenSearch domains publish their audit and application logs to CloudWatch Logs.",
    remediation="Add log_publishing_options entries {'log_type': 'AUDIT_LOGS', 'cloudwatch_log_group_arn': ...} and "
                "{'log_type': 'ES_APPLICATION_LOGS', ...} (audit logs need fine-grained access control), and an "
                "aws.cloudwatch.LogResourcePolicy admitting es.amazonaws.com.",
    config={"requiredLogTypes": list_schema(LOG_TYPES, "Log types every domain must publish.")},
    checkov=["CKV_AWS_84", "CKV_AWS_317"])
def _log_publishing(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    published = set()
    for i in range(len(r.list("logPublishingOptions"))):
        entry = f"logPublishingOptions.{i}"
        if r.get(f"{entry}.enabled") is not False and r.is_set(f"{entry}.cloudwatchLogGroupArn"):
            published.add(r.get(f"{entry}.logType"))
    if missing := [t for t in config["requiredLogTypes"] if t not in published]:
        yield f"logs not published to CloudWatch Logs: {', '.join(map(str, missing))}"


SERVICE.resource_policy(
    name="opensearch-domain-node-to-node-encryption", types=DOMAINS, severity="high", criteria=["CC6.7"],
    description="OpenSearch domains encrypt traffic between their nodes.",
    remediation="Set node_to_node_encryption={'enabled': True} on the domain.",
    checkov=["CKV_AWS_6"],
)(flag_on("nodeToNodeEncryption.enabled", "nodes talk to each other unencrypted"))

SERVICE.resource_policy(
    name="opensearch-domain-in-vpc", types=DOMAINS, severity="high", criteria=["CC6.6"],
    description="OpenSearch domains sit in a VPC, not on a public endpoint.",
    remediation="Set vpc_options={'subnet_ids': [...private subnets...], 'security_group_ids': [...]} on the domain "
                "(chosen at creation: the domain is replaced).",
    checkov=["CKV_AWS_137"],
)(is_set("vpcOptions.subnetIds", "the domain has a public endpoint"))

SERVICE.resource_policy(
    name="opensearch-domain-fine-grained-access", types=DOMAINS, severity="high", criteria=["CC6.1", "CC6.3"],
    description="OpenSearch domains use fine-grained access control, so users get index- and document-level roles.",
    remediation="Set advanced_security_options={'enabled': True, 'internal_user_database_enabled': False, "
                "'master_user_options': {'master_user_arn': role.arn}} on the domain.",
    checkov=["CKV2_AWS_52"],
)(flag_on("advancedSecurityOptions.enabled", "every authenticated user has the same access"))


@SERVICE.resource_policy(
    name="opensearch-domain-high-availability", types=DOMAINS, severity="medium", criteria=["A1.2", "A1.1"],
    description="OpenSearch domains in the listed environments have dedicated master nodes and span availability "
                "zones.",
    remediation="Set cluster_config dedicated_master_enabled=True, dedicated_master_count=3 (or the minimum), "
                "zone_awareness_enabled=True and zone_awareness_config.availability_zone_count of 2 or 3. "
                "Environments are read from the soc2:environment tag.",
    config={**environments.schema("dedicated masters and zone awareness"),
            "minMasters": minimum_schema(3, "Fewest dedicated master nodes.", 1)},
    checkov=["CKV_AWS_318", "CKV2_AWS_59"])
def _high_availability(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if (where := environments.scope(r, config)) is None:
        return
    masters = r.number("clusterConfig.dedicatedMasterCount") or 0
    if r.get("clusterConfig.dedicatedMasterEnabled") is not True:
        yield f"{where}: no dedicated master nodes: clusterConfig.dedicatedMasterEnabled is not true"
    elif masters < config["minMasters"]:
        yield (f"{where}: clusterConfig.dedicatedMasterCount is {shown(masters)}, below the minimum of "
               f"{shown(config['minMasters'])}")
    if r.get("clusterConfig.zoneAwarenessEnabled") is not True:
        yield f"{where}: a zone failure takes the domain down: clusterConfig.zoneAwarenessEnabled is not true"
