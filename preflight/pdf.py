"""`evidence --format pdf`: the evidence page printed by headless Chromium, as auditors file it.

Chromium is found on PATH (or named by PREFLIGHT_CHROMIUM) before the check runs, so a machine
without it exits 2 at once. It runs with a fresh profile in a temporary directory, with nothing
that would reach the network, in its own process group, which is stopped whatever happens.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import PreflightInputError
from .processes import kill_group, stop_popen

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_SECONDS = 120
FLAGS = ("--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer")


def find_chromium() -> str:
    named = os.environ.get("PREFLIGHT_CHROMIUM", "")
    if named:
        if shutil.which(named) is None:
            raise PreflightInputError(f"PREFLIGHT_CHROMIUM={named}: no such executable; name a Chromium or Chrome binary")
        return named
    for name in BROWSERS:
        if shutil.which(name):
            return name
    raise PreflightInputError(f"--format pdf needs headless Chromium, and none of {', '.join(BROWSERS)} is on PATH; "
                              "install it (Debian: apt-get install chromium) or set PREFLIGHT_CHROMIUM, or use "
                              "--format html and print evidence.html from a browser")


def print_pdf(page: str, chromium: str, timeout: float = PRINT_TIMEOUT_SECONDS) -> bytes:
    with tempfile.TemporaryDirectory(prefix="preflight-pdf-") as scratch:
        source, target = Path(scratch) / "evidence.html", Path(scratch) / "evidence.pdf"
        source.write_text(page, encoding="utf-8")
        command = [chromium, *FLAGS, f"--user-data-dir={scratch}/profile", f"--print-to-pdf={target}",
                   *(["--no-sandbox"] if os.geteuid() == 0 else []), source.as_uri()]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_popen(process)
            raise PreflightInputError(f"--format pdf: {chromium} did not print the page within {timeout:g} s") from None
        finally:
            kill_group(process.pid)  # helpers Chromium left behind
        if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            last = (errors or "").strip().splitlines()[-1:] or ["no message"]
            raise PreflightInputError(f"--format pdf: {chromium} exited {process.returncode} without a PDF: {last[0]}")
        return target.read_bytes()
