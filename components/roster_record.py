"""The roster as a resource, so that policies and the access review can hold every system's accounts
against the reviewed list.

A policy sees only what the program registers. `soc2:identity:Roster` carries each person's
identities (e-mail, GitHub login), their roles per system, whether they administer anything,
their `until` date and whether they are still granted access on the day of the run. It creates
nothing in any cloud.
"""

from __future__ import annotations

import datetime as dt

import pulumi

from .roster import Person, Roster


def roster_entry(person: Person, on: dt.date) -> dict[str, object]:
    entry: dict[str, object] = {
        "name": person.name, "email": person.email.lower(), "github": person.github.lower(),
        "awsGroups": list(person.aws_groups), "githubRole": person.github_role, "systems": dict(person.systems),
        "admin": person.is_admin(), "active": person.active(on)}
    if person.until is not None:
        entry["until"] = person.until.isoformat()
    return entry


class RosterRecord(pulumi.ComponentResource):
    """Registers the roster (everyone, including people past their `until` date) and the day it was read."""

    def __init__(self, name: str, roster: Roster, on: dt.date, opts: pulumi.ResourceOptions | None = None):
        record = {"asOf": on.isoformat(), "people": [roster_entry(p, on) for p in roster.people]}
        super().__init__("soc2:identity:Roster", name, record, opts)
        self.register_outputs(record)  # a stack policy sees a component's outputs
