"""SageMaker policy cases: notebook instances, Studio domains, endpoint configurations and models."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, ROLE_ARN, named
from tests.policies.cases_redshift import variant
from tests.policies.harness import Case

SECURE_NOTEBOOK: dict[str, Any] = dict(
    role_arn=ROLE_ARN, instance_type="ml.t3.medium", kms_key_id=KEY, subnet_id="subnet-a", security_groups=["sg-ml"],
    direct_internet_access="Disabled", root_access="Disabled",
    instance_metadata_service_configuration={"minimum_instance_metadata_service_version": "2"})
SECURE_DOMAIN: dict[str, Any] = dict(domain_name="research", auth_mode="IAM", vpc_id="vpc-1", subnet_ids=["subnet-a"],
                                     kms_key_id=KEY, app_network_access_type="VpcOnly",
                                     default_user_settings={"execution_role": ROLE_ARN})
VARIANT = {"model_name": "churn", "variant_name": "primary", "initial_instance_count": 1, "instance_type": "ml.m5.large"}
CAPTURE = {"initial_sampling_percentage": 100, "destination_s3_uri": "s3://capture/", "kms_key_id": KEY,
           "capture_options": [{"capture_mode": "Input"}]}

notebook = variant("notebook", lambda **a: aws.sagemaker.NotebookInstance("research", **a), SECURE_NOTEBOOK)
domain = variant("domain", lambda **a: aws.sagemaker.Domain("research", **a), SECURE_DOMAIN)
endpoint_configuration = variant("endpoint_configuration", lambda **a: aws.sagemaker.EndpointConfiguration(
    "churn", production_variants=[VARIANT], **a), {"kms_key_arn": KEY, "data_capture_config": CAPTURE})
model = variant("model", lambda **a: aws.sagemaker.Model("churn", execution_role_arn=ROLE_ARN, primary_container={
    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"}, **a), {"enable_network_isolation": True})
SECURE = notebook()


def notebook_with_key_from_program() -> None:
    key = aws.kms.Key("notebooks", enable_key_rotation=True)
    aws.sagemaker.NotebookInstance("research", **{**SECURE_NOTEBOOK, "kms_key_id": key.arn})


CASES = [
    Case("sagemaker-notebookinstance-customer-key", SECURE, notebook(kms_key_id=None), "kmsKeyId is not set"),
    Case("sagemaker-notebookinstance-customer-key",
         named("notebook_with_key_from_program", notebook_with_key_from_program),
         notebook(kms_key_id="alias/aws/sagemaker"), "kmsKeyId is 'alias/aws/sagemaker', an AWS-managed key"),
    Case("sagemaker-notebookinstance-no-direct-internet", SECURE, notebook(direct_internet_access=None),
         "directInternetAccess is unset (the default is Enabled), not 'Disabled'"),
    Case("sagemaker-notebookinstance-no-direct-internet", SECURE, notebook(direct_internet_access="Enabled"),
         "directInternetAccess is 'Enabled'"),
    Case("sagemaker-notebookinstance-root-access-disabled", SECURE, notebook(root_access="Enabled"),
         "users get root on the notebook: rootAccess is 'Enabled'"),
    Case("sagemaker-notebookinstance-in-vpc", SECURE, notebook(subnet_id=None, direct_internet_access="Enabled"),
         "subnetId is not set"),
    Case("sagemaker-notebookinstance-imdsv2", SECURE, notebook(instance_metadata_service_configuration=None),
         "IMDSv1 is accepted: instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is unset"),
    Case("sagemaker-notebookinstance-imdsv2", SECURE, notebook(instance_metadata_service_configuration={
        "minimum_instance_metadata_service_version": "1"}), "is '1', not '2'"),
    Case("sagemaker-domain-customer-key", domain(), domain(kms_key_id=None), "kmsKeyId is not set"),
    Case("sagemaker-endpointconfiguration-customer-key", endpoint_configuration(),
         endpoint_configuration(kms_key_arn=None), "storage volumes use an AWS-managed key: kmsKeyArn is not set"),
    Case("sagemaker-endpointconfiguration-customer-key", endpoint_configuration(data_capture_config=None),
         endpoint_configuration(data_capture_config={**CAPTURE, "kms_key_id": None}),
         "captured data uses the S3 default key: dataCaptureConfig.kmsKeyId is not set"),
    Case("sagemaker-model-network-isolation", model(), model(enable_network_isolation=None),
         "enableNetworkIsolation is unset"),
]
