"""${DESCRIPTION}

Built from the SOC 2 baseline's components, so it is compliant from its first commit: a TLS load
balancer behind a WAF forwarding to containers on ECS Fargate or to a Lambda function, an encrypted
database, optional queues, tables and a cache, alarms that page someone, and a daily backup plan.
`preflight check --stack dev` checks it offline; CI does the same on every pull request.
"""

from typing import Any

import pulumi
import pulumi_aws as aws
from soc2_components.app_security_group import ApplicationSecurityGroup
from soc2_components.backups import BackupPlan
from soc2_components.cache import Cache
from soc2_components.container_service import ContainerService
from soc2_components.database import EncryptedDatabase
from soc2_components.encryption_key import EncryptionKey
from soc2_components.function import Function
from soc2_components.load_balancer import TlsLoadBalancer
from soc2_components.monitoring import Monitoring
from soc2_components.network import Network
from soc2_components.queue import Queue
from soc2_components.secure_bucket import server_access_log_bucket
from soc2_components.table import Table

from service_settings import load_service_settings

APP_PORT = 8080

settings = load_service_settings()
account = aws.get_caller_identity().account_id
region = aws.get_region().region
name = f"{pulumi.get_project()}-{settings.environment}"
tags = {"soc2:environment": settings.environment, "soc2:owner": settings.owner, "soc2:service": pulumi.get_project()}


def key(purpose: str, services: list[str]) -> EncryptionKey:
    return EncryptionKey(f"{name}-{purpose}", {"purpose": purpose, "account_id": account, "region": region,
                                                "services": services, "tags": tags})


def endpoints() -> list[str]:
    """The AWS APIs the private subnets reach without the internet, for what this service runs."""
    needed = ["logs", "secretsmanager", "kms", "monitoring"]
    if settings.compute == "container":
        needed += ["ecr.api", "ecr.dkr", "s3"]
    if settings.queues:
        needed.append("sqs")
    if settings.tables:
        needed.append("dynamodb")
    return needed


def network() -> tuple[Any, Any, Any, Any]:
    """This service's own VPC, or the baseline's through a stack reference (which must provide the endpoints)."""
    if settings.network.mode == "own":
        own = Network(f"{name}-network", {"cidr": str(settings.network.cidr), "az_count": settings.network.az_count,
                                          "flow_log_key_arn": logs_key.arn, "account_id": account, "region": region,
                                          "flow_log_retention_days": settings.log_retention_days,
                                          "endpoints": endpoints(), "tags": tags})
        return own.vpc_id, own.vpc_cidr, own.public_subnet_ids, own.private_subnet_ids
    baseline = pulumi.StackReference(settings.network.baseline_stack)
    return (baseline.require_output("vpcId"), baseline.require_output("vpcCidr"),
            baseline.require_output("publicSubnetIds"), baseline.require_output("privateSubnetIds"))


def data_access() -> list[dict[str, Any]]:
    """What the service's code may do with its own queues, tables and cache secret, and nothing else."""
    statements: list[dict[str, Any]] = [{"Sid": "DataKey", "Effect": "Allow", "Resource": data_key.arn,
                                         "Action": ["kms:Decrypt", "kms:GenerateDataKey"]}]
    if queues:
        statements.append({"Sid": "OwnQueues", "Effect": "Allow", "Resource": [q.arn for q in queues.values()],
                           "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                                      "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]})
    if tables:
        statements.append({"Sid": "OwnTables", "Effect": "Allow", "Resource": [t.arn for t in tables.values()],
                           "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                      "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem",
                                      "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"]})
    return statements


def environment() -> dict[str, Any]:
    """Where the service's resources are; never secrets (those are read from Secrets Manager)."""
    found: dict[str, Any] = {"DATABASE_HOST": database.endpoint}
    found.update({f"QUEUE_{n.upper().replace('-', '_')}_URL": q.url for n, q in queues.items()})
    found.update({f"TABLE_{n.upper().replace('-', '_')}": t.name for n, t in tables.items()})
    if cache is not None:
        found["CACHE_HOST"] = cache.primary_endpoint
    return found


def compute() -> Any:
    """Containers on ECS Fargate, or a Lambda function in the private subnets, behind the load balancer."""
    common = {"account_id": account, "region": region, "alert_topic_arn": monitoring.topic_arn,
              "log_kms_key_arn": logs_key.arn, "log_retention_days": settings.log_retention_days,
              "environment": environment(), "tags": tags}
    secrets = [database.master_secret_arn, *([cache.auth_secret_arn] if cache is not None else [])]
    if settings.compute == "function":
        return Function(f"{name}-app", {
            **common, **settings.function.model_dump(), "kms_key_arn": data_key.arn,
            "code": pulumi.FileArchive("./app"), "handler": "app.handler", "secret_arns": secrets,
            "policy_statements": data_access(), "load_balancer_target_group_arn": balancer.target_group_arn,
            "vpc": {"subnet_ids": private_subnets, "security_group_ids": [app.security_group_id]}})
    return ContainerService(f"{name}-app", {
        **common, **settings.container.model_dump(), "kms_key_arn": data_key.arn, "container_port": APP_PORT,
        "subnet_ids": private_subnets, "security_group_ids": [app.security_group_id],
        "target_group_arn": balancer.target_group_arn, "task_policy_statements": data_access(),
        "secrets": {"DATABASE_SECRET": database.master_secret_arn,
                    **({"CACHE_AUTH_TOKEN": cache.auth_secret_arn} if cache is not None else {})}})


