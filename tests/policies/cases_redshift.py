"""Redshift policy cases: provisioned clusters with their parameter groups and logging, snapshot-copy
grants, and Redshift Serverless namespaces and workgroups."""

from __future__ import annotations

from typing import Any, Callable

import pulumi
import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, label, named
from tests.policies.harness import Build, Case

AWS_KEY = "alias/aws/redshift"
SECURE_CLUSTER: dict[str, Any] = dict(
    cluster_identifier="warehouse", node_type="ra3.xlplus", master_username="admin_user", manage_master_password=True,
    encrypted=True, kms_key_id=KEY, publicly_accessible=False, cluster_subnet_group_name="private",
    automated_snapshot_retention_period=7, cluster_parameter_group_name="warehouse-ssl")
SECURE_NAMESPACE: dict[str, Any] = dict(namespace_name="analytics", kms_key_id=KEY,
                                        log_exports=["connectionlog", "userlog", "useractivitylog"])
REQUIRE_SSL = [{"parameter_key": "require_ssl", "parameter_value": "true"}]
SECURE_WORKGROUP: dict[str, Any] = dict(namespace_name="analytics", workgroup_name="analytics",
                                        publicly_accessible=False, config_parameters=REQUIRE_SSL,
                                        subnet_ids=["subnet-a", "subnet-b", "subnet-c"])
CLOUDWATCH_LOGS = dict(log_destination_type="cloudwatch", log_exports=["connectionlog", "userlog", "useractivitylog"])


def variant(kind: str, make: Callable[..., Any], secure: dict[str, Any]) -> Callable[..., Build]:
    def build(**changes: Any) -> Build:
        return named(f"{kind}({label(changes)})", lambda: make(**{**secure, **changes}))
    return build


cluster = variant("cluster", lambda **a: aws.redshift.Cluster("warehouse", **a), SECURE_CLUSTER)
namespace = variant("namespace", lambda **a: aws.redshiftserverless.Namespace("analytics", **a), SECURE_NAMESPACE)
workgroup = variant("workgroup", lambda **a: aws.redshiftserverless.Workgroup("analytics", **a), SECURE_WORKGROUP)


def cluster_with_key_from_program() -> None:
    key = aws.kms.Key("warehouse", enable_key_rotation=True)
    aws.redshift.Cluster("warehouse", **{**SECURE_CLUSTER, "kms_key_id": key.arn})


def copy_grant(key: Any) -> Build:
    return named(f"copy_grant(key={key})", lambda: aws.redshift.SnapshotCopyGrant(
        "copy", snapshot_copy_grant_name="warehouse-copy", kms_key_id=key))


def with_parameter_group(parameters: list[dict[str, str]] | None, by: str = "output") -> Build:
    """A cluster and, unless `parameters` is None, a parameter group it names by output or by literal name."""
    def build() -> None:
        name: Any = None
        if parameters is not None:
            group = aws.redshift.ParameterGroup("warehouse", name="warehouse-ssl", family="redshift-1.0",
                                                parameters=parameters)
            name = group.name if by == "output" else "warehouse-ssl"
        aws.redshift.Cluster("warehouse", **{**SECURE_CLUSTER, "cluster_parameter_group_name": name})
    return named(f"with_parameter_group({parameters}, by={by})", build)


def with_logging(by: str = "output", **logging: Any) -> Build:
    """A cluster and, unless `by` is 'none', an aws.redshift.Logging naming it by output or literally."""
    def build() -> None:
        warehouse = aws.redshift.Cluster("warehouse", **{**SECURE_CLUSTER, "cluster_parameter_group_name": None})
        if by != "none":
            identifier = warehouse.cluster_identifier if by == "output" else "warehouse"
            aws.redshift.Logging("warehouse-audit", cluster_identifier=identifier, **logging)
    return named(f"with_logging(by={by}, {label(logging)})", build)


def with_inline_logging(**logging: Any) -> Build:
    """A cluster as pulumi-aws 6 registers it, with the inline logging block version 7 removed (registered with
    the same token and the camelCase inputs the version 6 SDK sends)."""
    inputs = {"clusterIdentifier": "warehouse", "nodeType": "ra3.xlplus", "encrypted": True, "kmsKeyId": KEY,
              "logging": {"enable": True, **logging}}
    return named(f"with_inline_logging({label(logging)})", lambda: pulumi.CustomResource(
        "aws:redshift/cluster:Cluster", "warehouse", inputs))


SSL_ON = [{"name": "require_ssl", "value": "true"}]
SSL_OFF = [{"name": "require_ssl", "value": "false"}]
SECURE = cluster()

