"""Every `preflight` run ends in a verdict or in exit 2 (130 / 143 when stopped), writes nothing
otherwise, and leaves no process running: whatever the program, the packs or preflight itself do."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from preflight import cli
from preflight.capture import RecordingMonitor
from preflight.failure import issues_url
from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, FIXTURES, REPO, run_cli, source_line

MISBEHAVING = FIXTURES / "misbehaving_program"
DUPLICATE = FIXTURES / "duplicate_program"
PACKS = FIXTURES / "packs"
BUCKET = "urn:pulumi:test::fixture-app::fixture:storage:Store$aws:s3/bucket:Bucket::store-bucket"


def check_args(program: Path, stack: str, pack: Path | None = BASIC_PACK, *extra: str) -> list[str]:
    return ["check", "--stack", stack, "--program", str(program), *(["--policy-pack", str(pack)] if pack else []),
            *extra]


def assert_refused(result: subprocess.CompletedProcess[str], line: str | re.Pattern[str], output: Path) -> None:
    """Exit 2, one line on stderr after what the program printed, nothing on stdout, no report written."""
    assert result.returncode == 2, result.stderr
    last = result.stderr.rstrip().splitlines()[-1]
    assert line.fullmatch(last) if isinstance(line, re.Pattern) else last == line, last
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not output.exists()


def test_a_duplicate_urn_exits_2_naming_both_lines_and_nothing_is_checked(tmp_path, strays):
    """Were the second group to replace the first, the RDP opening would be checked and the first lost."""
    out = tmp_path / "results.json"
    result = run_cli(*check_args(DUPLICATE, "test", None, "--format", "json", "--output", str(out)), env=strays.env())
    main = DUPLICATE / "__main__.py"
    assert_refused(result, "preflight: the program failed: Duplicate resource URN "
                           "'urn:pulumi:test::duplicate-app::aws:ec2/securityGroup:SecurityGroup::web'; try giving it "
                           f"a unique name (constructed at __main__.py:{source_line(main, 'HTTPS from the office')} "
                           f"and at __main__.py:{source_line(main, 'Remote desktop')})", out)


@pytest.mark.parametrize("stack, line", [
    # The SDK registers the bucket asynchronously: whether it arrived before the end is a race.
    ("exit", re.compile(r"preflight: the program failed: it ended the interpreter before it finished \(exit status 0, "
                        r"after registering \d+ resources?\); there is no verdict")),
    ("kill", re.compile(r"preflight: the program failed: it ended the interpreter before it finished \(killed by "
                        r"SIGKILL, after registering \d+ resources?\); there is no verdict")),
    ("sys-exit", "preflight: the program failed: it called sys.exit(4) before it finished"),
])
def test_a_program_that_ends_the_interpreter_exits_2_saying_how(stack, line, tmp_path, strays):
    out = tmp_path / "report.sarif"
    result = run_cli(*check_args(MISBEHAVING, stack, BASIC_PACK, "--format", "sarif", "--output", str(out)),
                     env=strays.env())
    assert_refused(result, line, out)


def test_a_program_that_never_returns_exits_2_at_the_timeout(tmp_path, strays):
    out = tmp_path / "report.json"
    result = run_cli(*check_args(MISBEHAVING, "sleep", BASIC_PACK, "--timeout", "3", "--json", "--output", str(out)),
                     env=strays.env(), timeout=120)
    assert_refused(result, "preflight: the program (after registering 0 resources) did not finish within 3 s "
                           "(--timeout 3)", out)


def test_a_policy_that_never_returns_exits_2_naming_the_pack_and_the_resource(tmp_path, strays):
    out = tmp_path / "report.json"
    result = run_cli(*check_args(COMPONENT_PROGRAM, "test", PACKS / "sleeping_policy", "--timeout", "10",
                                 "--json", "--output", str(out)), env=strays.env(), timeout=120)
    assert_refused(result, f"preflight: policy pack sleeping_policy during Analyze of {BUCKET} did not finish "
                           "within 10 s (--timeout 10)", out)


def test_a_pack_that_never_prints_its_port_exits_2_at_the_timeout(tmp_path, strays):
    out = tmp_path / "report.json"
    result = run_cli(*check_args(COMPONENT_PROGRAM, "test", PACKS / "never_ready", "--timeout", "10", "--output",
                                 str(out)), env=strays.env(), timeout=120)
    assert_refused(result, "preflight: policy pack never_ready start-up (it printed no port) did not finish within "
                           "10 s (--timeout 10)", out)


def test_a_pack_that_prints_its_port_and_dies_exits_2_naming_it_with_its_stderr(tmp_path, strays):
    out = tmp_path / "report.json"
    result = run_cli(*check_args(COMPONENT_PROGRAM, "test", PACKS / "port_then_exit", "--output", str(out)),
                     env=strays.env())
    assert result.returncode == 2 and not out.exists() and "Traceback" not in result.stderr
    assert re.search(rf"^preflight: policy pack {PACKS / 'port_then_exit'} did not start: it printed port \d+ and "
                     r"exited with code 1$", result.stderr, re.MULTILINE), result.stderr
    assert result.stderr.rstrip().endswith("port-then-exit pack: gave up after printing its port")


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", ""])
def test_a_timeout_that_is_not_a_positive_number_of_seconds_exits_2_before_anything_runs(value, tmp_path, strays):
    out = tmp_path / "report.json"
    result = run_cli(*check_args(COMPONENT_PROGRAM, "test", BASIC_PACK, "--timeout", value, "--output", str(out)),
                     env=strays.env())
    assert_refused(result, f"preflight check: argument --timeout: {value!r} is not allowed; give a positive number "
                           "of seconds (default 600); see `preflight check --help`", out)


@pytest.mark.parametrize("form, key", [(["--json"], "verdict"), (["--format", "sarif"], "runs")])
def test_what_the_program_prints_goes_to_stderr_never_into_the_report(form, key, strays):
    result = run_cli(*check_args(MISBEHAVING, "print", BASIC_PACK, *form), env=strays.env())
    assert result.returncode == 1, result.stderr  # the bucket lacks its purpose tag: a mandatory violation
    assert key in json.loads(result.stdout)  # the report, and nothing else, on stdout
    assert "hello" not in result.stdout and "creating its topic" not in result.stdout
    assert "misbehaving-app: hello from the program\n" in result.stderr
    assert "component chatty: creating its topic\n" in result.stderr


class Running:
    """`preflight check` started in the background, with its stderr read as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.process = subprocess.Popen([sys.executable, "-m", "preflight", *args], cwd=REPO, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put("")

    def wait_for(self, text: str, seconds: float = 120) -> None:
        while (line := self.lines.get(timeout=seconds)) != text:
            assert line, f"ended before printing {text!r}: {self.seen}"
            self.seen.append(line)

    def finish(self) -> tuple[int, str]:
        code = self.process.wait(timeout=60)
        while line := self.lines.get(timeout=10):
            self.seen.append(line)
        return code, "".join(self.seen)


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_stops_the_packs_and_the_program_and_exits_without_a_traceback(signum, code, tmp_path, strays):
    out = tmp_path / "report.json"
    running = Running(check_args(MISBEHAVING, "sleep", BASIC_PACK, "--output", str(out)), strays.env())
    running.wait_for("misbehaving-app: sleeping forever\n")  # the program runs, and the pack was started before
    running.process.send_signal(signum)
    returncode, stderr = running.finish()
    assert returncode == code
    assert stderr.rstrip().splitlines()[-1] == (f"preflight: stopped by {signal.Signals(signum).name}; "
                                                "the policy packs and the program were stopped")
    assert "Traceback" not in stderr and not out.exists()


def test_nothing_outlives_a_preflight_that_is_killed_outright(strays):
    running = Running(check_args(MISBEHAVING, "sleep", BASIC_PACK), strays.env())
    running.wait_for("misbehaving-app: sleeping forever\n")
    running.process.kill()  # no cleanup runs: the kernel ends the program's child and the pack (the fixture checks)
    assert running.process.wait(timeout=30) == -signal.SIGKILL


def children() -> set[int]:
    """Processes whose parent is this test process (zombies, not yet reaped, included)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


def test_an_internal_error_is_one_line_exit_2_naming_where_and_how_to_report_it(monkeypatch, capsys):
    def broken(*_args):
        raise RuntimeError("report renderer exploded")

    monkeypatch.setitem(cli.RENDERERS, "text", broken)
    before = children()
    code = cli.main(check_args(COMPONENT_PROGRAM, "test"))
    err = capsys.readouterr().err
    assert children() <= before  # the program's child and the pack were stopped and reaped
    assert code == 2
    assert err == ("preflight: internal error in preflight.cli._emit: RuntimeError: report renderer exploded; "
                   f"rerun with --debug and report it at {issues_url()}\n")
    assert issues_url() == "https://github.com/your-org/pulumi-soc2-baseline/issues"  # pyproject's Issues URL


def test_debug_shows_the_traceback_of_an_internal_error_in_the_programs_child(monkeypatch, capsys):
    def broken(self, record):
        raise KeyError("synthetic outputs")

    monkeypatch.setattr(RecordingMonitor, "_answer", broken)  # inherited by the forked child
    before = children()
    code = cli.main(check_args(COMPONENT_PROGRAM, "test", BASIC_PACK, "--debug"))
    err = capsys.readouterr().err
    assert children() <= before
    assert code == 2
    assert err.startswith("Traceback (most recent call last):") and "in broken" in err
    assert err.rstrip().splitlines()[-1] == (
        "preflight: internal error in preflight.capture.RegisterResource: KeyError: 'synthetic outputs'; rerun with "
        f"--debug and report it at {issues_url()}")


def test_analyze_state_refuses_an_export_holding_a_urn_twice(tmp_path, strays):
    resource = {"urn": "urn:pulumi:prod::app::aws:s3/bucket:Bucket::logs", "type": "aws:s3/bucket:Bucket",
                "custom": True}
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": [resource, {**resource}, resource]}}))
    out = tmp_path / "state.json"
    result = run_cli("analyze-state", str(export), "--json", "--output", str(out), env=strays.env())
    assert_refused(result, f"preflight: {export}: Duplicate resource URN '{resource['urn']}' in "
                           "deployment.resources[0] and [1]; an export holds each live resource once", out)


def test_analyze_state_refuses_a_resource_of_the_wrong_shape(tmp_path, strays):
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:prod::app::aws:s3/bucket:Bucket::logs", "type": "aws:s3/bucket:Bucket", "inputs": [1]}]}}))
    out = tmp_path / "state.sarif"
    result = run_cli("analyze-state", str(export), "--format", "sarif", "--output", str(out), env=strays.env())
    assert_refused(result, f"preflight: {export}: deployment.resources[0].inputs: input should be a valid "
                           "dictionary (got a list)", out)


def test_a_reader_that_goes_away_before_the_report_is_exit_2_not_a_traceback(strays):
    process = subprocess.Popen([sys.executable, "-m", "preflight", *check_args(COMPONENT_PROGRAM, "test"), "--json"],
                               cwd=REPO, env=strays.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # as `preflight check --json | head -0` would
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 2
    assert stderr == "preflight: stdout was closed before the whole report was written\n"


def test_a_stack_policy_that_never_returns_exits_2_naming_the_pack_and_analyze_stack(tmp_path, strays):
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": "urn:pulumi:prod::app::aws:sns/topic:Topic::alerts", "type": "aws:sns/topic:Topic", "custom": True}]}}))
    out = tmp_path / "state.json"
    result = run_cli("analyze-state", str(export), "--policy-pack", str(PACKS / "sleeping_policy"), "--timeout", "8",
                     "--json", "--output", str(out), env=strays.env(), timeout=120)
    assert_refused(result, "preflight: policy pack sleeping_policy during AnalyzeStack did not finish within 8 s "
                           "(--timeout 8)", out)
