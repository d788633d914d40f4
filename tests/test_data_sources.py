"""Data sources real programs call: pure ones computed as the provider computes them, lookups of live data
unknown as in a first preview, and any other data source unknown and reported once by its token."""

from __future__ import annotations

import json

import pytest

from preflight.check import CheckOptions, check
from preflight.iam_policy_document import InvokeFailure, get_policy_document
from preflight.offline_data import offline_invoke
from preflight.properties import UNKNOWN, unwrap
from tests.conftest import FIXTURES, REPO, run_cli

PROGRAM = FIXTURES / "data_sources_program"


# The policy document, against the AWS provider's own acceptance tests (internal/service/iam).

BASIC = {"policyId": "policy_id", "statements": [
    {"sid": "1", "actions": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "resources": ["arn:aws:s3:::*"]},
    {"actions": ["s3:ListBucket"], "resources": ["arn:aws:s3:::foo"],
     "conditions": [{"test": "StringLike", "variable": "s3:prefix", "values": ["home/", "", "home/&{aws:username}/"]}],
     "notPrincipals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}]},
    {"actions": ["s3:*"], "resources": ["arn:aws:s3:::foo/home/&{aws:username}", "arn:aws:s3:::foo/home/&{aws:username}/*"],
     "principals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}]},
    {"effect": "Deny", "notActions": ["s3:*"], "notResources": ["arn:aws:s3:::*"]},
    {"effect": "Allow", "actions": ["kinesis:*"], "principals": [{"type": "AWS", "identifiers": ["*"]}]},
    {"effect": "Allow", "actions": ["firehose:*"], "principals": [{"type": "*", "identifiers": ["*"]}]},
]}
BASIC_MINIFIED = (
    '{"Version":"2012-10-17","Id":"policy_id","Statement":[{"Sid":"1","Effect":"Allow","Action":["s3:ListAllMyBuckets",'
    '"s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":'
    '"arn:aws:s3:::foo","NotPrincipal":{"AWS":"arn:blahblah:example"},"Condition":{"StringLike":{"s3:prefix":["home/",'
    '"","home/${aws:username}/"]}}},{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::foo/home/${aws:username}'
    '/*","arn:aws:s3:::foo/home/${aws:username}"],"Principal":{"AWS":"arn:blahblah:example"}},{"Effect":"Deny",'
    '"NotAction":"s3:*","NotResource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"kinesis:*","Principal":{"AWS":"*"}},'
    '{"Effect":"Allow","Action":"firehose:*","Principal":"*"}]}')


def statements(document: dict) -> list[dict]:
    return json.loads(document["json"]).get("Statement", [])


def test_the_provider_acceptance_document_comes_out_byte_for_byte():
    document = get_policy_document(BASIC)
    assert document["minifiedJson"] == BASIC_MINIFIED
    assert document["json"] == json.dumps(json.loads(BASIC_MINIFIED), indent=2)
    assert document["id"] == "1603188719"  # CRC-32 of the indented JSON, as the provider sets it


def test_sources_merge_first_and_a_statement_with_the_same_sid_replaces_theirs():
    source = get_policy_document({"statements": [{"sid": "Shared", "actions": ["iam:*"], "resources": ["*"]},
                                                 {"actions": ["ec2:Describe*"], "resources": ["*"]}]})
    merged = get_policy_document({"sourcePolicyDocuments": [source["json"], ""],
                                  "statements": [{"sid": "Shared", "actions": ["*"], "resources": ["*"]}]})
    assert statements(merged) == [{"Sid": "Shared", "Effect": "Allow", "Action": "*", "Resource": "*"},
                                  {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]


def test_overrides_apply_last_in_order():
    policy = lambda *s: get_policy_document({"statements": list(s)})["json"]  # noqa: E731
    a = policy({"sid": "", "actions": ["foo:ActionOne"]}, {"sid": "overrideSid", "actions": ["bar:ActionOne"]})
    b = policy({"sid": "validSid", "effect": "Deny", "actions": ["foo:ActionTwo"]})
    c = policy({"sid": "overrideSid", "effect": "Deny", "actions": ["bar:ActionOne"]})
    merged = get_policy_document({"version": "2012-10-17", "overridePolicyDocuments": [a, b, c]})
    assert statements(merged) == [{"Effect": "Allow", "Action": "foo:ActionOne"},
                                  {"Sid": "overrideSid", "Effect": "Deny", "Action": "bar:ActionOne"},
                                  {"Sid": "validSid", "Effect": "Deny", "Action": "foo:ActionTwo"}]


def test_source_conditions_and_principals_are_normalized_as_the_provider_does():
    source = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Tag", "Effect": "Deny", "Action": ["ec2:CreateTags", "ec2:DeleteTags"], "Resource": "arn:aws:ec2:*:*:vpc/*",
        "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]},
        "Condition": {"Null": {"aws:ResourceTag/Special": False}, "StringLike": {"aws:ResourceAccount": ["123456"]}}}]})
    [statement] = statements(get_policy_document({"sourcePolicyDocuments": [source]}))
    assert statement["Condition"] == {"Null": {"aws:ResourceTag/Special": "false"},
                                      "StringLike": {"aws:ResourceAccount": "123456"}}
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:root"]}
    assert statement["Action"] == ["ec2:CreateTags", "ec2:DeleteTags"]  # a source's lists keep their order


def test_empty_version_2008_and_go_escaping():
    assert get_policy_document({})["json"] == '{\n  "Version": "2012-10-17"\n}'
    old = get_policy_document({"version": "2008-10-17", "statements": [{"actions": ["ec2:*"], "resources": ["*"]}]})
    assert json.loads(old["json"])["Version"] == "2008-10-17"
    escaped = get_policy_document({"statements": [{"actions": ["s3:*"], "resources": ["arn:aws:s3:::a&b<c>"]}]})
    assert "arn:aws:s3:::a\\u0026b\\u003cc\\u003e" in escaped["minifiedJson"]


@pytest.mark.parametrize("args, reason", [
    ({"statements": [{"sid": "1", "actions": ["a:b"]}, {"sid": "1", "actions": ["c:d"]}]},
     "duplicate Sid (1). Remove the Sid or ensure the Sid is unique."),
    ({"sourcePolicyDocuments": ['{"Statement": [{"Sid": "x"}]}', '{"Statement": [{"Sid": "x"}]}']},
     "merging source document 1: duplicate Sid (x) in source_policy_documents (statement 0)"),
    ({"sourcePolicyDocuments": ["{"]}, "writing IAM Policy Document: merging source document 0: Expecting"),
    ({"version": "2008-10-17", "statements": [{"resources": ["arn:aws:s3:::&{aws:username}"]}]},
     "found &{ sequence in (arn:aws:s3:::&{aws:username}), which is not supported in document version 2008-10-17"),
    ({"statements": [{"effect": "Permit"}]}, "expected effect to be one of [Allow Deny], got Permit"),
])
def test_arguments_the_provider_refuses_fail_the_call(args, reason):
    with pytest.raises(InvokeFailure) as caught:
        get_policy_document(args)
    assert reason in caught.value.reason


# Helpers and lookups.

def test_arn_and_region_helpers_are_computed_from_the_arguments_and_stack_config():
    config = {"aws:region": "cn-north-1"}
    arn = offline_invoke("aws:index/getArn:getArn", {"arn": "arn:aws:s3:::bucket/key"}, config).result
    assert arn == {"partition": "aws", "service": "s3", "region": "", "account": "", "resource": "bucket/key",
                   "arn": "arn:aws:s3:::bucket/key", "id": "arn:aws:s3:::bucket/key"}
    partition = offline_invoke("aws:index/getPartition:getPartition", {}, config).result
    assert partition["partition"] == "aws-cn" and partition["dnsSuffix"] == "amazonaws.com.cn"
    zones = offline_invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {"excludeNames": ["cn-north-1a"]},
                           config).result
    assert zones["names"][0] == "cn-north-1b" and zones["zoneIds"][0] == "cnn1-az2"
    with pytest.raises(InvokeFailure):
        offline_invoke("aws:index/getArn:getArn", {"arn": "not-an-arn"}, config)


def test_lookups_are_unknown_and_other_data_sources_are_unknown_with_a_warning():
    ami = offline_invoke("aws:ec2/getAmi:getAmi", {"mostRecent": True}, {})
    assert ami.result is None and ami.severity == "info" and "reads live data" in ami.note
    assert "aws.ec2.get_ami_output(...)" in ami.note
    other = offline_invoke("fixture:index/getThing:getThing", {}, {})
    assert other.result is None and other.severity == "warning"
    assert other.note.startswith("data source fixture:index/getThing:getThing is not simulated offline")


@pytest.fixture(scope="module")
def runs():
    packs = [REPO / "policies"]
    return {mode: check(CheckOptions(PROGRAM, "test", packs, mode=mode)) for mode in ("preview", "resolved")}


def kinds(result, policy: str) -> dict[str, str]:
    return {f.resource_name: f.kind for f in result.findings if f.policy == policy}


@pytest.mark.parametrize("mode", ["preview", "resolved"])
def test_a_public_trust_policy_built_with_get_policy_document_is_flagged(runs, mode):
    result = runs[mode]
    assert kinds(result, "iam-role-trust-no-public-principal") == {"public": "violation", "merged": "violation"}
    service = next(r for r in result.capture.records if r.name == "service")
    assert json.loads(service.inputs["assumeRolePolicy"])["Statement"][0] == {
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}


def test_a_bucket_policy_on_an_unknown_arn_is_unknown_in_preview_and_flagged_once_computed(runs):
    assert kinds(runs["preview"], "s3-bucketpolicy-no-public-access") == {"site-public": "not-evaluated"}
    assert kinds(runs["resolved"], "s3-bucketpolicy-no-public-access") == {"site-public": "violation"}


def test_helpers_reach_the_program_and_lookups_reach_resources_as_unknown(runs):
    capture = runs["preview"].capture
    assert capture.stack_outputs["helpers"] == {
        "partition": "aws", "dnsSuffix": "amazonaws.com", "region": "eu-west-1", "zoneId": "euw1-az2",
        "arnService": "iam", "arnResource": "role/deploy", "regions": 17, "principal": "logs.amazonaws.com"}
    records = {r.name: r for r in capture.records}
    assert records["web"].inputs["ami"] == UNKNOWN and records["web"].inputs["subnetId"] == UNKNOWN
    assert records["www"].inputs["zoneId"] == UNKNOWN and unwrap(records["settings"].inputs["value"]) == UNKNOWN
    assert records["thing"].inputs["bucket"] == UNKNOWN


def test_each_data_source_that_is_not_computed_is_reported_once(runs):
    notes = [d for d in runs["preview"].capture.diagnostics if d.message.startswith("data source ")]
    tokens = [d.message.split()[2] for d in notes]
    assert len(tokens) == len(set(tokens))
    assert {"aws:ec2/getAmi:getAmi", "aws:ec2/getVpc:getVpc", "aws:route53/getZone:getZone",
            "aws:acm/getCertificate:getCertificate", "aws:secretsmanager/getSecretVersion:getSecretVersion",
            "aws:ssm/getParameter:getParameter", "aws:iam/getRole:getRole", "aws:kms/getKey:getKey",
            "aws:ecr/getImage:getImage"} <= set(tokens)
    warnings = [d.message for d in notes if d.severity == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith("data source fixture:index/getThing:getThing is not simulated")


def test_arguments_the_provider_would_refuse_stop_the_program_naming_the_data_source(tmp_path, strays):
    program = tmp_path / "program"
    (program / "stacks").mkdir(parents=True)
    (program / "Pulumi.yaml").write_text("name: bad-doc\nruntime: python\nstackConfigDir: stacks\n")
    (program / "stacks" / "Pulumi.test.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program / "__main__.py").write_text("import pulumi_aws as aws\n\n"
                                         "aws.iam.get_policy_document(source_policy_documents=['{'])\n")
    result = run_cli("check", "--stack", "test", "--program", str(program), env=strays.env())
    assert result.returncode == 2 and result.stdout == ""
    assert ("invoke of aws:iam/getPolicyDocument:getPolicyDocument failed: writing IAM Policy Document: merging "
            "source document 0:") in result.stderr


def test_a_failure_of_the_offline_data_sources_is_preflights_not_the_programs(monkeypatch):
    """A bug in preflight's answer to a data source must not read as the program's failure (exit 2 as a program
    error naming the program's line): the first one is raised as it is, for the internal-error report."""
    import pulumi_aws as aws

    from preflight import capture

    def broken(*_):
        raise KeyError("a bug in preflight's data sources")

    monkeypatch.setattr(capture, "offline_invoke", broken)
    with pytest.raises(KeyError, match="a bug in preflight"):
        capture.run_program(REPO, lambda: aws.get_caller_identity(), "p", "s", {"aws:region": "us-east-1"})


def test_a_program_stopped_by_a_plain_call_to_a_live_data_source_is_told_why(tmp_path, strays):
    """The SDK fails far from the cause (an assertion inside the data source's function); the note names it."""
    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: live-data\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text("import pulumi\nimport pulumi_github as github\n\n"
                                          "org = github.get_organization(name='acme')\n"
                                          "pulumi.export('members', len(org.members))\n")
    result = run_cli("check", "--stack", "dev", "--program", str(tmp_path), env=strays.env())
    assert result.returncode == 2 and "preflight: the program failed: AssertionError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == (
        "preflight: note: data source github:index/getOrganization:getOrganization reads live data; its result is "
        "unknown offline, as in a first preview before the data exists (a plain call, github.get_organization(...), "
        "cannot hold an unknown result and stops the program; call github.get_organization_output(...))")
