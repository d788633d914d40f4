"""GitHub policy cases: a protected repository, rulesets and organization settings, each also weakened."""

from __future__ import annotations

from typing import Any, Callable

import pulumi_github as github

from components.github_organization import OrganizationTwoFactor
from tests.policies.harness import Build, Case

REPOSITORY: dict[str, Any] = dict(name="app", visibility="private", vulnerability_alerts=True,
                                  delete_branch_on_merge=True)
REVIEWS: dict[str, Any] = dict(required_approving_review_count=2, dismiss_stale_reviews=True,
                               require_code_owner_reviews=True)
PROTECTION: dict[str, Any] = dict(
    pattern="main", enforce_admins=True, allows_force_pushes=False, allows_deletions=False,
    require_conversation_resolution=True, require_signed_commits=True,
    required_status_checks=[{"strict": True, "contexts": ["preflight", "tests"]}],
    required_pull_request_reviews=[REVIEWS])
FILES = ("SECURITY.md", ".github/CODEOWNERS")
RULES: dict[str, Any] = dict(
    deletion=True, non_fast_forward=True,
    pull_request={"required_approving_review_count": 2, "dismiss_stale_reviews_on_push": True},
    required_status_checks={"required_checks": [{"context": "preflight"}, {"context": "tests"}]})
RULESET: dict[str, Any] = dict(
    name="default-branch", target="branch", enforcement="active", rules=RULES,
    conditions={"ref_name": {"includes": ["~DEFAULT_BRANCH"], "excludes": []}},
    bypass_actors=[{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "pull_request"}])
ALL_REPOSITORIES = {"ref_name": {"includes": ["~DEFAULT_BRANCH"], "excludes": []},
                    "repository_name": {"includes": ["~ALL"], "excludes": []}}
SETTINGS: dict[str, Any] = dict(
    billing_email="billing@example.com", default_repository_permission="read",
    members_can_create_public_repositories=False, web_commit_signoff_required=True,
    dependabot_alerts_enabled_for_new_repositories=True, dependabot_security_updates_enabled_for_new_repositories=True,
    dependency_graph_enabled_for_new_repositories=True, secret_scanning_enabled_for_new_repositories=True,
    secret_scanning_push_protection_enabled_for_new_repositories=True)


def named(label: str, build: Build) -> Build:
    build.__name__ = label
    return build


def label_of(changes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in changes.items())


def repository(label: str = "secure", repo: dict[str, Any] | None = None, protection: dict[str, Any] | None = None,
               files: tuple[str, ...] = FILES, protected: bool = True,
               extra: Callable[[github.Repository], None] | None = None) -> Build:
    """A repository with its branch protection and managed files, as GitHubOrganization builds it."""
    def build() -> None:
        r = github.Repository("app", **{**REPOSITORY, **(repo or {})})
        if protected:
            github.BranchProtection("app-main", repository_id=r.node_id, **{**PROTECTION, **(protection or {})})
        for path in files:
            github.RepositoryFile(f"app-{path}", repository=r.name, file=path, content="managed\n")
        if extra:
            extra(r)
    return named(f"repository({label})", build)


def reviews(**changes: Any) -> Build:
    return repository(label_of(changes), protection={"required_pull_request_reviews": [{**REVIEWS, **changes}]})


def protection(**changes: Any) -> Build:
    return repository(label_of(changes), protection=changes)


def repo(**changes: Any) -> Build:
    return repository(label_of(changes), repo=changes)


def ruleset(label: str = "secure", organization: bool = False, **changes: Any) -> Build:
    """A repository protected by a repository ruleset (or an organization ruleset over every repository)."""
    def build() -> None:
        r = github.Repository("app", **REPOSITORY)
        for path in FILES:
            github.RepositoryFile(f"app-{path}", repository=r.name, file=path, content="managed\n")
        if organization:
            github.OrganizationRuleset("org-default-branch", **{**RULESET, "conditions": ALL_REPOSITORIES, **changes})
        else:
            github.RepositoryRuleset("app-default-branch", repository=r.name, **{**RULESET, **changes})
    return named(f"{'organization_' if organization else ''}ruleset({label})", build)


