"""Route 53 cases: public hosted zones and their query logs."""

from __future__ import annotations

from typing import Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com"


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def zones(*, logged: str | None = "computed", private: bool = True) -> Build:
    """A public zone (query log by computed zone_id, by literal id, or none) and, optionally, a private zone."""
    def build() -> None:
        public = aws.route53.Zone("public", name="example.com")
        if private:
            aws.route53.Zone("internal", name="internal.example.com", vpcs=[{"vpc_id": "vpc-0123456789abcdef0"}])
        if logged == "computed":
            aws.route53.QueryLog("public-queries", zone_id=public.zone_id, cloudwatch_log_group_arn=LOG_GROUP)
        elif logged == "other-zone":
            aws.route53.QueryLog("other-queries", zone_id="Z0123456789ABCDEFGHIJ", cloudwatch_log_group_arn=LOG_GROUP)
    return named(f"zones(logged={logged}, private={private})", build)


CASES = [
    Case("route53-zone-query-logging", zones(), zones(logged=None),
         "public hosted zone public has no DNS query log"),
    Case("route53-zone-query-logging", zones(private=False), zones(logged="other-zone", private=False),
         "has no DNS query log (no aws.route53.QueryLog with its zone_id)"),
]
