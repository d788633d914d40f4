"""ECS policy cases: task definitions (containers as JSON strings and as Output.json_dumps), services, clusters."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

TASK_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"
SAFE_CONTAINER: dict[str, Any] = {
    "name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2", "essential": True,
    "user": "1000:1000", "readonlyRootFilesystem": True, "privileged": False,
    "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD_SECRET_ARN", "value": SECRET}],
    "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET}],
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app", "awslogs-region": "us-east-1",
                                                             "awslogs-stream-prefix": "app"}},
}


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def task(*, shape: str = "json", roles: str = "separate", volumes: list[dict[str, Any]] | None = None,
         **container: Any) -> Build:
    """A Fargate task with one container (SAFE_CONTAINER changed by `container`; a None value removes the key).

    shape: "json" (json.dumps), "output" (Output.json_dumps with the log group's name) or "computed"
    (a container image from a repository created in the program: unknown at preview)."""
    definition = {k: v for k, v in {**SAFE_CONTAINER, **container}.items() if v is not None}

    def build() -> None:
        execution = aws.iam.Role("execution", assume_role_policy=TASK_TRUST)
        task_role = aws.iam.Role("task", assume_role_policy=TASK_TRUST) if roles == "separate" else execution
        if shape == "json":
            containers: Any = json.dumps([definition])
        elif shape == "output":
            logs = aws.cloudwatch.LogGroup("app-logs", name="/ecs/app", retention_in_days=365)
            options = {**definition.get("logConfiguration", {}).get("options", {}), "awslogs-group": logs.name}
            with_logs = {**definition, "logConfiguration": {"logDriver": "awslogs", "options": options}} \
                if "logConfiguration" in definition else definition
            containers = pulumi.Output.json_dumps([with_logs])
        else:
            repo = aws.ecr.Repository("app", name="app")
            containers = pulumi.Output.json_dumps([{**definition, "image": repo.repository_url}])
        aws.ecs.TaskDefinition("app", family="app", requires_compatibilities=["FARGATE"], network_mode="awsvpc",
                               cpu="256", memory="512", container_definitions=containers,
                               execution_role_arn=execution.arn,
                               task_role_arn=task_role.arn if roles != "literal-same" else execution.arn,
                               volumes=volumes)
    return named(f"task({shape}, roles={roles}, volumes={volumes}, {container})", build)


def literal_roles(task_role: str, execution_role: str) -> Build:
    return named(f"literal_roles({task_role}, {execution_role})", lambda: aws.ecs.TaskDefinition(
        "app", family="app", container_definitions=json.dumps([SAFE_CONTAINER]), task_role_arn=task_role,
        execution_role_arn=execution_role))


def efs(transit: str | None, authorization: bool = True) -> list[dict[str, Any]]:
    configuration: dict[str, Any] = {"file_system_id": "fs-0123456789abcdef0"}
    if transit:
        configuration["transit_encryption"] = transit
    if authorization:
        configuration["authorization_config"] = {"iam": "ENABLED"}
    return [{"name": "scratch"}, {"name": "shared", "efs_volume_configuration": configuration}]


def service(assign_public_ip: bool | None) -> Build:
    network: dict[str, Any] = {"subnets": ["subnet-0123456789abcdef0"], "security_groups": ["sg-0123456789abcdef0"]}
    if assign_public_ip is not None:
        network["assign_public_ip"] = assign_public_ip
    return named(f"service({assign_public_ip})", lambda: aws.ecs.Service(
        "app", cluster="arn:aws:ecs:us-east-1:123456789012:cluster/main", desired_count=2, launch_type="FARGATE",
        task_definition="arn:aws:ecs:us-east-1:123456789012:task-definition/app:3", network_configuration=network))


def cluster(insights: str | None = "enabled", execute: dict[str, Any] | None = None, key: bool = False) -> Build:
    def build() -> None:
        configuration = None
        if execute is not None:
            kms = aws.kms.Key("exec", enable_key_rotation=True) if key else None
            configuration = {"execute_command_configuration": {**execute, **({"kms_key_id": kms.arn} if kms else {})}}
        aws.ecs.Cluster("main", settings=[{"name": "containerInsights", "value": insights}] if insights else None,
                        configuration=configuration)
    return named(f"cluster({insights}, {execute}, key={key})", build)


LOGGED_EXEC = {"logging": "OVERRIDE", "log_configuration": {"cloud_watch_encryption_enabled": True,
                                                            "cloud_watch_log_group_name": "/ecs/exec"}}
SAFE = task()

CASES = [
    Case("ecs-taskdefinition-container-logging", SAFE, task(logConfiguration=None),
         "container 'app': no logConfiguration.logDriver"),
    Case("ecs-taskdefinition-container-logging", task(shape="output"), task(shape="output", logConfiguration=None),
         "no logConfiguration.logDriver"),
    Case("ecs-taskdefinition-no-privileged-containers", SAFE, task(privileged=True),
         "container 'app': privileged is true"),
    Case("ecs-taskdefinition-no-privileged-containers", task(shape="output", privileged=None),
         task(shape="output", privileged=True), "privileged is true"),
    Case("ecs-taskdefinition-read-only-root-filesystem", SAFE, task(readonlyRootFilesystem=None),
         "the root filesystem is writable (readonlyRootFilesystem is unset)"),
    Case("ecs-taskdefinition-read-only-root-filesystem", task(shape="output"),
         task(shape="output", readonlyRootFilesystem=False), "readonlyRootFilesystem is False"),
    Case("ecs-taskdefinition-non-root-user", SAFE, task(user=None), "no user is set"),
    Case("ecs-taskdefinition-non-root-user", task(shape="output", user="app"), task(shape="output", user="0:0"),
         "user '0:0' is root"),
    Case("ecs-taskdefinition-no-plaintext-secrets", SAFE,
         task(environment=[{"name": "DB_PASSWORD", "value": "hunter2-but-longer"}]),
         "environment variable(s) DB_PASSWORD hold credentials in plain text"),
    Case("ecs-taskdefinition-no-plaintext-secrets", task(shape="output"),
         task(shape="output", environment=[{"name": "stripeApiKey", "value": "sk_live_abc"}]), "stripeApiKey"),
    Case("ecs-taskdefinition-separate-task-role", SAFE, task(roles="same"),
         "taskRoleArn and executionRoleArn name the same role"),
    Case("ecs-taskdefinition-separate-task-role",
         literal_roles("arn:aws:iam::123456789012:role/app-task", "arn:aws:iam::123456789012:role/app-execution"),
         literal_roles("arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:role/app"),
         "name the same role"),
    Case("ecs-taskdefinition-efs-transit-encryption", task(volumes=efs("ENABLED")), task(volumes=efs(None)),
         "EFS volume shared is mounted without TLS: transitEncryption is unset"),
    Case("ecs-taskdefinition-efs-transit-encryption", task(volumes=efs("ENABLED", authorization=False)),
         task(volumes=efs("DISABLED")), "transitEncryption is 'DISABLED'"),
    Case("ecs-service-no-public-ip", service(False), service(True), "networkConfiguration.assignPublicIp is true"),
    Case("ecs-service-no-public-ip", service(None), service(True), "tasks get public IP addresses"),
    Case("ecs-cluster-container-insights", cluster(), cluster(None), "Container Insights is off"),
    Case("ecs-cluster-container-insights", cluster("enhanced"), cluster("disabled"),
         "settings containerInsights is 'disabled'"),
    Case("ecs-cluster-exec-logging-encrypted", cluster(execute=LOGGED_EXEC, key=True),
         cluster(execute={"logging": "NONE"}, key=True), "ECS Exec sessions are not logged"),
    Case("ecs-cluster-exec-logging-encrypted", cluster(),
         cluster(execute={"logging": "OVERRIDE", "log_configuration": {"cloud_watch_log_group_name": "/ecs/exec"}},
                 key=True), "ECS Exec session logs are not encrypted"),
    Case("ecs-cluster-exec-logging-encrypted", cluster(execute={"logging": "DEFAULT"}, key=True),
         cluster(execute={"logging": "DEFAULT"}), "kmsKeyId is not set"),
]