def rules(**changes: Any) -> Build:
    return ruleset(label_of(changes), rules={**RULES, **changes})


def settings(**changes: Any) -> Build:
    return named(f"settings({label_of(changes) or 'secure'})",
                 lambda: github.OrganizationSettings("org", **{**SETTINGS, **changes}))


def two_factor(required: bool) -> Build:
    return named(f"two_factor(required={required})",
                 lambda: OrganizationTwoFactor("org-two-factor", "acme", required))


def alerts_resource(enabled: bool) -> Build:
    return repository(f"RepositoryVulnerabilityAlerts(enabled={enabled})", repo={"vulnerability_alerts": None},
                      extra=lambda r: github.RepositoryVulnerabilityAlerts("app-alerts", repository=r.name,
                                                                           enabled=enabled))


def default_branch(branch: str, pattern: str) -> Build:
    return repository(f"BranchDefault({branch}), pattern={pattern}", protection={"pattern": pattern},
                      extra=lambda r: github.BranchDefault("app-default", repository=r.name, branch=branch))


SECURE = repository()
SECURE_RULESET = ruleset()
SECURE_ORG_RULESET = ruleset(organization=True)
SECURE_SETTINGS = settings()
TAG_RULESET = ruleset("tags", target="tag", rules={"deletion": True},
                      conditions={"ref_name": {"includes": ["~ALL"], "excludes": []}})
CODEOWNERS_AT_ROOT = {"github-repository-security-files": {"codeOwnersPaths": ["CODEOWNERS"]}}
TWO_REVIEWS = {"github-branchprotection-required-reviews": {"minReviews": 2}}

