"""A container service on ECS Fargate, behind the TLS load balancer's target group.

- The cluster has Container Insights and ECS Exec sessions logged, encrypted, to CloudWatch Logs.
- Images come from the service's own ECR repository: KMS-encrypted, scanned on push, immutable
  tags, old images expired.
- The task runs no privileged container, a read-only root filesystem and a non-root user by
  default; it logs to a KMS-encrypted, retained log group; secrets come only from Secrets Manager
  or SSM Parameter Store references, never from the environment.
- The task role (what the application may do) is apart from the execution role (what ECS needs to
  start it); both are scoped to named resources.
- The service runs in private subnets without public IPs, rolls back a failing deployment, scales
  on CPU, and alarms on CPU, memory and running tasks (CC6.1, CC6.3, CC6.6, CC6.8, CC7.1, CC7.2, A1.1).
"""

from __future__ import annotations

import json
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .alarms import Alarm, watch
from .iam_documents import arn_from_name, assume_role_policy, policy_document

LIFECYCLE = {"rules": [{"rulePriority": 1, "description": "keep the last 30 images",
                        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                        "action": {"type": "expire"}}]}


class ContainerServiceArgs(TypedDict):
    account_id: pulumi.Input[str]
    """Account of the service, for role conditions and log group ARNs."""
    region: str
    """Region of the service, for log configuration and ARNs."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets the tasks run in (no public IP is ever assigned)."""
    security_group_ids: list[pulumi.Input[str]]
    """Groups of the tasks: the application security group."""
    target_group_arn: pulumi.Input[str]
    """The load balancer's `ip` target group the tasks register with."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key for the image repository and ECS Exec sessions."""
    log_kms_key_arn: pulumi.Input[str]
    """Customer-managed key for the log groups (its policy must admit CloudWatch Logs)."""
    alert_topic_arn: pulumi.Input[str]
    """Topic the alarms notify."""
    image_tag: pulumi.Input[str]
    """Tag of the image to run from the service's repository (tags are immutable: one per release)."""
    container_port: NotRequired[int]
    """Port the container listens on (default 8080)."""
    cpu: NotRequired[int]
    """Task CPU units (default 512)."""
    memory_mb: NotRequired[int]
    """Task memory (default 1024)."""
    desired_count: NotRequired[int]
    """Tasks to run, and the scaling minimum (default 2)."""
    max_count: NotRequired[int]
    """Scaling maximum (default 6)."""
    cpu_target_percent: NotRequired[int]
    """Average CPU that target tracking aims for (default 60)."""
    environment: NotRequired[dict[str, pulumi.Input[str]]]
    """Plain settings; never secrets (the policy pack reports secret-looking values)."""
    secrets: NotRequired[dict[str, pulumi.Input[str]]]
    """Variable name to Secrets Manager secret ARN or SSM parameter ARN, injected at start."""
    task_policy_statements: NotRequired[list[dict[str, Any]]]
    """What the application may do, each statement scoped to named resources."""
    read_only_root_filesystem: NotRequired[bool]
    """Read-only root filesystem (default on; off is reported)."""
    user: NotRequired[str]
    """User the container runs as (default 1000; root is reported)."""
    log_retention_days: NotRequired[int]
    """Days logs are kept (default 365)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class ContainerService(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    service_name: pulumi.Output[str]
    repository_url: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:compute:ContainerService", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        cluster = self._cluster(name, args, tags)
        repository = aws.ecr.Repository(
            f"{name}-images", name=name, image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": args["kms_key_arn"]}], tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=True))
        aws.ecr.LifecyclePolicy(f"{name}-images-lifecycle", repository=repository.name, policy=json.dumps(LIFECYCLE),
                                opts=child)
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/ecs/{name}", kms_key_id=args["log_kms_key_arn"],
                                       retention_in_days=args.get("log_retention_days", 365), tags=tags, opts=child)
        task = self._task(name, args, repository, logs, tags)
        port = args.get("container_port", 8080)
        service = aws.ecs.Service(
            f"{name}-service", name=name, cluster=cluster.arn, task_definition=task.arn, launch_type="FARGATE",
            desired_count=args.get("desired_count", 2), propagate_tags="SERVICE", enable_execute_command=False,
            network_configuration={"subnets": args["subnet_ids"], "security_groups": args["security_group_ids"],
                                   "assign_public_ip": False},
            load_balancers=[{"target_group_arn": args["target_group_arn"], "container_name": name,
                             "container_port": port}],
            deployment_circuit_breaker={"enable": True, "rollback": True}, health_check_grace_period_seconds=60,
            tags=tags, opts=child)
        self._scaling(name, args, cluster, service)
        self._alarms(name, args, cluster, service, tags)
        self.cluster_name, self.service_name = cluster.name, service.name
        self.repository_url, self.task_role_arn = repository.repository_url, task.task_role_arn
        self.register_outputs({"cluster_name": self.cluster_name, "service_name": self.service_name,
                               "repository_url": self.repository_url})

    def _cluster(self, name: str, args: ContainerServiceArgs, tags: dict[str, str]) -> aws.ecs.Cluster:
        child = pulumi.ResourceOptions(parent=self)
        sessions = aws.cloudwatch.LogGroup(f"{name}-exec-logs", name=f"/ecs/{name}/exec",
                                           kms_key_id=args["log_kms_key_arn"],
                                           retention_in_days=args.get("log_retention_days", 365), tags=tags, opts=child)
        return aws.ecs.Cluster(
            f"{name}-cluster", name=name, settings=[{"name": "containerInsights", "value": "enabled"}],
            configuration={"execute_command_configuration": {
                "kms_key_id": args["kms_key_arn"], "logging": "OVERRIDE",
                "log_configuration": {"cloud_watch_log_group_name": sessions.name,
                                      "cloud_watch_encryption_enabled": True}}},
            tags=tags, opts=child)

    def _task(self, name: str, args: ContainerServiceArgs, repository: aws.ecr.Repository,
              logs: aws.cloudwatch.LogGroup, tags: dict[str, str]) -> aws.ecs.TaskDefinition:
        # Names and ARNs are built from names known before deploy, so the definition and the roles' policies
        # are checked at preview; depends_on keeps the order the references would have given.
        execution = self._role(f"{name}-execution", args, _execution_statements(name, args, repository, logs), tags)
        if args.get("secrets"):
            self._policy(f"{name}-execution-secrets", execution, [
                {"Sid": "OwnSecrets", "Effect": "Allow", "Resource": list(args["secrets"].values()),
                 "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameters"]},
                {"Sid": "DecryptSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": args["kms_key_arn"]}])
        task_role = self._role(f"{name}-task", args, args.get("task_policy_statements", []), tags)
        registry = pulumi.Output.concat(args["account_id"], ".dkr.ecr.", args["region"], ".amazonaws.com/", name)
        container = {
            "name": name, "image": pulumi.Output.concat(registry, ":", args["image_tag"]),
            "essential": True, "privileged": False,
            "readonlyRootFilesystem": args.get("read_only_root_filesystem", True), "user": args.get("user", "1000"),
            "portMappings": [{"containerPort": args.get("container_port", 8080), "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(args.get("environment", {}).items())],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(args.get("secrets", {}).items())],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": f"/ecs/{name}", "awslogs-region": args["region"], "awslogs-stream-prefix": name}},
        }
        return aws.ecs.TaskDefinition(
            f"{name}-task", family=name, requires_compatibilities=["FARGATE"], network_mode="awsvpc",
            cpu=str(args.get("cpu", 512)), memory=str(args.get("memory_mb", 1024)),
            execution_role_arn=execution.arn, task_role_arn=task_role.arn,
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "ARM64"},
            container_definitions=pulumi.Output.json_dumps([container]), tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[repository, logs]))

    def _role(self, name: str, args: ContainerServiceArgs, statements: list[dict[str, Any]],
              tags: dict[str, str]) -> aws.iam.Role:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=assume_role_policy(
            "ecs-tasks.amazonaws.com", {"StringEquals": {"aws:SourceAccount": args["account_id"]}}), tags=tags, opts=child)
        if statements:
            self._policy(f"{name}-permissions", role, statements)
        return role

    def _policy(self, name: str, role: aws.iam.Role, statements: list[dict[str, Any]]) -> None:
        aws.iam.RolePolicy(name, role=role.id, policy=policy_document(statements),
                           opts=pulumi.ResourceOptions(parent=self))

    def _scaling(self, name: str, args: ContainerServiceArgs, cluster: aws.ecs.Cluster, service: aws.ecs.Service) -> None:
        child = pulumi.ResourceOptions(parent=self)
        target = aws.appautoscaling.Target(
            f"{name}-scaling", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
            min_capacity=args.get("desired_count", 2), max_capacity=args.get("max_count", 6), opts=child)
        aws.appautoscaling.Policy(
            f"{name}-scaling-cpu", policy_type="TargetTrackingScaling", service_namespace=target.service_namespace,
            resource_id=target.resource_id, scalable_dimension=target.scalable_dimension,
            target_tracking_scaling_policy_configuration={
                "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                "target_value": args.get("cpu_target_percent", 60), "scale_in_cooldown": 300,
                "scale_out_cooldown": 60},
            opts=child)

    def _alarms(self, name: str, args: ContainerServiceArgs, cluster: aws.ecs.Cluster, service: aws.ecs.Service,
                tags: dict[str, str]) -> None:
        dimensions = {"ClusterName": cluster.name, "ServiceName": service.name}
        watch(name, dimensions, [
            Alarm("cpu", "tasks are CPU-bound", "AWS/ECS", "CPUUtilization", "Average", "GreaterThanThreshold", 85),
            Alarm("memory", "tasks are short of memory", "AWS/ECS", "MemoryUtilization", "Average",
                  "GreaterThanThreshold", 85),
            Alarm("running-tasks", "fewer tasks run than the service needs", "ECS/ContainerInsights",
                  "RunningTaskCount", "Minimum", "LessThanThreshold", args.get("desired_count", 2))],
            args["alert_topic_arn"], tags, pulumi.ResourceOptions(parent=self))


def _execution_statements(name: str, args: ContainerServiceArgs, repository: aws.ecr.Repository,
                          logs: aws.cloudwatch.LogGroup) -> list[dict[str, Any]]:
    """What ECS needs to start the task: pull its image, decrypt it, write its logs (its secrets are apart)."""
    place = {"region": args["region"], "account": args["account_id"]}
    return [
        # GetAuthorizationToken is account-wide by design; it grants no access to any repository by itself.
        {"Sid": "RegistryLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "PullOwnImages", "Effect": "Allow",
         "Resource": arn_from_name(repository.name, "arn:aws:ecr:{region}:{account}:repository/{name}", **place),
         "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]},
        {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": arn_from_name(logs.name, "arn:aws:logs:{region}:{account}:log-group:{name}:*", **place)},
    ]
