"""GitHub: repositories, branch protection, rulesets and organization settings."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterable, Mapping

from .checks import at_least, flag_off, flag_on, list_schema, minimum_schema, shown
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("github", "GitHub", "Repositories, branch protection, rulesets and organization settings.")

REPOSITORY = SERVICE.resource_type("github:index/repository:Repository", kind="repository")
BRANCH_PROTECTION = SERVICE.resource_type("github:index/branchProtection:BranchProtection", kind="branch protection")
REPOSITORY_RULESET = SERVICE.resource_type("github:index/repositoryRuleset:RepositoryRuleset",
                                           kind="repository ruleset")
ORGANIZATION_RULESET = SERVICE.resource_type("github:index/organizationRuleset:OrganizationRuleset",
                                             kind="organization ruleset")
ORGANIZATION_SETTINGS = SERVICE.resource_type("github:index/organizationSettings:OrganizationSettings",
                                              kind="organization settings")
REPOSITORY_FILE = SERVICE.resource_type("github:index/repositoryFile:RepositoryFile", kind="repository file")
BRANCH_DEFAULT = SERVICE.resource_type("github:index/branchDefault:BranchDefault", kind="default branch")
VULNERABILITY_ALERTS = SERVICE.resource_type("github:index/repositoryVulnerabilityAlerts:RepositoryVulnerabilityAlerts",
                                             kind="vulnerability alerts")
TWO_FACTOR = SERVICE.resource_type("soc2:github:OrganizationTwoFactor",  # components/github_organization.py
                                   kind="organization two-factor requirement")
RULESETS = [REPOSITORY_RULESET, ORGANIZATION_RULESET]

MIN_REVIEWS = {"minReviews": minimum_schema(1, "Fewest approving reviews a pull request needs before it merges.", 1)}
REQUIRED_CHECKS = {"requiredChecks": list_schema(["preflight"], "Status checks that must pass before a merge.")}
DEFAULT_BRANCH = {"defaultBranch": {"type": "string", "minLength": 1, "default": "main",
                                    "description": "Default branch assumed when a repository sets neither "
                                                   "default_branch nor a BranchDefault."}}


REPOSITORIES, PROTECTIONS, SETTINGS = [REPOSITORY], [BRANCH_PROTECTION], [ORGANIZATION_SETTINGS]
CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]
SECURITY_PATHS = ["SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md"]


def _block(r: Resource, *keys: str) -> str | None:
    """Path of a nested settings object, or None if absent. List-of-object arguments
    (required_pull_request_reviews=[{...}]) arrive as lists, object arguments as maps; accept both."""
    path = ""
    for key in keys:
        path = f"{path}.{key}" if path else key
        if isinstance(r.get(path), list):
            path += ".0"
        if not isinstance(r.get(path), Mapping):
            return None
    return path


def _strings(values: Iterable[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


# Branch protection -------------------------------------------------------------------------------

def _reviews_then(check: Any) -> Any:
    """Runs `check` on the pull request review settings, or reports that no review is required."""
    def run(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        block = _block(r, "requiredPullRequestReviews")
        if block is None:
            yield "pull requests merge without review: requiredPullRequestReviews is not set"
        else:
            yield from check(block)(r, config)
    return run


@SERVICE.resource_policy(
    name="github-branchprotection-status-checks", types=PROTECTIONS, severity="high", criteria=["CC8.1", "CC7.1"],
    description="Protected branches require the configured status checks to pass.",
    remediation="Set required_status_checks=[{'strict': True, 'contexts': [...]}] including every check in "
                "requiredChecks.",
    config=REQUIRED_CHECKS)
def _status_checks(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    block = _block(r, "requiredStatusChecks")
    contexts = _strings(r.list(f"{block}.contexts")) if block else []
    yield from _missing_checks(contexts, config, "requiredStatusChecks contexts")


def _missing_checks(present: list[str], config: Mapping[str, Any], where: str) -> Iterable[str]:
    wanted = _strings(config.get("requiredChecks") or [])
    if not present:
        yield f"merges need no passing status check: {where} is empty"
    elif missing := [c for c in wanted if c not in present]:
        yield f"required status checks are missing {', '.join(missing)} ({where}: {', '.join(present)})"


# Rulesets ----------------------------------------------------------------------------------------

def _branch_rules(check: Any) -> Any:
    """Runs `check` on branch rulesets only; tag and push rulesets take other rules."""
    def run(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        if r.get("target") in (None, "branch"):
            yield from check(r, config)
    return run


def _rule_on(key: str, what: str) -> Any:
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        rules = _block(r, "rules")
        value = r.get(f"{rules}.{key}") if rules else None
        if value is not True:
            yield f"{what}: rules.{key} is {shown(value)}, not true"
    return _branch_rules(check)


def _ruleset_reviews(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    block = _block(r, "rules", "pullRequest")
    if block is None:
        yield "pull requests merge without review: rules.pullRequest is not set"
    else:  # the provider's default for requiredApprovingReviewCount is 0
        yield from at_least(f"{block}.requiredApprovingReviewCount", "minReviews", "too few approving reviews",
                            missing=0)(r, config)


def _ruleset_status_checks(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    block = _block(r, "rules", "requiredStatusChecks")
    checks = r.list(f"{block}.requiredChecks") if block else []
    contexts = _strings(r.get(f"{block}.requiredChecks.{i}.context") for i in range(len(checks)))
    yield from _missing_checks(contexts, config, "rules.requiredStatusChecks.requiredChecks")


@SERVICE.resource_policy(
    name="github-ruleset-active", types=RULESETS, severity="high", criteria=["CC8.1"],
    description="GitHub rulesets are enforced.",
    remediation="Set enforcement='active' ('evaluate' only reports, 'disabled' does nothing).")
def _ruleset_active(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    enforcement = r.get("enforcement")
    if enforcement != "active":
        yield f"the ruleset is not enforced: enforcement is {shown(enforcement)}, not 'active'"


@SERVICE.resource_policy(
    name="github-ruleset-no-bypass", types=RULESETS, severity="medium", criteria=["CC8.1", "CC6.3"],
    description="Nobody may bypass a ruleset except through a pull request.",
    remediation="Remove bypass_actors, or set their bypass_mode='pull_request'.")
def _no_bypass(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    bypassing = []
    for index, actor in enumerate(r.list("bypassActors")):
        if not isinstance(actor, Mapping):
            continue
        mode = r.get(f"bypassActors.{index}.bypassMode")  # the GitHub API's default mode is "always"
        if mode != "pull_request":
            bypassing.append(f"{actor.get('actorType') if isinstance(actor.get('actorType'), str) else 'actor'} "
                             f"({mode if isinstance(mode, str) else 'always'})")
    if bypassing:
        yield f"bypassActors can skip the rules outside pull requests: {', '.join(bypassing)}"


# Repositories and organization -------------------------------------------------------------------

@SERVICE.resource_policy(
    name="github-repository-private", types=REPOSITORIES, severity="high", criteria=["C1.1", "CC6.1"],
    description="GitHub repositories are private or internal.",
    remediation="Set visibility='private' (or 'internal' in an enterprise). GitHubOrganization repositories are "
                "private unless a spec says otherwise.")
def _private(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    visibility = r.get("visibility")
    if visibility in ("private", "internal"):
        return
    if visibility is not None:
        yield f"the repository is readable by anyone: visibility is {shown(visibility)}"
    elif r.get("private") is not True:  # visibility overrides private; with neither, GitHub creates it public
        yield f"the repository is created public: visibility is unset and private is {shown(r.get('private'))}"


def _false(path: str, what: str, default: bool) -> Any:
    """`path` must be false; a missing value is the provider default `default`."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        value = r.get(path)
        if (default if value is None else value) is not False:
            yield f"{what}: {path} is {shown(value)}{' (provider default true)' if value is None else ''}, not false"
    return check