data_key = key("data", [])
logs_key = key("logs", ["cloudwatch-logs", "cloudwatch-alarms", "eventbridge"])
backups_key = key("backups", [])
vpc_id, vpc_cidr, public_subnets, private_subnets = network()

access_logs = server_access_log_bucket(f"{name}-access-logs", account, region, tags)
balancer = TlsLoadBalancer(f"{name}-lb", {
    "vpc_id": vpc_id, "vpc_cidr": vpc_cidr, "public_subnet_ids": public_subnets, "domain_name": settings.domain_name,
    "hosted_zone_id": settings.hosted_zone_id or None, "account_id": account, "region": region,
    "log_bucket_name": f"{name}-lb-logs-{account}-{region}", "server_access_log_bucket": access_logs.bucket_name,
    "log_kms_key_arn": logs_key.arn, "log_retention_days": settings.log_retention_days, "target_port": APP_PORT,
    "target_type": "lambda" if settings.compute == "function" else "ip", "tags": tags,
})
app = ApplicationSecurityGroup(f"{name}-app", {"vpc_id": vpc_id, "vpc_cidr": vpc_cidr, "port": APP_PORT,
                                               "load_balancer_security_group_id": balancer.security_group_id,
                                               "tags": tags})
database = EncryptedDatabase(f"{name}-database", {
    **settings.database.model_dump(), "identifier": f"{name}-db", "vpc_id": vpc_id, "subnet_ids": private_subnets,
    "app_security_group_ids": [app.security_group_id], "kms_key_arn": data_key.arn, "log_kms_key_arn": logs_key.arn,
    "log_retention_days": settings.log_retention_days, "tags": {**tags, "soc2:data": "customer"},
})
monitoring = Monitoring(f"{name}-monitoring", {
    "topic_kms_key_arn": logs_key.arn, "account_id": account, "region": region,
    "alert_emails": [str(settings.alert_email)], "load_balancer_arn_suffix": balancer.arn_suffix,
    "target_group_arn_suffix": balancer.target_group_arn_suffix, "db_instance_identifier": database.instance_identifier,
    "tags": tags,
})
queues = {q: Queue(f"{name}-{q}", {"account_id": account, "region": region, "kms_key_arn": data_key.arn,
                                   "alert_topic_arn": monitoring.topic_arn, "tags": tags}) for q in settings.queues}
tables = {t: Table(f"{name}-{t}", {"hash_key": "id", "kms_key_arn": data_key.arn,
                                   "alert_topic_arn": monitoring.topic_arn, "tags": {**tags, "soc2:data": "customer"}})
          for t in settings.tables}
cache = Cache(f"{name}-cache", {
    "vpc_id": vpc_id, "subnet_ids": private_subnets, "app_security_group_ids": [app.security_group_id],
    "kms_key_arn": data_key.arn, "alert_topic_arn": monitoring.topic_arn, "node_type": settings.cache.node_type,
    "multi_az": settings.cache.multi_az, "nodes": 2 if settings.cache.multi_az else 1, "tags": tags,
}) if settings.cache.enabled else None
service = compute()
BackupPlan(f"{name}-backup", {"kms_key_arn": backups_key.arn, "account_id": account,
                              "retention_days": settings.backup_retention_days,
                              "resources": [database.arn, *(arn for t in tables.values() for arn in t.backup_arns)],
                              "lock_mode": "compliance" if settings.environment == "prod" else "governance",
                              "tags": tags})

pulumi.export("url", pulumi.Output.concat("https://", settings.domain_name))
pulumi.export("loadBalancerDnsName", balancer.dns_name)
pulumi.export("targetGroupArn", balancer.target_group_arn)
pulumi.export("appSecurityGroupId", app.security_group_id)
pulumi.export("databaseEndpoint", database.endpoint)
pulumi.export("databaseMasterSecretArn", database.master_secret_arn)
pulumi.export("alertTopicArn", monitoring.topic_arn)
pulumi.export("certificateValidationRecords", balancer.certificate_validation_records)
pulumi.export("queueUrls", {n: q.url for n, q in queues.items()})
pulumi.export("tableNames", {n: t.name for n, t in tables.items()})
if cache is not None:
    pulumi.export("cacheEndpoint", cache.primary_endpoint)
if isinstance(service, ContainerService):
    pulumi.export("imageRepositoryUrl", service.repository_url)
else:
    pulumi.export("functionName", service.name)
