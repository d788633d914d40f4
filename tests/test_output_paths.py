"""`--output` and `evidence --out` write where a user expects: files whole, streams in place, symlinks
followed, modes kept, unwritable paths refused before the program runs, interrupted bundles recovered."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

import pytest

from preflight.project import PreflightInputError
from preflight.writing import MARKER, check_output_file, write_directory, write_file
from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, run_cli

CHECK = ["check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack", str(BASIC_PACK), "--json"]
OTHER_FILESYSTEM = "/dev/shm"


def test_a_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    write_file(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_new_file_gets_the_mode_open_would_give(tmp_path):
    umask = os.umask(0o027)
    try:
        write_file(tmp_path / "new.json", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640


def test_a_symlink_stays_and_its_target_is_written(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_file(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "later.json")
    write_file(dangling, "created")
    assert dangling.is_symlink() and (tmp_path / "later.json").read_text() == "created"


@pytest.mark.skipif(not os.path.isdir(OTHER_FILESYSTEM) or
                    os.stat(OTHER_FILESYSTEM).st_dev == os.stat("/tmp").st_dev, reason="needs a second filesystem")
def test_a_symlink_to_another_filesystem_is_written_there(tmp_path):
    target = os.path.join(OTHER_FILESYSTEM, f"preflight-test-{os.getpid()}.json")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    try:
        write_file(link, "across")
        with open(target) as written:
            assert written.read() == "across"
        assert link.is_symlink()
        assert not [n for n in os.listdir(OTHER_FILESYSTEM) if n.startswith(f".preflight-test-{os.getpid()}")]
    finally:
        os.unlink(target)


def test_a_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_file(fifo, "through the pipe")
    reader.join(10)
    assert received == ["through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_null_stays_a_device(strays):
    result = run_cli(*CHECK, "--output", "/dev/null", env=strays.env())
    assert result.returncode == 0 and result.stdout == "" and result.stderr.startswith("PASS")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_write_the_report_to_stdout(strays, name):
    result = run_cli(*CHECK, "--output", name, env=strays.env())
    assert result.returncode == 0 and json.loads(result.stdout)["verdict"] == "pass"


def test_dev_stdout_appends_to_a_file_opened_for_appending(tmp_path, strays):
    log = tmp_path / "ci.log"
    log.write_text("earlier line\n")
    with open(log, "a") as stdout:
        result = subprocess.run([sys.executable, "-m", "preflight", *CHECK, "--output", "/dev/stdout"], stdout=stdout,
                                stderr=subprocess.PIPE, text=True, env=strays.env(), timeout=300)
    assert result.returncode == 0
    text = log.read_text()
    assert text.startswith("earlier line\n") and json.loads(text.split("\n", 1)[1])["verdict"] == "pass"


@pytest.mark.parametrize("make, reason", [
    (lambda p: p / "missing" / "r.json", "does not exist"),
    (lambda p: p, "is a directory"),
    (lambda p: "/dev/fd/57", "file descriptor 57 is not open"),
])
def test_a_path_that_cannot_be_written_exits_2_before_the_program_runs(tmp_path, strays, make, reason):
    result = run_cli(*CHECK, "--output", str(make(tmp_path)), env=strays.env())
    assert result.returncode == 2 and reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_is_refused(tmp_path):
    target = tmp_path / "locked.json"
    target.write_text("keep")
    target.chmod(0o444)
    with pytest.raises(PreflightInputError) as caught:
        check_output_file(target)
    assert "is not writable" in str(caught.value)


def test_a_bundle_recovers_from_an_interrupted_swap(tmp_path):
    out = tmp_path / "evidence"
    write_directory(out, {"a.md": "first"})
    out.rename(tmp_path / ".evidence.previous")  # interrupted after moving the old bundle aside
    write_directory(out, {"a.md": "second"})
    assert (out / "a.md").read_text() == "second" and (out / MARKER).exists()
    (tmp_path / ".evidence.previous").mkdir()  # interrupted before the old bundle was removed
    (tmp_path / ".evidence.previous" / "a.md").write_text("stale")
    write_directory(out, {"a.md": "third"})
    assert (out / "a.md").read_text() == "third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence"]
