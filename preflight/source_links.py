"""Links from a finding to the line of the program that built the resource.

In GitHub Actions (GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA set) and in a clone whose
origin is on GitHub, a link opens the file at the commit checked; elsewhere it is a file:// URL on
the machine that ran the check. Either way it names one commit's line, never a moving branch.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .capture import SourceLocation

GITHUB_REMOTE = re.compile(r"^(?:https://|ssh://git@|git@)github\.com[/:]([^/]+)/(.+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class SourceLinks:
    program: Path
    root: Path
    """The repository's top directory (the program's directory outside git)."""
    base: str
    """What a path relative to `root` is appended to."""

    def url(self, location: SourceLocation | None) -> str:
        if location is None:
            return ""
        path = Path(location.file)
        path = path if path.is_absolute() else self.program / path
        try:
            relative = path.resolve().relative_to(self.root)
        except ValueError:
            return ""  # outside the repository (an installed package): no stable place to point at
        anchor = f"#L{location.line}" if self.base.startswith("http") else ""
        return self.base + quote(relative.as_posix()) + anchor


def _git(program: Path, *args: str) -> str:
    found = subprocess.run(["git", "-C", str(program), *args], capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else ""


def source_links(program: Path) -> SourceLinks:
    program = program.resolve()
    root = Path(_git(program, "rev-parse", "--show-toplevel") or program).resolve()
    server, repository, sha = (os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if server and repository and sha:
        return SourceLinks(program, root, f"{server.rstrip('/')}/{repository}/blob/{sha}/")
    remote = GITHUB_REMOTE.match(_git(program, "remote", "get-url", "origin"))
    head = _git(program, "rev-parse", "HEAD")
    if remote and head:
        return SourceLinks(program, root, f"https://github.com/{remote.group(1)}/{remote.group(2)}/blob/{head}/")
    return SourceLinks(program, root, root.as_uri() + "/")
