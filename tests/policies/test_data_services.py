"""The data and ML services' policies (Redshift, Glue, Athena, MSK, DocumentDB, Neptune, SageMaker) where
the compliant/non-compliant cases cannot show it: a value unknown until deploy is not evaluated, neither
passed nor failed; the customer-key option can be turned off; the catalog facts add their requirements."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws
import pytest

from tests.policies.cases_cloudtrail import named
from tests.policies.cases_docdb import SECURE_CLUSTER as DOCUMENTS
from tests.policies.cases_msk import SECURE_CLUSTER as EVENTS
from tests.policies.cases_redshift import SECURE_CLUSTER as WAREHOUSE
from tests.policies.harness import analyze


def deploy_time(value: Any) -> Any:
    """A value computed from an id, so unknown until deploy, and not computed from any resource it names."""
    return aws.ec2.Vpc("network", cidr_block="10.0.0.0/16").id.apply(lambda _: value)


def public_brokers() -> None:
    aws.msk.Cluster("events", **{**EVENTS, "broker_node_group_info": {
        **EVENTS["broker_node_group_info"],
        "connectivity_info": {"public_access": {"type": deploy_time("SERVICE_PROVIDED_EIPS")}}}})


def encryption_decided_at_deploy() -> None:
    aws.redshift.Cluster("warehouse", **{**WAREHOUSE, "encrypted": deploy_time(False)})


def parameter_group_named_at_deploy() -> None:
    aws.docdb.Cluster("documents", **{**DOCUMENTS, "db_cluster_parameter_group_name": deploy_time("documents")})


@pytest.mark.parametrize("build, policy", [
    (public_brokers, "msk-cluster-not-public"),
    (encryption_decided_at_deploy, "redshift-cluster-encrypted"),
    (parameter_group_named_at_deploy, "docdb-cluster-tls-enabled"),
])
def test_a_verdict_that_hangs_on_a_value_unknown_until_deploy_is_not_evaluated(soc2_pack, build, policy):
    kinds = [f.kind for f in analyze(soc2_pack, named(build.__name__, build)) if f.policy == policy]
    assert kinds == ["not-evaluated"]


def test_a_key_created_by_the_program_counts_as_a_customer_key_though_its_arn_is_unknown(soc2_pack):
    def build() -> None:
        key = aws.kms.Key("events", enable_key_rotation=True)
        aws.msk.Cluster("events", **{**EVENTS, "encryption_info": {"encryption_at_rest_kms_key_arn": key.arn}})
    findings = analyze(soc2_pack, named("key_from_program", build))
    assert [f for f in findings if f.policy in ("msk-cluster-customer-key", "kms-key-customer-managed-rotation")] == []


def test_requiring_a_customer_key_can_be_turned_off_where_aws_always_encrypts(soc2_pack):
    def build() -> None:
        aws.msk.Cluster("events", **{**EVENTS, "encryption_info": None})
    build = named("aws_managed_key", build)
    assert [f.kind for f in analyze(soc2_pack, build) if f.policy == "msk-cluster-customer-key"] == ["violation"]
    relaxed = analyze(soc2_pack, build, {"msk-cluster-customer-key": {"requireCustomerKey": False}})
    assert [f for f in relaxed if f.policy == "msk-cluster-customer-key"] == []


def test_databases_must_be_backed_up_and_alarmed_but_kafka_clusters_and_notebooks_need_neither(soc2_pack):
    def build() -> None:
        aws.redshift.Cluster("warehouse", **WAREHOUSE)
        aws.docdb.Cluster("documents", **DOCUMENTS)
        aws.neptune.Cluster("graph", cluster_identifier="graph", storage_encrypted=True)
        aws.msk.Cluster("events", **EVENTS)
        aws.sagemaker.NotebookInstance("research", role_arn="arn:aws:iam::123456789012:role/ml",
                                       instance_type="ml.t3.medium")
    findings = analyze(soc2_pack, named("data_services", build))
    for policy in ("backup-selection-covers-stateful", "cloudwatch-alarm-covers-lb-and-db"):
        assert sorted(f.resource_name for f in findings if f.policy == policy and f.kind == "violation") == [
            "documents", "graph", "warehouse"], policy
