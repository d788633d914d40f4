"""The program in a forked child: the same capture as in process, and an observed end whatever it does."""

from __future__ import annotations

import ctypes
import faulthandler
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preflight.capture import ProgramError, RecordingMonitor, run_program
from preflight.deadline import TimedOut
from preflight.failure import InternalError
from preflight.isolated import IsolatedProgram, ProgramEnded
from preflight.project import load_project, load_stack_config
from tests.conftest import COMPONENT_PROGRAM, FIXTURES, REPO


def component_args():
    project = load_project(COMPONENT_PROGRAM)
    stack = load_stack_config(project, "test")
    return project.directory, project.main, project.name, "test", stack.values, stack.secret_keys


def isolated(main, timeout: float = 60.0) -> IsolatedProgram:
    return IsolatedProgram(FIXTURES, main, "isolated", "test", {"aws:region": "eu-west-1"}, timeout=timeout)


def assert_gone(pid: int) -> None:
    """The child was reaped, and nothing of its process group is left running."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    deadline = time.monotonic() + 10  # a killed grandchild may take a moment to be reaped by its adopter
    while (left := [p for p in group(pid) if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == []


def group(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                members.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return members


def capture_ending(main, timeout: float = 60.0):
    program = isolated(main, timeout)
    with pytest.raises(Exception) as caught:
        with program:
            program.capture()
    assert_gone(program._child.pid)
    return caught.value


def register_a_bucket():
    import pulumi_aws as aws

    aws.s3.Bucket("data")


@pytest.mark.parametrize("mode", ["preview", "resolved"])
def test_the_child_captures_what_the_program_captures_in_process(mode):
    args = component_args()
    announced: list[str] = []

    def on_record(record, by_urn):
        assert record.urn in by_urn
        if record.custom and not record.type.startswith("pulumi:providers:"):
            assert record.provider_urn in by_urn, record.urn  # the default provider arrived first
        announced.append(record.urn)

    with IsolatedProgram(*args, mode=mode) as program:
        child = program.capture(on_record)
    in_process = run_program(*args, mode=mode)
    assert child.records == in_process.records and len(child.records) > 5
    assert child.stack_outputs == in_process.stack_outputs and child.diagnostics == in_process.diagnostics
    assert sorted(announced) == sorted(r.urn for r in in_process.records if not r.type.startswith("pulumi:providers:"))
    assert_gone(program._child.pid)


def test_a_program_error_comes_back_with_its_traceback_tail_and_what_was_registered():
    project = load_project(FIXTURES / "failing_program")
    program = IsolatedProgram(project.directory, project.main, project.name, "test", {}, frozenset())
    with pytest.raises(ProgramError) as caught:
        with program:
            program.capture()
    assert not isinstance(caught.value, ProgramEnded)
    assert "ValueError: cannot size bucket" in str(caught.value) and "helpers.py" in caught.value.tail
    assert any(u.endswith("::registered-before-the-error") for u in caught.value.registered)


def test_os_exit_in_the_program_is_reported_with_its_status():
    def program():
        register_a_bucket()
        os._exit(3)

    error = capture_ending(program)
    assert isinstance(error, ProgramEnded)
    assert str(error) == ("it ended the interpreter before it finished (exit status 3, after registering "
                          "0 resources); there is no verdict")


@pytest.mark.parametrize("end, status", [
    (lambda: os.kill(os.getpid(), signal.SIGKILL), "killed by SIGKILL"),
    (lambda: (faulthandler.disable(), ctypes.string_at(0)), "killed by SIGSEGV"),  # the interpreter crashes
])
def test_a_signal_or_a_segfault_in_the_program_is_reported_with_the_signal(end, status):
    error = capture_ending(end)
    assert isinstance(error, ProgramEnded) and f"({status}, after registering" in str(error)


def test_a_program_that_never_returns_is_stopped_at_the_timeout():
    error = capture_ending(lambda: time.sleep(3600), timeout=1)
    assert isinstance(error, TimedOut)
    assert str(error) == "the program (after registering 0 resources) did not finish within 1 s (--timeout 1)"


def test_sys_exit_in_the_program_is_a_program_error():
    error = capture_ending(lambda: sys.exit(4))
    assert isinstance(error, ProgramError) and str(error) == "it called sys.exit(4) before it finished"


def test_the_programs_stdout_goes_to_stderr(capfd):
    def program():
        print("printed by the program")
        os.write(1, b"written to fd 1\n")
        register_a_bucket()

    with isolated(program) as run:
        capture = run.capture()
    out, err = capfd.readouterr()
    assert "printed by the program" not in out and "written to fd 1" not in out
    assert "printed by the program\n" in err and "written to fd 1\n" in err
    assert any(r.type == "aws:s3/bucket:Bucket" for r in capture.records)


def test_a_failure_of_preflights_own_code_in_the_child_is_an_internal_error(monkeypatch):
    def broken(self, record):
        raise KeyError("synthetic outputs")

    monkeypatch.setattr(RecordingMonitor, "_answer", broken)
    error = capture_ending(register_a_bucket)
    assert isinstance(error, InternalError)
    assert (error.kind, error.where) == ("KeyError", "preflight.capture.RegisterResource")
    assert "Traceback (most recent call last)" in error.text and "synthetic outputs" in error.text


def test_what_the_program_started_and_left_running_is_stopped_with_it(tmp_path):
    pid_file = tmp_path / "sleeper.pid"

    def program():
        sleeper = subprocess.Popen(["sleep", "300"])
        pid_file.write_text(str(sleeper.pid))
        os._exit(0)

    assert isinstance(capture_ending(program), ProgramEnded)  # which checks that its process group is gone
    assert not alive(int(pid_file.read_text()))


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for whoever adopted it to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("imports, off", [("import preflight", True), ("import grpc, preflight", False)])
def test_importing_preflight_first_turns_grpcs_fork_support_off(imports, off):
    result = subprocess.run([sys.executable, "-c", f"{imports}; import os; print(preflight.GRPC_FORK_SUPPORT_OFF, "
                             "os.environ['GRPC_ENABLE_FORK_SUPPORT'])"], cwd=REPO, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "GRPC_ENABLE_FORK_SUPPORT"})
    assert result.stdout.split() == [str(off), "false"], result.stderr


def test_where_forking_is_not_safe_the_program_runs_in_process_with_a_warning(monkeypatch):
    import preflight

    monkeypatch.setattr(preflight, "GRPC_FORK_SUPPORT_OFF", False)
    args = component_args()
    with pytest.warns(UserWarning, match="grpc was imported before preflight"):
        with IsolatedProgram(*args) as program:
            capture = program.capture()
    assert program._child is None and capture.records == run_program(*args).records
