"""Network: a VPC with public subnets for load balancers only and private subnets for data.

Private subnets have no route to the internet; what runs there reaches AWS services through VPC
endpoints (gateway endpoints for S3 and DynamoDB, interface endpoints for the rest, HTTPS from the
VPC only). Flow logs of all traffic go to a KMS-encrypted log
group with retention, and the VPC's default security group is emptied of rules (CC6.6, CC7.2).
"""

from __future__ import annotations

import ipaddress
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .iam_documents import arn_from_name, assume_role_policy, policy_document


class NetworkArgs(TypedDict):
    cidr: str
    """VPC address range (known at construction, so subnets can be carved from it)."""
    az_count: int
    """Availability zones; each gets one public and one private subnet."""
    flow_log_key_arn: pulumi.Input[str]
    """KMS key that encrypts the flow log group."""
    flow_log_retention_days: pulumi.Input[int]
    """Days flow logs are kept."""
    account_id: NotRequired[pulumi.Input[str]]
    """With region: the flow log role's policy names the log group's ARN, known at preview."""
    region: NotRequired[str]
    """Region of the log group, for its ARN."""
    endpoints: NotRequired[list[str]]
    """AWS services private subnets reach without the internet, e.g. ecr.api, ecr.dkr, s3, logs,
    secretsmanager, sqs, dynamodb (s3 and dynamodb are gateway endpoints, the rest interface endpoints)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


GATEWAY_SERVICES = ("s3", "dynamodb")


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    vpc_cidr: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    flow_log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:network:Network", name, None, opts)
        tags = args.get("tags", {})
        zones = aws.get_availability_zones(state="available").names[: args["az_count"]]
        network = ipaddress.ip_network(args["cidr"])
        blocks = list(network.subnets(new_prefix=min(network.prefixlen + 4, 28)))

        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args["cidr"], enable_dns_hostnames=True, enable_dns_support=True,
                          tags={**tags, "Name": f"{name}-vpc"}, opts=pulumi.ResourceOptions(parent=self))
        # The default security group allows all traffic between its members; strip every rule.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[],
                                     tags={**tags, "Name": f"{name}-default-sg-unused"},
                                     opts=pulumi.ResourceOptions(parent=self))
        gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=tags,
                                          opts=pulumi.ResourceOptions(parent=self))
        public_routes = aws.ec2.RouteTable(f"{name}-public-rt", vpc_id=vpc.id,
                                           routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
                                           tags={**tags, "Name": f"{name}-public"},
                                           opts=pulumi.ResourceOptions(parent=self))
        private_routes = aws.ec2.RouteTable(f"{name}-private-rt", vpc_id=vpc.id, routes=[],
                                            tags={**tags, "Name": f"{name}-private"},
                                            opts=pulumi.ResourceOptions(parent=self))
        public, private = [], []
        for index, zone in enumerate(zones):
            for tier, block, table, bucket in (("public", blocks[index], public_routes, public),
                                               ("private", blocks[len(zones) + index], private_routes, private)):
                subnet = aws.ec2.Subnet(f"{name}-{tier}-{zone}", vpc_id=vpc.id, cidr_block=str(block),
                                        availability_zone=zone, map_public_ip_on_launch=False,
                                        tags={**tags, "Name": f"{name}-{tier}-{zone}", "soc2:tier": tier},
                                        opts=pulumi.ResourceOptions(parent=self))
                aws.ec2.RouteTableAssociation(f"{name}-{tier}-{zone}-rta", subnet_id=subnet.id, route_table_id=table.id,
                                              opts=pulumi.ResourceOptions(parent=self))
                bucket.append(subnet.id)

        log_group = aws.cloudwatch.LogGroup(f"{name}-flow-logs", name=f"/soc2/{name}/vpc-flow-logs",
                                            kms_key_id=args["flow_log_key_arn"],
                                            retention_in_days=args["flow_log_retention_days"], tags=tags,
                                            opts=pulumi.ResourceOptions(parent=self))
        role = aws.iam.Role(f"{name}-flow-logs-role", assume_role_policy=assume_role_policy("vpc-flow-logs.amazonaws.com"),
                            tags=tags, opts=pulumi.ResourceOptions(parent=self))
        aws.iam.RolePolicy(f"{name}-flow-logs-policy", role=role.id, policy=policy_document([{
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": pulumi.Output.concat(_log_group_arn(log_group, args), ":*"),
        }]), opts=pulumi.ResourceOptions(parent=self))
        aws.ec2.FlowLog(f"{name}-flow-log", vpc_id=vpc.id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                        log_destination=log_group.arn, iam_role_arn=role.arn, max_aggregation_interval=60, tags=tags,
                        opts=pulumi.ResourceOptions(parent=self))

        if args.get("endpoints"):
            self._endpoints(name, vpc, private_routes, private, args, tags)

        self.vpc_id = vpc.id
        self.vpc_cidr = vpc.cidr_block
        self.public_subnet_ids = pulumi.Output.all(*public)
        self.private_subnet_ids = pulumi.Output.all(*private)
        self.flow_log_group_name = log_group.name
        self.register_outputs({"vpc_id": self.vpc_id, "public_subnet_ids": self.public_subnet_ids,
                               "private_subnet_ids": self.private_subnet_ids})


    def _endpoints(self, name: str, vpc: aws.ec2.Vpc, routes: aws.ec2.RouteTable, subnets: list[pulumi.Output[str]],
                   args: NetworkArgs, tags: dict[str, str]) -> None:
        """Private access to AWS APIs: route-table gateways for S3 and DynamoDB, HTTPS interfaces for the rest."""
        child = pulumi.ResourceOptions(parent=self)
        region = args.get("region") or aws.get_region().region
        services = args["endpoints"]
        interfaces = [s for s in services if s not in GATEWAY_SERVICES]
        group = None
        if interfaces:
            group = aws.ec2.SecurityGroup(f"{name}-endpoints-sg", vpc_id=vpc.id, ingress=[], egress=[],
                                          description="VPC endpoints: HTTPS from inside the VPC",
                                          tags={**tags, "Name": f"{name}-endpoints"}, opts=child)
            aws.vpc.SecurityGroupIngressRule(f"{name}-endpoints-https", security_group_id=group.id, ip_protocol="tcp",
                                             from_port=443, to_port=443, cidr_ipv4=vpc.cidr_block,
                                             description="HTTPS to AWS APIs from inside the VPC", opts=child)
        for service in services:
            common = {"vpc_id": vpc.id, "service_name": f"com.amazonaws.{region}.{service}",
                      "tags": {**tags, "Name": f"{name}-{service}"}}
            if service in GATEWAY_SERVICES:
                aws.ec2.VpcEndpoint(f"{name}-{service}", vpc_endpoint_type="Gateway", route_table_ids=[routes.id],
                                    opts=child, **common)
            else:
                aws.ec2.VpcEndpoint(f"{name}-{service.replace('.', '-')}", vpc_endpoint_type="Interface",
                                    private_dns_enabled=True, subnet_ids=subnets, security_group_ids=[group.id],
                                    opts=child, **common)


def _log_group_arn(log_group: aws.cloudwatch.LogGroup, args: NetworkArgs) -> pulumi.Output[str]:
    if "account_id" in args and "region" in args:
        return arn_from_name(log_group.name, "arn:aws:logs:{region}:{account}:log-group:{name}",
                             region=args["region"], account=args["account_id"])
    return log_group.arn
