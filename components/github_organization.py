"""GitHub organization protection: org settings, members and teams from the roster, and managed
repositories that are private, scanned, protected and labelled (CC6.2, CC6.3, CC6.8, CC7.1, CC8.1).

GitHub has no API to require two-factor authentication. The organization's requirement is read
through the provider's data source and registered as the `required` input of a
`soc2:github:OrganizationTwoFactor` resource, so the policy pack checks it and the stack
exports it. Offline it is unknown, and reported as not evaluated; it is never assumed.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_github as github

from .roster import Roster
from .ticket_check import DEFAULT_TICKET_PATTERN, TICKET_CHECK, TICKET_VARIABLE, TICKET_WORKFLOW, TICKET_WORKFLOW_PATH

LABELS = {
    "bug": ("d73a4a", "Something is not working"),
    "security": ("b60205", "Security issue or hardening; triaged within one business day"),
    "incident": ("e11d21", "Production incident; link the post-mortem"),
    "change": ("0e8a16", "Planned change; link the pull requests that implement it"),
}


class RepositorySpec(TypedDict):
    name: str
    """Repository name."""
    description: NotRequired[str]
    """Repository description."""
    visibility: NotRequired[Literal["private", "internal", "public"]]
    """Visibility (default private)."""
    default_branch: NotRequired[str]
    """Protected default branch (default main)."""
    required_status_checks: NotRequired[list[str]]
    """Checks that must pass (default ["preflight"]); the `ticket` check is always added."""
    team_permissions: NotRequired[dict[str, str]]
    """Roster team slug to permission."""


class OrganizationTwoFactor(pulumi.ComponentResource):
    """Makes the organization's 2FA requirement a resource input, so policies and outputs can see it."""

    required: pulumi.Output[bool]

    def __init__(self, name: str, organization: str, required: pulumi.Input[bool],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:github:OrganizationTwoFactor", name,
                         {"organization": organization, "required": required}, opts)
        self.required = pulumi.Output.from_input(required)
        self.register_outputs({"required": self.required})


class GitHubOrganizationArgs(TypedDict):
    organization: str
    """Organization login."""
    billing_email: str
    """Billing address the settings API requires."""
    security_contact: str
    """Where SECURITY.md tells people to report vulnerabilities."""
    required_reviews: int
    """Approving reviews on every default branch (at least 1)."""
    code_owners: list[str]
    """Owners written to CODEOWNERS for every path."""
    repositories: list[RepositorySpec]
    """Managed repositories."""
    roster: Roster
    """People and teams."""
    manage_organization_settings: NotRequired[bool]
    """Manage org-wide settings (needs an owner token; default true)."""
    require_signed_commits: NotRequired[bool]
    """Require signed commits on default branches (default true)."""
    ticket_pattern: NotRequired[str]
    """Ticket ids every pull request names in its title or branch (default [A-Z][A-Z0-9]+-\\d+)."""
    commit_message_ruleset: NotRequired[bool]
    """Also require every commit on default branches to name a ticket, through a ruleset (Enterprise plans; default false)."""


