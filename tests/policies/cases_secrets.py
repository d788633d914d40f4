"""Plain-text secret cases: credentials passed as Pulumi secrets or referenced by ARN, and the same in clear."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

ROLE = "arn:aws:iam::123456789012:role/app"
DB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def function(label: str, variables: dict[str, Any], secret: tuple[str, ...] = ()) -> Build:
    """A function whose environment carries configuration (the `secret` keys as Pulumi secrets), next to a
    database whose password RDS manages."""
    def build() -> None:
        environment = {k: pulumi.Output.secret(v) if k in secret else v for k, v in variables.items()}
        aws.lambda_.Function("app", role=ROLE, runtime="python3.12", handler="app.handler",
                             code=pulumi.AssetArchive({}), environment={"variables": environment})
        aws.rds.Instance("db", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                         username="app_admin", manage_master_user_password=True, master_user_secret_kms_key_id=KEY)
    build.__name__ = f"function({label})"
    return build


def parameter(**args: Any) -> Build:
    def build() -> None:
        aws.ssm.Parameter("db-password", name="/app/db-password", type="SecureString", **args)
    build.__name__ = f"parameter({', '.join(args)})"
    return build


SAFE_ENVIRONMENT = {"DB_SECRET_ARN": DB_SECRET, "DB_PASSWORD_SECRET_NAME": "prod/db", "API_TOKEN_TTL": "3600",
                    "LOG_LEVEL": "info"}
SECURE = function("secret and references", {**SAFE_ENVIRONMENT, "STRIPE_API_KEY": "sk_live_x"}, ("STRIPE_API_KEY",))

CASES = [
    Case("pulumi-input-secrets-encrypted", SECURE,
         function("plain API key", {**SAFE_ENVIRONMENT, "STRIPE_API_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"}),
         "aws:lambda/function:Function app: environment.variables.STRIPE_API_KEY holds a credential in plain text"),
    Case("pulumi-input-secrets-encrypted", function("no credentials", SAFE_ENVIRONMENT),
         function("plain password", {"dbPassword": "correct-horse-battery-staple"}),
         "environment.variables.dbPassword holds a credential in plain text"),
    Case("pulumi-input-secrets-encrypted", parameter(value="correct-horse-battery-staple"),
         parameter(insecure_value="correct-horse-battery-staple"),
         "the SecureString parameter's insecureValue is in plain text"),
]
