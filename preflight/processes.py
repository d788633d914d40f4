"""The processes preflight starts (policy packs, the program's child) never outlive it.

Each runs in its own process group, so stopping it stops whatever it started too, and on Linux
asks the kernel to kill it when preflight dies (PR_SET_PDEATHSIG): a SIGKILLed preflight runs no
cleanup at all.

A pack asks for that itself, first thing after exec (`launch_module`), rather than in a Popen
preexec_fn: a preexec_fn makes subprocess fork() instead of vfork(), and fork() runs gRPC's fork
handlers, which restart gRPC's threads in the child just before subprocess closes their file
descriptors; the pack then aborts (SIGABRT, "epoll_wait: Bad file descriptor") whenever this
process had used gRPC before. vfork() runs no fork handlers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_GRACE_SECONDS = 5.0

# Loaded at import, not in the forked child: loading a library there (dlopen takes a lock that
# another of the parent's threads may have held at the fork) could hang it.
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True) if sys.platform == "linux" else None


def die_with_parent() -> None:
    """In a forked child: be SIGKILLed when the thread that forked it ends (on Linux; elsewhere a no-op).

    The kernel ties the signal to the parent *thread*, so the program's child and the packs are
    started from preflight's main thread.
    """
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


_LAUNCHER = """\
import ctypes, ctypes.util, os, runpy, signal, sys
parent, module = int(sys.argv.pop(1)), sys.argv.pop(1)
if sys.platform == "linux":
    ctypes.CDLL(ctypes.util.find_library("c") or None).prctl(%d, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        sys.exit("preflight ended before this process started")
runpy.run_module(module, run_name="__main__", alter_sys=True)
""" % PR_SET_PDEATHSIG


_EXEC_LAUNCHER = """\
import ctypes, ctypes.util, os, signal, sys
parent, program = int(sys.argv.pop(1)), sys.argv[1]
if sys.platform == "linux":
    ctypes.CDLL(ctypes.util.find_library("c") or None).prctl(%d, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        sys.exit("preflight ended before this process started")
os.execv(program, sys.argv[1:])
""" % PR_SET_PDEATHSIG


def launch_module(python: str, module: str, *args: str) -> list[str]:
    """The command line of `python -u -m module args...`, run so that it dies with this process (see above)."""
    return [python, "-u", "-c", _LAUNCHER, str(os.getpid()), module, *args]


def launch_executable(program: str, *args: str) -> list[str]:
    """The command line of `program args...` (a Node.js pack's `node`), exec'd once the kernel is asked to kill
    it with this process: the request survives exec."""
    return [sys.executable, "-I", "-S", "-c", _EXEC_LAUNCHER, str(os.getpid()), program, *args]


def kill_group(pid: int, signum: int = signal.SIGKILL) -> None:
    """Signals the process group `pid` leads; a group already gone is not an error."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def stop_popen(process: subprocess.Popen, grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM to the process's group, SIGKILL after `grace` seconds, then to whatever of the group is left."""
    if process.poll() is None:
        kill_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            kill_group(process.pid)
            process.wait()
    kill_group(process.pid)  # anything the process started and left behind