class GitHubOrganization(pulumi.ComponentResource):
    repository_names: pulumi.Output[list[str]]
    team_slugs: pulumi.Output[dict[str, str]]
    two_factor_required: pulumi.Output[bool]

    def __init__(self, name: str, args: GitHubOrganizationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:github:GitHubOrganization", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        roster = args["roster"]
        if args.get("manage_organization_settings", True):
            github.OrganizationSettings(
                f"{name}-settings", billing_email=args["billing_email"], default_repository_permission="read",
                members_can_create_repositories=False, members_can_create_public_repositories=False,
                members_can_create_private_repositories=False, members_can_create_internal_repositories=False,
                members_can_fork_private_repositories=False, members_can_create_public_pages=False,
                web_commit_signoff_required=True, dependabot_alerts_enabled_for_new_repositories=True,
                dependabot_security_updates_enabled_for_new_repositories=True,
                dependency_graph_enabled_for_new_repositories=True, secret_scanning_enabled_for_new_repositories=True,
                secret_scanning_push_protection_enabled_for_new_repositories=True, opts=child)
        two_factor = github.get_organization_output(name=args["organization"], summary_only=True,
                                                    opts=pulumi.InvokeOutputOptions(parent=self))
        check = OrganizationTwoFactor(f"{name}-two-factor", args["organization"],
                                      two_factor.two_factor_requirement_enabled, opts=child)

        for person in roster.people:
            github.Membership(f"{name}-member-{person.github}", username=person.github, role=person.github_role,
                              opts=child)
        teams = {slug: github.Team(f"{name}-team-{slug}", name=slug, description=team.description, privacy="closed",
                                   opts=child) for slug, team in roster.teams.items()}
        for person in roster.people:
            for slug in person.github_teams:
                github.TeamMembership(f"{name}-team-{slug}-{person.github}", team_id=teams[slug].id,
                                      username=person.github, role="member", opts=child)

        names = [self._repository(name, spec, teams, args) for spec in args["repositories"]]
        self.repository_names = pulumi.Output.all(*names)
        self.team_slugs = pulumi.Output.all(**{slug: team.slug for slug, team in teams.items()})
        self.two_factor_required = check.required
        self.register_outputs({"repository_names": self.repository_names, "two_factor_required": self.two_factor_required})

    def _repository(self, name: str, spec: RepositorySpec, teams: dict[str, github.Team],
                    args: GitHubOrganizationArgs) -> pulumi.Output[str]:
        child = pulumi.ResourceOptions(parent=self)
        prefix = f"{name}-{spec['name']}"
        branch = spec.get("default_branch", "main")
        repo = github.Repository(
            f"{prefix}-repo", name=spec["name"], description=spec.get("description", ""),
            visibility=spec.get("visibility", "private"), vulnerability_alerts=True, delete_branch_on_merge=True,
            has_issues=True, auto_init=True, allow_merge_commit=False, allow_rebase_merge=False,
            allow_squash_merge=True, web_commit_signoff_required=True, archive_on_destroy=True,
            opts=pulumi.ResourceOptions(parent=self, protect=True))
        github.RepositoryDependabotSecurityUpdates(f"{prefix}-dependabot", repository=repo.name, enabled=True, opts=child)
        files = [
            github.RepositoryFile(f"{prefix}-codeowners", repository=repo.name, branch=branch, file=".github/CODEOWNERS",
                                  content=codeowners(args["code_owners"]), overwrite_on_create=True,
                                  commit_message="Add CODEOWNERS (managed by the SOC 2 baseline)", opts=child),
            github.RepositoryFile(f"{prefix}-security-policy", repository=repo.name, branch=branch, file="SECURITY.md",
                                  content=security_policy(spec["name"], args["security_contact"]),
                                  overwrite_on_create=True,
                                  commit_message="Add SECURITY.md (managed by the SOC 2 baseline)", opts=child),
            github.RepositoryFile(f"{prefix}-ticket-workflow", repository=repo.name, branch=branch,
                                  file=TICKET_WORKFLOW_PATH, content=TICKET_WORKFLOW, overwrite_on_create=True,
                                  commit_message="Add the ticket check (managed by the SOC 2 baseline)", opts=child),
        ]
        pattern = args.get("ticket_pattern", DEFAULT_TICKET_PATTERN)
        github.ActionsVariable(f"{prefix}-ticket-pattern", repository=repo.name, variable_name=TICKET_VARIABLE,
                               value=pattern, opts=child)
        if args.get("commit_message_ruleset", False):
            github.RepositoryRuleset(
                f"{prefix}-commit-tickets", repository=repo.name, name="commits name a ticket", target="branch",
                enforcement="active", conditions={"ref_name": {"includes": ["~DEFAULT_BRANCH"], "excludes": []}},
                rules={"commit_message_pattern": {"operator": "regex", "pattern": pattern,
                                                  "name": "the commit message names a ticket"}}, opts=child)
        checks = spec.get("required_status_checks", ["preflight"])
        # Files are committed before protection exists: afterwards, changes to them go through pull requests.
        github.BranchProtection(
            f"{prefix}-protection", repository_id=repo.node_id, pattern=branch, enforce_admins=True,
            allows_force_pushes=False, allows_deletions=False, require_conversation_resolution=True,
            required_linear_history=True, require_signed_commits=args.get("require_signed_commits", True),
            required_status_checks=[{"strict": True, "contexts": list(dict.fromkeys([*checks, TICKET_CHECK]))}],
            required_pull_request_reviews=[{
                "required_approving_review_count": args["required_reviews"], "dismiss_stale_reviews": True,
                "require_code_owner_reviews": True, "require_last_push_approval": True}],
            opts=pulumi.ResourceOptions(parent=self, depends_on=files))
        for label, (color, description) in LABELS.items():
            github.IssueLabel(f"{prefix}-label-{label}", repository=repo.name, name=label, color=color,
                              description=description, opts=child)
        for slug, permission in spec.get("team_permissions", {}).items():
            github.TeamRepository(f"{prefix}-team-{slug}", team_id=teams[slug].id, repository=repo.name,
                                  permission=permission, opts=child)
        return repo.name


def codeowners(owners: list[str]) -> str:
    return ("# Managed by the SOC 2 baseline: every change needs a review from these owners.\n"
            f"* {' '.join(owners)}\n")


def security_policy(repository: str, contact: str) -> str:
    return (f"# Security policy for {repository}\n\n"
            "## Reporting a vulnerability\n\n"
            f"E-mail **{contact}** with a description, the affected version and steps to reproduce. "
            "Please do not open a public issue.\n\n"
            "We acknowledge reports within one business day, share a remediation plan within five, and "
            "credit reporters who wish it once a fix ships.\n\n"
            "## Supported versions\n\nThe default branch is supported; fixes are not backported.\n")
