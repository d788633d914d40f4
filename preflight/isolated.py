"""`run_program` in a forked child, so that whatever the program does, preflight ends in a verdict or exit 2.

The child runs the program under the mocks exactly as `run_program` does in process, and streams
each resource to the parent as it is registered (a default provider just before the first resource
that uses it), then sends what the capture needs besides, or the program's failure. The parent
rebuilds the Capture and hands each resource to `on_record` as it arrives, so policy packs analyze
while the program runs, as in process.

    with IsolatedProgram(project.directory, project.main, ..., timeout=600) as program:
        ...  # start policy packs: they boot while the program runs
        capture = program.capture(on_record)
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .capture import Capture, Diagnostic, Mode, OnRecord, ProgramError, ResourceRecord, run_program
from .child import ChildEnded, ForkedChild, Send, fork_is_safe
from .deadline import DEFAULT_TIMEOUT_SECONDS, timed_out

EXIT_GRACE_SECONDS = 2.0
IN_PROCESS_WARNING = (
    "grpc was imported before preflight, with its fork support on, so the program runs in this process: "
    "a program that ends the interpreter ends it here, and --timeout does not bound it. Import preflight "
    "first, or set GRPC_ENABLE_FORK_SUPPORT=false.")


class ProgramEnded(ProgramError):
    """The program ended the interpreter (os._exit, a signal, a crash) before it finished."""


@dataclass
class _Finished:
    """What the parent needs once every resource has streamed: late changes and the run's own figures."""

    stack_outputs: dict[str, Any]
    diagnostics: list[Diagnostic]
    seconds: float
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """URN -> outputs registered after the resource was sent (components' and the stack's)."""
    unsent: list[ResourceRecord] = field(default_factory=list)


@dataclass
class _Failed:
    message: str
    tail: str
    settings_error: bool
    registered: list[str]
    notes: list[str]


class IsolatedProgram:
    """The program in a child process; entering forks it, `capture()` collects what it registers."""

    def __init__(self, program_dir: str | Path, main: str | Path | Callable[[], None], project: str, stack: str,
                 config: dict[str, str], secret_keys: frozenset[str] = frozenset(), mode: Mode = "preview",
                 organization: str = "organization", timeout: float = DEFAULT_TIMEOUT_SECONDS):
        self.program_dir = Path(program_dir).resolve()
        self.timeout = timeout
        self._run = lambda on_record: run_program(program_dir, main, project, stack, config, secret_keys, mode,
                                                  organization, on_record)
        self._names = (project, stack, mode)
        self._child: ForkedChild | None = ForkedChild(self._in_child)
        self._deadline = 0.0

    def __enter__(self) -> "IsolatedProgram":
        if not fork_is_safe():
            warnings.warn(IN_PROCESS_WARNING, stacklevel=2)
            self._child = None
            return self
        self._child.start()
        self._deadline = time.monotonic() + self.timeout
        return self

    def __exit__(self, *_: Any) -> None:
        if self._child is not None:
            self._child.stop()

    def capture(self, on_record: OnRecord | None = None) -> Capture:
        """Every resource, streamed to `on_record`.

        Raises ProgramError (ProgramEnded if it ended the interpreter), TimedOut, or InternalError for a
        failure of preflight's own code in the child.
        """
        if self._child is None:
            return self._run(on_record)
        records: dict[str, ResourceRecord] = {}
        while True:
            last, message = self._receive(records)
            if last:
                break
            record, announced = message
            records[record.urn] = record
            if announced and on_record is not None:
                on_record(record, records)
        self._child.stop(grace=EXIT_GRACE_SECONDS)  # it flushes what the program printed, then exits
        if isinstance(message, _Failed):
            raise ProgramError(message.message, message.tail, message.settings_error, message.registered, message.notes)
        for urn, outputs in message.outputs.items():
            records[urn].outputs = outputs
        records.update((r.urn, r) for r in message.unsent)
        project, stack, mode = self._names
        return Capture(project, stack, mode, self.program_dir, sorted(records.values(), key=lambda r: r.urn),
                       message.stack_outputs, message.diagnostics, message.seconds)

    def _receive(self, records: Mapping[str, ResourceRecord]) -> tuple[bool, Any]:
        try:
            return self._child.receive(self._deadline)
        except TimeoutError:
            self._child.stop()
            raise timed_out(f"the program (after registering {len(records)} resources)", self.timeout) from None
        except ChildEnded as ended:
            raise ProgramEnded(f"it ended the interpreter before it finished ({ended.status}, after registering "
                               f"{len(records)} resources); there is no verdict", "",
                               registered=sorted(records)) from None

    def _in_child(self, send: Send) -> _Finished | _Failed:
        sent: dict[str, dict[str, Any]] = {}  # URN -> the outputs object it was sent with
        lock = threading.Lock()

        def on_record(record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> None:
            with lock:
                provider = by_urn.get(record.provider_urn) if record.provider_urn else None
                if provider is not None and provider.urn not in sent:  # a default provider the monitor made
                    send((provider, False))
                    sent[provider.urn] = provider.outputs
                send((record, True))
                sent[record.urn] = record.outputs

        try:
            capture = self._run(on_record)
        except ProgramError as err:
            return _Failed(str(err), err.tail, err.settings_error, err.registered, err.notes)
        # RegisterResourceOutputs replaces a record's outputs: an object other than the one sent is news.
        changed = {r.urn: r.outputs for r in capture.records if r.urn in sent and r.outputs is not sent[r.urn]}
        return _Finished(capture.stack_outputs, capture.diagnostics, capture.seconds, changed,
                         [r for r in capture.records if r.urn not in sent])
