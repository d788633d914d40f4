"""ECR policy cases: repositories, repository and registry policies, registry scanning."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

ACCOUNT = "arn:aws:iam::123456789012:root"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
SECURE_REPOSITORY: dict[str, Any] = dict(
    image_tag_mutability="IMMUTABLE", image_scanning_configuration={"scan_on_push": True},
    encryption_configurations=[{"encryption_type": "KMS",
                                "kms_key": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}])


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def repository(**changes: Any) -> Build:
    args = {**SECURE_REPOSITORY, **changes}
    return named(f"repository({changes})", lambda: aws.ecr.Repository("app", name="app", **args))


def pull_statement(principal: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Sid": "Pull", "Effect": "Allow", "Principal": principal, "Action": PULL,
            **({"Condition": condition} if condition else {})}


def repository_policy(principal: Any, *, computed: bool = False, registry: bool = False) -> Build:
    """A pull policy; `computed` builds it with Output.json_dumps around the repository's ARN."""
    def build() -> None:
        repo = aws.ecr.Repository("app", name="app", **SECURE_REPOSITORY)
        statement = pull_statement(principal)
        if registry:
            aws.ecr.RegistryPolicy("registry", policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {**statement, "Action": ["ecr:ReplicateImage"], "Resource": "arn:aws:ecr:us-east-1:123456789012:*"}]}))
        elif computed:
            aws.ecr.RepositoryPolicy("app-policy", repository=repo.name, policy=pulumi.Output.json_dumps(
                {"Version": "2012-10-17", "Statement": [{**statement, "Resource": repo.arn}]}))
        else:
            aws.ecr.RepositoryPolicy("app-policy", repository=repo.name,
                                     policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return named(f"repository_policy({principal}, computed={computed}, registry={registry})", build)


def scanning(filters: list[str], frequency: str = "SCAN_ON_PUSH", scan_on_push: bool = False) -> Build:
    """A repository that does not scan by itself, and a registry scanning configuration."""
    def build() -> None:
        aws.ecr.Repository("app", name="app", **{**SECURE_REPOSITORY,
                                                 "image_scanning_configuration": {"scan_on_push": scan_on_push}})
        aws.ecr.RegistryScanningConfiguration("scanning", scan_type="ENHANCED", rules=[{
            "scan_frequency": frequency,
            "repository_filters": [{"filter": f, "filter_type": "WILDCARD"} for f in filters]}])
    return named(f"scanning({filters}, {frequency})", build)


KMS_WITHOUT_KEY = [{"encryption_type": "KMS"}]

CASES = [
    Case("ecr-repositorypolicy-no-public-access", repository_policy({"AWS": ACCOUNT}), repository_policy("*"),
         "policy statement Pull allows everyone ('*')"),
    Case("ecr-repositorypolicy-no-public-access", repository_policy({"AWS": ACCOUNT}, computed=True),
         repository_policy({"AWS": "*"}, computed=True), "allows everyone", mode="resolved"),
    Case("ecr-repositorypolicy-no-public-access", repository_policy({"AWS": ACCOUNT}, registry=True),
         repository_policy("*", registry=True), "allows everyone"),
    Case("ecr-repository-kms-encrypted", repository(), repository(encryption_configurations=None),
         "images are encrypted with AES256, not KMS: encryptionConfigurations[0].encryptionType is unset"),
    Case("ecr-repository-kms-encrypted", repository(),
         repository(encryption_configurations=[{"encryption_type": "AES256"}]), "encryptionType is 'AES256'"),
    Case("ecr-repository-kms-encrypted", repository(), repository(encryption_configurations=KMS_WITHOUT_KEY),
         "encrypted with the AWS-managed aws/ecr key"),
    Case("ecr-repository-kms-encrypted", repository(encryption_configurations=KMS_WITHOUT_KEY),
         repository(encryption_configurations=[{"encryption_type": "AES256"}]), "not KMS",
         config={"ecr-repository-kms-encrypted": {"requireCustomerKey": False}}),
    Case("ecr-repository-immutable-tags", repository(), repository(image_tag_mutability=None),
         "imageTagMutability is 'MUTABLE'"),
    Case("ecr-repository-immutable-tags", repository(image_tag_mutability="IMMUTABLE_WITH_EXCLUSION"),
         repository(image_tag_mutability="MUTABLE_WITH_EXCLUSION"), "imageTagMutability is 'MUTABLE_WITH_EXCLUSION'"),
    Case("ecr-repository-scan-on-push", repository(), repository(image_scanning_configuration=None),
         "repository app does not scan images on push (imageScanningConfiguration.scanOnPush is unset"),
    Case("ecr-repository-scan-on-push", scanning(["*"]), scanning(["other-*"]), "no registry scanning rule covers it"),
    Case("ecr-repository-scan-on-push", scanning(["ap*"], "CONTINUOUS_SCAN"), scanning(["*"], "MANUAL"),
         "scanOnPush is False"),
]
