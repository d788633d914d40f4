"""Stack files, Pulumi.yaml and policy config are read strictly: what the CLI would refuse or read
differently stops the check with exit 2, one line naming the file, the key and the line, and nothing
written or left running."""

from __future__ import annotations

import json
import shutil

import pytest

from preflight.policy_config import PolicySchema, load_config_file, reconcile
from preflight.project import PreflightInputError, load_project, load_stack_config
from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, REPO, run_cli

GOOD_STACK = (COMPONENT_PROGRAM / "stacks" / "Pulumi.test.yaml").read_text()


@pytest.fixture
def program(tmp_path):
    """A copy of the component program whose stack file and Pulumi.yaml a test rewrites."""
    copy = tmp_path / "program"
    shutil.copytree(COMPONENT_PROGRAM, copy)
    return copy


def run_check(project, strays, *extra):
    out = project.parent / "report.json"
    result = run_cli("check", "--stack", "test", "--program", str(project), "--policy-pack", str(BASIC_PACK),
                     "--json", "--output", str(out), *extra, env=strays.env())
    return result, out


STACK_CASES = [
    ("config:\n  aws:region: us-east-1\n  fixture-app:size: 1\n  aws:region: eu-west-1\n",
     'stacks/Pulumi.test.yaml: mapping key "aws:region" already defined at line 2 (line 4)'),
    ("config:\n  aws:region:\n", 'stacks/Pulumi.test.yaml: aws:region has no value; write one, or "" for an empty '
                                 'string (the Pulumi CLI would pass an empty string) (line 2)'),
    ("config:\n  fixture-app:db:\n    1: x\n", "stacks/Pulumi.test.yaml: mapping key 1 is not a string; quote it (line 3)"),
    ("config: [a, b]\n", "stacks/Pulumi.test.yaml: `config` must be a mapping of keys to values (line 1)"),
    ("config:\n  a:b:c: x\n", "stacks/Pulumi.test.yaml: 'a:b:c' is not a config key; keys are `<namespace>:<name>`, "
                              "such as aws:region (line 2)"),
    ("config:\n  fixture-app:size: 1\n  size: 2\n",
     "stacks/Pulumi.test.yaml: size is the key fixture-app:size, already set at line 2 (line 3)"),
    ("config:\n  fixture-app:ratio: .inf\n",
     "stacks/Pulumi.test.yaml: fixture-app:ratio = inf: not a finite number; JSON has no infinity or NaN (line 2)"),
    ("config:\n  fixture-app:blob: " + "x" * 140_000 + "\n", "stacks/Pulumi.test.yaml: fixture-app:blob: with this key "
     "the stack's config is over 128 KiB as PULUMI_CONFIG; one environment variable holds at most 128 KiB"),
    ("config:\n  aws:region: [\n", "stacks/Pulumi.test.yaml: not valid YAML: expected the node content"),
]


@pytest.mark.parametrize("stack, message", STACK_CASES, ids=["duplicate", "empty", "non-string-key", "not-a-map",
                                                             "bad-key", "same-key-twice", "infinite", "oversized",
                                                             "syntax"])
def test_a_bad_stack_file_exits_2_naming_the_file_key_and_line(program, strays, stack, message):
    (program / "stacks" / "Pulumi.test.yaml").write_text(stack)
    result, out = run_check(program, strays)
    assert result.returncode == 2
    assert result.stderr.startswith(f"preflight: {message}") and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == "" and not out.exists()


def test_a_stack_file_that_is_not_utf8_names_the_line(program, strays):
    (program / "stacks" / "Pulumi.test.yaml").write_bytes(b"config:\n  aws:region: us-east-1\n  fixture-app:x: caf\xe9\n")
    result, out = run_check(program, strays)
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.strip() == ("preflight: stacks/Pulumi.test.yaml: not UTF-8: byte 0xe9 at offset 52 (line 3); "
                                     "save the file as UTF-8")


def test_a_config_alias_bomb_is_refused_without_expanding_it(program, strays):
    lines = ["config:", "  fixture-app:a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  fixture-app:{n}: &{n} [{', '.join(['*' + p] * 10)}]" for p, n in zip("abcdefgh", "bcdefghi")]
    (program / "stacks" / "Pulumi.test.yaml").write_text("\n".join(lines) + "\n")
    result, out = run_check(program, strays)
    assert result.returncode == 2 and "with this key the stack's config is over 128 KiB" in result.stderr


@pytest.mark.parametrize("pulumi_yaml, message", [
    ("name: fixture-app\nruntime: 3\n", "`runtime` must be a string or a mapping with a name, not a number (line 2)"),
    ("name: fixture-app\nruntime: {name: python, options: [venv]}\n", "`runtime.options` must be a mapping, not a list"),
    ("name: fixture-app\nruntime: python\nconfig: [a]\n", "`config` must be a mapping of keys to values, not a list"),
    ("name: fixture-app\nruntime: python\nmain: 3\n", "`main` must be a path (a string), not a number (line 3)"),
    ("name: fixture-app\nname: other\nruntime: python\n", 'mapping key "name" already defined at line 1 (line 2)'),
    ("name: fixture-app\nruntime: python\nconfig:\n  aws:region:\n", "aws:region has no value"),
])
def test_a_bad_project_file_exits_2_naming_the_file_and_the_problem(program, strays, pulumi_yaml, message):
    (program / "Pulumi.yaml").write_text(pulumi_yaml + "stackConfigDir: stacks\n")
    result, out = run_check(program, strays)
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.startswith(f"preflight: {program / 'Pulumi.yaml'}: ") and message in result.stderr


