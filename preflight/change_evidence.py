"""The change log as `preflight changes` and `preflight evidence --since` produce it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .changes import ChangeLog, ChangeOptions, read_changes, ticket_pattern
from .changes_report import render_change_csv, render_change_markdown
from .github_reviews import add_reviews, repository_from, token_from_environment
from .project import StackConfig, load_project, load_stack_config

DESCRIBED = {
    "changes.md": "every change that reached the branch since --since: commit, date, author, pull request, tickets "
                  "and files, with the changes that had no pull request or no ticket listed as exceptions",
    "changes.csv": "the same changes, one row each, for sampling in a spreadsheet",
}


@dataclass
class ChangeRequest:
    program: Path
    since: str
    until: str = "HEAD"
    stack: str | None = None
    pattern: str | None = None
    github: str | None = None
    """None offline; "" to take OWNER/REPO from the origin remote."""


def stack_config(program: Path, stack: str | None) -> StackConfig | None:
    return load_stack_config(load_project(program), stack) if stack else None


def change_log(request: ChangeRequest, stack: StackConfig | None = None) -> ChangeLog:
    pattern, origin = ticket_pattern(stack or stack_config(request.program, request.stack), request.pattern)
    token = token_from_environment() if request.github is not None else ""
    log, repo = read_changes(ChangeOptions(request.program, request.since, request.until, pattern, origin))
    if request.github is not None:
        log = add_reviews(log, repository_from(request.github, repo.remote_url()), token)
    return log


def change_files(log: ChangeLog) -> dict[str, str]:
    return {"changes.md": render_change_markdown(log), "changes.csv": render_change_csv(log)}
