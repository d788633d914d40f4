"""Several stacks in one run: each in a child forked from one warm parent, a section and a JSON entry each, the
worst exit code, one evidence bundle per stack with an index, and every stack's input read before any runs."""

from __future__ import annotations

import json
import shutil
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from preflight.check import CheckOptions
from preflight.report_stacks import RENDERERS, combined_line, exit_code
from preflight.stacks import check_stacks
from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, run_cli


@pytest.fixture(scope="module")
def two_stacks(tmp_path_factory):
    """The component program with a second stack, `strict`, whose own policy config makes a violation mandatory."""
    project = tmp_path_factory.mktemp("stacks") / "program"
    shutil.copytree(COMPONENT_PROGRAM, project)
    test_stack = (project / "stacks" / "Pulumi.test.yaml").read_text()
    (project / "stacks" / "Pulumi.strict.yaml").write_text(test_stack.replace("eu-west-1", "us-east-2"))
    (project / "policy-config.strict.json").write_text(json.dumps({"bucket-tagged": {"tag": "data"}}))
    return project


@pytest.fixture(scope="module")
def results(two_stacks):
    """Both stacks, checked once in this process: its imports warmed, each program in a child."""
    options = CheckOptions(two_stacks, "", [BASIC_PACK], [two_stacks / "policy-config.{stack}.json"])
    return check_stacks(options, ["test", "strict"])


def test_each_stack_is_checked_with_its_own_config_and_the_worst_exit_code_wins(results):
    assert [r.capture.stack for r in results] == ["test", "strict"]
    test, strict = results
    assert (test.exit_code, strict.exit_code, exit_code(results)) == (0, 1, 1)
    assert [f.policy for f in strict.mandatory] == ["bucket-tagged"]  # policy-config.strict.json; test has none
    assert all(r.urn.startswith("urn:pulumi:strict::") for r in strict.capture.records)
    assert combined_line(results).startswith("FAIL: 2 stacks (test PASS, strict FAIL); 1 mandatory, 2 advisory")
    assert "pulumi_aws.sns" in sys.modules  # the parent imported the providers the program names, once
    assert "__main__" not in {r.source.file for r in strict.capture.records if r.source}  # files, not modules


def test_every_format_has_a_section_or_an_entry_per_stack(results):
    text = RENDERERS["text"](results)
    assert text.index("=== stack test ===") < text.index("=== stack strict ===") < text.index("=== all stacks ===")
    assert text.rstrip().splitlines()[-1] == combined_line(results)
    data = json.loads(RENDERERS["json"](results))
    assert [s["stack"] for s in data["stacks"]] == ["test", "strict"]
    assert (data["exitCode"], data["summary"]["stacks"], data["summary"]["failedStacks"]) == (1, 2, 1)
    assert data["stacks"][1]["summary"]["mandatory"] == 1 and "resources" not in data["stacks"][0]
    sarif = json.loads(RENDERERS["sarif"](results))
    assert [run["automationDetails"]["id"] for run in sarif["runs"]] == ["preflight/fixture-app/test/",
                                                                        "preflight/fixture-app/strict/"]
    suites = ElementTree.fromstring(RENDERERS["junit"](results).split("?>", 1)[1])
    names = [s.get("name") for s in suites]
    assert "test: fixture-basic@v0.3.0" in names and "strict: fixture-basic@v0.3.0" in names
    assert int(suites.get("failures")) == sum(int(s.get("failures")) for s in suites) >= 1
    markdown = RENDERERS["markdown"](results)
    assert "## SOC 2 preflight: fixture-app/test: PASS" in markdown
    assert "## SOC 2 preflight: fixture-app/strict: FAIL" in markdown and "### Violations (2)" in markdown
    assert "| `strict` | FAIL | 1 | 1 | 0 | 1 | 8 |" in markdown


def test_all_stacks_from_the_command_line_with_an_evidence_bundle_per_stack_and_an_index(two_stacks, tmp_path,
                                                                                          strays):
    out = tmp_path / "evidence"
    result = run_cli("evidence", "--all-stacks", "--program", str(two_stacks), "--policy-pack", str(BASIC_PACK),
                     "--policy-pack-config", str(two_stacks / "policy-config.{stack}.json"), "--out", str(out),
                     env=strays.env())
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0].startswith("FAIL: 2 stacks (strict FAIL, test PASS)")
    for stack in ("strict", "test"):
        assert (out / stack / "results.sarif").is_file() and (out / stack / "soc2-matrix.md").is_file()
        assert json.loads((out / stack / "results.json").read_text())["stack"] == stack
    index = (out / "README.md").read_text()
    assert "| `strict` | FAIL | 1 |" in index and "[test/README.md](test/README.md)" in index


@pytest.mark.parametrize("args, message", [
    (["--stack", "test", "--stack", "nope"], "preflight: stacks/Pulumi.nope.yaml: no such stack file; stacks here: "
                                             "strict, test"),
    (["--stack", "test", "--stack", "strict", "--policy-pack-config", "missing.json"],
     "preflight: missing.json: policy pack config file not found"),
    ([], "preflight: no stack to check: give --stack NAME (repeatable) or --all-stacks"),
])
def test_a_bad_stack_list_exits_2_before_anything_runs(two_stacks, tmp_path, strays, args, message):
    report = tmp_path / "report.json"
    result = run_cli("check", *args, "--program", str(two_stacks), "--policy-pack", str(BASIC_PACK), "--json",
                     "--output", str(report), env=strays.env())
    assert (result.returncode, result.stdout, result.stderr.strip()) == (2, "", message)
    assert not report.exists()


def test_all_stacks_without_a_stack_file_exits_2(tmp_path, strays):
    project = tmp_path / "empty"
    project.mkdir()
    shutil.copy(COMPONENT_PROGRAM / "Pulumi.yaml", project)
    shutil.copy(COMPONENT_PROGRAM / "__main__.py", project)
    result = run_cli("check", "--all-stacks", "--program", str(project), env=strays.env())
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip() == f"preflight: {project / 'stacks'}: --all-stacks found no stack file " \
                                    "(Pulumi.<stack>.yaml)"


def test_the_warm_parent_imports_installed_libraries_and_the_providers_they_name_but_not_the_programs_own(
        tmp_path, monkeypatch):
    """A service reaches its providers through a component library (soc2_components): the parent imports it and
    the provider modules its sources name, so each child starts warm; the program's own modules stay fresh."""
    from preflight.warm import installed_libraries, library_provider_modules

    site = tmp_path / "site-packages"
    (site / "fixture_components").mkdir(parents=True)
    (site / "fixture_components" / "__init__.py").write_text(
        "import pulumi_aws as aws\n\n\ndef topic(name):\n    return aws.sns.Topic(name)\n")
    monkeypatch.syspath_prepend(str(site))
    program = tmp_path / "program"
    program.mkdir()
    (program / "helpers.py").write_text("X = 1\n")
    (program / "__main__.py").write_text("import json\nimport pydantic\nimport helpers\n"
                                         "from fixture_components import topic\n")
    monkeypatch.syspath_prepend(str(program))
    libraries = installed_libraries(program)
    assert "fixture_components" in libraries and "pydantic" in libraries
    assert "json" not in libraries and "helpers" not in libraries  # the standard library, and the program's own
    assert {"pulumi_aws", "pulumi_aws.sns", "pulumi_aws.sns.Topic"} <= set(library_provider_modules(libraries))
