"""MSK policy cases: provisioned and serverless clusters, MSK Connect connectors."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, ROLE_ARN
from tests.policies.cases_redshift import variant
from tests.policies.harness import Case

BROKERS = {"client_subnets": ["subnet-a", "subnet-b", "subnet-c"], "instance_type": "kafka.m5.large",
           "security_groups": ["sg-kafka"], "connectivity_info": {"public_access": {"type": "DISABLED"}}}
SECURE_CLUSTER: dict[str, Any] = dict(
    cluster_name="events", kafka_version="3.6.0", number_of_broker_nodes=3, broker_node_group_info=BROKERS,
    encryption_info={"encryption_at_rest_kms_key_arn": KEY,
                     "encryption_in_transit": {"client_broker": "TLS", "in_cluster": True}},
    client_authentication={"unauthenticated": False, "sasl": {"iam": True}},
    logging_info={"broker_logs": {"cloudwatch_logs": {"enabled": True, "log_group": "/msk/events"}}})
SECURE_CONNECTOR: dict[str, Any] = dict(
    name="events-sink", kafkaconnect_version="2.7.1", connector_configuration={"connector.class": "S3SinkConnector"},
    capacity={"provisioned_capacity": {"mcu_count": 1, "worker_count": 1}},
    kafka_cluster={"apache_kafka_cluster": {"bootstrap_servers": "b-1.events:9098",
                                            "vpc": {"security_groups": ["sg-kafka"], "subnets": ["subnet-a"]}}},
    kafka_cluster_client_authentication={"authentication_type": "IAM"},
    kafka_cluster_encryption_in_transit={"encryption_type": "TLS"},
    plugins=[{"custom_plugin": {"arn": "arn:aws:kafkaconnect:us-east-1:123456789012:custom-plugin/s3", "revision": 1}}],
    service_execution_role_arn=ROLE_ARN,
    log_delivery={"worker_log_delivery": {"s3": {"enabled": True, "bucket": "connect-logs"}}})

cluster = variant("cluster", lambda **a: aws.msk.Cluster("events", **a), SECURE_CLUSTER)
serverless = variant("serverless", lambda **a: aws.msk.ServerlessCluster(
    "events", cluster_name="events", vpc_configs=[{"subnet_ids": ["subnet-a"], "security_group_ids": ["sg-kafka"]}],
    **a), {"client_authentication": {"sasl": {"iam": {"enabled": True}}}})
connector = variant("connector", lambda **a: aws.mskconnect.Connector("sink", **a), SECURE_CONNECTOR)
SECURE = cluster()


def encryption(**transit: Any) -> dict[str, Any]:
    return {"encryption_at_rest_kms_key_arn": KEY, "encryption_in_transit": transit}


CASES = [
    Case("msk-cluster-encryption-in-transit", SECURE, cluster(encryption_info=encryption(client_broker="TLS_PLAINTEXT")),
         "clientBroker is 'TLS_PLAINTEXT', not 'TLS'"),
    Case("msk-cluster-encryption-in-transit", cluster(encryption_info=None),
         cluster(encryption_info=encryption(in_cluster=False)), "inCluster is false"),
    Case("msk-cluster-customer-key", SECURE, cluster(encryption_info=None),
         "encryptionInfo.encryptionAtRestKmsKeyArn is not set"),
    Case("msk-cluster-customer-key", SECURE, cluster(encryption_info={
        "encryption_at_rest_kms_key_arn": "arn:aws:kms:us-east-1:123456789012:alias/aws/kafka"}),
        "an AWS-managed key whose policy the account cannot restrict"),
    Case("msk-cluster-broker-logging", SECURE, cluster(logging_info=None), "no loggingInfo.brokerLogs destination"),
    Case("msk-cluster-broker-logging", cluster(logging_info={"broker_logs": {"firehose": {
        "enabled": True, "delivery_stream": "broker-logs"}}}),
         cluster(logging_info={"broker_logs": {"cloudwatch_logs": {"enabled": False}}}), "broker logs go nowhere"),
    Case("msk-cluster-not-public", SECURE, cluster(broker_node_group_info={
        **BROKERS, "connectivity_info": {"public_access": {"type": "SERVICE_PROVIDED_EIPS"}}}),
         "publicAccess.type is SERVICE_PROVIDED_EIPS"),
    Case("msk-cluster-authenticated", SECURE,
         cluster(client_authentication={"unauthenticated": True, "sasl": {"iam": True}}),
         "clientAuthentication.unauthenticated is true"),
    Case("msk-cluster-authenticated",
         cluster(client_authentication={"tls": {"certificate_authority_arns": [
             "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/kafka"]}}),
         cluster(client_authentication=None), "no client authentication is set"),
    Case("msk-serverlesscluster-authenticated", serverless(),
         serverless(client_authentication={"sasl": {"iam": {"enabled": False}}}),
         "clientAuthentication.sasl.iam.enabled is False"),
    Case("msk-connector-encryption-in-transit", connector(), connector(kafka_cluster_encryption_in_transit={}),
         "encryptionType is unset, not 'TLS'"),
    Case("msk-connector-authenticated", connector(), connector(
        kafka_cluster_client_authentication={"authentication_type": "NONE"}), "authenticationType is 'NONE'"),
    Case("msk-connector-logging", connector(), connector(log_delivery=None), "worker logs go nowhere"),
]
