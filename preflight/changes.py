"""`preflight changes --since REF`: every change that reached the branch, as change-management evidence.

Each commit on the branch's first-parent line that touched the program's directory is one change:
a merge commit ("Merge pull request #N from owner/branch"), a squash merge ("Title (#N)"), or a
commit pushed straight to the branch. Ticket ids are found by the stack's ticket pattern in what
the pull request left in git (its title and branch) and in the commit messages. A change with no
pull request or no ticket is an exception, for the auditor's sample. Offline, nothing but git is
read; `--github` adds reviewers and approvals from GitHub's API (github_reviews.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from .errors import PreflightInputError
from .git_history import Commit, Repository, open_repository
from .project import StackConfig

TICKET_SETTING = "soc2-baseline:github"
TICKET_KEY = "ticketPattern"
DEFAULT_TICKET_PATTERN = r"[A-Z][A-Z0-9]+-\d+"
"""The baseline's default (GitHubSettings.ticket_pattern in components/baseline_settings.py, and the ticket
workflow's fallback; tests keep the three equal)."""

MERGE_MESSAGE = re.compile(r"^Merge pull request #(\d+) from (\S+)")
SQUASH_SUBJECT = re.compile(r"\(#(\d+)\)\s*$")

Via = Literal["merge", "squash", "pull request", "direct"]
NO_PULL_REQUEST, NO_TICKET, NOT_APPROVED = "no pull request", "no ticket", "no approval"


@dataclass(frozen=True)
class Review:
    """What GitHub's API says about a change's pull request (--github)."""
    reviewers: tuple[str, ...]
    approvers: tuple[str, ...]
    merged_by: str = ""


@dataclass(frozen=True)
class Change:
    commit: str
    date: str
    author: str
    subject: str
    pull_request: int | None
    branch: str
    tickets: tuple[str, ...]
    files: tuple[str, ...]
    via: Via
    review: Review | None = None

    @property
    def through_pull_request(self) -> bool:
        return self.pull_request is not None

    @property
    def exceptions(self) -> list[str]:
        found = [] if self.through_pull_request else [NO_PULL_REQUEST]
        found += [] if self.tickets else [NO_TICKET]
        if self.review is not None and self.through_pull_request and not self.review.approvers:
            found.append(NOT_APPROVED)
        return found

    def to_json(self) -> dict[str, object]:
        return {"commit": self.commit, "date": self.date, "author": self.author, "subject": self.subject,
                "pullRequest": self.pull_request, "branch": self.branch or None, "tickets": list(self.tickets),
                "files": list(self.files), "via": self.via, "throughPullRequest": self.through_pull_request,
                "reviewers": list(self.review.reviewers) if self.review else None,
                "approvers": list(self.review.approvers) if self.review else None,
                "exceptions": self.exceptions}


@dataclass
class ChangeLog:
    since: str
    until: str
    since_commit: str
    until_commit: str
    repository: Path
    path: str
    ticket_pattern: str
    changes: list[Change] = field(default_factory=list)
    github: str = ""
    """OWNER/REPO whose API added the reviews, or empty offline."""

    @property
    def exceptions(self) -> list[Change]:
        return [c for c in self.changes if c.exceptions]

    def source(self) -> str:
        if self.github:
            return (f"git history, with pull requests, reviewers and approvals from the GitHub API for "
                    f"{self.github}")
        return ("git history alone, offline: pull requests are recognised from merge and squash commit messages, "
                "and reviewers and approvals are not shown (run `preflight changes --github` with GITHUB_TOKEN "
                "set to add them from the GitHub API)")

    def summary(self) -> str:
        return (f"{len(self.changes)} changes to {self.path} from {self.since} to {self.until}, "
                f"{len(self.exceptions)} exceptions ({'git and the GitHub API' if self.github else 'offline, from git alone'})")

    def to_json(self) -> str:
        return json.dumps({"since": self.since, "until": self.until, "sinceCommit": self.since_commit,
                           "untilCommit": self.until_commit, "path": self.path, "ticketPattern": self.ticket_pattern,
                           "source": self.source(), "github": self.github or None,
                           "summary": {"changes": len(self.changes), "exceptions": len(self.exceptions)},
                           "changes": [c.to_json() for c in self.changes]}, indent=2) + "\n"


