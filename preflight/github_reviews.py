"""`preflight changes --github`: each change's pull request, reviewers and approvals from GitHub's REST API.

The token is read from GITHUB_TOKEN (or GH_TOKEN), never from the command line, where other users
of the machine could read it. GITHUB_API_URL points at GitHub Enterprise Server (Actions sets it).
A change with no pull request number in git (a rebase merge) is looked up by its commit. Approvers
are the reviewers whose latest review approves, the pull request's author excepted.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from .changes import Change, ChangeLog, Review, compile_ticket_pattern, with_review
from .errors import PreflightInputError

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
TIMEOUT_SECONDS = 30
REMOTE = re.compile(r"[/:]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
NEXT_PAGE = re.compile(r'<([^>]+)>;\s*rel="next"')


def repository_from(given: str, remote: str) -> str:
    """OWNER/REPO: as given to --github, else from the origin remote's URL."""
    if given:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", given):
            raise PreflightInputError(f"--github {given}: not OWNER/REPO; give the repository such as acme/infrastructure")
        return given
    match = REMOTE.search(remote)
    if not match:
        raise PreflightInputError(f"--github: the origin remote {remote or '(none)'} names no GitHub repository; "
                                  "give it as --github OWNER/REPO")
    return f"{match.group(1)}/{match.group(2)}"


def token_from_environment() -> str:
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or ""
    if not token.strip():
        raise PreflightInputError("--github: GITHUB_TOKEN is not set; set it to a token that can read the "
                                  "repository's pull requests (in Actions, the job's github.token)")
    return token.strip()


@dataclass
class GitHubApi:
    repository: str
    token: str
    base: str = field(default_factory=lambda: os.environ.get("GITHUB_API_URL", DEFAULT_API).rstrip("/"))

    def get(self, path: str) -> Any:
        """Every page of a GET, joined for lists."""
        url: str | None = f"{self.base}/repos/{self.repository}/{path}"
        pages: list[Any] = []
        while url:
            body, link = self._fetch(url)
            if not isinstance(body, list):
                return body
            pages.extend(body)
            match = NEXT_PAGE.search(link)
            url = match.group(1) if match else None
        return pages

    def _fetch(self, url: str) -> tuple[Any, str]:
        request = urllib.request.Request(url, headers={
            "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION,
            "Authorization": f"Bearer {self.token}", "User-Agent": "preflight-changes"})
        shown = url.removeprefix(self.base)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 the API's https URL
                return json.loads(response.read().decode("utf-8")), response.headers.get("Link", "")
        except urllib.error.HTTPError as err:
            raise PreflightInputError(f"GitHub API GET {shown}: {err.code} {_message(err)}; "
                                      f"{_hint(err.code, self.repository)}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise PreflightInputError(f"GitHub API GET {shown}: could not reach {self.base} ({reason}); "
                                      "run without --github to read git alone") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise PreflightInputError(f"GitHub API GET {shown}: the answer is not JSON") from None


def _message(err: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(err.read().decode("utf-8")).get("message", err.reason))
    except (ValueError, AttributeError, UnicodeDecodeError):
        return str(err.reason)


def _hint(code: int, repository: str) -> str:
    if code == 401:
        return "GITHUB_TOKEN was refused; give a valid token"
    if code in (403, 429):
        return "the token lacks access to pull requests, or the rate limit is spent"
    if code == 404:
        return f"no repository {repository}, or the token cannot see it"
    return "try again later"


def review_of(api: GitHubApi, pull: dict[str, Any]) -> Review:
    author = (pull.get("user") or {}).get("login", "")
    latest: dict[str, str] = {}
    for review in api.get(f"pulls/{pull['number']}/reviews?per_page=100"):
        login = (review.get("user") or {}).get("login", "")
        if login and review.get("state") in ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"):
            if review["state"] != "COMMENTED" or login not in latest:  # a comment does not undo an approval
                latest[login] = review["state"]
    approvers = tuple(sorted(login for login, state in latest.items() if state == "APPROVED" and login != author))
    return Review(tuple(sorted(latest)), approvers, (pull.get("merged_by") or {}).get("login", ""))


def _pull_for_commit(api: GitHubApi, change: Change) -> dict[str, Any] | None:
    for pull in api.get(f"commits/{change.commit}/pulls?per_page=100"):
        if pull.get("merged_at") and pull.get("merge_commit_sha") == change.commit:
            return pull
    return None


def add_reviews(log: ChangeLog, repository: str, token: str) -> ChangeLog:
    """The log with each change's pull request and reviews from the API."""
    api = GitHubApi(repository, token)
    pattern = compile_ticket_pattern(log.ticket_pattern, "ticket pattern")
    changes = []
    for change in log.changes:
        pull = api.get(f"pulls/{change.pull_request}") if change.pull_request is not None else \
            _pull_for_commit(api, change)
        if pull is None:
            changes.append(change)
            continue
        changes.append(with_review(change, int(pull["number"]), str(pull.get("title", "")),
                                   str((pull.get("head") or {}).get("ref", "")), review_of(api, pull), pattern))
    log.changes, log.github = changes, repository
    return log
