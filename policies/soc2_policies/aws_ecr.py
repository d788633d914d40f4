"""ECR: private container repositories, their policies and the registry's scanning configuration."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterable, Mapping

from . import customer_key, documents
from .checks import list_schema, shown
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("ecr", "ECR", "Private container image repositories, repository and registry policies, scanning.")

REPOSITORY = SERVICE.resource_type("aws:ecr/repository:Repository", kind="container repository",
                                   key="encryptionConfigurations.0.kmsKey", public=True)
REPOSITORY_POLICY = SERVICE.resource_type("aws:ecr/repositoryPolicy:RepositoryPolicy", kind="repository policy")
REGISTRY_POLICY = SERVICE.resource_type("aws:ecr/registryPolicy:RegistryPolicy", kind="registry policy")
SCANNING = SERVICE.resource_type("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
                                 kind="registry scanning configuration")
SCANNED_ON_PUSH = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
IMMUTABLE = ["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"]


@SERVICE.resource_policy(
    name="ecr-repositorypolicy-no-public-access", types=[REPOSITORY_POLICY, REGISTRY_POLICY], severity="critical",
    criteria=["CC6.6", "CC6.1"],
    description="ECR repository and registry policies grant nothing to everyone.",
    remediation="In the policy= document, name the accounts or roles that pull (Principal {'AWS': [...]}) instead of "
                "'*', or narrow '*' with a condition on aws:PrincipalOrgID or aws:SourceAccount; publish public "
                "images through ECR Public instead.",
    checkov=["CKV_AWS_32"])
def _not_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, statement in enumerate(documents.statements(r.document("policy"))):
        if documents.is_public_allow(statement):
            yield (f"policy statement {statement.get('Sid', index)!s} allows everyone ('*') without a condition on "
                   f"account or organization")


@SERVICE.resource_policy(
    name="ecr-repository-kms-encrypted", types=[REPOSITORY], severity="medium", criteria=["CC6.1", "C1.1"],
    description="ECR repositories encrypt images with KMS (a customer-managed key unless configured otherwise).",
    remediation="Set encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': key.arn}] on "
                "aws.ecr.Repository with a customer-managed aws.kms.Key; the setting is fixed at creation, so the "
                "repository is replaced.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_136"])
def _kms_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    kind = r.get("encryptionConfigurations.0.encryptionType")
    if not (isinstance(kind, str) and kind.startswith("KMS")):
        yield f"images are encrypted with AES256, not KMS: encryptionConfigurations[0].encryptionType is {shown(kind)}"
    elif config["requireCustomerKey"] and not r.is_set("encryptionConfigurations.0.kmsKey"):
        yield "images are encrypted with the AWS-managed aws/ecr key: encryptionConfigurations[0].kmsKey is not set"


@SERVICE.resource_policy(
    name="ecr-repository-immutable-tags", types=[REPOSITORY], severity="medium", criteria=["CC8.1"],
    description="ECR image tags cannot be overwritten, so a deployed tag always names the image that was reviewed.",
    remediation="Set image_tag_mutability='IMMUTABLE' on aws.ecr.Repository (or IMMUTABLE_WITH_EXCLUSION with "
                "image_tag_mutability_exclusion_filters for a moving tag such as latest).",
    config={"allowed": list_schema(IMMUTABLE, "Accepted image_tag_mutability values.")}, checkov=["CKV_AWS_51"])
def _immutable_tags(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    mutability = r.get("imageTagMutability") or "MUTABLE"
    if mutability not in config["allowed"]:
        yield (f"image tags can be overwritten: imageTagMutability is {mutability!r}; allowed: "
               f"{', '.join(config['allowed'])}")


def _registry_rules(stack: Stack) -> list[str]:
    """Repository filters (wildcards) of registry scanning rules that scan on push or continuously."""
    filters = []
    for scanning in stack.of_type(SCANNING):
        for i, _ in enumerate(scanning.list("rules")):
            if scanning.get(f"rules.{i}.scanFrequency") in SCANNED_ON_PUSH:
                filters += [str(scanning.get(f"rules.{i}.repositoryFilters.{j}.filter"))
                            for j, _ in enumerate(scanning.list(f"rules.{i}.repositoryFilters"))]
    return filters


def _covered(repository: Resource, filters: list[str]) -> bool:
    if "*" in filters:
        return True
    name = repository.get("name")  # a computed name can match a filter: the verdict waits for it
    return isinstance(name, str) and any(fnmatchcase(name, f) for f in filters)


@SERVICE.stack_policy(
    name="ecr-repository-scan-on-push", severity="high", criteria=["CC7.1", "CC6.8"],
    description="Every ECR repository scans images for vulnerabilities when they are pushed, by itself or through "
                "the registry's scanning configuration.",
    remediation="Set image_scanning_configuration={'scan_on_push': True} on aws.ecr.Repository, or add an "
                "aws.ecr.RegistryScanningConfiguration whose rules scan_frequency SCAN_ON_PUSH or CONTINUOUS_SCAN "
                "with a repository_filters entry matching the repository; if another stack manages registry "
                "scanning, set registryScansOnPush.",
    config={"registryScansOnPush": {"type": "boolean", "default": False,
                                    "description": "The account's registry scanning configuration, managed outside "
                                                   "this stack, scans every repository on push or continuously."}},
    checkov=["CKV_AWS_163"], examines=[REPOSITORY])
def _scan_on_push(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    repositories = stack.of_type(REPOSITORY)
    if config["registryScansOnPush"] or not repositories:
        return
    filters = _registry_rules(stack)
    for repository in repositories:
        if repository.get("imageScanningConfiguration.scanOnPush") is True or _covered(repository, filters):
            continue
        yield (f"repository {repository.name} does not scan images on push (imageScanningConfiguration.scanOnPush is "
               f"{shown(repository.get('imageScanningConfiguration.scanOnPush'))}, and no registry scanning rule "
               f"covers it)", repository.urn)
