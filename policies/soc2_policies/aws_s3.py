"""S3 policies (placeholder set; expanded with the full catalog)."""

from __future__ import annotations

from .framework import Soc2ResourcePolicy

POLICIES = [
    Soc2ResourcePolicy(
        name="s3-bucket-versioning-enabled",
        resource_types=["aws:s3/bucketVersioning:BucketVersioning"],
        description="S3 bucket versioning is enabled, so overwritten or deleted objects can be recovered.",
        severity="high", criteria=["A1.2", "CC7.5", "C1.1"],
        remediation="Set versioning_configuration.status to Enabled (SecureBucket does this).",
        check=lambda r, c: [] if r.str("versioningConfiguration.status") == "Enabled" else
        [f"versioning status is {r.str('versioningConfiguration.status')!r}, not 'Enabled'"],
    ),
]
