"""`preflight changes` and the bundle's change evidence, on a repository the test builds: a merge commit, squash
merges, direct pushes, a change outside the program; `--github` against recorded API responses on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from preflight.check import CheckOptions
from preflight.evidence import EvidenceOptions, evidence
from tests.conftest import FIXTURES, run_cli

API_FIXTURES = FIXTURES / "github_api"
ADA, ALAN, GRACE = ("Ada Lovelace", "ada@example.com"), ("Alan Turing", "alan@example.com"), \
    ("Grace Hopper", "grace@example.com")


class History:
    """A repository with the program in service/, built commit by commit with fixed authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        self.shas: dict[str, str] = {}

    def git(self, *args: str, who: tuple[str, str] = ADA) -> str:
        self.day += args[0] in ("commit", "merge")  # one day per commit
        date = f"2026-03-{self.day:02d}T10:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
               "GIT_COMMITTER_EMAIL": who[1], "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True)
        return done.stdout.strip()

    def commit(self, subject: str, files: dict[str, str], who: tuple[str, str] = ADA, body: str = "") -> str:
        for name, text in files.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text)
        self.git("add", *files)
        self.git("commit", "-q", "-m", subject, *(["-m", body] if body else []), who=who)
        self.shas[subject] = self.git("rev-parse", "HEAD")
        return self.shas[subject]


def build_history(root: Path) -> History:
    shutil.copytree(FIXTURES / "component_program", root / "service")
    h = History(root)
    h.git("init", "-q", "-b", "main")
    h.git("remote", "add", "origin", "git@github.com:acme/infra.git")
    h.git("add", ".")
    h.git("commit", "-q", "-m", "Initial commit")
    h.git("tag", "v1")
    h.git("checkout", "-q", "-b", "PLAT-1-network")
    h.commit("Add the network", {"service/network.py": "VPC = 1\n"}, who=GRACE)
    h.commit("Two zones", {"service/network.py": "VPC = 2\n"}, who=GRACE)
    h.git("checkout", "-q", "main")
    h.git("merge", "-q", "--no-ff", "PLAT-1-network", "-m", "Merge pull request #11 from acme/PLAT-1-network",
          "-m", "Add the network")
    h.shas["Merge pull request #11 from acme/PLAT-1-network"] = h.git("rev-parse", "HEAD")
    h.commit("PLAT-2 Encrypt the bucket (#12)", {"service/bucket.py": "ENCRYPTED = True\n"}, who=ALAN,
             body="* encrypt\n* block public access")
    h.commit("hotfix: open port", {"service/network.py": "VPC = 2\nPORT = 22\n"}, who=ALAN)
    h.commit("Docs (#13)", {"docs/guide.md": "# Guide\n"})
    h.commit("Tidy up (#14)", {"service/bucket.py": "ENCRYPTED = True  # tidy\n"}, who=ALAN)
    h.git("tag", "v2")
    h.commit("OPS-3 rotate the key", {"service/key.py": "ROTATE = True\n"}, who=ALAN)
    return h


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    return build_history(tmp_path_factory.mktemp("history") / "infra")


