"""ContainerService, Function, Table, Queue and Cache: secure inputs by default, weakenings visible,
state protected, alarms that notify, and what the backup plan must select."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.cache import Cache
from components.container_service import ContainerService
from components.function import Function
from components.queue import Queue
from components.table import Table
from preflight import properties as props
from tests.components.helpers import KEY_ARN, capture, of_type, one

TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PLACE = {"account_id": "123456789012", "region": "us-east-1"}


def table(**extra) -> None:
    Table("orders", {"hash_key": "id", "kms_key_arn": KEY_ARN, "alert_topic_arn": TOPIC, **extra})


def queue(**extra) -> None:
    Queue("jobs", {**PLACE, "kms_key_arn": KEY_ARN, "alert_topic_arn": TOPIC, **extra})


def cache(**extra) -> None:
    Cache("sessions", {"vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"], "app_security_group_ids": ["sg-app"],
                       "kms_key_arn": KEY_ARN, "alert_topic_arn": TOPIC, **extra})


def function(**extra) -> None:
    Function("worker", {**PLACE, "kms_key_arn": KEY_ARN, "log_kms_key_arn": KEY_ARN, "alert_topic_arn": TOPIC,
                        "code": pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(e, c): pass")}),
                        **extra})


def container(**extra) -> None:
    ContainerService("api", {**PLACE, "subnet_ids": ["subnet-a", "subnet-b"], "security_group_ids": ["sg-app"],
                             "target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1",
                             "kms_key_arn": KEY_ARN, "log_kms_key_arn": KEY_ARN, "alert_topic_arn": TOPIC,
                             "image_tag": "v1.2.3", **extra})


def notify(alarms) -> bool:
    return bool(alarms) and all(a.inputs["alarmActions"] == [TOPIC] and a.inputs["okActions"] == [TOPIC]
                                for a in alarms)


# --- Table ------------------------------------------------------------------------------------------

def test_a_table_is_encrypted_recoverable_protected_and_alarmed():
    result = capture(table)
    record = one(result, "aws:dynamodb/table:Table")
    assert record.inputs["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": KEY_ARN}
    assert record.inputs["pointInTimeRecovery"] == {"enabled": True}
    assert record.inputs["deletionProtectionEnabled"] is True and record.protect
    alarms = of_type(result, ALARM)
    assert {a.inputs["metricName"] for a in alarms} == {"ReadThrottleEvents", "WriteThrottleEvents", "SystemErrors"}
    assert notify(alarms) and all("TableName" in a.inputs["dimensions"] for a in alarms)


def test_weakening_a_table_is_explicit_and_visible():
    record = one(capture(lambda: table(point_in_time_recovery=False, deletion_protection=False)),
                 "aws:dynamodb/table:Table")
    assert record.inputs["pointInTimeRecovery"] == {"enabled": False}
    assert record.inputs["deletionProtectionEnabled"] is False


def test_a_table_asks_the_backup_plan_to_select_it():
    found = []

    def build() -> None:
        found.extend(Table("orders", {"hash_key": "id", "kms_key_arn": KEY_ARN, "alert_topic_arn": TOPIC}).backup_arns)
    capture(build)
    assert len(found) == 1


# --- Queue ------------------------------------------------------------------------------------------

def test_a_queue_is_encrypted_with_a_dead_letter_queue_tls_only_and_alarmed():
    result = capture(queue)
    queues = {r.name: r for r in of_type(result, "aws:sqs/queue:Queue")}
    assert set(queues) == {"jobs-queue", "jobs-dead-letter"}
    assert all(q.inputs["kmsMasterKeyId"] == KEY_ARN and q.protect for q in queues.values())
    assert "jobs-dead-letter" in queues["jobs-queue"].property_dependencies["redrivePolicy"][0]
    policies = of_type(result, "aws:sqs/queuePolicy:QueuePolicy")
    assert len(policies) == 2
    for policy in policies:
        [statement] = json.loads(policy.inputs["policy"])["Statement"]
        assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    alarms = of_type(result, ALARM)
    assert {a.inputs["metricName"] for a in alarms} == {"ApproximateAgeOfOldestMessage",
                                                       "ApproximateNumberOfMessagesVisible"}
    assert notify(alarms)


def test_a_fifo_queue_has_a_fifo_dead_letter_queue():
    names = {r.inputs["name"] for r in of_type(capture(lambda: queue(fifo=True)), "aws:sqs/queue:Queue")}
    assert names == {"jobs.fifo", "jobs-dead-letter.fifo"}


# --- Cache ------------------------------------------------------------------------------------------

def test_a_cache_is_encrypted_both_ways_with_an_auth_token_in_secrets_manager():
    result = capture(cache)
    group = one(result, "aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["atRestEncryptionEnabled"] is True and group.inputs["kmsKeyId"] == KEY_ARN
    assert group.inputs["transitEncryptionEnabled"] is True and props.is_secret(group.inputs["authToken"])
    version = one(result, "aws:secretsmanager/secretVersion:SecretVersion")
    assert props.is_secret(version.inputs["secretString"])
    assert one(result, "aws:secretsmanager/secret:Secret").inputs["kmsKeyId"] == KEY_ARN
    assert group.inputs["automaticFailoverEnabled"] is True and group.inputs["multiAzEnabled"] is True
    assert group.inputs["snapshotRetentionLimit"] == 7 and group.protect


def test_a_cache_is_reachable_only_from_the_application_groups_and_alarmed_per_node():
    result = capture(lambda: cache(nodes=3))
    [rule] = of_type(result, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert (rule.inputs["referencedSecurityGroupId"], rule.inputs["fromPort"]) == ("sg-app", 6379)
    assert one(result, "aws:ec2/securityGroup:SecurityGroup").inputs["ingress"] == []
    alarms = of_type(result, ALARM)
    assert len(alarms) == 6 and notify(alarms)


def test_weakening_a_cache_for_dev_is_explicit_and_visible():
    group = one(capture(lambda: cache(multi_az=False, nodes=1, snapshot_retention_days=0)),
                "aws:elasticache/replicationGroup:ReplicationGroup")
    assert (group.inputs["multiAzEnabled"], group.inputs["automaticFailoverEnabled"]) == (False, False)
    assert group.inputs["snapshotRetentionLimit"] == 0


# --- Function ---------------------------------------------------------------------------------------

def test_a_function_is_traced_encrypted_bounded_and_fails_into_a_dead_letter_queue():
    result = capture(function)
    record = one(result, "aws:lambda/function:Function")
    assert record.inputs["tracingConfig"] == {"mode": "Active"} and record.inputs["kmsKeyArn"] == KEY_ARN
    assert record.inputs["reservedConcurrentExecutions"] == 10
    assert "worker-dead-letter" in record.property_dependencies["deadLetterConfig"][0]
    logs = one(result, "aws:cloudwatch/logGroup:LogGroup")
    assert logs.inputs["name"] == "/aws/lambda/worker" and logs.inputs["kmsKeyId"] == KEY_ARN
    assert logs.inputs["retentionInDays"] == 365
    assert not of_type(result, "aws:lambda/functionUrl:FunctionUrl")
    alarms = [a for a in of_type(result, ALARM) if a.inputs["namespace"] == "AWS/Lambda"]
    assert {a.inputs["metricName"] for a in alarms} == {"Errors", "Throttles", "Duration"} and notify(alarms)


def test_a_functions_role_is_scoped_to_its_own_resources():
    result = capture(lambda: function(secret_arns=["arn:aws:secretsmanager:us-east-1:123456789012:secret:db"]))
    trust = json.loads(one(result, "aws:iam/role:Role").inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"} and "aws:SourceAccount" in str(trust)
    statements = json.loads(one(result, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])["Statement"]
    assert {s["Sid"] for s in statements} == {"OwnLogs", "DeadLetters", "Environment", "OwnSecrets"}
    assert all(s["Resource"] != "*" for s in statements)
    assert statements[0]["Resource"] == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*"
    attached = {r.inputs["policyArn"] for r in of_type(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attached == {"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"}


def test_a_function_url_requires_iam_auth_unless_none_is_asked_for():
    url = one(capture(lambda: function(url_auth_type="AWS_IAM")), "aws:lambda/functionUrl:FunctionUrl")
    assert url.inputs["authorizationType"] == "AWS_IAM"
    public = one(capture(lambda: function(url_auth_type="NONE")), "aws:lambda/functionUrl:FunctionUrl")
    assert public.inputs["authorizationType"] == "NONE"


def test_a_function_behind_the_load_balancer_may_be_invoked_only_by_its_target_group():
    group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fn/1"
    result = capture(lambda: function(load_balancer_target_group_arn=group))
    permission = one(result, "aws:lambda/permission:Permission")
    assert (permission.inputs["principal"], permission.inputs["sourceArn"]) == (
        "elasticloadbalancing.amazonaws.com", group)
    assert one(result, "aws:lb/targetGroupAttachment:TargetGroupAttachment").inputs["targetGroupArn"] == group


# --- ContainerService -------------------------------------------------------------------------------

def containers_of(result) -> list[dict]:
    definitions = one(result, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    return json.loads(definitions) if isinstance(definitions, str) else []


def test_the_cluster_has_insights_and_encrypted_exec_logging():
    cluster = one(capture(container), "aws:ecs/cluster:Cluster")
    assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    exec_config = cluster.inputs["configuration"]["executeCommandConfiguration"]
    assert exec_config["kmsKeyId"] == KEY_ARN and exec_config["logging"] == "OVERRIDE"
    assert exec_config["logConfiguration"]["cloudWatchEncryptionEnabled"] is True


def test_the_repository_is_encrypted_scanned_immutable_and_pruned():
    result = capture(container)
    repository = one(result, "aws:ecr/repository:Repository")
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]
    assert repository.protect and one(result, "aws:ecr/lifecyclePolicy:LifecyclePolicy")


def test_the_service_is_private_rolls_back_scales_and_is_alarmed():
    result = capture(container)
    service = one(result, "aws:ecs/service:Service")
    assert service.inputs["networkConfiguration"]["assignPublicIp"] is False
    assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service.inputs["launchType"] == "FARGATE"
    policy = one(result, "aws:appautoscaling/policy:Policy")
    assert policy.inputs["policyType"] == "TargetTrackingScaling"
    alarms = of_type(result, ALARM)
    assert {a.inputs["metricName"] for a in alarms} == {"CPUUtilization", "MemoryUtilization", "RunningTaskCount"}
    assert notify(alarms)


def test_the_task_has_separate_roles_and_no_privileged_or_root_container_by_default():
    result = capture(container)
    task = one(result, "aws:ecs/taskDefinition:TaskDefinition")
    roles = {r.name for r in of_type(result, "aws:iam/role:Role")}
    assert roles == {"api-execution-role", "api-task-role"}
    assert task.property_dependencies["executionRoleArn"] != task.property_dependencies["taskRoleArn"]
    assert task.inputs["requiresCompatibilities"] == ["FARGATE"] and task.inputs["networkMode"] == "awsvpc"


def test_the_container_is_unprivileged_non_root_read_only_logged_and_known_at_preview():
    [definition] = containers_of(capture(lambda: container(secrets={"DB": "arn:aws:secretsmanager:us-east-1:1:secret:db"})))
    assert (definition["privileged"], definition["readonlyRootFilesystem"], definition["user"]) == (False, True, "1000")
    assert definition["image"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1.2.3"
    assert definition["logConfiguration"]["options"]["awslogs-group"] == "/ecs/api"
    assert definition["secrets"] == [{"name": "DB", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:db"}]
    assert definition["environment"] == []


def test_weakening_the_container_is_explicit_and_visible():
    [definition] = containers_of(capture(lambda: container(read_only_root_filesystem=False, user="root")))
    assert (definition["readonlyRootFilesystem"], definition["user"]) == (False, "root")


# --- the pack's verdict -----------------------------------------------------------------------------

def all_components() -> None:
    """Every component as a service would build them: keys of its own, a function in private subnets, backups."""
    from components.backups import BackupPlan
    from components.encryption_key import EncryptionKey

    keys = {purpose: EncryptionKey(purpose, {"purpose": purpose, "region": "us-east-1", **PLACE_ACCOUNT,
                                             "services": services}).arn
            for purpose, services in (("data", []), ("logs", ["cloudwatch-logs", "cloudwatch-alarms"]),
                                      ("backups", []))}
    data, logs = keys["data"], keys["logs"]
    tables = Table("orders", {"hash_key": "id", "kms_key_arn": data, "alert_topic_arn": TOPIC})
    Queue("jobs", {**PLACE, "kms_key_arn": data, "alert_topic_arn": TOPIC})
    Cache("sessions", {"vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"], "app_security_group_ids": ["sg-app"],
                       "kms_key_arn": data, "alert_topic_arn": TOPIC})
    Function("worker", {**PLACE, "kms_key_arn": data, "log_kms_key_arn": logs, "alert_topic_arn": TOPIC,
                        "code": pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(e, c): pass")}),
                        "vpc": {"subnet_ids": ["subnet-a", "subnet-b"], "security_group_ids": ["sg-app"]}})
    ContainerService("api", {**PLACE, "subnet_ids": ["subnet-a", "subnet-b"], "security_group_ids": ["sg-app"],
                             "target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1",
                             "kms_key_arn": data, "log_kms_key_arn": logs, "alert_topic_arn": TOPIC,
                             "image_tag": "v1.2.3", "secrets": {"DB": "arn:aws:secretsmanager:us-east-1:1:secret:db"}})
    BackupPlan("backup", {"kms_key_arn": keys["backups"], "account_id": "123456789012", "retention_days": 35,
                          "resources": tables.backup_arns})


PLACE_ACCOUNT = {"account_id": "123456789012"}


@pytest.mark.parametrize("mode", ["preview", "resolved"])
def test_the_components_pass_every_policy_that_applies_to_them(soc2_pack, mode):
    from soc2_policies import ACCOUNT_POLICIES
    from tests.policies.harness import analyze

    findings = analyze(soc2_pack, all_components, {}, mode)
    account_wide = set(ACCOUNT_POLICIES)
    assert [f"{f.policy} {f.resource_name}: {f.detail}" for f in findings
            if f.kind == "violation" and f.policy not in account_wide] == []
