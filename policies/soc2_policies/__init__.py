"""SOC 2 policies for AWS, GitHub and Datadog, one module per service."""

from __future__ import annotations

from importlib import import_module
from typing import Any

PACK_NAME = "soc2-baseline"
PACK_VERSION = "0.1.0"
PACK_DESCRIPTION = "SOC 2 controls for AWS, GitHub and Datadog, mapped to the 2017 Trust Services Criteria"

SERVICE_MODULES = (
    "aws_rds",
    "aws_elb",
    "aws_s3",
    "aws_kms",
    "aws_iam",
    "aws_ec2",
    "aws_cloudtrail",
    "aws_cloudwatch",
    "aws_sns",
    "aws_guardduty",
    "aws_securityhub",
    "aws_config",
    "aws_inspector",
    "aws_backup",
    "aws_secretsmanager",
    "aws_acm",
    "aws_wafv2",
    "datadog",
    "github",
    "pulumi_secrets",
)


def all_policies() -> list[Any]:
    """Every policy of every service module, in a stable order."""
    policies: list[Any] = []
    for module in SERVICE_MODULES:
        policies.extend(import_module(f"{__name__}.{module}").POLICIES)
    return policies