def _all_on(paths: list[str], what: str) -> Any:
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        if off := [p for p in paths if r.get(p) is not True]:
            yield f"{what}: {', '.join(f'{p} is {shown(r.get(p))}' for p in off)}"
    return check


@SERVICE.resource_policy(
    name="github-organizationsettings-base-permission", types=SETTINGS, severity="high", criteria=["CC6.3", "CC6.1"],
    description="Organization members get no more than read access to repositories by default.",
    remediation="Set default_repository_permission='read' or 'none' and grant more through teams.",
    config={"allowed": list_schema(["read", "none"], "Accepted default_repository_permission "
           "values (missing means read).")})
def _base_permission(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    value = r.get("defaultRepositoryPermission")
    effective = "read" if value is None else value  # the provider default
    allowed = _strings(config.get("allowed") or [])
    if effective not in allowed:
        yield (f"every member gets {shown(effective)} on every repository: defaultRepositoryPermission is "
               f"{shown(value)}; allowed: {', '.join(allowed)}")


@SERVICE.resource_policy(
    name="github-organization-two-factor-required", types=[TWO_FACTOR], severity="critical", criteria=["CC6.1"],
    description="The GitHub organization requires two-factor authentication.",
    remediation="GitHub has no API to turn this on: an owner enables 'Require two-factor authentication for everyone' "
                "under the organization's Settings > Authentication security. Members without 2FA are removed, so "
                "warn them first. The OrganizationTwoFactor resource then reads required=true.")
def _two_factor(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    required = r.get("required")  # unknown offline: raises, so the policy reports it was not evaluated
    if required is not True:
        organization = r.get("organization")
        name = organization if isinstance(organization, str) else "the organization"
        yield f"{name} does not require two-factor authentication: required is {shown(required)}"


# Stack policies: what one repository needs from other resources -----------------------------------

def _repositories(stack: Stack) -> Iterable[tuple[Resource, str]]:
    """Repositories that are not archived (archived ones are read-only), with their names."""
    for repo in stack.of_type(REPOSITORY):
        if repo.get("archived") is not True:
            name = repo.get("name")
            yield repo, name if isinstance(name, str) else repo.name


def _default_branch(stack: Stack, repo: Resource, name: str, config: Mapping[str, Any]) -> str:
    for default in stack.of_type(BRANCH_DEFAULT):
        if default.refers_to("repository", repo, name) and isinstance(default.get("branch"), str):
            return default.get("branch")
    branch = repo.get("defaultBranch")
    return branch if isinstance(branch, str) else str(config.get("defaultBranch") or "main")


def _ref_matches(patterns: list[str], branch: str) -> bool:
    return any(p in ("~ALL", "~DEFAULT_BRANCH") or fnmatchcase(f"refs/heads/{branch}", p) or fnmatchcase(branch, p)
               for p in patterns)


def _ruleset_covers(ruleset: Resource, branch: str) -> bool:
    if ruleset.get("enforcement") != "active" or ruleset.get("target") not in (None, "branch"):
        return False
    refs = _block(ruleset, "conditions", "refName")
    if refs is None:
        return False
    return _ref_matches(_strings(ruleset.list(f"{refs}.includes")), branch) and \
        not _ref_matches(_strings(ruleset.list(f"{refs}.excludes")), branch)


def _organization_ruleset_targets(ruleset: Resource, repo: Resource, name: str) -> bool:
    if repo in ruleset.depends_on("conditions"):  # repositoryIds computed from this repository
        return True
    names = _block(ruleset, "conditions", "repositoryName")
    if names is None:
        return False

    def matches(key: str) -> bool:
        return any(p == "~ALL" or fnmatchcase(name, p) for p in _strings(ruleset.list(f"{names}.{key}")))
    return matches("includes") and not matches("excludes")


@SERVICE.stack_policy(
    name="github-repository-default-branch-protected", severity="high", criteria=["CC8.1"],
    description="Every GitHub repository's default branch is protected.",
    remediation="Add a BranchProtection with repository_id=repo.node_id and pattern set to the default branch, or an "
                "active RepositoryRuleset with repository=repo.name, target='branch' and conditions ref_name includes "
                "['~DEFAULT_BRANCH']. BranchProtectionV3 is not recognised.",
    config=DEFAULT_BRANCH,
    examines=[*REPOSITORIES, BRANCH_DEFAULT, *RULESETS])
def _default_branch_protected(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for repo, name in _repositories(stack):
        branch = _default_branch(stack, repo, name, config)
        protections = [p for p in stack.of_type(BRANCH_PROTECTION) if p.refers_to("repositoryId", repo, name)]
        patterns = [p.get("pattern") for p in protections]
        if any(isinstance(p, str) and fnmatchcase(branch, p) for p in patterns):
            continue
        if any(rs.refers_to("repository", repo, name) and _ruleset_covers(rs, branch)
               for rs in stack.of_type(REPOSITORY_RULESET)):
            continue
        if any(_organization_ruleset_targets(rs, repo, name) and _ruleset_covers(rs, branch)
               for rs in stack.of_type(ORGANIZATION_RULESET)):
            continue
        other = f" (BranchProtection patterns for it: {', '.join(map(shown, patterns))})" if patterns else ""
        yield (f"repository {name}: no BranchProtection or active ruleset covers its default branch "
               f"{branch!r}{other}", repo.urn)


@SERVICE.stack_policy(
    name="github-repository-security-files", severity="medium", criteria=["CC2.3", "CC8.1"],
    description="Every GitHub repository has a managed SECURITY.md and CODEOWNERS on its default branch.",
    remediation="Add RepositoryFile resources with repository=repo.name for SECURITY.md (how to report a "
                "vulnerability) and .github/CODEOWNERS, on the default branch (GitHubOrganization does).",
    config={**DEFAULT_BRANCH,
            "securityPolicyPaths": list_schema(SECURITY_PATHS, "Accepted locations of the security policy."),
            "codeOwnersPaths": list_schema(CODEOWNERS_PATHS, "Accepted locations of CODEOWNERS.")},
    examines=[*REPOSITORIES, REPOSITORY_FILE])
def _security_files(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for repo, name in _repositories(stack):
        branch = _default_branch(stack, repo, name, config)
        files = {str(f.get("file")).lstrip("/") for f in stack.of_type(REPOSITORY_FILE)
                 if f.refers_to("repository", repo, name) and f.get("branch") in (None, branch)}
        missing = [f"{label} (one of {', '.join(paths)})" for label, key in
                   (("a security policy", "securityPolicyPaths"), ("CODEOWNERS", "codeOwnersPaths"))
                   if not files & set(paths := _strings(config.get(key) or []))]
        if missing:
            yield (f"repository {name}: no RepositoryFile on {branch!r} manages {' or '.join(missing)}", repo.urn)


@SERVICE.stack_policy(
    name="github-repository-vulnerability-alerts", severity="high", criteria=["CC7.1", "CC6.8"],
    description="GitHub repositories have Dependabot alerts on.",
    remediation="Set vulnerability_alerts=True on the Repository, or add a RepositoryVulnerabilityAlerts with "
                "repository=repo.name and enabled=True.",
    examines=[*REPOSITORIES, VULNERABILITY_ALERTS])
def _vulnerability_alerts(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for repo, name in _repositories(stack):
        if repo.get("vulnerabilityAlerts") is True:
            continue
        # The provider deprecates vulnerability_alerts for the RepositoryVulnerabilityAlerts resource.
        if any(a.refers_to("repository", repo, name) and a.get("enabled") is not False
               for a in stack.of_type(VULNERABILITY_ALERTS)):
            continue
        yield (f"repository {name}: Dependabot alerts are off: vulnerabilityAlerts is "
               f"{shown(repo.get('vulnerabilityAlerts'))} and no RepositoryVulnerabilityAlerts enables them", repo.urn)


SERVICE.resource_policy(
    name="github-repository-delete-branch-on-merge", types=REPOSITORIES, severity="low", criteria=["CC8.1"],
    description="GitHub repositories delete head branches once merged.",
    remediation="Set delete_branch_on_merge=True so merged work does not linger in stale branches.",
)(flag_on("deleteBranchOnMerge", "merged branches are kept"))

SERVICE.resource_policy(
    name="github-branchprotection-required-reviews", types=PROTECTIONS, severity="high", criteria=["CC8.1"],
    description="Protected branches need approving pull request reviews.",
    remediation="Set required_pull_request_reviews=[{'required_approving_review_count': N}] with N at least "
                "minReviews.",
    config=MIN_REVIEWS,
)(_reviews_then(lambda b: at_least(f"{b}.requiredApprovingReviewCount", "minReviews",
  "too few approving reviews", missing=1)))

SERVICE.resource_policy(
    name="github-branchprotection-dismiss-stale-reviews", types=PROTECTIONS, severity="medium", criteria=["CC8.1"],
    description="Protected branches dismiss approvals when new commits are pushed.",
    remediation="Set dismiss_stale_reviews=True in required_pull_request_reviews.",
)(_reviews_then(lambda b: flag_on(f"{b}.dismissStaleReviews", "approvals survive new commits")))

SERVICE.resource_policy(
    name="github-branchprotection-code-owner-reviews",
    types=PROTECTIONS, severity="medium", criteria=["CC8.1", "CC6.3"],
    description="Protected branches need a code owner's review.",
    remediation="Set require_code_owner_reviews=True in required_pull_request_reviews, and manage a CODEOWNERS file.",
)(_reviews_then(lambda b: flag_on(f"{b}.requireCodeOwnerReviews", "code owners need not review")))

SERVICE.resource_policy(
    name="github-branchprotection-enforce-admins", types=PROTECTIONS, severity="high", criteria=["CC8.1", "CC6.3"],
    description="Branch protection applies to administrators too.",
    remediation="Set enforce_admins=True.",
)(flag_on("enforceAdmins", "administrators bypass the protection"))

SERVICE.resource_policy(
    name="github-branchprotection-no-force-push", types=PROTECTIONS, severity="high", criteria=["CC8.1"],
    description="Protected branches refuse force pushes.",
    remediation="Set allows_force_pushes=False (the default).",
)(flag_off("allowsForcePushes", "history can be rewritten"))

SERVICE.resource_policy(
    name="github-branchprotection-no-deletion", types=PROTECTIONS, severity="high", criteria=["CC8.1", "A1.2"],
    description="Protected branches cannot be deleted.",
    remediation="Set allows_deletions=False (the default).",
)(flag_off("allowsDeletions", "the branch can be deleted"))

SERVICE.resource_policy(
    name="github-branchprotection-conversation-resolution", types=PROTECTIONS, severity="low", criteria=["CC8.1"],
    description="Protected branches need review conversations resolved before merging.",
    remediation="Set require_conversation_resolution=True.",
)(flag_on("requireConversationResolution", "open review comments do not block a merge"))

SERVICE.resource_policy(
    name="github-branchprotection-signed-commits", types=PROTECTIONS, severity="low", criteria=["CC8.1", "CC6.1"],
    description="Protected branches accept only signed commits.",
    remediation="Set require_signed_commits=True and have every committer sign commits.",
)(flag_on("requireSignedCommits", "unsigned commits are accepted"))

SERVICE.resource_policy(
    name="github-ruleset-pull-request-reviews", types=RULESETS, severity="high", criteria=["CC8.1"],
    description="Branch rulesets need approving pull request reviews.",
    remediation="Set rules.pull_request.required_approving_review_count to at least minReviews.",
    config=MIN_REVIEWS,
)(_branch_rules(_ruleset_reviews))

SERVICE.resource_policy(
    name="github-ruleset-no-force-push", types=RULESETS, severity="high", criteria=["CC8.1"],
    description="Branch rulesets block force pushes.",
    remediation="Set rules.non_fast_forward=True.",
)(_rule_on("nonFastForward", "history can be rewritten"))

SERVICE.resource_policy(
    name="github-ruleset-no-deletion", types=RULESETS, severity="high", criteria=["CC8.1", "A1.2"],
    description="Branch rulesets block branch deletion.",
    remediation="Set rules.deletion=True.",
)(_rule_on("deletion", "matching branches can be deleted"))

SERVICE.resource_policy(
    name="github-ruleset-status-checks", types=RULESETS, severity="high", criteria=["CC8.1", "CC7.1"],
    description="Branch rulesets require the configured status checks.",
    remediation="Set rules.required_status_checks.required_checks with a context for every check in requiredChecks.",
    config=REQUIRED_CHECKS,
)(_branch_rules(_ruleset_status_checks))

SERVICE.resource_policy(
    name="github-organizationsettings-no-public-repositories",
    types=SETTINGS, severity="high", criteria=["CC6.1", "C1.1"],
    description="Organization members cannot create public repositories.",
    remediation="Set members_can_create_public_repositories=False (the provider default is true).",
)(_false("membersCanCreatePublicRepositories", "members can publish code", default=True))

SERVICE.resource_policy(
    name="github-organizationsettings-dependency-scanning",
    types=SETTINGS, severity="medium", criteria=["CC7.1", "CC6.8"],
    description="New repositories get the dependency graph, Dependabot alerts and security updates.",
    remediation="Set dependency_graph_enabled_for_new_repositories, dependabot_alerts_enabled_for_new_repositories "
                "and dependabot_security_updates_enabled_for_new_repositories to True.",
)(_all_on(["dependencyGraphEnabledForNewRepositories", "dependabotAlertsEnabledForNewRepositories",
   "dependabotSecurityUpdatesEnabledForNewRepositories"],
  "new repositories are not scanned for vulnerable dependencies"))

SERVICE.resource_policy(
    name="github-organizationsettings-secret-scanning", types=SETTINGS, severity="medium", criteria=["CC6.8", "CC6.1"],
    description="New repositories get secret scanning with push protection.",
    remediation="Set secret_scanning_enabled_for_new_repositories and "
                "secret_scanning_push_protection_enabled_for_new_repositories to True.",
)(_all_on(["secretScanningEnabledForNewRepositories", "secretScanningPushProtectionEnabledForNewRepositories"],
  "leaked credentials in new repositories go unnoticed"))

SERVICE.resource_policy(
    name="github-organizationsettings-web-commit-signoff", types=SETTINGS, severity="low", criteria=["CC8.1"],
    description="Commits made on the GitHub website carry a sign-off.",
    remediation="Set web_commit_signoff_required=True.",
)(flag_on("webCommitSignoffRequired", "web commits are not signed off"))
