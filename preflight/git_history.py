"""Reading a repository's history with git itself: refs checked, shallow clones named, one `git log` per range.

Every failure is bad input (exit 2) naming what could not be read: a directory that is not in a
repository, a ref that names no commit, or a shallow clone whose history stops before the ref.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import PreflightInputError

RECORD, FIELD = "\x1e", "\x1f"
LOG_FORMAT = f"{RECORD}%H{FIELD}%P{FIELD}%cI{FIELD}%an{FIELD}%ae{FIELD}%B{FIELD}"
UNSHALLOW = "fetch the whole history (git fetch --unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)"


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    date: str
    """When the commit was made on the branch (committer date, ISO 8601)."""
    author: str
    email: str
    message: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Repository:
    root: Path
    shallow: bool

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="replace")

    def commit_of(self, ref: str, option: str) -> str:
        """The commit `ref` names, or exit 2 naming the option and the ref."""
        if not ref or ref.startswith("-"):
            raise PreflightInputError(f"{option} {ref!r}: not a git ref; give a commit, branch or tag")
        found = self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        if found.returncode == 0:
            return found.stdout.strip()
        if self.shallow:
            raise PreflightInputError(f"{option} {ref}: not in this shallow clone of {self.root}, whose history "
                                      f"is cut off; {UNSHALLOW}")
        raise PreflightInputError(f"{option} {ref}: no such commit, branch or tag in {self.root}")

    def check_range(self, since: str, until: str, refs: tuple[str, str]) -> None:
        """In a shallow clone, `since` must be reachable from `until`, or the history between them is missing."""
        if self.shallow and self.git("merge-base", "--is-ancestor", since, until).returncode != 0:
            raise PreflightInputError(f"--since {refs[0]}: this shallow clone of {self.root} lacks the history from "
                                      f"{refs[0]} to {refs[1]}; {UNSHALLOW}")

    def first_parent_log(self, since: str, until: str, path: str) -> list[Commit]:
        """Commits that reached the branch `until` after `since` and touched `path`, oldest first, each with
        the files it changed against its first parent (for a merge, what the merge brought in)."""
        shown = self.git("log", "--first-parent", "--diff-merges=first-parent", "--name-only", "-z", "--reverse",
                         f"--format={LOG_FORMAT}", f"{since}..{until}", "--", path)
        if shown.returncode != 0:
            raise PreflightInputError(f"git log {since}..{until} failed in {self.root}: {shown.stderr.strip()}")
        return parse_log(shown.stdout)

    def side_commits(self, merge: Commit) -> list[Commit]:
        """The commits a merge brought in from its other parents, without their files."""
        if len(merge.parents) < 2:
            return []
        shown = self.git("log", f"--format={LOG_FORMAT}", f"{merge.parents[0]}..{merge.sha}")
        return [c for c in parse_log(shown.stdout) if c.sha != merge.sha] if shown.returncode == 0 else []

    def remote_url(self) -> str:
        found = self.git("remote", "get-url", "origin")
        return found.stdout.strip() if found.returncode == 0 else ""


def parse_log(text: str) -> list[Commit]:
    commits = []
    for record in text.split(RECORD)[1:]:
        sha, parents, date, author, email, message, rest = record.split(FIELD, 6)
        files = tuple(name.lstrip("\n") for name in rest.split("\0") if name.strip("\n"))
        commits.append(Commit(sha, tuple(parents.split()), date, author, email, message.strip(), files))
    return commits


def open_repository(directory: Path, option: str = "--program") -> Repository:
    """The repository that holds `directory`, or exit 2 naming the directory."""
    if shutil.which("git") is None:
        raise PreflightInputError("git is not installed; preflight reads the change history with it")
    if not directory.is_dir():
        raise PreflightInputError(f"{option} {directory}: no such directory")
    top = subprocess.run(["git", "-C", str(directory), "rev-parse", "--show-toplevel", "--is-shallow-repository"],
                         capture_output=True, text=True)
    if top.returncode != 0:
        raise PreflightInputError(f"{option} {directory}: not in a git repository; the change history is read "
                                  "from the program's repository")
    root, shallow = top.stdout.splitlines()[:2]
    return Repository(Path(root), shallow.strip() == "true")
