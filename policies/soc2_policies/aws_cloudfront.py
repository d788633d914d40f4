"""CloudFront: distributions (viewer and origin TLS, logging, WAF, private S3 origins, failover) and
response headers policies (HSTS)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import is_set, list_schema, minimum_schema, shown
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("cloudfront", "CloudFront", "Distributions and response headers policies.")

DISTRIBUTION = SERVICE.resource_type("aws:cloudfront/distribution:Distribution", kind="distribution", public=True)
HEADERS_POLICY = SERVICE.resource_type("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
                                       kind="response headers policy")
# Standard logging v2: CloudWatch log delivery from the distribution (declared by the CloudWatch service).
LOG_DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
HTTPS_VIEWER = ("https-only", "redirect-to-https")
TLS12_VIEWER = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]
ONE_YEAR = 31536000


def _behaviors(r: Resource) -> list[tuple[str, str]]:
    """(label, property path) of the default cache behavior and each ordered one."""
    found = [("the default behavior", "defaultCacheBehavior")]
    for i in range(len(r.list("orderedCacheBehaviors"))):
        pattern = r.peek(f"orderedCacheBehaviors.{i}.pathPattern")
        found.append((f"behavior {pattern if isinstance(pattern, str) else i}", f"orderedCacheBehaviors.{i}"))
    return found


def _origins(r: Resource) -> list[tuple[str, str]]:
    found = []
    for i in range(len(r.list("origins"))):
        origin_id = r.peek(f"origins.{i}.originId")
        found.append((f"origin {origin_id if isinstance(origin_id, str) else i}", f"origins.{i}"))
    return found


@SERVICE.resource_policy(
    name="cloudfront-distribution-viewer-https", types=[DISTRIBUTION], severity="high", criteria=["CC6.7"],
    description="CloudFront distributions serve viewers over HTTPS only, on every cache behavior.",
    remediation="Set viewer_protocol_policy='redirect-to-https' (or 'https-only') on default_cache_behavior and on "
                "each ordered_cache_behaviors entry.",
    checkov=["CKV_AWS_34"])
def _viewer_https(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for label, path in _behaviors(r):
        policy = r.get(f"{path}.viewerProtocolPolicy")
        if policy not in HTTPS_VIEWER:
            yield f"{label} serves plain HTTP: {path}.viewerProtocolPolicy is {shown(policy)}"


@SERVICE.resource_policy(
    name="cloudfront-distribution-viewer-tls", types=[DISTRIBUTION], severity="high", criteria=["CC6.7"],
    description="CloudFront distributions present a custom certificate and require TLS 1.2 or newer from viewers.",
    remediation="Set viewer_certificate={'acm_certificate_arn': cert.arn (in us-east-1), 'ssl_support_method': "
                "'sni-only', 'minimum_protocol_version': 'TLSv1.2_2021'}; the default *.cloudfront.net certificate "
                "accepts TLS 1.0.",
    config={"allowed": list_schema(TLS12_VIEWER, "Accepted viewer_certificate.minimum_protocol_version values.")},
    checkov=["CKV_AWS_174", "CKV2_AWS_42", "CKV2_AWS_54"])
def _viewer_tls(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    custom = r.is_set("viewerCertificate.acmCertificateArn") or r.is_set("viewerCertificate.iamCertificateId")
    if r.get("viewerCertificate.cloudfrontDefaultCertificate") is True or not custom:
        yield ("viewers get the default *.cloudfront.net certificate, which accepts TLS 1.0: "
               "viewerCertificate names no ACM or IAM certificate")
        return
    version = r.get("viewerCertificate.minimumProtocolVersion")
    if version not in config["allowed"]:
        yield (f"viewerCertificate.minimumProtocolVersion is {shown(version)}; allowed: "
               f"{', '.join(map(str, config['allowed']))}")


@SERVICE.resource_policy(
    name="cloudfront-distribution-origin-https", types=[DISTRIBUTION], severity="high", criteria=["CC6.7"],
    description="CloudFront reaches custom origins over HTTPS only, with TLS 1.2.",
    remediation="Set custom_origin_config origin_protocol_policy='https-only' and origin_ssl_protocols=['TLSv1.2'] on "
                "every origin; serve S3 content from the bucket's REST endpoint with an origin access control, not "
                "its website endpoint.",
    checkov=["CKV2_AWS_72"])
def _origin_https(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for label, path in _origins(r):
        if not r.is_set(f"{path}.customOriginConfig"):
            continue  # S3 and VPC origins: CloudFront chooses HTTPS itself
        policy = r.get(f"{path}.customOriginConfig.originProtocolPolicy")
        if policy != "https-only":
            yield f"{label} may be reached over HTTP: originProtocolPolicy is {shown(policy)}, not 'https-only'"
        protocols = [p for p in r.list(f"{path}.customOriginConfig.originSslProtocols") if p != "TLSv1.2"]
        if protocols:
            older = ", ".join(map(shown, protocols))
            yield f"{label} accepts protocols older than TLS 1.2: originSslProtocols has {older}"


@SERVICE.resource_policy(
    name="cloudfront-distribution-s3-origin-access", types=[DISTRIBUTION], severity="high",
    criteria=["CC6.6", "CC6.1", "C1.1"],
    description="CloudFront reads S3 origins through an origin access control (or a legacy origin access identity), "
                "so the bucket stays private.",
    remediation="Create an aws.cloudfront.OriginAccessControl (origin type s3, signing always, sigv4), set "
                "origin_access_control_id on the S3 origin, and allow only cloudfront.amazonaws.com with "
                "aws:SourceArn = the distribution's ARN in the bucket policy.",
    checkov=["CKV2_AWS_46"])
def _s3_origin_access(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for label, path in _origins(r):
        if r.is_set(f"{path}.customOriginConfig"):
            domain = r.peek(f"{path}.domainName")
            if isinstance(domain, str) and ".s3-website" in domain:
                yield f"{label} is an S3 website endpoint, which only serves a public bucket"
        elif not r.is_set(f"{path}.vpcOriginConfig") and not (
                r.is_set(f"{path}.originAccessControlId") or r.is_set(f"{path}.s3OriginConfig.originAccessIdentity")):
            yield f"{label} reads S3 without an origin access control, so the bucket must be public to serve it"


SERVICE.resource_policy(
    name="cloudfront-distribution-waf", types=[DISTRIBUTION], severity="high", criteria=["CC6.6", "CC6.8"],
    description="CloudFront distributions are protected by a WAF web ACL.",
    remediation="Create an aws.wafv2.WebAcl with scope CLOUDFRONT (in us-east-1) and set web_acl_id=web_acl.arn on "
                "the distribution.",
    checkov=["CKV_AWS_68"],
)(is_set("webAclId", "no WAF web ACL filters requests"))


@SERVICE.stack_policy(
    name="cloudfront-distribution-access-logging", severity="high", criteria=["CC7.2", "CC7.3"],
    description="Every CloudFront distribution logs viewer requests, to S3 (legacy logging) or through a CloudWatch "
                "log delivery.",
    remediation="Set logging_config={'bucket': log_bucket.bucket_domain_name, 'prefix': ...} on the distribution, or "
                "add an aws.cloudwatch.LogDeliverySource(log_type='ACCESS_LOGS', resource_arn=distribution.arn) with "
                "a LogDelivery to a destination.",
    checkov=["CKV_AWS_86"], examines=[DISTRIBUTION])
def _access_logging(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    sources = stack.referrers([LOG_DELIVERY_SOURCE], "resourceArn", [DISTRIBUTION], "arn")
    for distribution in stack.of_type(DISTRIBUTION):
        if distribution.is_set("loggingConfig.bucket"):
            continue
        if any(s.peek("logType") in ("ACCESS_LOGS", UNKNOWN) for s in sources.get(distribution.urn, [])):
            continue
        yield (f"distribution {distribution.name} logs no requests: loggingConfig.bucket is not set and no "
               "LogDeliverySource with logType ACCESS_LOGS names it"), distribution.urn


@SERVICE.resource_policy(
    name="cloudfront-distribution-response-headers", types=[DISTRIBUTION], severity="low", criteria=["CC6.7"],
    description="Every CloudFront cache behavior adds security headers through a response headers policy.",
    remediation="Set response_headers_policy_id on default_cache_behavior and each ordered_cache_behaviors entry: an "
                "aws.cloudfront.ResponseHeadersPolicy with strict_transport_security, or the managed "
                "SecurityHeadersPolicy (67f7725c-6f97-4210-82d7-5512b31e9d03).",
    checkov=["CKV2_AWS_32"])
def _response_headers(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for label, path in _behaviors(r):
        if not r.is_set(f"{path}.responseHeadersPolicyId"):
            yield f"{label} sends no HSTS or other security headers: {path}.responseHeadersPolicyId is not set"


@SERVICE.resource_policy(
    name="cloudfront-responseheaderspolicy-hsts", types=[HEADERS_POLICY], severity="medium", criteria=["CC6.7"],
    description="CloudFront response headers policies send Strict-Transport-Security for at least a year, "
                "subdomains included.",
    remediation="Set security_headers_config.strict_transport_security={'access_control_max_age_sec': 31536000, "
                "'include_subdomains': True, 'override': True} (and preload=True once the domain is on the preload "
                "list).",
    config={"minSeconds": minimum_schema(ONE_YEAR, "Shortest accepted HSTS max-age, in seconds.", 1)},
    checkov=["CKV_AWS_259"])
def _hsts(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    path = "securityHeadersConfig.strictTransportSecurity"
    if not r.is_set(path):
        yield f"browsers are not told to insist on HTTPS: {path} is not set"
        return
    if (r.number(f"{path}.accessControlMaxAgeSec") or 0) < config["minSeconds"]:
        yield (f"{path}.accessControlMaxAgeSec is {shown(r.get(f'{path}.accessControlMaxAgeSec'))}, below the "
               f"minimum of {shown(config['minSeconds'])}")
    if off := [flag for flag in ("includeSubdomains", "override") if r.get(f"{path}.{flag}") is not True]:
        yield f"{path}: {', '.join(off)} not true"


@SERVICE.resource_policy(
    name="cloudfront-distribution-origin-failover", types=[DISTRIBUTION], severity="low", criteria=["A1.2", "A1.1"],
    description="CloudFront distributions fail over to a second origin, through origin groups.",
    remediation="Add origin_groups entries with failover_criteria.status_codes (e.g. 500, 502, 503, 504) and two "
                "members, and target the group from the cache behaviors.",
    checkov=["CKV_AWS_310"])
def _origin_failover(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    groups = r.list("originGroups")
    if not groups:
        yield "an origin outage takes the distribution down: originGroups is empty"
    for i in range(len(groups)):
        group = f"originGroups.{i}"
        if not r.is_set(f"{group}.failoverCriteria.statusCodes") or len(r.list(f"{group}.members")) < 2:
            yield f"originGroups.{i} does not fail over: it needs failoverCriteria.statusCodes and two members"
