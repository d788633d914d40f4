"""Access control policy: groups, MFA, passwords, people and de-provisioning (CC6.1, CC6.2, CC6.3)."""

from __future__ import annotations

from ..document import Document
from .facts import Facts, value, yes

CRITERIA = ["CC6.1", "CC6.2", "CC6.3"]


def build(facts: Facts) -> Document:
    doc = facts.document("Access control policy", CRITERIA, [
        "Access is granted to groups, never to individuals; administrators are a separate group.",
        "Every human sign-in requires MFA; long-lived access keys are not issued to people.",
        "One roster lists everyone. Removing a person from it, or reaching the day after their end date, removes "
        "their AWS, GitHub, Datadog and PagerDuty access in the same change, within one business day of their "
        "departure.",
        "Access is reviewed every quarter (access-review.md)."])
    _identity_center(doc, facts)
    doc.heading(2, "AWS groups")
    attachments = facts.of("aws:iam/groupPolicyAttachment:GroupPolicyAttachment")
    policies = {p.urn: p.name for p in facts.of("aws:iam/policy:Policy")}
    rows = []
    for group in facts.of("aws:iam/group:Group"):
        attached = [a for a in attachments if group.urn in a.property_dependencies.get("group", [])
                    or value(a, "group") == value(group, "name")]
        names = [next((policies[u] for u in a.property_dependencies.get("policyArn", []) if u in policies),
                      str(value(a, "policyArn")).rsplit("/", 1)[-1]) for a in attached]
        members = sum(value(group, "name") in value(m, "groups", [])
                      for m in facts.of("aws:iam/userGroupMembership:UserGroupMembership"))
        rows.append([value(group, "name", group.name), ", ".join(sorted(names)) or "none", str(members)])
    if rows:
        doc.table(["Group", "Policies", "Members"], rows)
    else:
        doc.paragraph("No IAM groups or users: people reach AWS through IAM Identity Center.")
    doc.paragraph(facts.enforcement("iam-group-mfa-enforced", "iam-user-in-group", "iam-user-no-access-keys",
                                    "iam-user-no-inline-policy", "iam-group-admin-policy-restricted"))
    doc.heading(2, "Passwords")
    for p in facts.of("aws:iam/accountPasswordPolicy:AccountPasswordPolicy"):
        doc.items([f"Minimum length: {value(p, 'minimumPasswordLength')}",
                   f"Reuse prevention: last {value(p, 'passwordReusePrevention')} passwords",
                   f"Maximum age: {value(p, 'maxPasswordAge', 'none')} days",
                   "Requires lowercase, uppercase, numbers and symbols: " + yes(all(
                       value(p, k, None) is True for k in ("requireLowercaseCharacters", "requireUppercaseCharacters",
                                                           "requireNumbers", "requireSymbols")))])
    doc.paragraph(facts.enforcement("iam-passwordpolicy-length", "iam-passwordpolicy-reuse", "iam-passwordpolicy-complexity"))
    doc.heading(2, "GitHub")
    settings = facts.of("github:index/organizationSettings:OrganizationSettings")
    members = facts.of("github:index/membership:Membership")
    doc.items([f"Base repository permission: {value(s, 'defaultRepositoryPermission', 'read')}" for s in settings] +
              [f"Organization members managed here: {len(members)}, of whom "
               f"{sum(value(m, 'role') == 'admin' for m in members)} administrators",
               f"Teams: {', '.join(str(value(t, 'name')) for t in facts.of('github:index/team:Team')) or 'none'}"])
    doc.paragraph(facts.enforcement("github-organizationsettings-base-permission", "github-organization-two-factor-required"))
    doc.heading(2, "Responsibilities")
    doc.items(["HR notifies the platform team of every departure on the day; the roster change is merged within one "
               "business day.", "Managers review access-review.md each quarter and sign it.",
               "GitHub's two-factor requirement is enabled in the organization's security settings (there is no API "
               "to enforce it from code)."] +
              (["IAM Identity Center requires MFA at every sign-in, set in its console (no API reads or sets it)."]
               if facts.of("aws:ssoadmin/permissionSet:PermissionSet") else []))
    return doc


def _identity_center(doc: Document, facts: Facts) -> None:
    """Permission sets: session length, policies and the groups assigned them (absent with IAM users)."""
    sets = facts.of("aws:ssoadmin/permissionSet:PermissionSet")
    if not sets:
        return
    doc.heading(2, "IAM Identity Center permission sets")
    managed = facts.of("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment")
    inline = facts.of("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")
    rows = []
    for permission_set in sets:
        mine = lambda r: permission_set.urn in r.property_dependencies.get("permissionSetArn", [])  # noqa: E731
        policies = sorted(str(value(a, "managedPolicyArn")).rsplit("/", 1)[-1] for a in managed if mine(a))
        policies += ["inline guard rails"] * sum(1 for i in inline if mine(i))
        rows.append([str(value(permission_set, "name", permission_set.name)),
                     str(value(permission_set, "sessionDuration", "PT1H")), ", ".join(policies) or "none"])
    doc.table(["Permission set", "Session", "Policies"], rows)
    doc.paragraph(facts.enforcement("sso-permissionset-session-duration", "sso-permissionset-admin-roster-only",
                                    "sso-permissionset-inline-no-wildcard", "sso-directory-no-iam-users",
                                    "sso-instance-mfa-required"))
