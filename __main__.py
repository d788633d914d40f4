"""The SOC 2 baseline program: read the stack's settings, build the baseline, export outputs."""

import pulumi

from components.baseline import Baseline
from components.baseline_settings import load_baseline_settings
from components.roster import load_roster

settings = load_baseline_settings()
roster = load_roster(settings.access.roster_file)
baseline = Baseline("soc2", {"settings": settings, "roster": roster})

pulumi.export("environment", settings.environment)
pulumi.export("vpcId", baseline.vpc_id)
pulumi.export("vpcCidr", baseline.vpc_cidr)
pulumi.export("publicSubnetIds", baseline.public_subnet_ids)
pulumi.export("privateSubnetIds", baseline.private_subnet_ids)
pulumi.export("loadBalancerDnsName", baseline.load_balancer_dns_name)
pulumi.export("databaseEndpoint", baseline.database_endpoint)
pulumi.export("databaseMasterSecretArn", baseline.database_master_secret_arn)
pulumi.export("alertTopicArn", baseline.alert_topic_arn)
pulumi.export("auditBucket", baseline.audit_bucket_name)
pulumi.export("certificateValidationRecords", baseline.certificate_validation_records)
pulumi.export("githubTwoFactorRequired", baseline.github_two_factor_required)
pulumi.export("iamGroups", baseline.iam_groups)
pulumi.export("iamUsers", baseline.iam_users)
pulumi.export("identityCenterUsers", baseline.identity_center_users)
