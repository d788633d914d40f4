"""`synthetic:count` resources in groups of ten: a bucket with its four security settings, a key,
a log group, an alarm, a security group and an ingress rule, so every policy module has work."""

import json

import pulumi
import pulumi_aws as aws

count = int(pulumi.Config().require("count"))
for group in range(count // 10):
    n = f"g{group}"
    key = aws.kms.Key(f"{n}-key", enable_key_rotation=True, deletion_window_in_days=30,
                      policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                          "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                          "Action": "kms:*", "Resource": "*"}]}))
    bucket = aws.s3.Bucket(f"{n}-bucket", bucket=f"synthetic-{n}-123456789012", tags={"soc2:stateful": "false"})
    aws.s3.BucketVersioning(f"{n}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.s3.BucketServerSideEncryptionConfiguration(f"{n}-sse", bucket=bucket.id, rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
        "bucket_key_enabled": True}])
    aws.s3.BucketPublicAccessBlock(f"{n}-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                   ignore_public_acls=True, restrict_public_buckets=True)
    aws.s3.BucketOwnershipControls(f"{n}-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
    logs = aws.cloudwatch.LogGroup(f"{n}-logs", retention_in_days=365, kms_key_id=key.arn)
    aws.cloudwatch.MetricAlarm(f"{n}-alarm", namespace="AWS/Logs", metric_name="IncomingBytes", statistic="Sum",
                               period=300, evaluation_periods=1, threshold=1e9, comparison_operator="GreaterThanThreshold",
                               dimensions={"LogGroupName": logs.name}, alarm_actions=["arn:aws:sns:us-east-1:123456789012:x"])
    group_ = aws.ec2.SecurityGroup(f"{n}-sg", description="synthetic", ingress=[], egress=[])
    aws.vpc.SecurityGroupIngressRule(f"{n}-https", security_group_id=group_.id, ip_protocol="tcp", from_port=443,
                                     to_port=443, cidr_ipv4="10.0.0.0/8")
