"""Writing reports where the user asked: the path is checked before any work, and files appear whole.

A regular file (or a path that does not exist yet) is written to a temporary file beside it and
renamed into place, keeping an existing file's mode. Through a symlink, the link's target is
written that way, in the target's own directory (so on the target's filesystem), and the link
stays. `-`, `/dev/stdout`, a device node or a FIFO is written straight to, as a shell redirection
would: renaming over one would replace it with a regular file.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from .errors import PreflightInputError

STANDARD_STREAMS = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}
DESCRIPTOR_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")


def _descriptor(path: Path) -> int | None:
    """The open file descriptor a path names (`-`, /dev/stdout, /dev/fd/N), written through as inherited:
    reopening it would truncate a file the shell opened for appending."""
    if str(path) in STANDARD_STREAMS:
        return STANDARD_STREAMS[str(path)]
    match = DESCRIPTOR_PATH.match(str(path))
    return int(match.group(1)) if match else None


def _writable_parent(path: Path) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise PreflightInputError(f"{path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise PreflightInputError(f"{path}: the directory {parent} is not writable")


def _target(path: Path) -> Path:
    """Where the bytes go: the final target of any symlinks (which may not exist yet)."""
    return Path(os.path.realpath(path))


def _is_stream(target: Path) -> bool:
    """A device node, FIFO or socket: written to in place, never renamed over."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_output_file(path: str | Path) -> Path:
    """Refuses a path that cannot receive a report, before the check spends any time."""
    path = Path(path)
    descriptor = _descriptor(path)
    if descriptor is not None:
        try:
            os.fstat(descriptor)
        except OSError:
            raise PreflightInputError(f"{path}: file descriptor {descriptor} is not open") from None
        return path
    target = _target(path)
    if target.is_dir():
        raise PreflightInputError(f"{path}: is a directory; --output takes a file path")
    if _is_stream(target):
        if stat.S_ISSOCK(os.stat(target).st_mode):
            raise PreflightInputError(f"{path}: is a socket; --output takes a file, a device or a FIFO")
        if not os.access(target, os.W_OK):
            raise PreflightInputError(f"{path}: is not writable")
        return path
    if target.exists() and not os.access(target, os.W_OK):
        raise PreflightInputError(f"{path}: is not writable (mode {stat.filemode(target.stat().st_mode)})")
    _writable_parent(target)
    return path


def write_file(path: str | Path, content: str) -> None:
    """Writes `content` where `path` leads: straight to a stream, else whole through a temporary file."""
    path = check_output_file(path)
    descriptor = _descriptor(path)
    if descriptor is not None:
        _write_descriptor(descriptor, content)
        return
    target = _target(path)
    if _is_stream(target):
        with open(target, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        return
    _replace(target, content)


def _write_descriptor(descriptor: int, content: str) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    data = memoryview(content.encode("utf-8"))
    while data:
        data = data[os.write(descriptor, data):]


def _replace(target: Path, content: str) -> None:
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        os.chmod(temporary, mode)  # an existing file's mode, else what open() would give (mkstemp's 0600 hides it)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


MARKER = ".preflight-evidence"


def _previous(path: Path) -> Path:
    return path.with_name(f".{path.name}.previous")


def check_output_directory(path: str | Path) -> Path:
    """A directory for an evidence bundle: absent, empty, or an earlier bundle (which is replaced)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise PreflightInputError(f"{path}: exists and is not a directory; --out takes a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).exists():
        raise PreflightInputError(f"{path}: is not empty and holds no earlier evidence bundle; refusing to overwrite")
    previous = _previous(path.resolve())
    if previous.exists() and not previous.is_dir():
        raise PreflightInputError(f"{path}: {previous} exists and is not a directory; move it away")
    _writable_parent(path.resolve())
    return path


def write_directory(path: str | Path, files: dict[str, str | bytes]) -> None:
    """Writes a bundle into a temporary sibling directory, then swaps it into place whole."""
    path = check_output_directory(path).resolve()
    previous = _previous(path)
    _recover(path, previous)
    staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial"))
    try:
        for name, content in {**files, MARKER: "written by preflight evidence; the whole directory is replaced on re-run\n"}.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
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


def _recover(path: Path, previous: Path) -> None:
    """A run interrupted mid-swap leaves `.<name>.previous`: restore it if the bundle is gone, else drop it."""
    if not previous.exists():
        return
    if path.exists():
        shutil.rmtree(previous)
    else:
        previous.rename(path)
