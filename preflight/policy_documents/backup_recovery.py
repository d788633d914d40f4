"""Backup and recovery policy: database backups, AWS Backup plans, vault locks (A1.2, CC7.5)."""

from __future__ import annotations

from ..document import Document
from .facts import Facts, value, yes

CRITERIA = ["A1.2", "A1.3", "CC7.5", "CC6.5"]


def build(facts: Facts) -> Document:
    doc = facts.document("Backup and recovery policy", CRITERIA, [
        "Every database and every stateful bucket is backed up daily to an encrypted, locked vault.",
        "Databases keep automated backups, refuse deletion and take a final snapshot.",
        "Restores are tested at least once a year and the result recorded."])
    doc.heading(2, "Databases")
    doc.table(["Database", "Backup retention (days)", "Backup window", "Multi-AZ", "Deletion protection",
               "Final snapshot"], [
        [d.name, str(value(d, "backupRetentionPeriod", 1)), value(d, "backupWindow", "AWS default"),
         yes(value(d, "multiAz", None)), yes(value(d, "deletionProtection", None)),
         "no" if value(d, "skipFinalSnapshot", None) is True else "yes"]
        for d in facts.of("aws:rds/instance:Instance", "aws:rds/cluster:Cluster")])
    doc.heading(2, "AWS Backup")
    rows = []
    for plan in facts.of("aws:backup/plan:Plan"):
        for rule in value(plan, "rules", []):
            if isinstance(rule, dict):
                copies = [c for c in rule.get("copyActions") or [] if isinstance(c, dict)]
                rows.append([plan.name, str(rule.get("schedule", "")),
                             str((rule.get("lifecycle") or {}).get("deleteAfter", "never")),
                             f"{len(copies)} copy action(s)" if copies else "none"])
    doc.table(["Plan", "Schedule", "Retention (days)", "Cross-region copy"], rows)
    doc.table(["Vault lock", "Minimum retention (days)", "Maximum retention (days)", "Mode"], [
        [l.name, str(value(l, "minRetentionDays")), str(value(l, "maxRetentionDays", "-")),
         "compliance" if value(l, "changeableForDays", None) is not None else "governance"]
        for l in facts.of("aws:backup/vaultLockConfiguration:VaultLockConfiguration")])
    selected = sorted({facts.records[u].name for s in facts.of("aws:backup/selection:Selection")
                       for u in s.property_dependencies.get("resources", []) if u in facts.records})
    versioned = sum(value(v, "versioningConfiguration.status") == "Enabled"
                    for v in facts.of("aws:s3/bucketVersioning:BucketVersioning"))
    doc.items([f"Selected for backup: {', '.join(selected) or 'nothing'}", f"Versioned buckets: {versioned}"])
    doc.paragraph(facts.enforcement("backup-selection-covers-stateful", "backup-plan-daily", "backup-plan-retention",
                                    "backup-vaultlock-min-retention", "rds-instance-backup-retention"))
    doc.heading(2, "Responsibilities")
    doc.items(["A restore of the database and of one bucket is tested each year, with the time it took recorded.",
               "Failed backup jobs are investigated within one business day."])
    return doc
