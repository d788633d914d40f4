"""EFS: file systems, their automatic-backup and file-system policies, and access points."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key, documents
from .aws_backup import SELECTION, selects
from .catalog import Arn
from .checks import shown
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("efs", "EFS", "File systems, backup policies, file-system policies and access points.")

FILE_SYSTEM = SERVICE.resource_type(
    "aws:efs/fileSystem:FileSystem", kind="file system", stateful=True, backup=True,
    arn=Arn("elasticfilesystem", "file-system/", "id"), key="kmsKeyId", public=True)
BACKUP_POLICY = SERVICE.resource_type("aws:efs/backupPolicy:BackupPolicy", kind="file system backup policy")
FILE_SYSTEM_POLICY = SERVICE.resource_type("aws:efs/fileSystemPolicy:FileSystemPolicy", kind="file system policy")
ACCESS_POINT = SERVICE.resource_type("aws:efs/accessPoint:AccessPoint", kind="access point")
# Only NFS clients that reach a mount target, inside the VPC, match this condition.
MOUNT_TARGET_CONDITION = "elasticfilesystem:accessedviamounttarget"
CLIENT_MOUNT = "elasticfilesystem:ClientMount"


@SERVICE.resource_policy(
    name="efs-filesystem-encrypted", types=[FILE_SYSTEM], severity="high", criteria=["CC6.1", "C1.1"],
    description="EFS file systems are encrypted at rest, by default with a customer-managed KMS key.",
    remediation="Set encrypted=True and kms_key_id on the aws.efs.FileSystem (chosen at creation: an unencrypted file "
                "system is replaced and its data copied, e.g. with AWS DataSync).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_42", "CKV_AWS_184"])
def _encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.get("encrypted") is not True:
        yield f"files are stored unencrypted: encrypted is {shown(r.get('encrypted'))}"
    elif customer_key.required(config) and (problem := customer_key.problem(r, "kmsKeyId")):
        yield f"files are not encrypted with a customer-managed key: {problem}"


def _referrers(stack: Stack, types: list[str]) -> dict[str, list[Resource]]:
    """File system URN to the resources of `types` whose fileSystemId names it."""
    return stack.referrers(types, "fileSystemId", [FILE_SYSTEM], "id")


def _backups_on(policy: Resource) -> bool:
    if policy.peek("backupPolicy.status") == UNKNOWN:
        policy.get("backupPolicy.status")  # computed at deploy time: raises, so the stack is not judged now
    return policy.peek("backupPolicy.status") == "ENABLED"


@SERVICE.stack_policy(
    name="efs-filesystem-automatic-backups", severity="medium", criteria=["A1.2", "CC7.5"],
    description="Every EFS file system has automatic backups on, unless an AWS Backup plan already selects it.",
    remediation="Add aws.efs.BackupPolicy(file_system_id=fs.id, backup_policy={'status': 'ENABLED'}), or add the file "
                "system's ARN to an aws.backup.Selection (BackupPlan resources).",
    examines=[FILE_SYSTEM])
def _automatic_backups(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    policies = _referrers(stack, [BACKUP_POLICY])
    selections = stack.of_type(SELECTION)
    for fs in stack.of_type(FILE_SYSTEM):
        attached = policies.get(fs.urn, [])
        if any(_backups_on(p) for p in attached) or any(selects(s, fs) for s in selections):
            continue
        state = "turned off by its BackupPolicy" if attached else "off (no aws.efs.BackupPolicy)"
        yield f"file system {fs.name} has automatic backups {state} and is in no AWS Backup selection", fs.urn


@SERVICE.stack_policy(
    name="efs-filesystem-policy-attached", severity="high", criteria=["CC6.7", "CC6.1"],
    description="Every EFS file system has a file-system policy (which must refuse clients that do not use TLS).",
    remediation="Add an aws.efs.FileSystemPolicy(file_system_id=fs.id, policy=...) with a Deny of all actions for "
                "Principal {'AWS': '*'} when aws:SecureTransport is false; without one, any client that reaches a "
                "mount target may mount without TLS.",
    examines=[FILE_SYSTEM])
def _policy_attached(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    policies = _referrers(stack, [FILE_SYSTEM_POLICY])
    for fs in stack.of_type(FILE_SYSTEM):
        if not policies.get(fs.urn):
            yield f"file system {fs.name} has no aws.efs.FileSystemPolicy, so clients may mount it without TLS", fs.urn


def _is_public(statement: Mapping[str, Any]) -> bool:
    return documents.is_public_allow(statement) and MOUNT_TARGET_CONDITION not in documents.condition_keys(statement)


@SERVICE.resource_policy(
    name="efs-filesystempolicy-no-public-access", types=[FILE_SYSTEM_POLICY], severity="critical",
    criteria=["CC6.6", "CC6.1", "C1.1"],
    description="EFS file-system policies grant nothing to everyone.",
    remediation="Name the principals (roles, accounts) in every Allow, or narrow Principal '*' with a condition such "
                "as elasticfilesystem:AccessedViaMountTarget = true, aws:PrincipalOrgID or aws:SourceVpc.")
def _no_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, statement in enumerate(documents.statements(r.document("policy"))):
        if _is_public(statement):
            yield f"statement {statement.get('Sid', index)!s} allows everyone ('*') without a restricting condition"


def _denies_plain_mount(statement: Mapping[str, Any]) -> bool:
    """A Deny to everyone of mounting (every NFS use starts with it) when aws:SecureTransport is false."""
    condition = statement.get("Condition")
    insecure = isinstance(condition, Mapping) and any(
        str(op).startswith("Bool") and isinstance(block, Mapping)
        and str(block.get("aws:SecureTransport", "")).lower() == "false" for op, block in condition.items())
    mount = any(a == "*" or a.lower() in (CLIENT_MOUNT.lower(), "elasticfilesystem:*", "elasticfilesystem:client*")
                for a in documents.actions(statement))
    return documents.is_deny(statement) and "*" in documents.principals(statement) and insecure and mount


@SERVICE.resource_policy(
    name="efs-filesystempolicy-tls-only", types=[FILE_SYSTEM_POLICY], severity="high", criteria=["CC6.7"],
    description="EFS file-system policies refuse clients that do not use TLS.",
    remediation="Add a statement: Effect Deny, Principal {'AWS': '*'}, Action '*' (or elasticfilesystem:ClientMount), "
                "Condition {'Bool': {'aws:SecureTransport': 'false'}}; mount with the EFS helper's -o tls.")
def _tls_only(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    document = r.document("policy")
    if not any(_denies_plain_mount(s) for s in documents.statements(document)):
        yield "the policy does not deny mounting without TLS (no Deny for aws:SecureTransport = false)"


@SERVICE.resource_policy(
    name="efs-accesspoint-root-directory", types=[ACCESS_POINT], severity="medium", criteria=["CC6.3"],
    description="EFS access points confine clients to a directory below the file system's root.",
    remediation="Set root_directory={'path': '/<application>', 'creation_info': {owner_uid, owner_gid, permissions}} "
                "on the aws.efs.AccessPoint.",
    checkov=["CKV_AWS_329"])
def _root_directory(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    path = r.get("rootDirectory.path")
    if path in (None, "", "/"):
        yield f"clients see the whole file system: rootDirectory.path is {shown(path)}"


@SERVICE.resource_policy(
    name="efs-accesspoint-posix-user", types=[ACCESS_POINT], severity="medium", criteria=["CC6.3"],
    description="EFS access points enforce a POSIX user, so clients cannot act as root or as each other.",
    remediation="Set posix_user={'uid': ..., 'gid': ...} (a non-zero uid) on the aws.efs.AccessPoint.",
    checkov=["CKV_AWS_330"])
def _posix_user(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("posixUser.uid"):
        yield "clients keep their own user and group ids: posixUser is not set"
    elif r.number("posixUser.uid") == 0:
        yield "posixUser.uid is 0: every client acts as root on the file system"
