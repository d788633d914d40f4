"""Encryption policy: keys, data at rest, data in transit (CC6.1, CC6.7, C1.1)."""

from __future__ import annotations

from soc2_policies import catalog
from soc2_policies.aws_s3 import ENCRYPTION

from ..document import Document
from .facts import Facts, value, yes

CRITERIA = ["CC6.1", "CC6.7", "C1.1"]


def build(facts: Facts) -> Document:
    doc = facts.document("Encryption policy", CRITERIA, [
        "Customer data is encrypted at rest with customer-managed KMS keys that rotate every year.",
        "Data in transit uses TLS 1.2 or newer; plain HTTP only redirects to HTTPS.",
        "Key administration is limited to the account's administrators; services are named in key policies."])
    doc.heading(2, "Keys")
    doc.table(["Key", "Purpose", "Rotation", "Deletion window (days)"], [
        [k.name, value(k, "tags.soc2:purpose", "-"), yes(value(k, "enableKeyRotation", None)),
         str(value(k, "deletionWindowInDays", 30))] for k in facts.of("aws:kms/key:Key")])
    doc.heading(2, "Data at rest")
    rows = [[r.type.rsplit(":", 1)[-1], r.name, facts.key_name(r, entry.key)]
            for entry in catalog.encrypted() for r in facts.of(entry.token) if value(r, entry.key, None) is not None]
    rows += [[r.type.rsplit(":", 1)[-1], r.name,
              "S3-managed keys (SSE-S3), as AWS requires for log delivery"] for r in facts.of(*ENCRYPTION)
             if value(r, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm") == "AES256"]
    doc.table(["Resource type", "Resource", "Encrypted with"], sorted(rows))
    doc.paragraph(facts.enforcement("kms-key-customer-managed-rotation", "kms-key-rotation-enabled",
                                    "rds-instance-storage-encrypted", "s3-bucket-encryption-enabled"))
    doc.heading(2, "Data in transit")
    listeners = facts.of("aws:lb/listener:Listener")
    doc.table(["Listener", "Port", "Protocol", "TLS policy or action"], [
        [l.name, str(value(l, "port")), value(l, "protocol"),
         value(l, "sslPolicy") or f"redirect to {value(l, 'defaultActions.0.redirect.protocol', '-')}"]
        for l in listeners])
    groups = facts.of("aws:rds/parameterGroup:ParameterGroup")
    tls_parameters = [f"{g.name}: " + ", ".join(f"{p.get('name')}={p.get('value')}" for p in value(g, "parameters", [])
                                              if isinstance(p, dict) and p.get("name") in ("rds.force_ssl",
                                                                                           "require_secure_transport"))
                      for g in groups]
    bucket_policies = facts.of("aws:s3/bucketPolicy:BucketPolicy")
    denies = sum("aws:SecureTransport" in str(value(p, "policy")) for p in bucket_policies)
    certificates = [f"{c.name} ({value(c, 'validationMethod')} validation)"
                    for c in facts.of("aws:acm/certificate:Certificate")]
    doc.items([f"Database parameter groups forcing TLS: {'; '.join(tls_parameters) or 'none'}",
               f"Bucket policies refusing requests without TLS: {denies} of {len(bucket_policies)}",
               f"Certificates: {', '.join(certificates) or 'none'}"])
    doc.paragraph(facts.enforcement("elb-listener-tls-policy", "elb-listener-encrypted", "rds-parametergroup-force-ssl",
                                    "s3-bucketpolicy-tls-only"))
    doc.heading(2, "Responsibilities")
    doc.items(["Platform owners review key policies when services are added.",
               "Nobody exports or copies key material; keys never leave KMS."])
    return doc
