"""SIGINT and SIGTERM (Ctrl-C, a cancelled CI job) stop preflight cleanly: packs and program stopped, no traceback.

The signal becomes an exception in the main thread, so every `with` on the way out runs: policy
packs and the program's child are stopped there. Further signals are ignored meanwhile, so a second
Ctrl-C cannot cut that short; stopping is bounded (see processes.py).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A stop signal arrived. A BaseException, like KeyboardInterrupt, so no `except Exception` swallows it."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process the signal ended: 130 SIGINT, 143 SIGTERM."""
        return 128 + self.signum


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, the first SIGINT or SIGTERM raises Interrupted; later ones are ignored."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    raised: list[int] = []

    def handle(signum: int, _frame: FrameType | None) -> None:
        if not raised:
            raised.append(signum)
            raise Interrupted(signum)

    previous = {signum: signal.signal(signum, handle) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