def test_yes_on_and_sexagesimals_are_strings_as_the_cli_reads_them(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  app:a: yes\n  app:b: on\n  app:c: 1:30\n  app:d: true\n"
                                              "  app:e: 0o17\n  app:f: \"\"\n  app:g: {on: off}\n")
    values = load_stack_config(load_project(tmp_path), "dev").values
    assert values == {"app:a": "yes", "app:b": "on", "app:c": "1:30", "app:d": "true", "app:e": "15", "app:f": "",
                      "app:g": '{"on":"off"}'}


def test_the_baseline_stacks_read_as_before():
    project = load_project(REPO)
    for stack in ("dev", "prod"):
        config = load_stack_config(project, stack)
        assert config.values["aws:region"] == "us-east-1" and not config.warnings


# Policy config.

POLICY = PolicySchema("s3-bucket-versioned", "mandatory", {"maxDays": {"type": "number", "default": 30},
                                                           "waivers": {"type": "array"}})


def config_file(tmp_path, text: str):
    path = tmp_path / "policy-config.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, message", [
    ('{"s3-bucket-versioned": {"maxDays": NaN}}', "s3-bucket-versioned: maxDays: NaN is not a number"),
    ('{"s3-bucket-versioned": {"maxDays": -Infinity}}', "s3-bucket-versioned: maxDays: -Infinity is not a number"),
    ('{"s3-bucket-versioned": {"maxDays": 1e999}}', "s3-bucket-versioned: maxDays: 1e999 is not a number"),
    ('{"s3-bucket-versioned": "mandatory", "s3-bucket-versioned": "advisory"}',
     "key 's3-bucket-versioned' is given twice in one object"),
])
def test_non_finite_numbers_and_duplicate_keys_are_refused_naming_the_policy_and_key(tmp_path, text, message):
    with pytest.raises(PreflightInputError) as caught:
        load_config_file(config_file(tmp_path, text))
    assert str(caught.value).startswith(f"{tmp_path / 'policy-config.json'}: {message}")


def test_keys_under_all_are_validated(tmp_path):
    given = load_config_file(config_file(tmp_path, '{"all": {"enforcementLevel": "mandatory", "maxDays": 7}}'))
    with pytest.raises(PreflightInputError) as caught:
        reconcile("pack", "1.0.0", [POLICY], {}, given)
    assert "all: maxDays: unknown config key; allowed: enforcementLevel (under `all` the CLI applies only the " \
           "enforcement level)" in str(caught.value)
    levels = reconcile("pack", "1.0.0", [POLICY], {}, load_config_file(config_file(tmp_path, '{"all": "advisory"}')))
    assert levels["s3-bucket-versioned"].enforcement_level == "advisory"


def test_a_waiver_must_expire_on_a_calendar_date(tmp_path):
    waiver = {"resource": "*", "justification": "j", "owner": "o", "expires": "2027-02-31"}
    given = load_config_file(config_file(tmp_path, json.dumps({"s3-bucket-versioned": {"waivers": [waiver]}})))
    with pytest.raises(PreflightInputError) as caught:
        reconcile("pack", "1.0.0", [POLICY], {}, given)
    assert "s3-bucket-versioned: waivers.0.expires: '2027-02-31' is not a calendar date (YYYY-MM-DD)" in str(caught.value)
    waiver["expires"] = "2028-02-29"
    given = load_config_file(config_file(tmp_path, json.dumps({"s3-bucket-versioned": {"waivers": [waiver]}})))
    assert reconcile("pack", "1.0.0", [POLICY], {}, given)["s3-bucket-versioned"].properties["waivers"] == [waiver]


def test_a_bad_waiver_date_exits_2_before_anything_is_written(tmp_path, strays):
    waiver = {"resource": "*", "justification": "demo", "owner": "ada@example.com", "expires": "2027-02-31"}
    config = config_file(tmp_path, json.dumps({"kms-key-rotation-enabled": {"waivers": [waiver]}}))
    out = tmp_path / "report.json"
    result = run_cli("check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack",
                     str(REPO / "policies"), "--policy-pack-config", str(config), "--json", "--output", str(out),
                     env=strays.env())
    assert result.returncode == 2 and not out.exists()
    assert "kms-key-rotation-enabled: waivers.0.expires: '2027-02-31' is not a calendar date" in result.stderr


def test_a_policy_config_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "policy-config.json"
    path.write_bytes(b'{"s3-bucket-versioned": "mandatory", "x": "\xff"}')
    with pytest.raises(PreflightInputError) as caught:
        load_config_file(path)
    assert "not UTF-8: byte 0xff" in str(caught.value)
