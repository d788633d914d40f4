"""Load balancers (ALB and classic ELB): load balancers, listeners, target groups."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .catalog import Dimension
from .checks import flag_on, list_schema, shown
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("elb", "Load balancers", "Application, network and classic load balancers, listeners and "
                                           "target groups.")

# aws:alb/* are the older tokens of the same resources.
BALANCERS = SERVICE.resource_types("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer",
                                   kind="load balancer", alarmed=True, public=True)
LISTENERS = SERVICE.resource_types("aws:lb/listener:Listener", "aws:alb/listener:Listener", kind="listener")
TARGET_GROUPS = SERVICE.resource_types("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup",
                                       kind="target group")
CLASSIC = SERVICE.resource_types("aws:elb/loadBalancer:LoadBalancer", kind="classic load balancer", alarmed=True,
                                 dimension=Dimension("LoadBalancerName", "name"), public=True)
TLS12_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
]
ENCRYPTED_PROTOCOLS = {"HTTPS", "TLS"}


def _application(r: Resource) -> bool:
    return r.get("loadBalancerType") in (None, "application")


@SERVICE.resource_policy(
    name="elb-loadbalancer-drop-invalid-headers", types=BALANCERS, severity="medium", criteria=["CC6.6"],
    description="Application load balancers drop invalid headers.",
    remediation="Set drop_invalid_header_fields=True.")
def _drop_invalid_headers(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if _application(r) and r.get("dropInvalidHeaderFields") is not True:
        yield f"dropInvalidHeaderFields is {shown(r.get('dropInvalidHeaderFields'))}: malformed headers reach targets"


@SERVICE.resource_policy(
    name="elb-loadbalancer-desync-mitigation", types=BALANCERS, severity="medium", criteria=["CC6.6"],
    description="Load balancers mitigate HTTP desync attacks.",
    remediation="Set desync_mitigation_mode to strictest (or defensive).",
    config={"modes": list_schema(["strictest", "defensive"], "Accepted desync mitigation modes.")})
def _desync(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    mode = r.str("desyncMitigationMode") or "defensive"  # the AWS default
    if _application(r) and mode not in config["modes"]:
        yield f"desyncMitigationMode is {mode!r}; allowed: {', '.join(config['modes'])}"


@SERVICE.resource_policy(
    name="elb-classic-access-logs", types=CLASSIC, severity="medium", criteria=["CC7.2"],
    description="Classic load balancers write access logs to S3.",
    remediation="Set access_logs={bucket, enabled: True}, or move to an application load balancer.")
@SERVICE.resource_policy(
    name="elb-loadbalancer-access-logs", types=BALANCERS, severity="high", criteria=["CC7.2"],
    description="Load balancers write access logs to S3.",
    remediation="Set access_logs={bucket, prefix, enabled: True} (TlsLoadBalancer does this).")
def _access_logs(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("accessLogs.enabled") is not True:
        yield "access logs are off (accessLogs.enabled is not true)"
    elif not r.is_set("accessLogs.bucket"):
        yield "access logs name no bucket"


@SERVICE.resource_policy(
    name="elb-loadbalancer-security-groups", types=BALANCERS, severity="low", criteria=["CC6.6"],
    description="Application load balancers have their own security groups.",
    remediation="Pass security_groups with a group that admits only 80 and 443.")
def _security_groups(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if _application(r) and not r.is_set("securityGroups"):
        yield "no security groups: the load balancer gets the VPC's default group"


def _actions(r: Resource) -> list[Mapping[str, Any]]:
    return [a for a in r.list("defaultActions") if isinstance(a, Mapping)]


def _redirects_to_https(action: Mapping[str, Any]) -> bool:
    redirect = action.get("redirect")
    return action.get("type") == "redirect" and isinstance(redirect, Mapping) and redirect.get("protocol") == "HTTPS"


@SERVICE.resource_policy(
    name="elb-listener-encrypted", types=LISTENERS, severity="high", criteria=["CC6.7"],
    description="Listeners serve HTTPS; plain HTTP listeners only redirect to HTTPS.",
    remediation="Use protocol HTTPS with a certificate, or make the HTTP listener's only default action a redirect to "
                "HTTPS.")
def _encrypted(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    protocol = r.str("protocol")
    if protocol in ENCRYPTED_PROTOCOLS or protocol in ("TCP", "UDP", "TCP_UDP", "GENEVE"):
        return  # TCP passes TLS through untouched; it cannot be judged here
    actions = _actions(r)
    if not actions or not all(_redirects_to_https(a) for a in actions):
        yield f"a {protocol or 'HTTP'} listener serves traffic instead of only redirecting to HTTPS"


@SERVICE.resource_policy(
    name="elb-listener-tls-policy", types=LISTENERS, severity="high", criteria=["CC6.7"],
    description="HTTPS listeners negotiate TLS 1.2 or newer only.",
    remediation="Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy).",
    config={"allowedPolicies": list_schema(TLS12_POLICIES, "Accepted TLS negotiation policies.")})
def _tls_policy(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.str("protocol") not in ENCRYPTED_PROTOCOLS:
        return
    policy = r.get("sslPolicy")
    if policy not in config["allowedPolicies"]:
        shown_policy = "unset (AWS picks ELBSecurityPolicy-2016-08, which accepts TLS 1.0)" if policy is None else repr(policy)
        yield f"sslPolicy is {shown_policy}; allowed: TLS 1.2+ policies in allowedPolicies"


@SERVICE.resource_policy(
    name="elb-listener-certificate", types=LISTENERS, severity="high", criteria=["CC6.7"],
    description="HTTPS listeners present an ACM certificate.",
    remediation="Set certificate_arn to a validated ACM certificate.")
def _certificate(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.str("protocol") in ENCRYPTED_PROTOCOLS and not r.is_set("certificateArn"):
        yield f"the {r.get('protocol')} listener has no certificateArn"


@SERVICE.resource_policy(
    name="elb-listener-redirect-permanent", types=LISTENERS, severity="low", criteria=["CC6.7"],
    description="HTTP to HTTPS redirects are permanent (301).",
    remediation="Set redirect.status_code = HTTP_301.")
def _permanent_redirect(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for action in _actions(r):
        redirect = action.get("redirect")
        if action.get("type") == "redirect" and isinstance(redirect, Mapping) and redirect.get("statusCode") != "HTTP_301":
            yield f"the redirect uses {redirect.get('statusCode')!r}; HTTP_301 lets browsers remember HTTPS"


@SERVICE.resource_policy(
    name="elb-targetgroup-health-check", types=TARGET_GROUPS, severity="medium", criteria=["A1.1", "CC7.2"],
    description="Target groups health-check their targets.",
    remediation="Leave health_check.enabled on and set a health check path.")
def _health_check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("targetType") != "lambda" and r.get("healthCheck.enabled") is False:
        yield "health checks are off (healthCheck.enabled is false)"


@SERVICE.resource_policy(
    name="elb-classic-encrypted-listeners", types=CLASSIC, severity="high", criteria=["CC6.7"],
    description="Classic load balancer listeners accept only HTTPS or SSL.",
    remediation="Set lb_protocol https (or ssl) with an ssl_certificate_id on every listener.")
def _classic_listeners(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, listener in enumerate(r.list("listeners")):
        protocol = str(listener.get("lbProtocol", "")).lower() if isinstance(listener, Mapping) else ""
        if protocol in ("http", ""):
            yield f"listeners[{index}] accepts plain {protocol.upper() or 'HTTP'}"


@SERVICE.stack_policy(
    name="elb-loadbalancer-logs-encrypted-bucket", severity="high", criteria=["CC7.2", "C1.1"],
    description="Load balancer access logs go to a bucket of this stack that encrypts by default.",
    remediation="Send access logs to a SecureBucket created with sse_s3=True (ELB accepts only SSE-S3).",
    examines=[*BALANCERS, *CLASSIC])
def _logs_encrypted(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    from .aws_s3 import ENCRYPTION  # aws_s3 imports this module

    encrypted = {bucket.urn for config in stack.of_type(*ENCRYPTION)
                 if any(str(rule.get("applyServerSideEncryptionByDefault", {}).get("sseAlgorithm", "")) in
                        ("AES256", "aws:kms", "aws:kms:dsse") for rule in config.list("rules") if isinstance(rule, Mapping)
                        and isinstance(rule.get("applyServerSideEncryptionByDefault"), Mapping))
                 for bucket in config.depends_on("bucket")}
    for balancer in stack.of_type(*BALANCERS, *CLASSIC):
        if balancer.peek("accessLogs.enabled") is not True:
            continue
        buckets = [b for b in balancer.depends_on("accessLogs") if b.type.startswith("aws:s3/bucket")]
        if not buckets:
            yield f"{balancer.name} writes access logs to a bucket this stack does not manage", balancer.urn
        for bucket in buckets:
            if bucket.urn not in encrypted:
                yield f"{balancer.name} writes access logs to bucket {bucket.name}, which has no default encryption", balancer.urn


SERVICE.resource_policy(
    name="elb-loadbalancer-deletion-protection", types=BALANCERS, severity="medium", criteria=["A1.2", "CC6.5"],
    description="Load balancers refuse deletion.",
    remediation="Set enable_deletion_protection=True.",
)(flag_on("enableDeletionProtection", "the load balancer can be deleted"))
