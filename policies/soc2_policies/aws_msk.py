"""MSK: provisioned and serverless Kafka clusters, and MSK Connect connectors that read and write them."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .checks import shown
from .declare import Service
from .framework import Resource

SERVICE = Service("msk", "MSK", "Managed Kafka: provisioned and serverless clusters, and MSK Connect connectors.")

CLUSTER = SERVICE.resource_type("aws:msk/cluster:Cluster", kind="Kafka cluster", stateful=True,
                                key="encryptionInfo.encryptionAtRestKmsKeyArn", public=True)
SERVERLESS = SERVICE.resource_type("aws:msk/serverlessCluster:ServerlessCluster", kind="serverless Kafka cluster",
                                   stateful=True)
CONNECTOR = SERVICE.resource_type("aws:mskconnect/connector:Connector", kind="Kafka connector")
LOG_DESTINATIONS = ("cloudwatchLogs", "firehose", "s3")
PUBLIC_ACCESS = "SERVICE_PROVIDED_EIPS"


def _delivers_logs(r: Resource, prefix: str) -> bool:
    return any(r.get(f"{prefix}.{destination}.enabled") is True for destination in LOG_DESTINATIONS)


@SERVICE.resource_policy(
    name="msk-cluster-encryption-in-transit", types=[CLUSTER], severity="high", criteria=["CC6.7"],
    description="MSK clusters accept only TLS from clients and encrypt traffic between brokers.",
    remediation="Leave encryption_info.encryption_in_transit at its defaults or set client_broker='TLS' and "
                "in_cluster=True.",
    checkov=["CKV_AWS_81"])
def _in_transit(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    transit = "encryptionInfo.encryptionInTransit"
    client_broker = r.get(f"{transit}.clientBroker")
    if client_broker not in (None, "TLS"):
        yield f"clients may connect in plaintext: {transit}.clientBroker is {shown(client_broker)}, not 'TLS'"
    if r.get(f"{transit}.inCluster") is False:
        yield f"traffic between brokers is unencrypted: {transit}.inCluster is false"


@SERVICE.resource_policy(
    name="msk-cluster-broker-logging", types=[CLUSTER], severity="high", criteria=["CC7.2", "CC7.3"],
    description="MSK clusters deliver broker logs to CloudWatch Logs, Firehose or S3.",
    remediation="Set logging_info.broker_logs.cloudwatch_logs (or firehose or s3) with enabled=True and its "
                "destination.",
    checkov=["CKV_AWS_80"])
def _broker_logging(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not _delivers_logs(r, "loggingInfo.brokerLogs"):
        yield "broker logs go nowhere: no loggingInfo.brokerLogs destination is enabled"


@SERVICE.resource_policy(
    name="msk-cluster-not-public", types=[CLUSTER], severity="critical", criteria=["CC6.6", "C1.1"],
    description="MSK brokers are not reachable from the internet.",
    remediation="Set broker_node_group_info.connectivity_info.public_access.type='DISABLED' (the default).",
    checkov=["CKV_AWS_291"])
def _not_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    path = "brokerNodeGroupInfo.connectivityInfo.publicAccess.type"
    if r.get(path) == PUBLIC_ACCESS:
        yield f"brokers have public addresses: {path} is {PUBLIC_ACCESS}"


@SERVICE.resource_policy(
    name="msk-cluster-authenticated", types=[CLUSTER], severity="high", criteria=["CC6.1", "CC6.2"],
    description="MSK clusters authenticate every client (IAM, SASL/SCRAM or mutual TLS) and refuse unauthenticated "
                "ones.",
    remediation="Set client_authentication.sasl.iam=True (or sasl.scram, or tls.certificate_authority_arns) and leave "
                "client_authentication.unauthenticated unset or False.")
def _authenticated(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    auth = "clientAuthentication"
    if r.get(f"{auth}.unauthenticated") is True:
        yield f"unauthenticated clients are allowed: {auth}.unauthenticated is true"
    elif not (r.get(f"{auth}.sasl.iam") is True or r.get(f"{auth}.sasl.scram") is True
              or r.is_set(f"{auth}.tls.certificateAuthorityArns")):
        yield (f"no client authentication is set ({auth}.sasl.iam, sasl.scram, tls.certificateAuthorityArns), so "
               "the cluster admits unauthenticated clients")


@SERVICE.resource_policy(
    name="msk-serverlesscluster-authenticated", types=[SERVERLESS], severity="high", criteria=["CC6.1", "CC6.2"],
    description="MSK Serverless clusters authenticate clients with IAM.",
    remediation="Set client_authentication.sasl.iam.enabled=True on the aws.msk.ServerlessCluster.")
def _serverless_authenticated(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    path = "clientAuthentication.sasl.iam.enabled"
    if r.get(path) is not True:
        yield f"clients are not authenticated with IAM: {path} is {shown(r.get(path))}"


@SERVICE.resource_policy(
    name="msk-connector-encryption-in-transit", types=[CONNECTOR], severity="high", criteria=["CC6.7"],
    description="MSK Connect connectors reach their Kafka cluster over TLS.",
    remediation="Set kafka_cluster_encryption_in_transit.encryption_type='TLS' (the default is PLAINTEXT).")
def _connector_tls(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    path = "kafkaClusterEncryptionInTransit.encryptionType"
    if r.get(path) != "TLS":
        yield f"the connector talks to Kafka in plaintext: {path} is {shown(r.get(path))}, not 'TLS'"


@SERVICE.resource_policy(
    name="msk-connector-authenticated", types=[CONNECTOR], severity="high", criteria=["CC6.1", "CC6.2"],
    description="MSK Connect connectors authenticate to their Kafka cluster with IAM.",
    remediation="Set kafka_cluster_client_authentication.authentication_type='IAM' (the default is NONE).")
def _connector_authenticated(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    path = "kafkaClusterClientAuthentication.authenticationType"
    if r.get(path) != "IAM":
        yield f"the connector does not authenticate to Kafka: {path} is {shown(r.get(path))}, not 'IAM'"


@SERVICE.resource_policy(
    name="msk-connector-logging", types=[CONNECTOR], severity="medium", criteria=["CC7.2"],
    description="MSK Connect connectors deliver worker logs to CloudWatch Logs, Firehose or S3.",
    remediation="Set log_delivery.worker_log_delivery.cloudwatch_logs (or firehose or s3) with enabled=True.")
def _connector_logging(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not _delivers_logs(r, "logDelivery.workerLogDelivery"):
        yield "worker logs go nowhere: no logDelivery.workerLogDelivery destination is enabled"


SERVICE.resource_policy(
    name="msk-cluster-customer-key", types=[CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="MSK clusters encrypt data at rest with a customer-managed KMS key unless configured not to (MSK "
                "always encrypts at rest; MSK Serverless offers no key choice).",
    remediation="Set encryption_info.encryption_at_rest_kms_key_arn to a customer-managed key with rotation.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_81"],
)(customer_key.check("encryptionInfo.encryptionAtRestKmsKeyArn", "data at rest uses the AWS-managed key"))
