"""SageMaker: notebook instances, Studio domains, endpoint configurations and models."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .checks import is_set, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("sagemaker", "SageMaker", "Machine learning: notebook instances, Studio domains, endpoint "
                                            "configurations and models.")

NOTEBOOK = SERVICE.resource_type("aws:sagemaker/notebookInstance:NotebookInstance", kind="notebook instance",
                                 stateful=True, key="kmsKeyId")
DOMAIN = SERVICE.resource_type("aws:sagemaker/domain:Domain", kind="Studio domain", stateful=True, key="kmsKeyId")
ENDPOINT_CONFIGURATION = SERVICE.resource_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration",
                                               kind="endpoint configuration", key="kmsKeyArn")
MODEL = SERVICE.resource_type("aws:sagemaker/model:Model", kind="model")
DISABLED = "Disabled"


def _disabled(path: str, what: str) -> Any:
    """`path` must be 'Disabled'; SageMaker's default is 'Enabled'."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        value = r.get(path)
        if value != DISABLED:
            yield f"{what}: {path} is {shown(value)}{' (the default is Enabled)' if value is None else ''}, not " \
                  f"'{DISABLED}'"
    return check


@SERVICE.resource_policy(
    name="sagemaker-endpointconfiguration-customer-key", types=[ENDPOINT_CONFIGURATION], severity="high",
    criteria=["CC6.1", "C1.1"],
    description="SageMaker endpoint configurations encrypt the endpoint's storage volumes and captured data with a "
                "customer-managed KMS key unless configured not to.",
    remediation="Set kms_key_arn (and data_capture_config.kms_key_id when capturing data) to a customer-managed key. "
                "Instance types with only local NVMe storage take no key: waive them.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_98"])
def _endpoint_key(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if problem := customer_key.problem_if_required(r, config, "kmsKeyArn"):
        yield f"storage volumes use an AWS-managed key: {problem}"
    if r.is_set("dataCaptureConfig") and (problem := customer_key.problem_if_required(r, config, "dataCaptureConfig.kmsKeyId")):
        yield f"captured data uses the S3 default key: {problem}"


SERVICE.resource_policy(
    name="sagemaker-notebookinstance-customer-key", types=[NOTEBOOK], severity="high", criteria=["CC6.1", "C1.1"],
    description="SageMaker notebook instances encrypt their storage volume with a customer-managed KMS key unless "
                "configured not to.",
    remediation="Set kms_key_id on the aws.sagemaker.NotebookInstance to a customer-managed key with rotation.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_22"],
)(customer_key.check("kmsKeyId", "the storage volume uses an AWS-managed key"))

SERVICE.resource_policy(
    name="sagemaker-domain-customer-key", types=[DOMAIN], severity="high", criteria=["CC6.1", "C1.1"],
    description="SageMaker Studio domains encrypt their home directories with a customer-managed KMS key unless "
                "configured not to.",
    remediation="Set kms_key_id on the aws.sagemaker.Domain to a customer-managed key with rotation (chosen at "
                "creation).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_187"],
)(customer_key.check("kmsKeyId", "home directories use an AWS-managed key"))

SERVICE.resource_policy(
    name="sagemaker-notebookinstance-no-direct-internet", types=[NOTEBOOK], severity="high", criteria=["CC6.6"],
    description="SageMaker notebook instances reach the internet only through the VPC, not SageMaker's direct access.",
    remediation="Set direct_internet_access='Disabled' with a subnet_id (and a NAT gateway or VPC endpoints for what "
                "the notebook needs).",
    checkov=["CKV_AWS_122"],
)(_disabled("directInternetAccess", "the notebook has direct internet access"))

SERVICE.resource_policy(
    name="sagemaker-notebookinstance-root-access-disabled", types=[NOTEBOOK], severity="medium", criteria=["CC6.3"],
    description="SageMaker notebook users do not get root on the instance.",
    remediation="Set root_access='Disabled'; install what users need with a lifecycle configuration.",
    checkov=["CKV_AWS_307"],
)(_disabled("rootAccess", "users get root on the notebook"))

SERVICE.resource_policy(
    name="sagemaker-notebookinstance-in-vpc", types=[NOTEBOOK], severity="medium", criteria=["CC6.6"],
    description="SageMaker notebook instances run in a subnet of the VPC.",
    remediation="Set subnet_id (a private subnet) and security_groups on the aws.sagemaker.NotebookInstance.",
    checkov=["CKV_AWS_306"],
)(is_set("subnetId", "the notebook runs outside the VPC"))

@SERVICE.resource_policy(
    name="sagemaker-notebookinstance-imdsv2", types=[NOTEBOOK], severity="medium", criteria=["CC6.1"],
    description="SageMaker notebook instances accept only IMDSv2 for instance metadata.",
    remediation="Set instance_metadata_service_configuration.minimum_instance_metadata_service_version='2'.",
    checkov=["CKV_AWS_371"])
def _imdsv2(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    path = "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion"
    value = r.get(path)
    if value not in ("2", 2):
        yield f"IMDSv1 is accepted: {path} is {shown(value)}, not '2'"


@SERVICE.resource_policy(
    name="sagemaker-model-network-isolation", types=[MODEL], severity="medium", criteria=["CC6.6"],
    description="SageMaker models run with network isolation, so their containers make no outbound calls.",
    remediation="Set enable_network_isolation=True on the aws.sagemaker.Model (SageMaker still fetches the model "
                "artifacts).",
    checkov=["CKV_AWS_370"])
def _network_isolation(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("enableNetworkIsolation") is not True:
        yield f"containers can call out: enableNetworkIsolation is {shown(r.get('enableNetworkIsolation'))}"
