"""CloudFront policy cases: a site on a private S3 bucket with an API origin, logging to S3 or through a
CloudWatch log delivery, and response headers policies."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1234abcd-12ab-34cd-56ef-1234567890ab"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"  # the managed SecurityHeadersPolicy
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
API_ORIGIN = {"domain_name": "api.example.com", "origin_id": "api", "custom_origin_config": {
    "http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only", "origin_ssl_protocols": ["TLSv1.2"]}}
STANDBY_ORIGIN = {**API_ORIGIN, "domain_name": "api-standby.example.com", "origin_id": "api-standby"}
BEHAVIOR = {"allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"], "cache_policy_id": CACHING_OPTIMIZED,
            "viewer_protocol_policy": "redirect-to-https", "response_headers_policy_id": SECURITY_HEADERS}
API_BEHAVIOR = {**BEHAVIOR, "path_pattern": "/api/*", "target_origin_id": "api-group",
                "viewer_protocol_policy": "https-only"}
API_GROUP = {"origin_id": "api-group", "failover_criteria": {"status_codes": [500, 502, 503, 504]},
             "members": [{"origin_id": "api"}, {"origin_id": "api-standby"}]}
VIEWER_CERTIFICATE = {"acm_certificate_arn": CERTIFICATE, "ssl_support_method": "sni-only",
                      "minimum_protocol_version": "TLSv1.2_2021"}
HSTS = {"access_control_max_age_sec": 63072000, "include_subdomains": True, "override": True, "preload": True}


def site(logging: str = "s3", s3_access: str = "oac", **changes: Any) -> Build:
    """A site served from a private bucket, with an API behind it; `changes` override distribution arguments."""
    def build() -> None:
        bucket = aws.s3.Bucket("site")
        origin: dict[str, Any] = {"domain_name": bucket.bucket_regional_domain_name, "origin_id": "site"}
        if s3_access == "oac":
            origin["origin_access_control_id"] = aws.cloudfront.OriginAccessControl(
                "site", origin_access_control_origin_type="s3", signing_behavior="always", signing_protocol="sigv4").id
        elif s3_access == "oai":
            identity = aws.cloudfront.OriginAccessIdentity("site")
            origin["s3_origin_config"] = {"origin_access_identity": identity.cloudfront_access_identity_path}
        args: dict[str, Any] = dict(
            enabled=True, aliases=["www.example.com"], origins=[origin, API_ORIGIN, STANDBY_ORIGIN],
            origin_groups=[API_GROUP], default_cache_behavior={**BEHAVIOR, "target_origin_id": "site"},
            ordered_cache_behaviors=[API_BEHAVIOR], restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate=VIEWER_CERTIFICATE, web_acl_id=WEB_ACL)
        if logging == "s3":
            logs = aws.s3.Bucket("cdn-logs")
            args["logging_config"] = {"bucket": logs.bucket_domain_name, "prefix": "cdn/"}
        distribution = aws.cloudfront.Distribution("site", **{**args, **changes})
        if logging == "cloudwatch":
            aws.cloudwatch.LogDeliverySource("site-access", log_type="ACCESS_LOGS", resource_arn=distribution.arn)
    label = ", ".join(f"{k}={v!r}" for k, v in changes.items())
    build.__name__ = f"site(logging={logging}, s3_access={s3_access}{', ' + label if label else ''})"
    return build


def website_endpoint() -> None:
    """A bucket's website endpoint as a custom origin: only a public bucket can serve it."""
    aws.cloudfront.Distribution(
        "site", enabled=True, origins=[{**API_ORIGIN, "domain_name": "site.s3-website-us-east-1.amazonaws.com",
                                        "origin_id": "site"}],
        default_cache_behavior={**BEHAVIOR, "target_origin_id": "site"},
        restrictions={"geo_restriction": {"restriction_type": "none"}}, viewer_certificate=VIEWER_CERTIFICATE)


def headers(**sts: Any) -> Build:
    def build() -> None:
        aws.cloudfront.ResponseHeadersPolicy("security", security_headers_config={
            "strict_transport_security": {**HSTS, **sts}, "content_type_options": {"override": True}})
    build.__name__ = f"headers({sts or 'secure'})"
    return build


