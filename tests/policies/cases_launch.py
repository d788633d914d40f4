"""Launch template, launch configuration and Auto Scaling cases (the EC2 launch policies and the group's health
check), with instances where a policy covers them too."""

from __future__ import annotations

import base64
import gzip
from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

AMI = "ami-0123456789abcdef0"
IMDS = {"http_tokens": "required", "http_put_response_hop_limit": 1}
BOOT = "#!/bin/bash\nset -eu\nexport DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id app/db --query " \
       "SecretString --output text)\nexport DB_PASSWORD_SECRET_ARN=arn:aws:secretsmanager:us-east-1:1:secret:app/db\n" \
       "systemctl start app\n"
LEAKY = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport DB_PASSWORD='correct-horse'\n"
CLOUD_CONFIG = "#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    content: |\n      api_key: 3f9a8b7c6d5e\n"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/0123456789abcdef"


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def b64(text: str, compress: bool = False) -> str:
    data = gzip.compress(text.encode()) if compress else text.encode()
    return base64.b64encode(data).decode()


def template(*, metadata: dict[str, Any] | None = IMDS, public_ip: str | None = None,
             volumes: list[dict[str, Any]] | None = None, user_data: str | None = None) -> Build:
    def build() -> None:
        interfaces = [{"associate_public_ip_address": public_ip, "security_groups": ["sg-0123456789abcdef0"]}] \
            if public_ip is not None else None
        aws.ec2.LaunchTemplate("workers", image_id=AMI, instance_type="t3.small", metadata_options=metadata,
                               network_interfaces=interfaces, block_device_mappings=volumes, user_data=user_data)
    return named(f"template({metadata}, public_ip={public_ip}, volumes={volumes}, user_data={bool(user_data)})", build)


def configuration(*, metadata: dict[str, Any] | None = IMDS, public_ip: bool | None = None,
                  root: dict[str, Any] | None = None, ebs: list[dict[str, Any]] | None = None,
                  user_data: str | None = None, user_data_base64: str | None = None) -> Build:
    root = {"encrypted": True, "volume_size": 20} if root is None else root
    return named(f"configuration({metadata}, public_ip={public_ip}, root={root}, ebs={ebs}, {bool(user_data)})",
                 lambda: aws.ec2.LaunchConfiguration(
                     "workers", image_id=AMI, instance_type="t3.small", metadata_options=metadata,
                     associate_public_ip_address=public_ip, root_block_device=root or None, ebs_block_devices=ebs,
                     user_data=user_data, user_data_base64=user_data_base64))


def instance(**changes: Any) -> Build:
    args = {"metadata_options": IMDS, "root_block_device": {"encrypted": True}, **changes}
    return named(f"instance({changes})", lambda: aws.ec2.Instance("host", ami=AMI, instance_type="t3.small", **args))


def group(*, check: str | None, inline: bool = True, attachment: str | None = None) -> Build:
    """An Auto Scaling group with a target group inline, or attached by an Attachment or TrafficSourceAttachment."""
    def build() -> None:
        lt = aws.ec2.LaunchTemplate("workers", image_id=AMI, instance_type="t3.small", metadata_options=IMDS)
        asg = aws.autoscaling.Group("workers", name="workers", min_size=1, max_size=3, health_check_type=check,
                                    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
                                    launch_template={"id": lt.id, "version": "$Latest"},
                                    target_group_arns=[TG] if inline else None)
        if attachment == "attachment":
            aws.autoscaling.Attachment("workers-tg", autoscaling_group_name=asg.name, lb_target_group_arn=TG)
        elif attachment == "traffic-source":
            aws.autoscaling.TrafficSourceAttachment("workers-tg", autoscaling_group_name="workers",
                                                    traffic_source={"identifier": TG, "type": "elbv2"})
    return named(f"group(check={check}, inline={inline}, attachment={attachment})", build)


