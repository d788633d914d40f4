"""Redshift: provisioned clusters, their parameter groups, audit logging and snapshot-copy grants, and
Redshift Serverless namespaces and workgroups, which hold and serve the same data."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .catalog import Arn, Dimension
from .checks import is_set, list_schema, minimum_schema, shown
from .companions import named_by, parameter_group_check
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("redshift", "Redshift", "Data warehouses: provisioned clusters, parameter groups, audit logging, "
                                          "snapshot-copy grants, and Redshift Serverless namespaces and workgroups.")

CLUSTER = SERVICE.resource_type(
    "aws:redshift/cluster:Cluster", kind="data warehouse", stateful=True, backup=True,
    arn=Arn("redshift", "cluster:", "clusterIdentifier"), dimension=Dimension("ClusterIdentifier", "clusterIdentifier"),
    alarmed=True, key="kmsKeyId", public=True)
PARAMETER_GROUP = SERVICE.resource_type("aws:redshift/parameterGroup:ParameterGroup", kind="parameter group")
LOGGING = SERVICE.resource_type("aws:redshift/logging:Logging", kind="audit logging")
COPY_GRANT = SERVICE.resource_type("aws:redshift/snapshotCopyGrant:SnapshotCopyGrant", kind="snapshot copy grant",
                                   key="kmsKeyId")
# AWS Backup does not list Redshift Serverless among the types it protects; namespaces keep their own
# recovery points.
NAMESPACE = SERVICE.resource_type("aws:redshiftserverless/namespace:Namespace", kind="serverless namespace",
                                  stateful=True, key="kmsKeyId")
WORKGROUP = SERVICE.resource_type(
    "aws:redshiftserverless/workgroup:Workgroup", kind="serverless data warehouse",
    dimension=Dimension("Workgroup", "workgroupName"), alarmed=True, public=True)

AUDIT_LOGS = ["connectionlog", "userlog"]
LOGS = {"requiredLogs": list_schema(AUDIT_LOGS, "Log types that must be exported (connectionlog, userlog, "
                                                "useractivitylog).")}


def _true(value: Any) -> bool:
    """A flag given as a boolean or, as several Redshift inputs are typed, a string."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


@SERVICE.resource_policy(
    name="redshift-cluster-encrypted", types=[CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="Redshift clusters encrypt data at rest, with a customer-managed KMS key unless configured not to.",
    remediation="Leave encrypted at its default (true) or set encrypted=True, and set kms_key_id to a customer-managed "
                "key with rotation.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_64", "CKV_AWS_142"])
def _cluster_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if _false(r.get("encrypted")):
        yield f"data at rest is unencrypted: encrypted is {shown(r.get('encrypted'))}"
    elif problem := customer_key.problem_if_required(r, config, "kmsKeyId"):
        yield f"data at rest uses an AWS-managed key: {problem}"


@SERVICE.resource_policy(
    name="redshift-workgroup-not-public", types=[WORKGROUP], severity="critical", criteria=["CC6.6", "C1.1"],
    description="Redshift Serverless workgroups are not reachable from the internet.",
    remediation="Set publicly_accessible=False (the default) on the aws.redshiftserverless.Workgroup.")
@SERVICE.resource_policy(
    name="redshift-cluster-not-public", types=[CLUSTER], severity="critical", criteria=["CC6.6", "C1.1"],
    description="Redshift clusters are not reachable from the internet.",
    remediation="Set publicly_accessible=False (the default) and reach the cluster from inside the VPC.",
    checkov=["CKV_AWS_87", "CKV_AWS_391"])
def _not_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if _true(r.get("publiclyAccessible")):
        yield "the data warehouse has a public endpoint: publiclyAccessible is true"


@SERVICE.resource_policy(
    name="redshift-cluster-snapshot-retention", types=[CLUSTER], severity="high", criteria=["A1.2", "CC7.5"],
    description="Redshift clusters keep automated snapshots for at least the minimum number of days.",
    remediation="Set automated_snapshot_retention_period to at least the minimum (the default is 1; 0 turns "
                "automated snapshots off).",
    config={"minDays": minimum_schema(7, "Fewest days automated snapshots are kept.", 1)}, checkov=["CKV_AWS_343"])
