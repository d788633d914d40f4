"""Writing reports: the path is checked before any work, and files appear whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .project import PreflightInputError


def _writable_parent(path: Path) -> None:
    parent = path.resolve().parent
    if not parent.is_dir():
        raise PreflightInputError(f"{path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise PreflightInputError(f"{path}: the directory {parent} is not writable")


def check_output_file(path: str | Path) -> Path:
    """Refuses a path that cannot receive a file, before the check spends any time."""
    path = Path(path)
    if path.is_dir():
        raise PreflightInputError(f"{path}: is a directory; --output takes a file path")
    _writable_parent(path)
    return path


def write_file(path: str | Path, content: str) -> None:
    """Writes `content` to a temporary file beside `path`, then renames it into place."""
    path = check_output_file(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide reports from CI uploaders
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


MARKER = ".preflight-evidence"


def check_output_directory(path: str | Path) -> Path:
    """A directory for an evidence bundle: absent, empty, or an earlier bundle (which is replaced)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise PreflightInputError(f"{path}: exists and is not a directory; --out takes a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).exists():
        raise PreflightInputError(f"{path}: is not empty and holds no earlier evidence bundle; refusing to overwrite")
    _writable_parent(path)
    return path


def write_directory(path: str | Path, files: dict[str, str]) -> None:
    """Writes a bundle into a temporary sibling directory, then swaps it into place whole."""
    path = check_output_directory(path).resolve()
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial"))
    previous = path.with_name(f".{path.name}.previous")
    try:
        for name, content in {**files, MARKER: "written by preflight evidence; the whole directory is replaced on re-run\n"}.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8", newline="\n")
        if path.exists():
            path.rename(previous)
        staging.rename(path)
        shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if previous.exists() and not path.exists():
            previous.rename(path)  # put the earlier bundle back
        raise
