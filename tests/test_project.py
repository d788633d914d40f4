"""Project and stack files are read and encoded the way the Pulumi CLI hands config to a program."""

from __future__ import annotations

import json

import pytest

from preflight.project import SECRET_PLACEHOLDER, PreflightInputError, load_project, load_stack_config


def project(tmp_path, stack: str, pulumi_yaml: str = "name: app\nruntime: python\nstackConfigDir: stacks\n"):
    (tmp_path / "Pulumi.yaml").write_text(pulumi_yaml)
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "stacks").mkdir(exist_ok=True)
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(stack)
    return load_project(tmp_path)


def test_config_values_are_strings_and_objects_are_compact_json(tmp_path):
    p = project(tmp_path, "config:\n  app:count: 3\n  app:on: true\n  app:ratio: 2.0\n  plain: x\n"
                          "  app:db: {b: 1, a: [x, y]}\n")
    values = load_stack_config(p, "dev").values
    assert values == {"app:count": "3", "app:on": "true", "app:ratio": "2", "app:plain": "x",
                      "app:db": '{"a":["x","y"],"b":1}'}


def test_secure_values_become_secret_placeholders_at_any_depth(tmp_path):
    p = project(tmp_path, "config:\n  app:token:\n    secure: v1:abc\n  app:db:\n    user: u\n    password:\n"
                          "      secure: v1:def\n  app:plain: x\n")
    stack = load_stack_config(p, "dev")
    assert stack.values["app:token"] == SECRET_PLACEHOLDER
    assert json.loads(stack.values["app:db"]) == {"user": "u", "password": SECRET_PLACEHOLDER}
    assert stack.secret_keys == {"app:token", "app:db"}


def test_project_level_defaults_apply_unless_the_stack_sets_the_key(tmp_path):
    p = project(tmp_path, "config:\n  app:size: large\n",
                "name: app\nruntime: python\nstackConfigDir: stacks\nconfig:\n  size: {default: small}\n"
                "  aws:region: eu-west-1\n")
    assert load_stack_config(p, "dev").values == {"app:size": "large", "aws:region": "eu-west-1"}


@pytest.mark.parametrize("pulumi_yaml, expected", [
    ("name: app\nruntime: nodejs\n", "runtime 'nodejs'; preflight runs Python programs only"),
    ("runtime: python\n", "needs a `name`"),
    ("name: app\nruntime: python\nmain: src/\n", "main 'src/' does not exist"),
    ("name: [\n", "not valid YAML"),
])
def test_bad_projects_are_refused_with_the_reason(tmp_path, pulumi_yaml, expected):
    (tmp_path / "Pulumi.yaml").write_text(pulumi_yaml)
    with pytest.raises(PreflightInputError) as caught:
        load_project(tmp_path)
    assert expected in str(caught.value)


def test_a_stack_file_that_is_not_a_mapping_is_refused(tmp_path):
    p = project(tmp_path, "config: [1, 2]\n")
    with pytest.raises(PreflightInputError) as caught:
        load_stack_config(p, "dev")
    assert "stacks/Pulumi.dev.yaml: `config` must be a mapping" in str(caught.value)
