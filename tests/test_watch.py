"""`preflight check --watch`: one process kept alive, a new verdict after each change, packs kept running."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, REPO


def read_until(stream, needle: str, seconds: float = 180) -> list[str]:
    lines, ends = [], time.monotonic() + seconds
    while time.monotonic() < ends:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not seen: {''.join(lines)[-2000:]}")


def test_a_change_to_the_program_gives_a_new_verdict_from_the_same_process_and_packs(tmp_path, strays):
    program = tmp_path / "program"
    shutil.copytree(COMPONENT_PROGRAM, program)
    watch = subprocess.Popen([sys.executable, "-m", "preflight", "check", "--watch", "--stack", "test", "--program",
                              str(program), "--policy-pack", str(BASIC_PACK)], cwd=REPO, env=strays.env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "watching" in read_until(watch.stderr, "watching")[0]
        read_until(watch.stderr, "verdict")
        assert read_until(watch.stdout, "PASS: ")[-1].startswith("PASS: 0 mandatory, 1 advisory")
        packs = {p for p in _children(watch.pid) if "pulumi.policy" in p[1]}
        assert len(packs) == 1
        main = program / "__main__.py"
        main.write_text(main.read_text() + 'aws.sns.Topic("more-alerts")\n')
        read_until(watch.stderr, "verdict")
        report = read_until(watch.stdout, "PASS: ")
        assert "more-alerts" in "".join(report) and report[-1].startswith("PASS: 0 mandatory, 2 advisory")
        assert {p for p in _children(watch.pid) if "pulumi.policy" in p[1]} == packs  # the same pack process
        (program / "__main__.py").write_text(main.read_text() + 'raise ValueError("half-written")\n')
        assert "half-written" in "".join(read_until(watch.stderr, "ValueError"))  # reported; the watch goes on
        assert watch.poll() is None
    finally:
        watch.send_signal(signal.SIGINT)
        _, stderr = watch.communicate(timeout=60)
    assert watch.returncode == 130 and "stopped by SIGINT" in stderr


def _children(pid: int) -> set[tuple[int, str]]:
    found = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return {(int(line.split(None, 1)[0]), line.split(None, 1)[1]) for line in found.splitlines() if line.strip()}
