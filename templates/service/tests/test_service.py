"""This service's tests: its program runs under the Pulumi SDK's mocks (no cloud, no credentials).

    python -m pytest tests

They read the dev stack's settings from stacks/Pulumi.dev.yaml, as `pulumi preview --stack dev`
would, so a settings change that breaks a control fails here first.
"""

from pathlib import Path

import pytest
from preflight.capture import ProgramError
from preflight.testing import check_stack, run_stack

SERVICE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dev():
    return run_stack(SERVICE, "dev")


def of_type(capture, type_):
    return [r for r in capture.records if r.type == type_]


def test_database_is_encrypted_backed_up_and_protected(dev):
    [database] = of_type(dev, "aws:rds/instance:Instance")
    assert database.inputs["storageEncrypted"] is True
    assert database.inputs["deletionProtection"] is True
    assert database.inputs["backupRetentionPeriod"] >= 7
    assert database.inputs["manageMasterUserPassword"] is True
    assert database.protect


def test_load_balancer_serves_only_tls(dev):
    listeners = of_type(dev, "aws:lb/listener:Listener")
    assert {listener.inputs["protocol"] for listener in listeners} <= {"HTTPS", "HTTP"}
    for listener in listeners:
        if listener.inputs["protocol"] == "HTTP":
            assert listener.inputs["defaultActions"][0]["type"] == "redirect"


def test_alarms_notify_someone(dev):
    alarms = of_type(dev, "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarms
    assert all(alarm.inputs.get("alarmActions") for alarm in alarms)


def test_database_is_in_a_daily_backup_plan(dev):
    [plan] = of_type(dev, "aws:backup/plan:Plan")
    assert any("cron" in rule["schedule"] for rule in plan.inputs["rules"])
    assert of_type(dev, "aws:backup/selection:Selection")


def test_a_bad_setting_stops_the_run_before_any_resource():
    with pytest.raises(ProgramError) as failure:
        run_stack(SERVICE, "dev", overrides={"environment": "production"})
    assert failure.value.settings_error
    assert "stacks/Pulumi.dev.yaml" in str(failure.value) and "environment" in str(failure.value)
    assert not [urn for urn in failure.value.registered if "pulumi:pulumi:Stack" not in urn]


def test_the_policy_pack_finds_no_mandatory_violation():
    result = check_stack(SERVICE, "dev")
    assert result.capture.records
    assert [f"{f.policy} {f.resource_name}: {f.detail}" for f in result.mandatory] == []


FULL = {"queues": ["jobs"], "tables": ["orders"], "cache": {"enabled": True}}


def test_containers_run_privately_behind_the_load_balancer(dev):
    [service] = of_type(dev, "aws:ecs/service:Service")
    assert service.inputs["networkConfiguration"]["assignPublicIp"] is False
    assert service.inputs["loadBalancers"][0]["containerPort"] == 8080
    [repository] = of_type(dev, "aws:ecr/repository:Repository")
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE"


def test_a_function_serves_the_load_balancer_when_compute_is_function():
    function = run_stack(SERVICE, "dev", overrides={"compute": "function"})
    [record] = of_type(function, "aws:lambda/function:Function")
    assert record.inputs["vpcConfig"]["subnetIds"] and record.inputs["tracingConfig"] == {"mode": "Active"}
    [group] = of_type(function, "aws:lb/targetGroup:TargetGroup")
    assert group.inputs["targetType"] == "lambda"
    assert of_type(function, "aws:lb/targetGroupAttachment:TargetGroupAttachment")
    assert not of_type(function, "aws:ecs/service:Service")


def test_queues_tables_and_a_cache_are_built_when_asked():
    full = run_stack(SERVICE, "dev", overrides=FULL)
    assert len(of_type(full, "aws:sqs/queue:Queue")) == 2  # the queue and its dead-letter queue
    [table] = of_type(full, "aws:dynamodb/table:Table")
    assert table.inputs["pointInTimeRecovery"] == {"enabled": True}
    assert of_type(full, "aws:elasticache/replicationGroup:ReplicationGroup")


@pytest.mark.parametrize("compute", ["container", "function"])
def test_each_compute_kind_with_every_data_component_passes_the_policy_pack(compute):
    result = check_stack(SERVICE, "dev", overrides={**FULL, "compute": compute})
    assert [f"{f.policy} {f.resource_name}: {f.detail}" for f in result.mandatory] == []