CASES = [
    Case("redshift-cluster-encrypted", SECURE, cluster(encrypted=False), "data at rest is unencrypted"),
    Case("redshift-cluster-encrypted", named("cluster_with_key_from_program", cluster_with_key_from_program),
         cluster(encrypted="false"), "encrypted is 'false'"),
    Case("redshift-cluster-encrypted", cluster(encrypted=None), cluster(kms_key_id=None),
         "AWS-managed key: kmsKeyId is not set"),
    Case("redshift-cluster-encrypted", SECURE, cluster(kms_key_id=AWS_KEY),
         "kmsKeyId is 'alias/aws/redshift', an AWS-managed key"),
    Case("redshift-cluster-encrypted", cluster(kms_key_id=None), cluster(encrypted=False), "unencrypted",
         config={"redshift-cluster-encrypted": {"requireCustomerKey": False}}),
    Case("redshift-cluster-not-public", cluster(publicly_accessible=None), cluster(publicly_accessible=True),
         "publiclyAccessible is true"),
    Case("redshift-cluster-in-vpc", SECURE, cluster(cluster_subnet_group_name=None),
         "clusterSubnetGroupName is not set"),
    Case("redshift-cluster-snapshot-retention", SECURE, cluster(automated_snapshot_retention_period=None),
         "automatedSnapshotRetentionPeriod is unset (the default, 1 day), below the minimum of 7"),
    Case("redshift-cluster-snapshot-retention", SECURE, cluster(automated_snapshot_retention_period=0),
         "automated snapshots are off"),
    Case("redshift-cluster-require-ssl", with_parameter_group(SSL_ON), with_parameter_group(SSL_OFF),
         "its parameter group warehouse is at fault: require_ssl is false, not true"),
    Case("redshift-cluster-require-ssl", with_parameter_group(SSL_ON, by="name"),
         with_parameter_group([{"name": "enable_user_activity_logging", "value": "true"}], by="name"),
         "require_ssl is unset, not true"),
    Case("redshift-cluster-require-ssl", with_parameter_group(SSL_ON), with_parameter_group(None),
         "uses the default parameter group: require_ssl is false there"),
    Case("redshift-cluster-require-ssl", cluster(cluster_parameter_group_name="shared-ssl"),
         cluster(cluster_parameter_group_name="team-ssl"),
         "names team-ssl, a parameter group this stack does not manage, so require_ssl cannot be verified",
         config={"redshift-cluster-require-ssl": {"externalParameterGroups": ["shared-ssl"]}}),
    Case("redshift-cluster-audit-logging", with_logging(**CLOUDWATCH_LOGS), with_logging(by="none"),
         "audit logging is off: no aws.redshift.Logging names the cluster"),
    Case("redshift-cluster-audit-logging", with_logging(by="name", log_destination_type="s3", bucket_name="audit"),
         with_logging(by="name", log_destination_type="cloudwatch", log_exports=["useractivitylog"]),
         "logs not exported to CloudWatch Logs: connectionlog, userlog"),
    Case("redshift-cluster-audit-logging", with_logging(bucket_name="audit"), with_logging(),
         "bucketName is not set, so the logs go nowhere"),
    Case("redshift-cluster-audit-logging", with_inline_logging(bucketName="audit"),
         with_inline_logging(logDestinationType="cloudwatch", logExports=["useractivitylog"]),
         "inline audit logging: logs not exported to CloudWatch Logs: connectionlog, userlog"),
    Case("redshift-snapshotcopygrant-customer-key", copy_grant(KEY), copy_grant(None), "kmsKeyId is not set"),
    Case("redshift-namespace-customer-key", namespace(), namespace(kms_key_id=None), "kmsKeyId is not set"),
    Case("redshift-namespace-customer-key", namespace(), namespace(kms_key_id=AWS_KEY),
         "an AWS-managed key whose policy the account cannot restrict"),
    Case("redshift-namespace-audit-logging", namespace(), namespace(log_exports=["useractivitylog"]),
         "audit logs not exported: connectionlog, userlog"),
    Case("redshift-namespace-audit-logging", namespace(log_exports=["userlog"]), namespace(log_exports=None),
         "userlog (logExports is unset)", config={"redshift-namespace-audit-logging": {"requiredLogs": ["userlog"]}}),
    Case("redshift-workgroup-not-public", workgroup(), workgroup(publicly_accessible=True),
         "publiclyAccessible is true"),
    Case("redshift-workgroup-require-ssl", workgroup(), workgroup(config_parameters=None),
         "require_ssl is unset in configParameters"),
    Case("redshift-workgroup-require-ssl", workgroup(),
         workgroup(config_parameters=[{"parameter_key": "require_ssl", "parameter_value": "false"}]),
         "require_ssl is 'false' in configParameters"),
]