def headers_without_hsts() -> None:
    aws.cloudfront.ResponseHeadersPolicy("security", security_headers_config={
        "content_type_options": {"override": True}, "frame_options": {"frame_option": "DENY", "override": True}})


SECURE = site()

CASES = [
    Case("cloudfront-distribution-viewer-https", SECURE,
         site(default_cache_behavior={**BEHAVIOR, "target_origin_id": "site", "viewer_protocol_policy": "allow-all"}),
         "the default behavior serves plain HTTP: defaultCacheBehavior.viewerProtocolPolicy is 'allow-all'"),
    Case("cloudfront-distribution-viewer-https", SECURE,
         site(ordered_cache_behaviors=[{**API_BEHAVIOR, "viewer_protocol_policy": "allow-all"}]),
         "behavior /api/* serves plain HTTP"),
    Case("cloudfront-distribution-viewer-tls", SECURE,
         site(viewer_certificate={"cloudfront_default_certificate": True}, aliases=None),
         "viewers get the default *.cloudfront.net certificate"),
    Case("cloudfront-distribution-viewer-tls", SECURE,
         site(viewer_certificate={**VIEWER_CERTIFICATE, "minimum_protocol_version": "TLSv1.1_2016"}),
         "viewerCertificate.minimumProtocolVersion is 'TLSv1.1_2016'; allowed"),
    Case("cloudfront-distribution-origin-https", SECURE,
         site(origins=[{**API_ORIGIN, "custom_origin_config": {**API_ORIGIN["custom_origin_config"],
                                                               "origin_protocol_policy": "match-viewer"}}],
              origin_groups=None, ordered_cache_behaviors=None,
              default_cache_behavior={**BEHAVIOR, "target_origin_id": "api"}),
         "origin api may be reached over HTTP: originProtocolPolicy is 'match-viewer'"),
    Case("cloudfront-distribution-origin-https", SECURE,
         site(origins=[{**API_ORIGIN, "custom_origin_config": {**API_ORIGIN["custom_origin_config"],
                                                               "origin_ssl_protocols": ["TLSv1", "TLSv1.2"]}}],
              origin_groups=None, ordered_cache_behaviors=None,
              default_cache_behavior={**BEHAVIOR, "target_origin_id": "api"}),
         "origin api accepts protocols older than TLS 1.2: originSslProtocols has 'TLSv1'"),
    Case("cloudfront-distribution-s3-origin-access", SECURE, site(s3_access="none"),
         "origin site reads S3 without an origin access control"),
    Case("cloudfront-distribution-s3-origin-access", site(s3_access="oai"), website_endpoint,
         "origin site is an S3 website endpoint"),
    Case("cloudfront-distribution-waf", SECURE, site(web_acl_id=None), "webAclId is not set"),
    Case("cloudfront-distribution-access-logging", SECURE, site(logging="none"),
         "distribution site logs no requests: loggingConfig.bucket is not set"),
    Case("cloudfront-distribution-access-logging", site(logging="cloudwatch"), site(logging="none"),
         "no LogDeliverySource with logType ACCESS_LOGS names it"),
    Case("cloudfront-distribution-response-headers", SECURE,
         site(ordered_cache_behaviors=[{**API_BEHAVIOR, "response_headers_policy_id": None}]),
         "behavior /api/* sends no HSTS or other security headers"),
    Case("cloudfront-responseheaderspolicy-hsts", headers(), headers(access_control_max_age_sec=86400),
         "accessControlMaxAgeSec is 86400, below the minimum of 31536000"),
    Case("cloudfront-responseheaderspolicy-hsts", headers(), headers(include_subdomains=False, override=None),
         "includeSubdomains, override not true"),
    Case("cloudfront-responseheaderspolicy-hsts", headers(), headers_without_hsts,
         "securityHeadersConfig.strictTransportSecurity is not set"),
    Case("cloudfront-distribution-origin-failover", SECURE, site(origin_groups=None), "originGroups is empty"),
    Case("cloudfront-distribution-origin-failover", SECURE,
         site(origin_groups=[{**API_GROUP, "members": [{"origin_id": "api"}]}]),
         "originGroups.0 does not fail over"),
]