ENCRYPTED_MAPPING = [{"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "volume_size": 20}}]

CASES = [
    Case("ec2-instance-imdsv2", configuration(), configuration(metadata=None), "metadataOptions.httpTokens is unset"),
    Case("ec2-instance-imdsv2", configuration(metadata={"http_endpoint": "disabled"}),
         configuration(metadata={"http_tokens": "optional"}), "IMDSv1 is allowed"),
    Case("ec2-instance-metadata-hop-limit", template(), template(metadata={**IMDS, "http_put_response_hop_limit": 2}),
         "metadataOptions.httpPutResponseHopLimit is 2, above 1"),
    Case("ec2-instance-metadata-hop-limit", configuration(metadata={"http_tokens": "required"}),
         configuration(metadata={**IMDS, "http_put_response_hop_limit": 3}), "is 3, above 1"),
    Case("ec2-instance-metadata-hop-limit", instance(metadata_options={**IMDS, "http_put_response_hop_limit": 2}),
         instance(metadata_options={**IMDS, "http_put_response_hop_limit": 3}), "is 3, above 2",
         config={"ec2-instance-metadata-hop-limit": {"maxHopLimit": 2}}),
    Case("ec2-instance-no-public-ip", template(public_ip="false"), template(public_ip="true"),
         "networkInterfaces[0].associatePublicIpAddress is 'true'"),
    Case("ec2-instance-no-public-ip", configuration(public_ip=False), configuration(public_ip=True),
         "associatePublicIpAddress is true"),
    Case("ec2-instance-root-volume-encrypted", template(volumes=ENCRYPTED_MAPPING),
         template(volumes=[{"device_name": "/dev/xvda", "ebs": {"volume_size": 20}}]),
         "EBS volume /dev/xvda is unencrypted: ebs.encrypted is unset"),
    Case("ec2-instance-root-volume-encrypted",
         template(volumes=[{"device_name": "/dev/sdf", "ebs": {"snapshot_id": "snap-0123456789abcdef0"}}]),
         template(volumes=[{"device_name": "/dev/sdf", "ebs": {"encrypted": "false"}}]), "ebs.encrypted is 'false'"),
    Case("ec2-instance-root-volume-encrypted", configuration(), configuration(root={}),
         "the root volume is unencrypted: rootBlockDevice.encrypted is unset"),
    Case("ec2-instance-root-volume-encrypted", configuration(ebs=[{"device_name": "/dev/sdb", "encrypted": True}]),
         configuration(ebs=[{"device_name": "/dev/sdb", "encrypted": False}]), "EBS volume /dev/sdb is unencrypted"),
    Case("ec2-instance-user-data-no-secrets", template(user_data=b64(BOOT)), template(user_data=b64(LEAKY)),
         "userData holds an AWS access key id, a value assigned to DB_PASSWORD in clear text"),
    Case("ec2-instance-user-data-no-secrets", configuration(user_data=BOOT), configuration(user_data=CLOUD_CONFIG),
         "userData holds a value assigned to api_key in clear text"),
    Case("ec2-instance-user-data-no-secrets", configuration(user_data_base64=b64(BOOT, compress=True)),
         configuration(user_data_base64=b64(LEAKY, compress=True)), "userDataBase64 holds an AWS access key id"),
    Case("ec2-instance-user-data-no-secrets", instance(user_data=BOOT),
         instance(user_data="#!/bin/sh\ncat > /root/.ssh/id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF\n"),
         "userData holds a private key"),
    Case("autoscaling-group-elb-health-check", group(check="ELB"), group(check=None),
         "Auto Scaling group workers is behind a load balancer but healthCheckType is 'EC2'"),
    Case("autoscaling-group-elb-health-check", group(check="EC2", inline=False),
         group(check="EC2", inline=False, attachment="attachment"), "healthCheckType is 'EC2', not ELB"),
    Case("autoscaling-group-elb-health-check", group(check="ELB", inline=False, attachment="traffic-source"),
         group(check="EC2", inline=False, attachment="traffic-source"), "behind a load balancer"),
]
