"""Cognito: user pools (who signs in, and how strongly) and identity pools (who gets AWS credentials)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import flag_off, list_schema, minimum_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("cognito", "Cognito", "User pools and identity pools.")

USER_POOL = SERVICE.resource_type("aws:cognito/userPool:UserPool", kind="user pool", stateful=True)
IDENTITY_POOL = SERVICE.resource_type("aws:cognito/identityPool:IdentityPool", kind="identity pool", public=True)
COMPLEXITY = {"requireLowercase": "lowercase letters", "requireUppercase": "uppercase letters",
              "requireNumbers": "numbers", "requireSymbols": "symbols"}
AWS_DEFAULT_LENGTH = 8
"""Cognito's minimum password length when a pool sets no password policy (which then requires all four classes)."""


@SERVICE.resource_policy(
    name="cognito-userpool-mfa-required", types=[USER_POOL], severity="high", criteria=["CC6.1", "CC6.2"],
    description="Cognito user pools require multi-factor authentication.",
    remediation="Set mfa_configuration='ON' with software_token_mfa_configuration={'enabled': True} (or SMS/email "
                "MFA).",
    config={"modes": list_schema(["ON"], "Accepted mfa_configuration values (add OPTIONAL to let users opt out).")})
def _mfa(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    mode = r.get("mfaConfiguration") or "OFF"
    if mode not in config["modes"]:
        yield f"mfaConfiguration is {mode!r}; allowed: {', '.join(map(str, config['modes']))}"


@SERVICE.resource_policy(
    name="cognito-userpool-password-policy", types=[USER_POOL], severity="high", criteria=["CC6.1", "CC6.2"],
    description="Cognito user pools require long passwords with lowercase and uppercase letters, numbers and symbols.",
    remediation="Set password_policy with minimum_length of at least the configured minimum and require_lowercase, "
                "require_uppercase, require_numbers and require_symbols True.",
    config={"minLength": minimum_schema(12, "Fewest characters in a user's password.", 6)})
def _password_policy(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("passwordPolicy"):
        yield (f"no passwordPolicy: Cognito's default accepts {AWS_DEFAULT_LENGTH}-character passwords, below the "
               f"minimum of {shown(config['minLength'])}")
        return
    length = r.number("passwordPolicy.minimumLength")
    if length is None or length < config["minLength"]:
        yield (f"passwordPolicy.minimumLength is {shown(r.get('passwordPolicy.minimumLength'))}, below the minimum of "
               f"{shown(config['minLength'])}")
    if missing := [what for key, what in COMPLEXITY.items() if r.get(f"passwordPolicy.{key}") is not True]:
        yield f"passwords need not contain {', '.join(missing)}"


@SERVICE.resource_policy(
    name="cognito-userpool-deletion-protection", types=[USER_POOL], severity="high", criteria=["A1.2", "CC6.5"],
    description="Cognito user pools refuse deletion.",
    remediation="Set deletion_protection='ACTIVE'; turn it off only in the change that retires the pool.")
def _deletion_protection(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    value = r.get("deletionProtection")
    if value != "ACTIVE":
        yield f"deletionProtection is {shown(value)}, not 'ACTIVE': deleting the pool deletes every user"


SERVICE.resource_policy(
    name="cognito-identitypool-no-unauthenticated", types=[IDENTITY_POOL], severity="high",
    criteria=["CC6.1", "CC6.2"],
    description="Cognito identity pools give AWS credentials only to authenticated users.",
    remediation="Set allow_unauthenticated_identities=False; give guests what they need through an authenticated "
                "API instead.",
    checkov=["CKV_AWS_366"],
)(flag_off("allowUnauthenticatedIdentities", "anyone can get AWS credentials from the pool's guest role"))
