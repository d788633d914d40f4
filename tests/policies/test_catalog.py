"""The resource-type catalog and the declaration API: one place per fact, and a new type followed
by every policy that spans resources with no other edit."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pulumi_aws as aws
import pytest
from soc2_policies import all_policies, catalog, services
from soc2_policies.declare import Service
from soc2_policies.framework import Soc2ResourcePolicy, Soc2StackPolicy

from preflight.analyzer import PolicyPack
from tests.policies.harness import REPO, analyze, violations

# Stack policies that judge every resource's inputs, whatever its type; they examine no type in particular.
CROSS_CUTTING = {"pulumi-input-secrets-encrypted"}


def test_every_type_a_policy_examines_is_declared_in_the_catalog():
    declared = catalog.types()
    examined = {t for p in all_policies() if isinstance(p, Soc2ResourcePolicy) for t in p.resource_types}
    assert sorted(examined - set(declared)) == []


def test_every_stack_policy_names_the_types_it_examines():
    stack = [p for p in all_policies() if isinstance(p, Soc2StackPolicy)]
    silent = sorted(p.name for p in stack if not any(t.startswith("examines:") for t in p.tags))
    assert silent == sorted(CROSS_CUTTING)


def test_every_catalog_type_belongs_to_a_discovered_service():
    ids = {s.id for s in services()}
    assert {t.service for t in catalog.types().values()} <= ids
    assert all(t.token in s.types for s in services() for t in catalog.types().values() if t.service == s.id)


def test_a_policy_named_for_another_service_is_refused():
    with pytest.raises(ValueError, match="must start with its service id 'rds'"):
        Service("rds", "RDS").resource_policy(name="s3-bucket-something-else", types=["aws:s3/bucket:Bucket"],
                                              severity="low", criteria=["CC6.1"], description="A description.",
                                              remediation="Some remediation steps.")(lambda r, c: [])


def test_a_type_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice in the catalog"):
        Service("again", "Again").resource_type("aws:rds/instance:Instance", kind="database")


@pytest.mark.parametrize("checkov, config, problem", [
    (["CKV_AWS_16", "AWS_17"], None, "are not checkov ids"),
    ((), {"minDays": {"type": "number"}}, "have no default"),
])
def test_bad_policy_metadata_is_refused(checkov, config, problem):
    with pytest.raises(ValueError, match=problem):
        Service("demo", "Demo").resource_policy(name="demo-thing-rule", types=["aws:demo/thing:Thing"],
                                                severity="low", criteria=["CC6.1"], description="A description.",
                                                remediation="Some remediation steps.", config=config,
                                                checkov=checkov)(lambda r, c: [])


FSX = "aws:fsx/lustreFileSystem:LustreFileSystem"
NEW_SERVICE = f'''"""A service added only to the catalog: no policy of its own."""
from .catalog import Arn, Dimension
from .declare import Service

SERVICE = Service("fsx", "FSx")
LUSTRE = SERVICE.resource_type("{FSX}", kind="file system", stateful=True, backup=True,
                               arn=Arn("fsx", "file-system/", "id"), dimension=Dimension("FileSystemId", "id"),
                               alarmed=True, key="kmsKeyId")
'''


@pytest.fixture(scope="module")
def pack_with_a_new_type(tmp_path_factory):
    """The pack with one more service module that declares a type and nothing else."""
    directory = tmp_path_factory.mktemp("pack")
    shutil.copytree(REPO / "policies", directory / "policies", ignore=shutil.ignore_patterns("__pycache__", "venv"))
    (directory / "policies" / "soc2_policies" / "aws_zz_fsx.py").write_text(NEW_SERVICE)
    with PolicyPack(directory / "policies") as pack:
        yield pack


def lustre() -> None:
    aws.fsx.LustreFileSystem("scratch", storage_capacity=1200, subnet_ids="subnet-1",
                             kms_key_id="arn:aws:kms:us-east-1:123456789012:alias/aws/fsx")


def test_a_type_added_to_the_catalog_is_covered_by_every_policy_that_spans_resources(pack_with_a_new_type):
    assert FSX not in catalog.types(), "the test needs a type the real pack does not declare yet"
    findings = analyze(pack_with_a_new_type, lustre)
    assert [f.detail for f in violations(findings, "backup-selection-covers-stateful")] == [
        "file system scratch is in no AWS Backup selection"]
    assert [f.detail for f in violations(findings, "cloudwatch-alarm-covers-lb-and-db")] == [
        "file system scratch has no alarm with actions on its metrics (no MetricAlarm with alarmActions has "
        "dimensions computed from it)"]
    assert any("uses the AWS-managed key" in f.detail
               for f in violations(findings, "kms-key-customer-managed-rotation"))


def _enforcement_names(path: Path) -> list[str]:
    """Policy names passed as string literals to `.enforcement(...)` in a module."""
    tree = ast.parse(path.read_text())
    return [arg.value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "enforcement"
            for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]


def test_policy_documents_name_only_policies_that_exist():
    sources = sorted((REPO / "preflight" / "policy_documents").glob("*.py"))
    named = {name for path in sources for name in _enforcement_names(path)}
    assert len(named) > 10, "the scan found the documents' policy names"
    assert sorted(named - {p.name for p in all_policies()}) == []
