"""A function run in a forked child process whose end the parent observes.

Whatever the function does to its interpreter (os._exit, a signal, a segfault, a stray thread
that never ends), the parent gets either every message and the function's result, or the reason
the child ended without one. The child streams messages through a pipe as it goes, writes its
stdout to the parent's stderr (a program's prints must not mix into a report on stdout), runs in
its own process group, and dies with the parent.

Fork before the parent creates any gRPC channel or server where you can (the CLI does), and never
use gRPC in the child: a forked copy of gRPC's threads and sockets is not usable. Forking after
gRPC was used is safe only with gRPC's fork support off, which importing preflight arranges
(`fork_is_safe`); with it on, gRPC restarts its threads in the child, which can crash there.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection, Pipe
from typing import Any, Callable

from .failure import InternalError, failed_in
from .processes import die_with_parent, kill_group

Send = Callable[[Any], None]
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
REAP_SECONDS = 5.0


def fork_is_safe() -> bool:
    """False when grpc was imported, with its fork support on, before preflight could turn it off."""
    import preflight

    return preflight.GRPC_FORK_SUPPORT_OFF


class ChildEnded(Exception):
    """The child ended before sending its result; `status` says how ("exit status 0", "killed by SIGKILL")."""

    def __init__(self, status: str, messages: int):
        super().__init__(status)
        self.status, self.messages = status, messages


class ForkedChild:
    """`work(send)` in a child process: `send` streams messages, its return value is the result."""

    def __init__(self, work: Callable[[Send], Any]):
        self.work = work
        self.pid = 0
        self.messages = 0
        self._reader: Connection | None = None
        self._status: int | None = None
        self._stopped = False

    def start(self) -> None:
        reader, writer = Pipe(duplex=False)
        _flush_stdio()  # or the child would write what is buffered here a second time
        parent = os.getpid()
        # A stop signal between the fork and knowing the child's pid would leave it unstoppable.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                self._run_child(parent, reader, writer, blocked)  # never returns
            self.pid = pid
            try:
                os.setpgid(pid, pid)  # also done by the child; whichever runs first wins the race
            except OSError:
                pass
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        writer.close()  # the child holds the only write end: end of file means it has ended
        self._reader = reader

    def receive(self, deadline: float) -> tuple[bool, Any]:
        """The next message as (False, message), or the result as (True, result).

        Raises TimeoutError past `deadline` (time.monotonic()), ChildEnded if the child ended without
        a result, InternalError (with the child's traceback) if `work` raised.
        """
        assert self._reader is not None, "start() first"
        if not self._reader.poll(max(0.0, deadline - time.monotonic())):
            raise TimeoutError
        try:
            kind, payload = self._reader.recv()
        except (EOFError, OSError):
            raise ChildEnded(self._end_status(deadline), self.messages) from None
        if kind == "crash":
            raise InternalError(*payload)
        if kind == "message":
            self.messages += 1
        return kind == "result", payload

    def stop(self, grace: float = 0.0) -> None:
        """Kills the child's process group and reaps the child, after up to `grace` seconds for it to end.

        The group goes whole, with anything the program started and left running.
        """
        if self.pid and not self._stopped:
            ends_by = time.monotonic() + grace
            while not self._reap(os.WNOHANG) and time.monotonic() < ends_by:
                time.sleep(0.005)
            kill_group(self.pid)  # what is left of the group: the child itself, or what it started
            self._reap(0)
            self._stopped = True
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def __enter__(self) -> "ForkedChild":
        self.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def _end_status(self, deadline: float) -> str:
        """How the child ended, once it has (killed if it closed the pipe but lingers)."""
        wait_until = min(deadline, time.monotonic() + REAP_SECONDS)
        while not self._reap(os.WNOHANG):
            if time.monotonic() > wait_until:
                self.stop()
                return "closed its connection to preflight and was stopped"
            time.sleep(0.01)
        code = os.waitstatus_to_exitcode(self._status)
        return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"

    def _reap(self, flags: int) -> bool:
        """Whether the child has ended (and is reaped); its status is kept."""
        if self._status is None:
            pid, status = os.waitpid(self.pid, flags)
            if pid:
                self._status = status
        return self._status is not None

    def _run_child(self, parent: int, reader: Connection, writer: Connection, blocked: set[int]) -> None:
        code = 0
        try:
            # The parent's objects, gRPC's among them, are never collected here: freeing a copied gRPC
            # channel or server calls into a gRPC core whose threads did not survive the fork (abort).
            gc.freeze()
            os.setpgid(0, 0)
            die_with_parent()
            if os.getppid() != parent:  # the parent died before the kernel was asked to kill us with it
                os._exit(1)
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.dup2(2, 1)
            sys.stdout = sys.stderr  # in case sys.stdout was not writing to fd 1 (a test's capture)
            reader.close()
            lock = threading.Lock()

            def send(message: Any) -> None:
                with lock:  # the program registers resources from several threads
                    writer.send(("message", message))

            writer.send(("result", self.work(send)))
        except BaseException as exn:  # noqa: BLE001 reported to the parent, which decides what it means
            code = self._report_crash(writer, exn)
        finally:
            _flush_stdio()
            os._exit(code)

    def _report_crash(self, writer: Connection, exn: BaseException) -> int:
        try:
            text = "".join(traceback.format_exception(exn))
            writer.send(("crash", (type(exn).__name__, str(exn), failed_in(exn), text)))
            return 0
        except BaseException:  # noqa: BLE001 the parent is gone or the pipe is broken
            return 1


def _flush_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a reader that went away
            pass
