"""EFS policy cases: file systems with and without backup and file-system policies, policies written as
JSON strings and as Output.json_dumps documents naming the file system, and access points."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DENY_PLAIN = {"Sid": "DenyPlainNfs", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
              "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
DENY_PLAIN_MOUNT = {**DENY_PLAIN, "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}
MOUNT_TARGET_ONLY = {"Sid": "MountTargetClients", "Effect": "Allow", "Principal": {"AWS": "*"},
                     "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                     "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}}
EVERYONE = {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:ClientMount"}
APP_ROLE = {"Sid": "App", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}


def named(name: str, build: Any) -> Build:
    build.__name__ = name
    return build


def file_system(**changes: Any) -> Build:
    args = {"encrypted": True, "kms_key_id": KEY, **changes}
    return named(f"file_system({args})", lambda: aws.efs.FileSystem("shared", **args))


def keyed_file_system() -> None:
    key = aws.kms.Key("efs-key", enable_key_rotation=True)
    aws.efs.FileSystem("shared", encrypted=True, kms_key_id=key.arn)


def protected(backups: str | None = "ENABLED", selection: bool = False, policy: bool = True) -> Build:
    """A file system with, or without, automatic backups, an AWS Backup selection and a file-system policy."""
    def build() -> None:
        fs = aws.efs.FileSystem("shared", encrypted=True, kms_key_id=KEY)
        if backups:
            aws.efs.BackupPolicy("shared-backups", file_system_id=fs.id, backup_policy={"status": backups})
        if selection:
            aws.backup.Selection("stateful", iam_role_arn="arn:aws:iam::123456789012:role/backup",
                                 plan_id="plan-1", resources=[fs.arn])
        if policy:
            aws.efs.FileSystemPolicy("shared-policy", file_system_id=fs.id, policy=json.dumps(
                {"Version": "2012-10-17", "Statement": [DENY_PLAIN]}))
    return named(f"protected(backups={backups}, selection={selection}, policy={policy})", build)


def policy_text(*statements: dict[str, Any]) -> Build:
    """A file-system policy as a JSON string, for a file system made elsewhere."""
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return named(f"policy_text({[s['Sid'] for s in statements]})",
                 lambda: aws.efs.FileSystemPolicy("shared-policy", file_system_id="fs-0123456789abcdef0", policy=text))


def policy_naming_the_file_system(*statements: dict[str, Any]) -> Build:
    """The usual program: the document names the file system's ARN, so it is known only once deployed."""
    def build() -> None:
        fs = aws.efs.FileSystem("shared", encrypted=True, kms_key_id=KEY)
        aws.efs.FileSystemPolicy("shared-policy", file_system_id=fs.id, policy=pulumi.Output.json_dumps({
            "Version": "2012-10-17", "Statement": [{**s, "Resource": fs.arn} for s in statements]}))
    return named(f"policy_naming_the_file_system({[s['Sid'] for s in statements]})", build)


def access_point(**changes: Any) -> Build:
    args = {"file_system_id": "fs-0123456789abcdef0", "posix_user": {"uid": 1000, "gid": 1000},
            "root_directory": {"path": "/app", "creation_info": {"owner_uid": 1000, "owner_gid": 1000,
                                                                 "permissions": "750"}}, **changes}
    return named(f"access_point({changes or 'secure'})", lambda: aws.efs.AccessPoint("app", **args))


CASES = [
    Case("efs-filesystem-encrypted", file_system(), file_system(encrypted=None, kms_key_id=None),
         "files are stored unencrypted: encrypted is unset"),
    Case("efs-filesystem-encrypted", keyed_file_system, file_system(kms_key_id=None), "kmsKeyId is not set"),
    Case("efs-filesystem-encrypted", file_system(kms_key_id=None), file_system(encrypted=False, kms_key_id=None),
         "encrypted is False", config={"efs-filesystem-encrypted": {"requireCustomerKey": False}}),
    Case("efs-filesystem-automatic-backups", protected(), protected(backups=None),
         "file system shared has automatic backups off (no aws.efs.BackupPolicy) and is in no AWS Backup selection"),
    Case("efs-filesystem-automatic-backups", protected(backups="DISABLED", selection=True),
         protected(backups="DISABLED"), "automatic backups turned off by its BackupPolicy"),
    Case("efs-filesystem-policy-attached", protected(), protected(policy=False),
         "file system shared has no aws.efs.FileSystemPolicy"),
    Case("efs-filesystempolicy-no-public-access", policy_text(DENY_PLAIN, MOUNT_TARGET_ONLY, APP_ROLE),
         policy_text(DENY_PLAIN, EVERYONE), "statement Everyone allows everyone ('*')"),
    Case("efs-filesystempolicy-no-public-access", policy_naming_the_file_system(DENY_PLAIN, APP_ROLE),
         policy_naming_the_file_system(DENY_PLAIN, EVERYONE), "statement Everyone allows everyone",
         mode="resolved"),
    Case("efs-filesystempolicy-tls-only", policy_text(DENY_PLAIN, APP_ROLE), policy_text(APP_ROLE),
         "does not deny mounting without TLS"),
    Case("efs-filesystempolicy-tls-only", policy_text(DENY_PLAIN_MOUNT),
         policy_text({**DENY_PLAIN_MOUNT, "Action": "elasticfilesystem:ClientWrite"}),
         "does not deny mounting without TLS"),
    Case("efs-filesystempolicy-tls-only", policy_naming_the_file_system(DENY_PLAIN, APP_ROLE),
         policy_naming_the_file_system(APP_ROLE), "does not deny mounting without TLS", mode="resolved"),
    Case("efs-accesspoint-root-directory", access_point(), access_point(root_directory={"path": "/"}),
         "rootDirectory.path is '/'"),
    Case("efs-accesspoint-root-directory", access_point(), access_point(root_directory=None),
         "rootDirectory.path is unset"),
    Case("efs-accesspoint-posix-user", access_point(), access_point(posix_user=None), "posixUser is not set"),
    Case("efs-accesspoint-posix-user", access_point(), access_point(posix_user={"uid": 0, "gid": 0}),
         "posixUser.uid is 0"),
]
