"""Holding accounts in any system against the roster a stack registers.

A policy sees only registered resources, so the roster reaches the pack as a resource:
`soc2:identity:Roster` (components/roster_record.py), whose `people` input lists each person's
e-mail, GitHub login, roles per system (`awsGroups`, `githubRole`, `systems`), `admin`, `until`
and `active` (still granted access on the day of the run). The sso module declares its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Iterable

from .framework import Resource, Stack

ROSTER = "soc2:identity:Roster"

Entry = Mapping[str, Any]
Grants = Callable[[Entry], bool]
"""Whether a roster entry is given access in the system being checked."""


def entries(stack: Stack) -> dict[str, Entry] | None:
    """E-mail (lower case) to roster entry, from the stack's roster; None when the stack registers none."""
    rosters = stack.of_type(ROSTER)
    if not rosters:
        return None
    found: dict[str, Entry] = {}
    for roster in rosters:
        for entry in roster.list("people"):
            if isinstance(entry, Mapping) and isinstance(entry.get("email"), str):
                found[entry["email"].lower()] = entry
    return found


def problem(entry: Entry | None, grants: Grants, system: str) -> str | None:
    """Why a roster entry does not back an account in `system`; None when it does."""
    if entry is None:
        return "is not on the roster"
    if entry.get("active") is not True:
        return f"is past their until date ({entry.get('until', 'unknown')}) on the roster"
    if not grants(entry):
        return f"has no {system} access on the roster"
    return None


def off_roster(stack: Stack, accounts: list[Resource], email_path: str, grants: Grants, system: str,
               what: str) -> Iterable[tuple[str, str]]:
    """A finding for each account whose e-mail is not an active roster entry granted `system`."""
    if not accounts:
        return
    people = entries(stack)
    for account in accounts:
        email = account.get(email_path)  # computed at deploy time: no verdict on who it is
        shown = email if isinstance(email, str) else "with no e-mail"
        if people is None:
            yield (f"{what} {shown} cannot be held against a reviewed list: the stack registers no {ROSTER} "
                   f"resource", account.urn)
        elif (why := problem(people.get(shown.lower()), grants, system)) is not None:
            yield f"{what} {shown} {why}, so nothing reviewed grants this account", account.urn


def has_system(system: str) -> Grants:
    def grants(entry: Entry) -> bool:
        systems = entry.get("systems")
        return isinstance(systems, Mapping) and isinstance(systems.get(system), str)
    return grants


def is_aws_admin(entry: Entry) -> bool:
    groups = entry.get("awsGroups")
    return isinstance(groups, list) and "admins" in groups


def has_aws_groups(entry: Entry) -> bool:
    groups = entry.get("awsGroups")
    return isinstance(groups, list) and bool(groups)
