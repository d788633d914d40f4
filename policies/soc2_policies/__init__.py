"""SOC 2 policies for AWS, GitHub, Datadog and PagerDuty, one module per service."""

from __future__ import annotations

from typing import Any

from .declare import all_policies, services

PACK_NAME = "soc2-baseline"
PACK_VERSION = "0.1.0"
PACK_DESCRIPTION = "SOC 2 controls for AWS, GitHub, Datadog and PagerDuty, mapped to the 2017 Trust Services Criteria"

__all__ = ["ACCOUNT_POLICIES", "PACK_NAME", "PACK_VERSION", "all_policies", "serve_pack", "services"]


# Controls a stack meets once per AWS account and region. The baseline stack turns them on, and its
# evidence covers them; a service's pack disables them (templates/service/policies/__main__.py).
ACCOUNT_POLICIES = (
    "cloudtrail-trail-multi-region-exists",
    "config-recorder-active",
    "guardduty-detector-exists",
    "guardduty-detector-required-features",
    "securityhub-standards-subscribed",
    "inspector-enabler-exists",
    "iam-accessanalyzer-exists",
    "ec2-ebs-encryption-default-exists",
)


def serve_pack(initial_config: dict[str, str | dict[str, Any]] | None = None) -> None:
    """Runs this pack as a CrossGuard analyzer (a pack directory's __main__.py calls this).

    `initial_config` is the pack's own starting config, in the CLI's policy-config format: a level
    ("advisory", "mandatory", "disabled") or an object of properties per policy name. A policy-config
    file given to `pulumi preview` or preflight is applied on top of it.
    """
    from pulumi_policy import EnforcementLevel

    from .dispatch import serve

    policies = all_policies()
    known = {p.name for p in policies}
    unknown = sorted(set(initial_config or {}) - known)
    if unknown:
        raise SystemExit(f"{PACK_NAME}: initial config names unknown policies: {', '.join(unknown)}")
    initial = {name: EnforcementLevel(value) if isinstance(value, str) else value
               for name, value in (initial_config or {}).items()}
    serve(PACK_NAME, PACK_VERSION, policies, initial_config=initial or None, description=PACK_DESCRIPTION,
          display_name="SOC 2 baseline", provider="aws", tags=["soc2", "aws", "github", "datadog"])


PULUMI_POLICY_YAML = f"""runtime:
  name: python
  options:
    virtualenv: venv
version: {PACK_VERSION}
description: {PACK_DESCRIPTION}
"""
