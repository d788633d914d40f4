"""ACM certificates."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import list_schema, shown
from .framework import Resource, Soc2ResourcePolicy

CERTIFICATE = "aws:acm/certificate:Certificate"
KEY_ALGORITHMS = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1"]


def _requested(r: Resource) -> bool:
    """Issued by ACM, as opposed to imported (certificateBody) or issued by a private CA."""
    return not r.is_set("certificateBody") and not r.is_set("certificateAuthorityArn")


def _dns_validation(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    method = r.get("validationMethod") if _requested(r) else "DNS"
    if method != "DNS":
        yield (f"validationMethod is {shown(method)}, not DNS: e-mail validation does not renew on its own and "
               "trusts whoever reads the domain's admin mailboxes")


def _transparency(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("options.certificateTransparencyLoggingPreference") == "DISABLED":
        yield ("the certificate is kept out of public transparency logs: "
               "options.certificateTransparencyLoggingPreference is 'DISABLED'")


def _key_algorithm(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.is_set("certificateBody"):
        return  # an imported certificate's key is whatever was imported
    value = r.get("keyAlgorithm")
    effective = "RSA_2048" if value is None else value  # the ACM default
    allowed = [a for a in config.get("allowed") or [] if isinstance(a, str)]
    if effective not in allowed:
        yield f"keyAlgorithm is {shown(value)}; allowed: {', '.join(allowed)}"


POLICIES = [
    Soc2ResourcePolicy(
        name="acm-certificate-dns-validation", resource_types=[CERTIFICATE],
        description="ACM certificates are validated through DNS.", severity="medium", criteria=["CC6.7"],
        remediation="Set validation_method='DNS' and create the validation record (TlsLoadBalancer does, given "
                    "hosted_zone_id); ACM then renews the certificate automatically.",
        check=_dns_validation),
    Soc2ResourcePolicy(
        name="acm-certificate-transparency-logging", resource_types=[CERTIFICATE],
        description="ACM certificates are published to certificate transparency logs.", severity="low",
        criteria=["CC6.7", "CC7.2"],
        remediation="Remove options.certificate_transparency_logging_preference or set it to 'ENABLED', so "
                    "mis-issued certificates for the domain can be detected.",
        check=_transparency),
    Soc2ResourcePolicy(
        name="acm-certificate-key-algorithm", resource_types=[CERTIFICATE],
        description="ACM certificates use a strong key algorithm.", severity="low", criteria=["CC6.7", "CC6.1"],
        remediation="Set key_algorithm to one of the allowed values, e.g. 'EC_prime256v1' or 'RSA_2048'.",
        check=_key_algorithm,
        config={"allowed": list_schema(KEY_ALGORITHMS, "Accepted key_algorithm values (missing means RSA_2048).")}),
]
