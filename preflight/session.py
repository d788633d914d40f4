"""One policy pack's judgement of one stack.

A session is prepared once the pack is up (ConfigureStack, GetAnalyzerInfo, config reconciliation,
Configure), takes resources one at a time (Analyze), and finishes with AnalyzeStack. A streaming
session is fed while the program is still registering resources, as the engine analyzes each
resource when its step is generated, so the pack works on the other core meanwhile.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import grpc

from .analyzer import PackRun, PolicyPack, ResourceAnalysis
from .capture import Capture, Mode, ResourceRecord
from .policy_config import PolicyConfig


@dataclass(frozen=True)
class StackContext:
    """What a pack is told about the stack before it sees a resource."""

    project: str
    stack: str
    mode: Mode
    config: Mapping[str, str]
    secret_keys: frozenset[str]


class PackSession:
    def __init__(self, pack: PolicyPack, given: dict[str, PolicyConfig], context: StackContext):
        self.pack, self.given, self.context = pack, given, context
        self.analysis: ResourceAnalysis | None = None
        self.seconds_start = 0.0

    def prepare(self) -> None:
        """Waits for the pack, then configures it; raises PackStartError or PreflightInputError (policy config)."""
        self.seconds_start = self.pack.connect()
        context = self.context
        try:
            self.pack.handshake()
            # Deployed state is analyzed as a preview, as `pulumi policy analyze` does.
            self.pack.configure_stack(context.project, context.stack, "organization", context.mode != "resolved",
                                      dict(context.config), context.secret_keys,
                                      {"pulumi:project": context.project, "pulumi:runtime": "python"})
            self.info = self.pack.info()
            self.config = self.pack.reconciled(self.given)
            self.pack.configure(self.config)
        except grpc.RpcError as err:
            raise self.pack.failure(err, "start-up") from None
        remediate = any(c.enforcement_level == "remediate" for c in self.config.values())
        self.analysis = ResourceAnalysis(self.pack, remediate)

    def submit(self, record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> None:
        """Raises PackStartError or TimedOut, naming the resource, if the pack fails or does not answer."""
        assert self.analysis is not None, "prepare() first"
        self.analysis.submit(record, by_urn)

    def finish(self, capture: Capture) -> PackRun:
        """Analyzes what was not yet submitted, collects every result, and runs AnalyzeStack.

        Its seconds are what evaluation adds once the program is done.
        """
        assert self.analysis is not None, "prepare() first"
        started = time.perf_counter()
        by_urn = capture.by_urn()
        for record in capture.records:
            if record.urn not in self.analysis.submitted:
                self.analysis.submit(record, by_urn)
        diagnostics, not_applicable = self.analysis.results(capture.records)
        stack_diagnostics, stack_not_applicable = self.pack.analyze_stack(capture.records)
        return PackRun(self.info, self.config, diagnostics + stack_diagnostics, not_applicable + stack_not_applicable,
                       len(capture.records), self.seconds_start, time.perf_counter() - started, self.pack.logs)


_DONE = object()
STOP_JOIN_SECONDS = 10.0


class StreamingSession:
    """A session on its own thread: prepares as soon as the pack is up, then analyzes what it is given."""

    def __init__(self, session: PackSession):
        self.session = session
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"analyze-{session.pack.directory.name}", daemon=True)
        self._thread.start()

    def put(self, record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> None:
        """Queues the resource; raises at once what went wrong on the thread, so the run stops early."""
        if self._error is not None:
            raise self._error
        self._queue.put((record, by_urn))

    def wait(self) -> PackSession:
        """Lets the queue drain; re-raises what went wrong on the thread (a pack that did not start, bad config).

        Every call the thread makes has the pack's timeout as deadline, so this ends.
        """
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.session

    def stop(self) -> None:
        """On the way out after a failure: the pack is already stopped, so the thread's call fails soon."""
        self._queue.put(_DONE)
        self._thread.join(STOP_JOIN_SECONDS)

    def _work(self) -> None:
        try:
            self.session.prepare()
            while (item := self._queue.get()) is not _DONE:
                self.session.submit(*item)
        except BaseException as err:  # noqa: BLE001 handed to the caller by wait()
            self._error = err
