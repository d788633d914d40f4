"""${DESCRIPTION}

Built from the SOC 2 baseline's components, so it is compliant from its first commit: a TLS load
balancer behind a WAF, an encrypted database with backups, alarms that page someone, and a daily
backup plan. `preflight check --stack dev` checks it offline; CI does the same on every pull request.
"""

import pulumi
import pulumi_aws as aws
from soc2_components.app_security_group import ApplicationSecurityGroup
from soc2_components.backups import BackupPlan
from soc2_components.database import EncryptedDatabase
from soc2_components.encryption_key import EncryptionKey
from soc2_components.load_balancer import TlsLoadBalancer
from soc2_components.monitoring import Monitoring
from soc2_components.network import Network
from soc2_components.secure_bucket import server_access_log_bucket

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


data_key = key("data", [])
logs_key = key("logs", ["cloudwatch-logs", "cloudwatch-alarms", "eventbridge"])
backups_key = key("backups", [])

if settings.network.mode == "own":
    network = Network(f"{name}-network", {"cidr": str(settings.network.cidr), "az_count": settings.network.az_count,
                                          "flow_log_key_arn": logs_key.arn, "account_id": account, "region": region,
                                          "flow_log_retention_days": settings.log_retention_days, "tags": tags})
    vpc_id, vpc_cidr = network.vpc_id, network.vpc_cidr
    public_subnets, private_subnets = network.public_subnet_ids, network.private_subnet_ids
else:
    baseline = pulumi.StackReference(settings.network.baseline_stack)
    vpc_id, vpc_cidr = baseline.require_output("vpcId"), baseline.require_output("vpcCidr")
    public_subnets = baseline.require_output("publicSubnetIds")
    private_subnets = baseline.require_output("privateSubnetIds")

access_logs = server_access_log_bucket(f"{name}-access-logs", account, region, tags)
balancer = TlsLoadBalancer(f"{name}-lb", {
    "vpc_id": vpc_id, "vpc_cidr": vpc_cidr, "public_subnet_ids": public_subnets, "domain_name": settings.domain_name,
    "hosted_zone_id": settings.hosted_zone_id or None, "account_id": account, "region": region,
    "log_bucket_name": f"{name}-lb-logs-{account}-{region}", "server_access_log_bucket": access_logs.bucket_name,
    "log_kms_key_arn": logs_key.arn, "log_retention_days": settings.log_retention_days, "target_port": APP_PORT,
    "tags": tags,
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
BackupPlan(f"{name}-backup", {"kms_key_arn": backups_key.arn, "account_id": account,
                              "retention_days": settings.backup_retention_days, "resources": [database.arn],
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
