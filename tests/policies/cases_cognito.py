"""Cognito policy cases: user pools' MFA, password policy and deletion protection; identity pools' guests."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_lambda import named
from tests.policies.harness import Build, Case

STRONG_PASSWORDS = {"minimum_length": 14, "require_lowercase": True, "require_uppercase": True,
                    "require_numbers": True, "require_symbols": True, "temporary_password_validity_days": 3}
SECURE_POOL: dict[str, Any] = dict(mfa_configuration="ON", software_token_mfa_configuration={"enabled": True},
                                   password_policy=STRONG_PASSWORDS, deletion_protection="ACTIVE")


def user_pool(**changes: Any) -> Build:
    return named(f"user_pool({changes or 'secure'})",
                 lambda: aws.cognito.UserPool("users", **{**SECURE_POOL, **changes}))


def identity_pool(**args: Any) -> Build:
    def build() -> None:
        pool = aws.cognito.UserPool("users", **SECURE_POOL)
        client = aws.cognito.UserPoolClient("web", user_pool_id=pool.id)
        aws.cognito.IdentityPool("identities", identity_pool_name="app", cognito_identity_providers=[{
            "client_id": client.id, "provider_name": pool.endpoint}], **args)
    return named(f"identity_pool({args})", build)


SECURE = user_pool()

CASES = [
    Case("cognito-userpool-mfa-required", SECURE, user_pool(mfa_configuration="OPTIONAL"),
         "mfaConfiguration is 'OPTIONAL'; allowed: ON"),
    Case("cognito-userpool-mfa-required", user_pool(mfa_configuration="OPTIONAL"),
         user_pool(mfa_configuration=None, software_token_mfa_configuration=None), "mfaConfiguration is 'OFF'",
         config={"cognito-userpool-mfa-required": {"modes": ["ON", "OPTIONAL"]}}),
    Case("cognito-userpool-password-policy", SECURE, user_pool(password_policy=None),
         "no passwordPolicy: Cognito's default accepts 8-character passwords, below the minimum of 12"),
    Case("cognito-userpool-password-policy", SECURE, user_pool(password_policy={**STRONG_PASSWORDS,
                                                                                "minimum_length": 8}),
         "passwordPolicy.minimumLength is 8, below the minimum of 12"),
    Case("cognito-userpool-password-policy", SECURE, user_pool(password_policy={"minimum_length": 16,
                                                                                "require_uppercase": True}),
         "passwords need not contain lowercase letters, numbers, symbols"),
    Case("cognito-userpool-deletion-protection", SECURE, user_pool(deletion_protection="INACTIVE"),
         "deletionProtection is 'INACTIVE', not 'ACTIVE'"),
    Case("cognito-userpool-deletion-protection", SECURE, user_pool(deletion_protection=None),
         "deletionProtection is unset"),
    Case("cognito-identitypool-no-unauthenticated", identity_pool(),
         identity_pool(allow_unauthenticated_identities=True), "allowUnauthenticatedIdentities is true"),
    Case("cognito-identitypool-no-unauthenticated", identity_pool(allow_unauthenticated_identities=False),
         identity_pool(allow_unauthenticated_identities=True, allow_classic_flow=True),
         "anyone can get AWS credentials"),
]
