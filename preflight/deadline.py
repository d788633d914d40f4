"""`--timeout`: how long the program, a pack's start-up and each pack call may take."""

from __future__ import annotations

import math

from .project import PreflightInputError

DEFAULT_TIMEOUT_SECONDS = 600.0


class TimedOut(PreflightInputError):
    """The program or a policy pack did not finish within the timeout (exit 2)."""


def parse_timeout(text: str) -> float:
    """A positive, finite number of seconds; raises ValueError naming the value and what is allowed."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"--timeout {text!r}: not allowed; give a positive number of seconds "
                         f"(default {DEFAULT_TIMEOUT_SECONDS:g})")
    return seconds


def timed_out(what: str, seconds: float) -> TimedOut:
    return TimedOut(f"{what} did not finish within {seconds:g} s (--timeout {seconds:g})")
