"""IAM and GitHub access come from one roster; removing a person removes them everywhere."""

from __future__ import annotations

import json

from components.access_control import AccessControl
from components.github_organization import GitHubOrganization
from preflight import properties as props
from tests.components.helpers import ADA, ALAN, GRACE, capture, of_type, one, roster

GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"


def build_iam(*people) -> None:
    AccessControl("acl", {"roster": roster(*people)})


def test_four_groups_each_with_the_mfa_policy_and_their_managed_policies():
    result = capture(lambda: build_iam(ADA, ALAN))
    groups = {g.inputs["name"]: g for g in of_type(result, "aws:iam/group:Group")}
    assert set(groups) == {"acl-admins", "acl-developers", "acl-read-only", "acl-auditors"}
    mfa = one(result, "aws:iam/policy:Policy")
    attachments = of_type(result, GROUP_ATTACHMENT)
    for group in groups.values():
        mine = [a for a in attachments if group.urn in a.property_dependencies["group"]]
        assert any(mfa.urn in a.property_dependencies.get("policyArn", []) for a in mine), group.name
    managed = {a.inputs["policyArn"] for a in attachments if "policyArn" not in a.property_dependencies}
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in managed
    assert "arn:aws:iam::aws:policy/SecurityAudit" in managed


def test_the_mfa_policy_denies_everything_without_mfa_except_mfa_self_service():
    statements = json.loads(one(capture(lambda: build_iam(ADA)), "aws:iam/policy:Policy").inputs["policy"])["Statement"]
    deny = statements[-1]
    assert deny["Effect"] == "Deny" and deny["Resource"] == "*"
    assert deny["Condition"] == {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    assert "iam:EnableMFADevice" in deny["NotAction"] and "iam:ChangePassword" in deny["NotAction"]


def test_password_policy_and_access_analyzer():
    result = capture(lambda: build_iam(ADA))
    policy = one(result, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy").inputs
    assert (policy["minimumPasswordLength"], policy["passwordReusePrevention"]) == (14, 24)
    assert all(policy[k] for k in ("requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers",
                                   "requireSymbols"))
    assert one(result, "aws:accessanalyzer/analyzer:Analyzer").inputs["type"] == "ACCOUNT"


def test_people_become_users_in_their_groups_without_inline_policies_or_keys():
    result = capture(lambda: build_iam(ADA, ALAN, GRACE))
    users = {u.inputs["name"]: u for u in of_type(result, "aws:iam/user:User")}
    assert set(users) == {"ada@example.com", "alan@example.com"}  # Grace has no AWS groups
    assert all(u.inputs["forceDestroy"] is True for u in users.values())
    memberships = {m.name: m for m in of_type(result, "aws:iam/userGroupMembership:UserGroupMembership")}
    alan = memberships["acl-user-alan@example.com-groups"]
    assert alan.inputs["groups"] == ["acl-developers", "acl-read-only"] and len(alan.property_dependencies["groups"]) == 2
    for forbidden in ("aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
                      "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile"):
        assert of_type(result, forbidden) == []


def build_github(*people) -> None:
    GitHubOrganization("gh", {"organization": "acme", "billing_email": "billing@example.com",
                              "security_contact": "security@example.com", "required_reviews": 2,
                              "code_owners": ["@acme/platform"], "roster": roster(*people),
                              "repositories": [{"name": "api", "team_permissions": {"platform": "push"}}]})


def test_removing_a_person_from_the_roster_removes_them_from_aws_and_github_in_one_run():
    before = capture(lambda: (build_iam(ADA, ALAN), build_github(ADA, ALAN)))
    after = capture(lambda: (build_iam(ADA), build_github(ADA)))
    gone = {r.urn for r in before.records} - {r.urn for r in after.records}
    assert {u.split("::")[-1] for u in gone} == {
        "acl-user-alan@example.com", "acl-user-alan@example.com-groups", "gh-member-alan-t", "gh-team-platform-alan-t"}
    assert {r.urn for r in after.records} < {r.urn for r in before.records}


def test_github_org_settings_are_locked_down():
    settings = one(capture(lambda: build_github(ADA)), "github:index/organizationSettings:OrganizationSettings").inputs
    assert settings["defaultRepositoryPermission"] == "read"
    assert settings["membersCanCreatePublicRepositories"] is False and settings["webCommitSignoffRequired"] is True
    for scanning in ("dependabotAlertsEnabledForNewRepositories", "dependabotSecurityUpdatesEnabledForNewRepositories",
                     "dependencyGraphEnabledForNewRepositories", "secretScanningEnabledForNewRepositories",
                     "secretScanningPushProtectionEnabledForNewRepositories"):
        assert settings[scanning] is True, scanning


def test_repositories_are_private_scanned_and_their_default_branch_protected():
    result = capture(lambda: build_github(ADA, ALAN))
    repo = one(result, "github:index/repository:Repository")
    assert repo.inputs["visibility"] == "private" and repo.inputs["vulnerabilityAlerts"] is True
    assert repo.inputs["deleteBranchOnMerge"] is True and repo.protect
    protection = one(result, "github:index/branchProtection:BranchProtection")
    assert repo.urn in protection.property_dependencies["repositoryId"]
    p = protection.inputs
    assert (p["pattern"], p["enforceAdmins"], p["allowsForcePushes"], p["allowsDeletions"]) == ("main", True, False, False)
    reviews = p["requiredPullRequestReviews"][0]
    assert reviews["requiredApprovingReviewCount"] == 2 and reviews["dismissStaleReviews"] is True
    assert reviews["requireCodeOwnerReviews"] is True and p["requireConversationResolution"] is True
    assert p["requiredStatusChecks"][0]["contexts"] == ["preflight"]
    files = {f.inputs["file"]: f.inputs for f in of_type(result, "github:index/repositoryFile:RepositoryFile")}
    assert files[".github/CODEOWNERS"]["content"].endswith("* @acme/platform\n")
    assert "security@example.com" in files["SECURITY.md"]["content"]
    assert {f.urn for f in of_type(result, "github:index/repositoryFile:RepositoryFile")} <= set(protection.dependencies)
    labels = {label.inputs["name"] for label in of_type(result, "github:index/issueLabel:IssueLabel")}
    assert labels == {"bug", "security", "incident", "change"}
    assert one(result, "github:index/teamRepository:TeamRepository").inputs["permission"] == "push"


def test_the_organizations_2fa_requirement_is_read_never_assumed():
    result = capture(lambda: build_github(ADA))
    check = one(result, "soc2:github:OrganizationTwoFactor")
    assert check.inputs == {"organization": "acme", "required": props.UNKNOWN}
