"""Load balancer policy cases."""

from __future__ import annotations

from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067"
REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def balancer(**changes: Any) -> Build:
    args = {"load_balancer_type": "application", "subnets": ["subnet-a", "subnet-b"], "security_groups": ["sg-web"],
            "drop_invalid_header_fields": True, "desync_mitigation_mode": "strictest", "enable_deletion_protection": True,
            "access_logs": {"bucket": "lb-logs", "prefix": "web", "enabled": True}, **changes}
    return named(f"balancer({changes})", lambda: aws.lb.LoadBalancer("web", **args))


def listener(**changes: Any) -> Build:
    args = {"load_balancer_arn": LB_ARN, "port": 443, "protocol": "HTTPS", "certificate_arn": CERT,
            "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "default_actions": [{"type": "forward", "target_group_arn": TG}], **changes}
    return named(f"listener({changes})", lambda: aws.lb.Listener("https", **args))


def http_listener(*actions: dict[str, Any]) -> Build:
    return named(f"http_listener({[a['type'] for a in actions]})", lambda: aws.lb.Listener(
        "http", load_balancer_arn=LB_ARN, port=80, protocol="HTTP", default_actions=list(actions)))


def target_group(**health: Any) -> Build:
    return named(f"target_group({health})", lambda: aws.lb.TargetGroup(
        "targets", port=8080, protocol="HTTP", target_type="ip", vpc_id="vpc-1", health_check={"path": "/health", **health}))


def classic(protocol: str, logs: bool = True) -> Build:
    return named(f"classic({protocol}, logs={logs})", lambda: aws.elb.LoadBalancer(
        "classic", availability_zones=["us-east-1a"], access_logs={"bucket": "lb-logs", "enabled": logs},
        listeners=[{"instance_port": 8080, "instance_protocol": "http", "lb_port": 443, "lb_protocol": protocol,
                    **({"ssl_certificate_id": CERT} if protocol == "https" else {})}]))


def logged_to(encrypted: bool) -> Build:
    def build() -> None:
        bucket = aws.s3.Bucket("lb-logs", bucket="lb-logs-123456789012")
        if encrypted:
            aws.s3.BucketServerSideEncryptionConfiguration("lb-logs-sse", bucket=bucket.id, rules=[{
                "apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
        aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=["subnet-a", "subnet-b"],
                            access_logs={"bucket": bucket.id, "enabled": True})
    return named(f"logged_to(encrypted={encrypted})", build)


SECURE = balancer()
CASES = [
    Case("elb-loadbalancer-drop-invalid-headers", SECURE, balancer(drop_invalid_header_fields=False),
         "dropInvalidHeaderFields is False"),
    Case("elb-loadbalancer-desync-mitigation", SECURE, balancer(desync_mitigation_mode="monitor"),
         "desyncMitigationMode is 'monitor'"),
    Case("elb-loadbalancer-deletion-protection", SECURE, balancer(enable_deletion_protection=False),
         "the load balancer can be deleted"),
    Case("elb-loadbalancer-access-logs", SECURE, balancer(access_logs={"bucket": "lb-logs", "enabled": False}),
         "access logs are off"),
    Case("elb-loadbalancer-security-groups", SECURE, balancer(security_groups=None), "no security groups"),
    Case("elb-listener-encrypted", http_listener(REDIRECT), http_listener({"type": "forward", "target_group_arn": TG}),
         "a HTTP listener serves traffic"),
    Case("elb-listener-tls-policy", listener(), listener(ssl_policy="ELBSecurityPolicy-2016-08"),
         "sslPolicy is 'ELBSecurityPolicy-2016-08'"),
    Case("elb-listener-tls-policy", listener(), listener(ssl_policy=None), "AWS picks ELBSecurityPolicy-2016-08"),
    Case("elb-listener-certificate", listener(), listener(certificate_arn=None), "has no certificateArn"),
    Case("elb-listener-redirect-permanent", http_listener(REDIRECT),
         http_listener({**REDIRECT, "redirect": {**REDIRECT["redirect"], "status_code": "HTTP_302"}}),
         "the redirect uses 'HTTP_302'"),
    Case("elb-targetgroup-health-check", target_group(), target_group(enabled=False), "health checks are off"),
    Case("elb-classic-access-logs", classic("https"), classic("https", logs=False), "access logs are off"),
    Case("elb-classic-encrypted-listeners", classic("https"), classic("http"), "listeners[0] accepts plain HTTP"),
    Case("elb-loadbalancer-logs-encrypted-bucket", logged_to(True), logged_to(False),
         "bucket lb-logs, which has no default encryption"),
]