def _snapshot_retention(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    value = r.get("automatedSnapshotRetentionPeriod")
    days = 1 if value is None else r.number("automatedSnapshotRetentionPeriod")
    if days is None or days < config["minDays"]:
        state = "automated snapshots are off" if days == 0 else "automated snapshots are kept too briefly"
        yield (f"{state}: automatedSnapshotRetentionPeriod is {shown(value)}"
               f"{' (the default, 1 day)' if value is None else ''}, below the minimum of {shown(config['minDays'])}")


def _ssl_problem(parameters: dict[str, str]) -> str | None:
    value = parameters.get("require_ssl")
    return None if value == "true" else f"require_ssl is {value or 'unset'}, not true"


SERVICE.stack_policy(
    name="redshift-cluster-require-ssl", severity="high", criteria=["CC6.7"],
    description="Redshift clusters use a parameter group that refuses connections without SSL (require_ssl=true).",
    remediation="Create an aws.redshift.ParameterGroup with the parameter require_ssl=true and pass its name as the "
                "cluster's cluster_parameter_group_name; list groups managed in another stack in "
                "externalParameterGroups.",
    config={"externalParameterGroups": list_schema([], "Names of parameter groups managed outside this stack that "
                                                       "are trusted to set require_ssl=true.")},
    checkov=["CKV_AWS_105"], examines=[CLUSTER, PARAMETER_GROUP],
)(parameter_group_check([CLUSTER], "clusterParameterGroupName", [PARAMETER_GROUP], _ssl_problem,
                        "require_ssl is false there, so clients may connect without SSL", "require_ssl",
                        "externalParameterGroups"))


def _logging_problem(r: Resource, required: list[str], block: str = "") -> str | None:
    """What is wrong with an aws.redshift.Logging, or (block='logging.') a cluster's inline logging block."""
    destination = r.get(f"{block}logDestinationType")
    if destination == "cloudwatch":
        exported = [e for e in r.list(f"{block}logExports") if isinstance(e, str)]
        missing = [log for log in required if log not in exported]
        return f"logs not exported to CloudWatch Logs: {', '.join(missing)}" if missing else None
    if not r.is_set(f"{block}bucketName"):
        return (f"{block}logDestinationType is {shown(destination)} and {block}bucketName is not set, so the logs go "
                "nowhere" if destination in (None, "s3") else
                f"{block}logDestinationType {shown(destination)} is not s3 or cloudwatch")
    return None


@SERVICE.stack_policy(
    name="redshift-cluster-audit-logging", severity="high", criteria=["CC7.2", "CC7.3"],
    description="Every Redshift cluster has audit logging (an aws.redshift.Logging resource, or the cluster's logging "
                "block before pulumi-aws 7) delivering the required logs.",
    remediation="Add aws.redshift.Logging(cluster_identifier=cluster.cluster_identifier, "
                "log_destination_type='cloudwatch', log_exports=['connectionlog', 'userlog', 'useractivitylog']) or "
                "log_destination_type='s3' with a bucket_name.",
    config=LOGS, checkov=["CKV_AWS_71"], examines=[CLUSTER, LOGGING])
def _audit_logging(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    loggings = named_by(stack, [LOGGING], "clusterIdentifier", [CLUSTER], "clusterIdentifier")
    logged: dict[str, list[Resource]] = {}
    for logging in stack.of_type(LOGGING):
        for cluster in loggings.get(logging.urn, []):
            logged.setdefault(cluster.urn, []).append(logging)
    for cluster in stack.of_type(CLUSTER):
        found = logged.get(cluster.urn, [])
        if cluster.get("logging.enable") is True:
            if problem := _logging_problem(cluster, config["requiredLogs"], "logging."):
                yield f"inline audit logging: {problem}", cluster.urn
        elif not found:
            yield ("audit logging is off: no aws.redshift.Logging names the cluster (clusterIdentifier)",
                   cluster.urn)
        for logging in found:
            if problem := _logging_problem(logging, config["requiredLogs"]):
                yield f"audit logging {logging.name}: {problem}", cluster.urn


@SERVICE.resource_policy(
    name="redshift-namespace-audit-logging", types=[NAMESPACE], severity="high", criteria=["CC7.2", "CC7.3"],
    description="Redshift Serverless namespaces export the required audit logs to CloudWatch Logs.",
    remediation="Set log_exports=['connectionlog', 'userlog', 'useractivitylog'] on the "
                "aws.redshiftserverless.Namespace.",
    config=LOGS)
def _namespace_logging(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    exported = [e for e in r.list("logExports") if isinstance(e, str)]
    if missing := [log for log in config["requiredLogs"] if log not in exported]:
        yield f"audit logs not exported: {', '.join(missing)} (logExports is {shown(exported or None)})"


@SERVICE.resource_policy(
    name="redshift-workgroup-require-ssl", types=[WORKGROUP], severity="high", criteria=["CC6.7"],
    description="Redshift Serverless workgroups refuse connections without SSL.",
    remediation="Add {'parameter_key': 'require_ssl', 'parameter_value': 'true'} to the workgroup's "
                "config_parameters.")
def _workgroup_ssl(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    values = {}
    for i, parameter in enumerate(r.list("configParameters")):
        if isinstance(parameter, Mapping):
            values[r.get(f"configParameters.{i}.parameterKey")] = r.get(f"configParameters.{i}.parameterValue")
    if str(values.get("require_ssl", "")).lower() != "true":
        yield f"require_ssl is {shown(values.get('require_ssl'))} in configParameters, not 'true'"


SERVICE.resource_policy(
    name="redshift-cluster-in-vpc", types=[CLUSTER], severity="medium", criteria=["CC6.6"],
    description="Redshift clusters are placed in a chosen subnet group of the VPC.",
    remediation="Set cluster_subnet_group_name to an aws.redshift.SubnetGroup of private subnets.",
    checkov=["CKV_AWS_154"],
)(is_set("clusterSubnetGroupName", "the cluster lands in the default VPC"))

SERVICE.resource_policy(
    name="redshift-namespace-customer-key", types=[NAMESPACE], severity="high", criteria=["CC6.1", "C1.1"],
    description="Redshift Serverless namespaces encrypt with a customer-managed KMS key unless configured not to.",
    remediation="Set kms_key_id on the aws.redshiftserverless.Namespace to a customer-managed key with rotation.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_282"],
)(customer_key.check("kmsKeyId", "data at rest uses an AWS-managed key"))

SERVICE.resource_policy(
    name="redshift-snapshotcopygrant-customer-key", types=[COPY_GRANT], severity="high", criteria=["CC6.1", "C1.1"],
    description="Snapshots copied to another region are encrypted there with a customer-managed KMS key unless "
                "configured not to.",
    remediation="Set kms_key_id on the aws.redshift.SnapshotCopyGrant to a customer-managed key in the destination "
                "region.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_281"],
)(customer_key.check("kmsKeyId", "copied snapshots use an AWS-managed key"))
