"""Datadog accounts from the one roster: a user per person with a datadog role, holding that role's
built-in Datadog role (CC6.1, CC6.2, CC6.3).

Removing a person from the roster, or reaching the day after their `until` date, removes their user
in the same `pulumi up` (Datadog keeps a removed user as disabled, with no access).
"""

from __future__ import annotations

from typing import TypedDict

import pulumi

from .roster import Roster

DATADOG_ROLES = {"admin": "Datadog Admin Role", "standard": "Datadog Standard Role",
                 "read-only": "Datadog Read Only Role"}
"""Roster role to the name of Datadog's built-in role."""


class DatadogUsersArgs(TypedDict):
    roster: Roster
    """People granted access now, and their datadog role."""


class DatadogUsers(pulumi.ComponentResource):
    emails: pulumi.Output[list[str]]

    def __init__(self, name: str, args: DatadogUsersArgs, opts: pulumi.ResourceOptions | None = None):
        import pulumi_datadog as datadog  # imported only when used: the package takes seconds to load

        super().__init__("soc2:datadog:DatadogUsers", name, None, opts)
        people = args["roster"].with_system("datadog")
        roles = {role: datadog.get_role_output(filter=DATADOG_ROLES[role], opts=pulumi.InvokeOutputOptions(parent=self)).id
                 for role in sorted({p.systems["datadog"] for p in people})}
        users = [datadog.User(f"{name}-{person.email}", email=person.email, name=person.name,
                              roles=[roles[person.systems["datadog"]]], send_user_invitation=True, disabled=False,
                              opts=pulumi.ResourceOptions(parent=self))
                 for person in people]
        self.emails = pulumi.Output.all(*[u.email for u in users])
        self.register_outputs({"emails": self.emails})
