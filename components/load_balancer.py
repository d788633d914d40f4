"""A TLS load balancer (ALB): HTTPS with an ACM certificate and a TLS 1.3 policy by default, HTTP
that only redirects, invalid headers dropped, strictest desync mitigation, deletion protection,
access logs to a secure bucket, a WAF with AWS managed rules, and a security group that admits
only 80 and 443 (CC6.6, CC6.7, CC7.2).
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .secure_bucket import SecureBucket

DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                       "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet")
# Regions created before August 2022 deliver ELB access logs from these accounts (AWS documentation);
# newer regions use the log delivery service principal, which is always granted too.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "ca-central-1": "985666609251", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-central-1": "054676820928",
    "eu-north-1": "897822967062", "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "sa-east-1": "507241528517",
}


class TlsLoadBalancerArgs(TypedDict):
    vpc_id: pulumi.Input[str]
    """VPC of the load balancer and its targets."""
    vpc_cidr: pulumi.Input[str]
    """Where targets live; the only destination the load balancer may send to."""
    public_subnet_ids: pulumi.Input[list[str]]
    """Public subnets in at least two zones."""
    domain_name: str
    """Name the certificate covers."""
    account_id: pulumi.Input[str]
    """Account that owns the access log bucket."""
    region: str
    """Region, to grant ELB log delivery."""
    log_bucket_name: str
    """Name of the bucket created for access logs (SSE-S3: ELB delivers nothing else)."""
    server_access_log_bucket: pulumi.Input[str]
    """Bucket receiving the access log bucket's own server access logs."""
    log_kms_key_arn: pulumi.Input[str]
    """Key for the WAF log group."""
    log_retention_days: pulumi.Input[int]
    """Days WAF logs are kept."""
    access_log_retention_days: NotRequired[int]
    """Days access logs are kept (default 365)."""
    certificate_arn: NotRequired[pulumi.Input[str] | None]
    """Existing ACM certificate; when unset one is requested with DNS validation."""
    hosted_zone_id: NotRequired[str | None]
    """Route 53 zone for the validation record; when unset the record is exported for you to create."""
    ssl_policy: NotRequired[pulumi.Input[str]]
    """TLS policy of the HTTPS listener (default TLS 1.3 with 1.2 fallback)."""
    target_type: NotRequired[Literal["ip", "lambda"]]
    """What the target group forwards to: containers' addresses (ip, the default) or a Lambda function."""
    target_port: NotRequired[int]
    """Port the application listens on inside the VPC (default 8080)."""
    health_check_path: NotRequired[str]
    """Health check path (default /health)."""
    deletion_protection: NotRequired[pulumi.Input[bool]]
    """Refuse deletes (default true). Setting false is reported."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class TlsLoadBalancer(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    certificate_validation_records: pulumi.Output[list[dict[str, str]]]

    def __init__(self, name: str, args: TlsLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:loadbalancer:TlsLoadBalancer", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        port = args.get("target_port", 8080)

        logs = SecureBucket(f"{name}-access-logs", {
            "bucket_name": args["log_bucket_name"], "sse_s3": True, "stateful": False,
            "expiration_days": args.get("access_log_retention_days", 365),
            "access_log_bucket": args["server_access_log_bucket"], "access_log_prefix": f"{args['log_bucket_name']}/",
            "policy_statements": _log_delivery_statements(args["log_bucket_name"], args["account_id"], args["region"]),
            "tags": tags,
        }, opts=child)

        group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args["vpc_id"], description=f"{name}: HTTPS and redirecting HTTP",
                                      ingress=[], egress=[], tags={**tags, "Name": f"{name}-lb"}, opts=child)
        for listener_port in (80, 443):
            for family, cidr in (("ipv4", "0.0.0.0/0"), ("ipv6", "::/0")):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-in-{listener_port}-{family}", security_group_id=group.id, ip_protocol="tcp",
                    from_port=listener_port, to_port=listener_port,
                    description=f"{'HTTPS' if listener_port == 443 else 'HTTP, redirected to HTTPS'} from anywhere",
                    **({"cidr_ipv4": cidr} if family == "ipv4" else {"cidr_ipv6": cidr}), opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{name}-out-targets", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=port, to_port=port, cidr_ipv4=args["vpc_cidr"],
                                        description="to targets inside the VPC only", opts=child)

        balancer = aws.lb.LoadBalancer(
            f"{name}-alb", load_balancer_type="application", internal=False, subnets=args["public_subnet_ids"],
            security_groups=[group.id], drop_invalid_header_fields=True, desync_mitigation_mode="strictest",
            enable_deletion_protection=args.get("deletion_protection", True), enable_http2=True,
            access_logs={"bucket": logs.bucket_name, "prefix": name, "enabled": True}, tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs]))
        targets = self._targets(name, args, tags)
        certificate_arn, records = self._certificate(name, args, tags)
        aws.lb.Listener(f"{name}-https", load_balancer_arn=balancer.arn, port=443, protocol="HTTPS",
                        ssl_policy=args.get("ssl_policy", DEFAULT_TLS_POLICY), certificate_arn=certificate_arn,
                        default_actions=[{"type": "forward", "target_group_arn": targets.arn}], tags=tags, opts=child)
        aws.lb.Listener(f"{name}-http-redirect", load_balancer_arn=balancer.arn, port=80, protocol="HTTP",
                        default_actions=[{"type": "redirect", "redirect": {
                            "protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}], tags=tags, opts=child)
        self._firewall(name, balancer, args, tags)

        self.arn = balancer.arn
        self.arn_suffix = balancer.arn_suffix
        self.dns_name = balancer.dns_name
        self.target_group_arn = targets.arn
        self.target_group_arn_suffix = targets.arn_suffix
        self.security_group_id = group.id
        self.certificate_validation_records = records
        self.register_outputs({"arn": self.arn, "dns_name": self.dns_name, "security_group_id": self.security_group_id})

    def _targets(self, name: str, args: TlsLoadBalancerArgs, tags: dict[str, str]) -> aws.lb.TargetGroup:
        child = pulumi.ResourceOptions(parent=self)
        if args.get("target_type", "ip") == "lambda":
            return aws.lb.TargetGroup(f"{name}-targets", target_type="lambda", tags=tags, opts=child)
        return aws.lb.TargetGroup(f"{name}-targets", port=args.get("target_port", 8080), protocol="HTTP",
                                  target_type="ip", vpc_id=args["vpc_id"], deregistration_delay=30,
                                  health_check={"path": args.get("health_check_path", "/health"),
                                                "matcher": "200-399", "healthy_threshold": 3,
                                                "unhealthy_threshold": 3, "interval": 15},
                                  tags=tags, opts=child)

    def _certificate(self, name: str, args: TlsLoadBalancerArgs,
                     tags: dict[str, str]) -> tuple[pulumi.Input[str], pulumi.Output[list[dict[str, str]]]]:
        child = pulumi.ResourceOptions(parent=self)
        if args.get("certificate_arn"):
            return args["certificate_arn"], pulumi.Output.from_input([])
        certificate = aws.acm.Certificate(f"{name}-certificate", domain_name=args["domain_name"],
                                          validation_method="DNS", key_algorithm="EC_prime256v1",
                                          options={"certificate_transparency_logging_preference": "ENABLED"},
                                          tags=tags, opts=child)
        option = certificate.domain_validation_options.apply(lambda options: options[0])
        records = option.apply(lambda o: [{"name": o.resource_record_name, "type": o.resource_record_type,
                                           "value": o.resource_record_value}])
        fqdns: list[pulumi.Input[str]] = []
        if args.get("hosted_zone_id"):
            record = aws.route53.Record(f"{name}-certificate-validation", zone_id=args["hosted_zone_id"],
                                        name=option.resource_record_name, type=option.resource_record_type,
                                        records=[option.resource_record_value], ttl=300, allow_overwrite=True, opts=child)
            fqdns.append(record.fqdn)
        validation = aws.acm.CertificateValidation(f"{name}-certificate-validated", certificate_arn=certificate.arn,
                                                   validation_record_fqdns=fqdns, opts=child)
        return validation.certificate_arn, records

    def _firewall(self, name: str, balancer: aws.lb.LoadBalancer, args: TlsLoadBalancerArgs, tags: dict[str, str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        rules = [{
            "name": group, "priority": index,
            "override_action": {"none": {}},
            "statement": {"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
            "visibility_config": {"cloudwatch_metrics_enabled": True, "metric_name": group,
                                  "sampled_requests_enabled": True},
        } for index, group in enumerate(MANAGED_RULE_GROUPS)]
        acl = aws.wafv2.WebAcl(f"{name}-waf", scope="REGIONAL", default_action={"allow": {}}, rules=rules,
                               visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": f"{name}-waf",
                                                  "sampled_requests_enabled": True}, tags=tags, opts=child)
        aws.wafv2.WebAclAssociation(f"{name}-waf-association", resource_arn=balancer.arn, web_acl_arn=acl.arn, opts=child)
        waf_logs = aws.cloudwatch.LogGroup(f"{name}-waf-logs", name=f"aws-waf-logs-{name}",
                                           kms_key_id=args["log_kms_key_arn"],
                                           retention_in_days=args["log_retention_days"], tags=tags, opts=child)
        aws.wafv2.WebAclLoggingConfiguration(f"{name}-waf-logging", resource_arn=acl.arn,
                                             log_destination_configs=[waf_logs.arn], opts=child)


def _log_delivery_statements(bucket: str, account_id: pulumi.Input[str], region: str) -> list[dict]:
    resource = pulumi.Output.concat("arn:aws:s3:::", bucket, "/*/AWSLogs/", account_id, "/*")
    statements = [{"Sid": "ElbLogDeliveryService", "Effect": "Allow",
                   "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                   "Action": "s3:PutObject", "Resource": resource}]
    if region in ELB_LOG_ACCOUNTS:
        statements.append({"Sid": "ElbLogDeliveryAccount", "Effect": "Allow",
                           "Principal": {"AWS": f"arn:aws:iam::{ELB_LOG_ACCOUNTS[region]}:root"},
                           "Action": "s3:PutObject", "Resource": resource})
    return statements
