"""ECS: task definitions and their containers, services and clusters.

A task definition's containers arrive as one JSON document (container_definitions). Built with
pulumi.Output.json_dumps from values known only at deploy time (an image URL from a repository
created in the same program), the whole document is unknown at preview, and so are the verdicts
of the container policies: they are reported as not evaluated, never as passing.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .checks import shown
from .conventions import UNKNOWN, is_credential_key
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("ecs", "ECS", "Task definitions and their containers, services and clusters.")

TASK_DEFINITION = SERVICE.resource_type("aws:ecs/taskDefinition:TaskDefinition", kind="task definition")
ECS_SERVICE = SERVICE.resource_type("aws:ecs/service:Service", kind="ECS service", public=True)
CLUSTER = SERVICE.resource_type("aws:ecs/cluster:Cluster", kind="ECS cluster",
                                key="configuration.executeCommandConfiguration.kmsKeyId")
TASKS = [TASK_DEFINITION]
ROOT_USERS = {"root", "0"}
INSIGHTS_ON = ("enabled", "enhanced")


def containers(r: Resource) -> list[tuple[str, Mapping[str, Any]]]:
    """(name, definition) of each container; raises while the document is unknown."""
    document = r.document("containerDefinitions")
    items = document if isinstance(document, list) else [document] if isinstance(document, Mapping) else []
    return [(str(c.get("name") or f"containerDefinitions[{i}]"), c) for i, c in enumerate(items)
            if isinstance(c, Mapping)]


def _each_container(test: Any) -> Any:
    """A check yielding `test(definition)`'s message for each container it finds wanting."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        for name, definition in containers(r):
            if message := test(definition):
                yield f"container {name!r}: {message}"
    return check


def _no_log_configuration(c: Mapping[str, Any]) -> str | None:
    driver = c.get("logConfiguration", {}).get("logDriver") if isinstance(c.get("logConfiguration"), Mapping) else None
    return None if driver else "no logConfiguration.logDriver, so its output is lost when the task stops"


def _privileged(c: Mapping[str, Any]) -> str | None:
    return "privileged is true: the container has root access to the host" if c.get("privileged") is True else None


def _writable_root(c: Mapping[str, Any]) -> str | None:
    value = c.get("readonlyRootFilesystem")
    return None if value is True else f"the root filesystem is writable (readonlyRootFilesystem is {shown(value)})"


def _root_user(c: Mapping[str, Any]) -> str | None:
    user = c.get("user")
    if user is None or user == "":
        return "no user is set, so it runs as the image's default user, root unless the image sets USER"
    if str(user).split(":")[0] in ROOT_USERS:
        return f"user {user!r} is root"
    return None


def _plain_secrets(c: Mapping[str, Any]) -> str | None:
    names = [str(v.get("name")) for v in c.get("environment") or [] if isinstance(v, Mapping)
             and is_credential_key(str(v.get("name", ""))) and isinstance(v.get("value"), str)
             and v["value"].strip() and v["value"] != UNKNOWN and not v["value"].startswith("arn:")]
    if names:
        return (f"environment variable(s) {', '.join(names)} hold credentials in plain text in the task definition; "
                f"pass them in secrets (valueFrom a Secrets Manager or SSM parameter ARN)")
    return None


SERVICE.resource_policy(
    name="ecs-taskdefinition-container-logging", types=TASKS, severity="high", criteria=["CC7.2", "CC7.3"],
    description="Every container of an ECS task definition sends its logs somewhere.",
    remediation="Give each entry of container_definitions a logConfiguration, e.g. {'logDriver': 'awslogs', "
                "'options': {'awslogs-group': log_group.name, 'awslogs-region': region, 'awslogs-stream-prefix': "
                "name}} (or awsfirelens).",
)(_each_container(_no_log_configuration))

SERVICE.resource_policy(
    name="ecs-taskdefinition-no-privileged-containers", types=TASKS, severity="high", criteria=["CC6.3", "CC6.8"],
    description="ECS containers do not run privileged.",
    remediation="Remove privileged: true from the container definitions; grant the one Linux capability needed with "
                "linuxParameters.capabilities.add instead.",
    checkov=["CKV_AWS_334"],
)(_each_container(_privileged))

SERVICE.resource_policy(
    name="ecs-taskdefinition-read-only-root-filesystem", types=TASKS, severity="low", criteria=["CC6.8", "CC6.3"],
    description="ECS containers mount their root filesystem read-only.",
    remediation="Set readonlyRootFilesystem: true in each container definition and mount a volume (or tmpfs) for the "
                "paths the application writes.",
    checkov=["CKV_AWS_336"],
)(_each_container(_writable_root))

SERVICE.resource_policy(
    name="ecs-taskdefinition-non-root-user", types=TASKS, severity="low", criteria=["CC6.3", "CC6.8"],
    description="ECS containers run as a non-root user.",
    remediation="Set user (e.g. '1000:1000' or a named user) in each container definition, or USER in the image and "
                "the same user here so the definition says it.",
)(_each_container(_root_user))

SERVICE.resource_policy(
    name="ecs-taskdefinition-no-plaintext-secrets", types=TASKS, severity="high", criteria=["CC6.1", "C1.1"],
    description="ECS container environments hold no credentials in plain text.",
    remediation="Move the value to Secrets Manager or SSM Parameter Store and reference it from the container "
                "definition's secrets: [{'name': 'DB_PASSWORD', 'valueFrom': secret.arn}] (the execution role needs "
                "secretsmanager:GetSecretValue on it); rotate the value that was exposed.",
)(_each_container(_plain_secrets))


