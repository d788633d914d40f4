"""ACM policy cases: a DNS-validated EC certificate logged for transparency, and weaker ones."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

CERTIFICATE: dict[str, Any] = dict(domain_name="app.example.com", validation_method="DNS", key_algorithm="EC_prime256v1",
                                   options={"certificate_transparency_logging_preference": "ENABLED"})
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def certificate(**changes: Any) -> Build:
    def build() -> None:
        aws.acm.Certificate("cert", **{**CERTIFICATE, **changes})
    build.__name__ = f"certificate({', '.join(f'{k}={v!r}' for k, v in changes.items()) or 'secure'})"
    return build


SECURE = certificate()
IMPORTED = certificate(domain_name=None, validation_method=None, key_algorithm=None, options=None, certificate_body=PEM,
                       private_key="-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")

CASES = [
    Case("acm-certificate-dns-validation", SECURE, certificate(validation_method="EMAIL"),
         "validationMethod is 'EMAIL', not DNS"),
    Case("acm-certificate-dns-validation", IMPORTED, certificate(validation_method=None),
         "validationMethod is unset, not DNS"),
    Case("acm-certificate-transparency-logging", certificate(options=None),
         certificate(options={"certificate_transparency_logging_preference": "DISABLED"}),
         "options.certificateTransparencyLoggingPreference is 'DISABLED'"),
    Case("acm-certificate-key-algorithm", SECURE, certificate(key_algorithm="RSA_1024"),
         "keyAlgorithm is 'RSA_1024'; allowed: RSA_2048"),
    Case("acm-certificate-key-algorithm", certificate(key_algorithm="EC_secp384r1"), certificate(key_algorithm=None),
         "keyAlgorithm is unset; allowed: EC_secp384r1",
         config={"acm-certificate-key-algorithm": {"allowed": ["EC_secp384r1"]}}),
]
