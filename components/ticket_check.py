"""The ticket check every managed repository gets: its workflow, its status check and its pattern's variable.

The workflow is committed to each managed repository (as CODEOWNERS is) before branch protection
requires its check, so a required check always has a workflow to report it. The text is the
repository's own `.github/workflows/ticket.yml`; a test keeps the two equal.
"""

TICKET_CHECK = "ticket"
"""The workflow's job id, which is the status check's name."""
TICKET_WORKFLOW_PATH = ".github/workflows/ticket.yml"
DEFAULT_TICKET_PATTERN = r"[A-Z][A-Z0-9]+-\d+"
"""The default of soc2-baseline:github.ticketPattern (preflight's changes.py and the workflow's fallback
say the same; tests keep them equal)."""
TICKET_VARIABLE = "TICKET_PATTERN"
"""The repository variable the workflow reads the pattern from."""

TICKET_WORKFLOW = r"""# Every pull request names its ticket, in its title or its branch name, so each change can be traced
# to the request that asked for it (SOC 2 CC8.1). Ticket ids match the repository variable
# TICKET_PATTERN (a Python regular expression), which the baseline sets on the repositories it
# manages from soc2-baseline:github.ticketPattern; without it, ids such as ABC-123. Editing the
# title reruns the check.
name: Ticket

on:
  pull_request:
    types: [opened, edited, reopened, synchronize]

permissions: {}

jobs:
  # The job's id is its status check's name: `ticket`, as branch protection requires it.
  ticket:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - name: The pull request names a ticket
        env:
          TITLE: ${{ github.event.pull_request.title }}
          BRANCH: ${{ github.head_ref }}
          PATTERN: ${{ vars.TICKET_PATTERN || '[A-Z][A-Z0-9]+-\d+' }}
        shell: python
        run: |
          import os
          import re
          import sys

          pattern, title, branch = os.environ["PATTERN"], os.environ["TITLE"], os.environ["BRANCH"]
          try:
              ticket = re.compile(pattern)
          except re.error as err:
              print(f"::error title=Bad ticket pattern::TICKET_PATTERN is not a regular expression ({err})")
              sys.exit(1)
          for place, text in (("title", title), ("branch name", branch)):
              found = ticket.search(text)
              if found:
                  print(f"Ticket {found.group(0)}, from the pull request's {place}")
                  sys.exit(0)
          print(f"::error title=No ticket::Name the ticket in the pull request's title or branch name: "
                f"an id matching {pattern} (for example ABC-123 in 'ABC-123 Rotate the database key')")
          print(f"Title: {title!r}; branch: {branch!r}")
          sys.exit(1)
"""