def _same_roles(r: Resource) -> bool:
    task, execution = r.depends_on("taskRoleArn"), r.depends_on("executionRoleArn")
    if task and execution:
        return bool({id(d) for d in task} & {id(d) for d in execution})
    if not r.is_set("taskRoleArn") or not r.is_set("executionRoleArn"):
        return False
    return r.get("taskRoleArn") == r.get("executionRoleArn")  # literal ARNs; raises while either is computed


@SERVICE.stack_policy(
    name="ecs-taskdefinition-separate-task-role", severity="medium", criteria=["CC6.3"],
    description="An ECS task's own role (what the application may do) is not its execution role (what ECS needs to "
                "start it).",
    remediation="Create two aws.iam.Role resources: pass the one with AmazonECSTaskExecutionRolePolicy as "
                "execution_role_arn and one with only the application's permissions as task_role_arn.",
    checkov=["CKV_AWS_249"], examines=TASKS)
def _separate_roles(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    # A stack policy: only the stack's view says which resource a computed ARN came from.
    for r in stack.of_type(*TASKS):
        if _same_roles(r):
            yield (f"task definition {r.name}: taskRoleArn and executionRoleArn name the same role, so the application "
                   f"holds the permissions ECS uses to pull images and read secrets", r.urn)


@SERVICE.resource_policy(
    name="ecs-taskdefinition-efs-transit-encryption", types=TASKS, severity="high", criteria=["CC6.7"],
    description="EFS volumes of ECS tasks are mounted with encryption in transit.",
    remediation="Set efs_volume_configuration.transit_encryption='ENABLED' on each volume of the task definition "
                "(and authorization_config.iam='ENABLED' to use the task role).",
    checkov=["CKV_AWS_97"])
def _efs_transit(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for i, volume in enumerate(r.list("volumes")):
        if isinstance(volume, Mapping) and r.is_set(f"volumes.{i}.efsVolumeConfiguration"):
            value = r.get(f"volumes.{i}.efsVolumeConfiguration.transitEncryption")
            if value != "ENABLED":
                name = r.str(f"volumes.{i}.name") or f"volumes[{i}]"
                yield f"EFS volume {name} is mounted without TLS: transitEncryption is {shown(value)}, not ENABLED"


@SERVICE.resource_policy(
    name="ecs-service-no-public-ip", types=[ECS_SERVICE], severity="medium", criteria=["CC6.6"],
    description="ECS services do not give their tasks public IP addresses.",
    remediation="Set network_configuration.assign_public_ip=False and run the tasks in private subnets (with a NAT "
                "gateway or VPC endpoints for outbound calls) behind a load balancer.",
    checkov=["CKV_AWS_333"])
def _no_public_ip(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("networkConfiguration.assignPublicIp") is True:
        yield "tasks get public IP addresses: networkConfiguration.assignPublicIp is true"


@SERVICE.resource_policy(
    name="ecs-cluster-container-insights", types=[CLUSTER], severity="medium", criteria=["CC7.2", "A1.1"],
    description="ECS clusters collect Container Insights metrics.",
    remediation="Add settings=[{'name': 'containerInsights', 'value': 'enabled'}] (or 'enhanced') to aws.ecs.Cluster.",
    checkov=["CKV_AWS_65"])
def _container_insights(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    values = [r.get(f"settings.{i}.value") for i, s in enumerate(r.list("settings"))
              if isinstance(s, Mapping) and s.get("name") == "containerInsights"]
    if not any(v in INSIGHTS_ON for v in values):
        yield f"Container Insights is off (settings containerInsights is {shown(values[0] if values else None)})"


EXEC = "configuration.executeCommandConfiguration"


@SERVICE.resource_policy(
    name="ecs-cluster-exec-logging-encrypted", types=[CLUSTER], severity="medium", criteria=["CC7.2", "CC6.1"],
    description="ECS Exec sessions on a cluster are logged, to an encrypted destination, with a customer-managed "
                "key for the session data.",
    remediation="In configuration.execute_command_configuration of aws.ecs.Cluster set logging='OVERRIDE' with "
                "log_configuration (cloud_watch_log_group_name and cloud_watch_encryption_enabled=True, or an S3 "
                "bucket with s3_bucket_encryption_enabled=True) and kms_key_id; never logging='NONE'.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_223", "CKV_AWS_224"])
def _exec_logging(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set(EXEC):
        return  # DEFAULT: sessions are logged through the task definitions' awslogs configuration
    logging = r.get(f"{EXEC}.logging") or "DEFAULT"
    if logging == "NONE":
        yield f"ECS Exec sessions are not logged: {EXEC}.logging is 'NONE'"
        return
    if logging == "OVERRIDE" and not any(r.get(f"{EXEC}.logConfiguration.{flag}") is True
                                         for flag in ("cloudWatchEncryptionEnabled", "s3BucketEncryptionEnabled")):
        yield ("ECS Exec session logs are not encrypted: neither cloudWatchEncryptionEnabled nor "
               "s3BucketEncryptionEnabled is true in logConfiguration")
    if config["requireCustomerKey"] and not r.is_set(f"{EXEC}.kmsKeyId"):
        yield f"ECS Exec session data is not encrypted with a customer-managed key: {EXEC}.kmsKeyId is not set"
