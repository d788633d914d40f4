"""The change log as Markdown, CSV or JSON: one row per change, exceptions listed for the auditor's sample."""

from __future__ import annotations

import csv
import io

from .changes import Change, ChangeLog
from .document import Document

SHOWN_FILES = 5


def _files(change: Change) -> str:
    shown = ", ".join(f"`{f}`" for f in change.files[:SHOWN_FILES])
    more = len(change.files) - SHOWN_FILES
    return shown + (f" and {more} more" if more > 0 else "")


def _pull_request(change: Change) -> str:
    return f"#{change.pull_request}" if change.pull_request is not None else "-"


def change_document(log: ChangeLog) -> Document:
    doc = Document(f"Changes to `{log.path}` from {log.since} to {log.until}")
    doc.paragraph(f"Every change that reached `{log.until}` (`{log.until_commit[:12]}`) after `{log.since}` "
                  f"(`{log.since_commit[:12]}`) and touched `{log.path}` in `{log.repository.name}`, one row each. "
                  f"Read from {log.source()}.")
    doc.paragraph(f"Ticket ids match `{log.ticket_pattern}` in the pull request's title or branch (as merge "
                  "commits record them) or in the commit messages. A change with no pull request or no ticket is "
                  "an exception" + (", and so is a pull request merged without an approving review" if log.github
                                    else "") + ".")
    doc.table(["Changes", "Through a pull request", "With a ticket", "Exceptions"],
              [[str(len(log.changes)), str(sum(c.through_pull_request for c in log.changes)),
                str(sum(bool(c.tickets) for c in log.changes)), str(len(log.exceptions))]])
    headers = ["Commit", "Date", "Author", "Pull request", "Tickets", "Files", "Through a pull request"]
    if log.github:
        headers += ["Reviewers", "Approved by"]
    doc.heading(2, f"Changes ({len(log.changes)})")
    doc.table(headers + ["Exceptions"], [_row(log, c) for c in log.changes])
    doc.heading(2, f"Exceptions ({len(log.exceptions)})")
    doc.items([f"`{c.commit[:12]}` {c.date} {c.author}: {c.subject} ({', '.join(c.exceptions)})"
               for c in log.exceptions] or ["none: every change went through a pull request that names a ticket"])
    return doc


def _row(log: ChangeLog, change: Change) -> list[str]:
    row = [f"`{change.commit[:12]}`", change.date, change.author, _pull_request(change),
           ", ".join(change.tickets) or "-", _files(change), "yes" if change.through_pull_request else "no"]
    if log.github:
        review = change.review
        row += [", ".join(review.reviewers) or "-" if review else "-", ", ".join(review.approvers) or "-" if review else "-"]
    return row + [", ".join(change.exceptions) or "-"]


def render_change_markdown(log: ChangeLog) -> str:
    return change_document(log).markdown()


def render_change_csv(log: ChangeLog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["commit", "date", "author", "subject", "pull_request", "branch", "tickets", "files",
                     "through_pull_request", "via", "reviewers", "approvers", "exceptions"])
    for c in log.changes:
        writer.writerow([c.commit, c.date, c.author, c.subject, c.pull_request or "", c.branch, "; ".join(c.tickets),
                         "; ".join(c.files), "yes" if c.through_pull_request else "no", c.via,
                         "; ".join(c.review.reviewers) if c.review else "", "; ".join(c.review.approvers) if c.review else "",
                         "; ".join(c.exceptions)])
    return out.getvalue()


CHANGE_RENDERERS = {"markdown": render_change_markdown, "csv": render_change_csv, "json": ChangeLog.to_json}
