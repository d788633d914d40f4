"""ACM certificates."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import list_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("acm", "ACM", "Certificates.")

CERTIFICATE = SERVICE.resource_type("aws:acm/certificate:Certificate", kind="certificate")
KEY_ALGORITHMS = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1"]


def _requested(r: Resource) -> bool:
    """Issued by ACM, as opposed to imported (certificateBody) or issued by a private CA."""
    return not r.is_set("certificateBody") and not r.is_set("certificateAuthorityArn")


@SERVICE.resource_policy(
    name="acm-certificate-dns-validation", types=[CERTIFICATE], severity="medium", criteria=["CC6.7"],
    description="ACM certificates are validated through DNS.",
    remediation="Set validation_method='DNS' and create the validation record (TlsLoadBalancer does, given "
                "hosted_zone_id); ACM then renews the certificate automatically.")
def _dns_validation(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    method = r.get("validationMethod") if _requested(r) else "DNS"
    if method != "DNS":
        yield (f"validationMethod is {shown(method)}, not DNS: e-mail validation does not renew on its own and "
               "trusts whoever reads the domain's admin mailboxes")


@SERVICE.resource_policy(
    name="acm-certificate-transparency-logging", types=[CERTIFICATE], severity="low", criteria=["CC6.7", "CC7.2"],
    description="ACM certificates are published to certificate transparency logs.",
    remediation="Remove options.certificate_transparency_logging_preference or set it to 'ENABLED', so mis-issued "
                "certificates for the domain can be detected.")
def _transparency(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("options.certificateTransparencyLoggingPreference") == "DISABLED":
        yield ("the certificate is kept out of public transparency logs: "
               "options.certificateTransparencyLoggingPreference is 'DISABLED'")


@SERVICE.resource_policy(
    name="acm-certificate-key-algorithm", types=[CERTIFICATE], severity="low", criteria=["CC6.7", "CC6.1"],
    description="ACM certificates use a strong key algorithm.",
    remediation="Set key_algorithm to one of the allowed values, e.g. 'EC_prime256v1' or 'RSA_2048'.",
    config={"allowed": list_schema(KEY_ALGORITHMS, "Accepted key_algorithm values (missing means RSA_2048).")})
def _key_algorithm(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.is_set("certificateBody"):
        return  # an imported certificate's key is whatever was imported
    value = r.get("keyAlgorithm")
    effective = "RSA_2048" if value is None else value  # the ACM default
    allowed = [a for a in config.get("allowed") or [] if isinstance(a, str)]
    if effective not in allowed:
        yield f"keyAlgorithm is {shown(value)}; allowed: {', '.join(allowed)}"