CASES = [
    Case("github-repository-private", SECURE, repo(visibility="public"), "visibility is 'public'"),
    Case("github-repository-private", repo(visibility=None, private=True), repo(visibility=None),
         "created public: visibility is unset and private is unset"),
    Case("github-repository-vulnerability-alerts", SECURE, repo(vulnerability_alerts=False),
         "repository app: Dependabot alerts are off"),
    Case("github-repository-vulnerability-alerts", alerts_resource(True), alerts_resource(False),
         "vulnerabilityAlerts is unset and no RepositoryVulnerabilityAlerts enables them"),
    Case("github-repository-delete-branch-on-merge", SECURE, repo(delete_branch_on_merge=False),
         "merged branches are kept"),
    Case("github-repository-default-branch-protected", SECURE, repository("unprotected", protected=False),
         "repository app: no BranchProtection or active ruleset covers its default branch 'main'"),
    Case("github-repository-default-branch-protected", protection(pattern="*"), protection(pattern="develop"),
         "BranchProtection patterns for it: 'develop'"),
    Case("github-repository-default-branch-protected", default_branch("trunk", "trunk"),
         default_branch("trunk", "main"), "its default branch 'trunk'"),
    Case("github-repository-default-branch-protected", SECURE_RULESET, ruleset(enforcement="evaluate"),
         "no BranchProtection or active ruleset covers"),
    Case("github-repository-default-branch-protected", SECURE_ORG_RULESET,
         ruleset("excludes app", organization=True, conditions={**ALL_REPOSITORIES, "repository_name": {
             "includes": ["~ALL"], "excludes": ["app"]}}), "no BranchProtection or active ruleset covers"),
    Case("github-repository-security-files", SECURE, repository("no CODEOWNERS", files=("SECURITY.md",)),
         "repository app: no RepositoryFile on 'main' manages CODEOWNERS"),
    Case("github-repository-security-files", repository("root CODEOWNERS", files=("SECURITY.md", "CODEOWNERS")),
         repository("no files", files=()), "manages a security policy (one of SECURITY.md, .github/SECURITY.md, "
                                           "docs/SECURITY.md) or CODEOWNERS (one of CODEOWNERS)",
         config=CODEOWNERS_AT_ROOT),
    Case("github-branchprotection-required-reviews", SECURE, protection(required_pull_request_reviews=None),
         "requiredPullRequestReviews is not set"),
    Case("github-branchprotection-required-reviews", SECURE, reviews(required_approving_review_count=1),
         "requiredApprovingReviewCount is 1, below the minimum of 2", config=TWO_REVIEWS),
    Case("github-branchprotection-dismiss-stale-reviews", SECURE, reviews(dismiss_stale_reviews=False),
         "approvals survive new commits"),
    Case("github-branchprotection-code-owner-reviews", SECURE, reviews(require_code_owner_reviews=None),
         "code owners need not review"),
    Case("github-branchprotection-status-checks", SECURE, protection(required_status_checks=None),
         "requiredStatusChecks contexts is empty"),
    Case("github-branchprotection-status-checks", SECURE,
         protection(required_status_checks=[{"strict": True, "contexts": ["tests"]}]),
         "required status checks are missing preflight"),
    Case("github-branchprotection-enforce-admins", SECURE, protection(enforce_admins=False),
         "administrators bypass the protection"),
    Case("github-branchprotection-no-force-push", SECURE, protection(allows_force_pushes=True),
         "allowsForcePushes is true"),
    Case("github-branchprotection-no-deletion", SECURE, protection(allows_deletions=True), "allowsDeletions is true"),
    Case("github-branchprotection-conversation-resolution", SECURE, protection(require_conversation_resolution=None),
         "open review comments do not block a merge"),
    Case("github-branchprotection-signed-commits", SECURE, protection(require_signed_commits=False),
         "unsigned commits are accepted"),
    Case("github-ruleset-active", SECURE_RULESET, ruleset(enforcement="disabled"), "enforcement is 'disabled'"),
    Case("github-ruleset-active", SECURE_ORG_RULESET, ruleset(organization=True, enforcement="evaluate"),
         "enforcement is 'evaluate'"),
    Case("github-ruleset-pull-request-reviews", SECURE_RULESET, rules(pull_request=None),
         "rules.pullRequest is not set"),
    Case("github-ruleset-pull-request-reviews", TAG_RULESET, rules(pull_request={"dismiss_stale_reviews_on_push": True}),
         "requiredApprovingReviewCount is unset, below the minimum of 1"),
    Case("github-ruleset-no-force-push", SECURE_ORG_RULESET, rules(non_fast_forward=False),
         "rules.nonFastForward is False, not true"),
    Case("github-ruleset-no-deletion", SECURE_RULESET, rules(deletion=None), "rules.deletion is unset, not true"),
    Case("github-ruleset-status-checks", SECURE_RULESET, rules(required_status_checks=None),
         "rules.requiredStatusChecks.requiredChecks is empty"),
    Case("github-ruleset-status-checks", SECURE_RULESET,
         rules(required_status_checks={"required_checks": [{"context": "tests"}]}),
         "required status checks are missing preflight"),
    Case("github-ruleset-no-bypass", SECURE_RULESET,
         ruleset("bypass always", bypass_actors=[{"actor_id": 1, "actor_type": "OrganizationAdmin",
                                                  "bypass_mode": "always"}]),
         "skip the rules outside pull requests: OrganizationAdmin (always)"),
    Case("github-organizationsettings-base-permission", SECURE_SETTINGS, settings(default_repository_permission="write"),
         "every member gets 'write' on every repository"),
    Case("github-organizationsettings-base-permission", settings(default_repository_permission=None),
         settings(default_repository_permission="admin"), "allowed: read, none"),
    Case("github-organizationsettings-no-public-repositories", SECURE_SETTINGS,
         settings(members_can_create_public_repositories=None),
         "membersCanCreatePublicRepositories is unset (provider default true), not false"),
    Case("github-organizationsettings-dependency-scanning", SECURE_SETTINGS,
         settings(dependabot_alerts_enabled_for_new_repositories=False),
         "dependabotAlertsEnabledForNewRepositories is False"),
    Case("github-organizationsettings-secret-scanning", SECURE_SETTINGS,
         settings(secret_scanning_push_protection_enabled_for_new_repositories=None),
         "secretScanningPushProtectionEnabledForNewRepositories is unset"),
    Case("github-organizationsettings-web-commit-signoff", SECURE_SETTINGS, settings(web_commit_signoff_required=False),
         "web commits are not signed off"),
    Case("github-organization-two-factor-required", two_factor(True), two_factor(False),
         "acme does not require two-factor authentication: required is False"),
]