def compile_ticket_pattern(pattern: str, origin: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise PreflightInputError(f"{origin} {pattern!r}: not a regular expression ({err}); allowed: a Python "
                                  f"regular expression such as {DEFAULT_TICKET_PATTERN}") from None
    if compiled.search(""):
        raise PreflightInputError(f"{origin} {pattern!r}: matches an empty string, so every change would name a "
                                  f"ticket; allowed: a pattern such as {DEFAULT_TICKET_PATTERN}")
    return compiled


def ticket_pattern(stack: StackConfig | None, given: str | None = None) -> tuple[str, str]:
    """The pattern and where it came from: --ticket-pattern, else the stack's github.ticketPattern, else the default."""
    if given is not None:
        return given, "--ticket-pattern"
    try:
        github = json.loads(stack.values.get(TICKET_SETTING, "{}")) if stack else {}
    except json.JSONDecodeError:
        github = {}
    named = github.get(TICKET_KEY) if isinstance(github, dict) else None
    if isinstance(named, str) and named:
        return named, f"{stack.file}: {TICKET_SETTING}.{TICKET_KEY}"  # type: ignore[union-attr]
    return DEFAULT_TICKET_PATTERN, "the default ticket pattern"


def _tickets(pattern: re.Pattern[str], *texts: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for text in texts:
        for match in pattern.finditer(text):
            found[match.group(0)] = None
    return tuple(found)


def classify(commit: Commit, side: list[Commit], pattern: re.Pattern[str], path_prefix: str) -> Change:
    subject = commit.message.splitlines()[0] if commit.message else ""
    merge = MERGE_MESSAGE.match(commit.message)
    squash = SQUASH_SUBJECT.search(subject)
    number = int(merge.group(1)) if merge else int(squash.group(1)) if squash and len(commit.parents) < 2 else None
    branch = merge.group(2).split("/", 1)[-1] if merge else ""
    via: Via = "merge" if merge or len(commit.parents) > 1 else "squash" if number is not None else "direct"
    authors = list(dict.fromkeys(f"{c.author} <{c.email}>" for c in side)) if side else [f"{commit.author} <{commit.email}>"]
    files = tuple(f[len(path_prefix):] if path_prefix and f.startswith(path_prefix) else f for f in commit.files)
    return Change(commit.sha, commit.date, ", ".join(authors), subject, number, branch,
                  _tickets(pattern, commit.message, *(c.message for c in side)), files, via)


def with_review(change: Change, number: int | None, title: str, branch: str, review: Review,
                pattern: re.Pattern[str]) -> Change:
    """The change as GitHub knows it: its pull request (found for rebase merges too), title, branch and reviews."""
    via: Via = change.via if change.pull_request is not None or number is None else "pull request"
    return replace(change, pull_request=number if number is not None else change.pull_request,
                   branch=branch or change.branch, via=via, review=review,
                   tickets=tuple(dict.fromkeys(change.tickets + _tickets(pattern, title, branch))))


@dataclass
class ChangeOptions:
    program: Path
    since: str
    until: str = "HEAD"
    pattern: str = DEFAULT_TICKET_PATTERN
    pattern_origin: str = "the default ticket pattern"


def read_changes(options: ChangeOptions) -> tuple[ChangeLog, Repository]:
    """Every change to the program's directory that reached `until` after `since`, from git alone."""
    pattern = compile_ticket_pattern(options.pattern, options.pattern_origin)
    repo = open_repository(options.program)
    since, until = repo.commit_of(options.since, "--since"), repo.commit_of(options.until, "--until")
    repo.check_range(since, until, (options.since, options.until))
    relative = options.program.resolve().relative_to(repo.root.resolve()).as_posix()
    path = "." if relative in ("", ".") else relative
    prefix = "" if path == "." else path + "/"
    log = ChangeLog(options.since, options.until, since, until, repo.root, path, options.pattern)
    for commit in repo.first_parent_log(since, until, path):
        log.changes.append(classify(commit, repo.side_commits(commit), pattern, prefix))
    return log, repo