def changes(history: History, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("changes", "--program", str(history.root / "service"), *args, env=env)


def as_json(history: History, *args: str, env: dict[str, str] | None = None) -> dict:
    result = changes(history, "--since", "v1", "--format", "json", *args, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_change_to_the_program_is_one_row_with_its_pull_request_tickets_and_files(history):
    report = as_json(history)
    rows = {c["subject"]: c for c in report["changes"]}
    assert list(rows) == ["Merge pull request #11 from acme/PLAT-1-network", "PLAT-2 Encrypt the bucket (#12)",
                          "hotfix: open port", "Tidy up (#14)", "OPS-3 rotate the key"]  # not Docs (#13): outside
    merge = rows["Merge pull request #11 from acme/PLAT-1-network"]
    assert merge == {
        "commit": history.shas["Merge pull request #11 from acme/PLAT-1-network"], "date": "2026-03-04T10:00:00+00:00",
        "author": "Grace Hopper <grace@example.com>", "subject": "Merge pull request #11 from acme/PLAT-1-network",
        "pullRequest": 11, "branch": "PLAT-1-network", "tickets": ["PLAT-1"], "files": ["network.py"], "via": "merge",
        "throughPullRequest": True, "reviewers": None, "approvers": None, "exceptions": []}
    squash = rows["PLAT-2 Encrypt the bucket (#12)"]
    assert (squash["pullRequest"], squash["via"], squash["tickets"], squash["author"]) == \
        (12, "squash", ["PLAT-2"], "Alan Turing <alan@example.com>")
    assert rows["hotfix: open port"]["via"] == "direct" and rows["hotfix: open port"]["pullRequest"] is None
    assert {s: c["exceptions"] for s, c in rows.items() if c["exceptions"]} == {
        "hotfix: open port": ["no pull request", "no ticket"], "Tidy up (#14)": ["no ticket"],
        "OPS-3 rotate the key": ["no pull request"]}
    assert report["summary"] == {"changes": 5, "exceptions": 3}
    assert report["path"] == "service" and report["github"] is None
    assert report["source"].startswith("git history alone, offline")


def test_the_markdown_says_it_read_git_alone_and_lists_the_exceptions_for_the_sample(history):
    result = changes(history, "--since", "v1", "--until", "v2")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert report.startswith("# Changes to `service` from v1 to v2\n")
    assert "Read from git history alone, offline" in report and "--github" in report
    assert "| 4 | 3 | 2 | 2 |" in report  # changes, through a pull request, with a ticket, exceptions
    assert (f"| `{history.shas['hotfix: open port'][:12]}` | 2026-03-06T10:00:00+00:00 | Alan Turing <alan@example.com> "
            "| - | - | `network.py` | no | no pull request, no ticket |") in report
    assert "OPS-3" not in report  # after v2
    assert "## Exceptions (2)" in report and "Tidy up (#14) (no ticket)" in report
    assert result.stderr.strip() == "4 changes to service from v1 to v2, 2 exceptions (offline, from git alone)"


def test_the_csv_has_one_row_per_change_with_every_file(history, tmp_path):
    out = tmp_path / "changes.csv"
    result = changes(history, "--since", "v1", "--format", "csv", "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["pull_request"] for r in rows] == ["11", "12", "", "14", ""]
    assert rows[0]["tickets"] == "PLAT-1" and rows[0]["through_pull_request"] == "yes"
    assert rows[2]["exceptions"] == "no pull request; no ticket"


def test_the_ticket_pattern_comes_from_the_option_else_the_stack_setting(history, tmp_path):
    by_option = as_json(history, "--ticket-pattern", r"OPS-\d+")
    assert [c["tickets"] for c in by_option["changes"]] == [[], [], [], [], ["OPS-3"]]
    assert by_option["ticketPattern"] == r"OPS-\d+"
    by_stack = as_json(history, "--stack", "test")  # the fixture stack sets no pattern: the default
    assert by_stack["ticketPattern"] == r"[A-Z][A-Z0-9]+-\d+"


@pytest.mark.parametrize("args, message", [
    (("--since", "v9"), "preflight: --since v9: no such commit, branch or tag in {root}\n"),
    (("--since", "v1", "--until", "nope"), "preflight: --until nope: no such commit, branch or tag in {root}\n"),
    (("--since=--all",), "preflight: --since '--all': not a git ref; give a commit, branch or tag\n"),
    (("--since", "v1", "--ticket-pattern", "[A-Z"), "preflight: --ticket-pattern '[A-Z': not a regular expression "
     "(unterminated character set at position 0); allowed: a Python regular expression such as [A-Z][A-Z0-9]+-\\d+\n"),
    (("--since", "v1", "--ticket-pattern", ".*"), "preflight: --ticket-pattern '.*': matches an empty string, so "
     "every change would name a ticket; allowed: a pattern such as [A-Z][A-Z0-9]+-\\d+\n"),
])
def test_a_bad_ref_or_pattern_exits_2_naming_it_and_writes_nothing(history, tmp_path, strays, args, message):
    out = tmp_path / "changes.md"
    result = changes(history, *args, "--output", str(out), env=strays.env())
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == message.format(root=history.root)
    assert not out.exists()


def test_a_directory_outside_any_repository_exits_2_naming_it(tmp_path, strays):
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    result = run_cli("changes", "--since", "v1", "--program", str(lonely), env={**strays.env(), "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == (f"preflight: --program {lonely}: not in a git repository; the change history is read "
                             "from the program's repository\n")


def test_a_shallow_clone_that_lacks_the_ref_exits_2_saying_how_to_fetch_it(history, tmp_path, strays):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-tags", history.root.as_uri(), str(clone)], check=True,
                   capture_output=True)
    result = run_cli("changes", "--since", history.shas["hotfix: open port"], "--program", str(clone / "service"),
                     env=strays.env())
    assert result.returncode == 2
    assert result.stderr == (f"preflight: --since {history.shas['hotfix: open port']}: not in this shallow clone of "
                             f"{clone}, whose history is cut off; fetch the whole history (git fetch --unshallow; in "
                             "GitHub Actions, actions/checkout with fetch-depth: 0)\n")


# --- --github, against recorded responses ------------------------------------------------------------

class RecordedApi(BaseHTTPRequestHandler):
    """Serves tests/fixtures/github_api as GitHub would, for the token `test-token` only."""

    history: History
    routes: dict[str, str]
    seen: list[str]

    def do_GET(self) -> None:  # noqa: N802 the handler's name
        self.seen.append(self.path)
        if self.headers.get("Authorization") != "Bearer test-token" or \
                self.headers.get("X-GitHub-Api-Version") != "2022-11-28":
            return self.answer(401, "bad-credentials.json")
        name = self.routes.get(self.path)
        return self.answer(200, name) if name else self.answer(404, None)

    def answer(self, status: int, name: str | None, link: str = "") -> None:
        text = (API_FIXTURES / name).read_text() if name else '{"message": "Not Found"}'
        text = re.sub(r"\{sha:([^}]+)\}", lambda m: self.history.shas[m.group(1)], text)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if name == "pulls-11-reviews-page-1.json":
            self.send_header("Link", f'<http://{self.headers["Host"]}/repos/acme/infra/pulls/11/reviews?per_page=100&page=2>; '
                                     'rel="next", <http://x/last>; rel="last"')
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def github_api(history):
    base = "/repos/acme/infra/"
    routes = {
        f"{base}pulls/11": "pulls-11.json", f"{base}pulls/11/reviews?per_page=100": "pulls-11-reviews-page-1.json",
        f"{base}pulls/11/reviews?per_page=100&page=2": "pulls-11-reviews-page-2.json",
        f"{base}pulls/12": "pulls-12.json", f"{base}pulls/12/reviews?per_page=100": "pulls-12-reviews.json",
        f"{base}pulls/14": "pulls-14.json", f"{base}pulls/14/reviews?per_page=100": "pulls-14-reviews.json",
        f"{base}commits/{history.shas['hotfix: open port']}/pulls?per_page=100": "commit-direct-pulls.json",
        f"{base}commits/{history.shas['OPS-3 rotate the key']}/pulls?per_page=100": "commit-rebased-pulls.json",
        f"{base}pulls/15/reviews?per_page=100": "pulls-15-reviews.json"}
    handler = type("Api", (RecordedApi,), {"history": history, "routes": routes, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    yield handler, {**env, "GITHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}", "NO_PROXY": "127.0.0.1",
                    "GITHUB_TOKEN": "test-token"}
    server.shutdown()
    server.server_close()


def test_github_mode_adds_reviewers_and_approvals_and_finds_rebase_merges(history, github_api):
    handler, env = github_api
    report = as_json(history, "--github", env=env)
    rows = {c["subject"]: c for c in report["changes"]}
    merge = rows["Merge pull request #11 from acme/PLAT-1-network"]
    assert (merge["reviewers"], merge["approvers"]) == (["ada-l", "grace-h"], ["ada-l"])  # both pages read
    squash = rows["PLAT-2 Encrypt the bucket (#12)"]
    assert (squash["reviewers"], squash["approvers"]) == (["ada-l", "alan-t", "grace-h"], ["grace-h"])  # Ada's dismissed
    rebased = rows["OPS-3 rotate the key"]
    assert (rebased["pullRequest"], rebased["via"], rebased["branch"], rebased["approvers"]) == \
        (15, "pull request", "OPS-3-rotate", ["ada-l"])
    assert rows["hotfix: open port"]["exceptions"] == ["no pull request", "no ticket"]
    assert rows["Tidy up (#14)"]["exceptions"] == ["no ticket", "no approval"]
    assert report["github"] == "acme/infra" and "GitHub API for acme/infra" in report["source"]
    assert report["summary"] == {"changes": 5, "exceptions": 2}
    assert "/repos/acme/infra/pulls/13" not in handler.seen  # Docs (#13) is outside the program


def test_github_mode_markdown_has_reviewer_columns(history, github_api):
    _, env = github_api
    result = changes(history, "--since", "v1", "--until", "v2", "--github", "acme/infra", env=env)
    assert result.returncode == 0, result.stderr
    assert "| Reviewers | Approved by | Exceptions |" in result.stdout
    assert "| #12 | PLAT-2 | `bucket.py` | yes | ada-l, alan-t, grace-h | grace-h | - |" in result.stdout
    assert result.stderr.strip().endswith("(git and the GitHub API)")


def test_github_mode_without_a_token_or_with_a_refused_one_exits_2_naming_it(history, github_api, tmp_path, strays):
    _, env = github_api
    out = tmp_path / "changes.md"
    missing = changes(history, "--since", "v1", "--github", "--output", str(out),
                      env={**strays.env(), **env, "GITHUB_TOKEN": "", "GH_TOKEN": ""})
    assert missing.returncode == 2 and missing.stderr == (
        "preflight: --github: GITHUB_TOKEN is not set; set it to a token that can read the repository's pull requests "
        "(in Actions, the job's github.token)\n")
    refused = changes(history, "--since", "v1", "--github", "--output", str(out),
                      env={**strays.env(), **env, "GITHUB_TOKEN": "wrong"})
    assert refused.returncode == 2 and refused.stderr == (
        "preflight: GitHub API GET /repos/acme/infra/pulls/11: 401 Bad credentials; GITHUB_TOKEN was refused; give a "
        "valid token\n")
    bad_repo = changes(history, "--since", "v1", "--github", "not a repo", env={**strays.env(), **env})
    assert bad_repo.returncode == 2 and "--github not a repo: not OWNER/REPO" in bad_repo.stderr
    assert not out.exists()


# --- the bundle ---------------------------------------------------------------------------------------

def test_evidence_since_adds_the_change_log_and_the_page_shows_its_exceptions(history, tmp_path):
    out = tmp_path / "bundle"
    _, files = evidence(EvidenceOptions(out, CheckOptions(history.root / "service", "test"), since="v1"))
    assert {"changes.md", "changes.csv", "evidence.html"} <= set(files)
    assert (out / "changes.md").read_text() == files["changes.md"]
    assert "## Exceptions (3)" in files["changes.md"] and "hotfix: open port (no pull request, no ticket)" in files["changes.md"]
    assert len(list(csv.DictReader(io.StringIO(files["changes.csv"])))) == 5
    page = files["evidence.html"]
    assert "Change exceptions since v1 (3 of 5 changes)" in page and "hotfix: open port" in page
    assert "`changes.md`: every change that reached the branch since --since" in files["README.md"]
    without = evidence(EvidenceOptions(tmp_path / "plain", CheckOptions(history.root / "service", "test")))[1]
    assert "changes.md" not in without and "Change exceptions" not in without["evidence.html"]
