"""EncryptedDatabase: every secure default in the RDS inputs, and weakenings visible."""

from __future__ import annotations

from preflight import properties as props
from components.database import EncryptedDatabase
from tests.components.helpers import KEY_ARN, capture, of_type, one

INSTANCE = "aws:rds/instance:Instance"


def build(**extra) -> None:
    EncryptedDatabase("db", {"identifier": "app-db", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"],
                             "app_security_group_ids": ["sg-app", "sg-worker"], "kms_key_arn": KEY_ARN,
                             "log_kms_key_arn": KEY_ARN, "log_retention_days": 365, **extra})


def test_storage_secrets_and_performance_insights_are_encrypted_with_the_data_key():
    db = one(capture(build), INSTANCE)
    assert db.inputs["storageEncrypted"] is True and db.inputs["kmsKeyId"] == KEY_ARN
    assert db.inputs["manageMasterUserPassword"] is True and "password" not in db.inputs
    assert db.inputs["masterUserSecretKmsKeyId"] == KEY_ARN
    assert db.inputs["performanceInsightsEnabled"] is True and db.inputs["performanceInsightsKmsKeyId"] == KEY_ARN


def test_backups_deletion_protection_final_snapshot_and_protect():
    db = one(capture(build), INSTANCE)
    assert (db.inputs["backupRetentionPeriod"], db.inputs["backupWindow"]) == (14, "03:00-04:00")
    assert db.inputs["copyTagsToSnapshot"] is True and db.inputs["deletionProtection"] is True
    assert db.inputs["skipFinalSnapshot"] is False
    assert db.inputs["finalSnapshotIdentifier"] == props.UNKNOWN  # carries a random suffix, known at deploy
    assert db.protect


def test_networking_is_private_multi_az_and_reachable_only_from_the_app_groups():
    result = capture(build)
    db = one(result, INSTANCE)
    assert db.inputs["multiAz"] is True and db.inputs["publiclyAccessible"] is False
    assert one(result, "aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"] == ["subnet-a", "subnet-b"]
    group = one(result, "aws:ec2/securityGroup:SecurityGroup")
    assert group.inputs["ingress"] == [] and group.inputs["egress"] == []
    rules = of_type(result, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert sorted(r.inputs["referencedSecurityGroupId"] for r in rules) == ["sg-app", "sg-worker"]
    assert all((r.inputs["fromPort"], r.inputs["toPort"], r.inputs["ipProtocol"]) == (5432, 5432, "tcp") for r in rules)
    assert not any("cidrIpv4" in r.inputs or "cidrIpv6" in r.inputs for r in rules)


def test_tls_is_forced_and_logs_monitoring_iam_auth_and_upgrades_are_on():
    result = capture(build)
    db = one(result, INSTANCE)
    params = {p["name"]: p["value"] for p in one(result, "aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    assert params["rds.force_ssl"] == "1" and params["log_connections"] == "1"
    assert db.inputs["iamDatabaseAuthenticationEnabled"] is True and db.inputs["autoMinorVersionUpgrade"] is True
    assert db.inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    assert db.inputs["monitoringInterval"] == 60
    groups = {g.inputs["name"]: g.inputs for g in of_type(result, "aws:cloudwatch/logGroup:LogGroup")}
    assert set(groups) == {"/aws/rds/instance/app-db/postgresql", "/aws/rds/instance/app-db/upgrade"}
    assert all(g["retentionInDays"] == 365 and g["kmsKeyId"] == KEY_ARN for g in groups.values())


def test_mysql_requires_secure_transport():
    result = capture(lambda: build(engine="mysql"))
    params = {p["name"]: p["value"] for p in one(result, "aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    assert params["require_secure_transport"] == "ON"
    assert one(result, INSTANCE).inputs["engine"] == "mysql"


def test_a_callers_weakening_is_explicit_and_visible():
    db = one(capture(lambda: build(deletion_protection=False, publicly_accessible=True, multi_az=False,
                                   backup_retention_days=7)), INSTANCE)
    assert (db.inputs["deletionProtection"], db.inputs["publiclyAccessible"], db.inputs["multiAz"],
            db.inputs["backupRetentionPeriod"]) == (False, True, False, 7)
