"""AWS (Identity Center or IAM), GitHub, Datadog and PagerDuty access come from one roster; removing a
person, or passing their `until` date, removes them from every system in one run."""

from __future__ import annotations

import datetime as dt
import json

from components.access_control import AccessControl
from components.datadog_users import DatadogUsers
from components.github_organization import GitHubOrganization
from components.identity_center import IdentityCenter
from components.pagerduty_on_call import EVENTS_URL, PagerDutyOnCall
from components.roster import Roster
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
    assert p["requiredStatusChecks"][0]["contexts"] == ["preflight", "ticket"]
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


# --- Identity Center, SaaS accounts and de-provisioning from the same roster ---------------------

SAAS = {"ada@example.com": {"datadog": "admin", "pagerduty": "admin"},
        "alan@example.com": {"datadog": "standard", "pagerduty": "responder"}}
TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"


def everyone(*people: dict, until: dict[str, str] | None = None) -> Roster:
    """The people with their SaaS roles, Ada and Alan on call."""
    entries = [{**p, "systems": SAAS.get(p["email"], {}), **({"until": until[p["email"]]} if p["email"] in (until or {})
                                                             else {})} for p in people]
    emails = [p["email"] for p in people if p["email"] in SAAS]
    return Roster.model_validate({"teams": {"platform": {"description": "Platform"}}, "people": entries,
                                  "onCall": {"people": emails, "escalateTo": emails[:1], "start": "2026-01-05"}})


def build_identity_center(roster_: Roster, **args) -> None:
    IdentityCenter("sso", {"roster": roster_, "account_id": "123456789012", **args})


def build_every_system(roster_: Roster) -> None:
    build_identity_center(roster_)
    GitHubOrganization("gh", {"organization": "acme", "billing_email": "billing@example.com",
                              "security_contact": "security@example.com", "required_reviews": 2,
                              "code_owners": ["@acme/platform"], "roster": roster_, "repositories": [{"name": "api"}]})
    DatadogUsers("dd", {"roster": roster_})
    PagerDutyOnCall("pd", {"roster": roster_, "alert_topic_arn": TOPIC})


def test_identity_center_users_groups_and_memberships_come_from_the_roster():
    result = capture(lambda: build_identity_center(roster(ADA, ALAN, GRACE)))
    users = {u.inputs["userName"]: u.inputs for u in of_type(result, "aws:identitystore/user:User")}
    assert set(users) == {"ada@example.com", "alan@example.com"}  # Grace has no AWS groups
    assert users["ada@example.com"]["name"] == {"givenName": "Ada", "familyName": "Lovelace"}
    assert users["ada@example.com"]["identityStoreId"] == "d-9067c2a1b3"  # the instance's, answered offline
    groups = {g.urn: g.inputs["displayName"] for g in of_type(result, "aws:identitystore/group:Group")}
    assert sorted(groups.values()) == ["sso-admins", "sso-auditors", "sso-developers", "sso-read-only"]
    by_user = {u.urn: u.inputs["userName"] for u in of_type(result, "aws:identitystore/user:User")}
    memberships = sorted((group, by_user[m.property_dependencies["memberId"][0]]) for group, m in [
        (groups[m.property_dependencies["groupId"][0]], m)
        for m in of_type(result, "aws:identitystore/groupMembership:GroupMembership")])
    assert memberships == [("sso-admins", "ada@example.com"), ("sso-developers", "alan@example.com"),
                           ("sso-read-only", "alan@example.com")]
    for forbidden in ("aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile"):
        assert of_type(result, forbidden) == []


def test_each_group_gets_a_permission_set_with_its_session_and_policies_assigned_to_the_account():
    result = capture(lambda: build_identity_center(roster(ADA), session_hours=4, admin_session_hours=1))
    sets = {p.urn: p.inputs for p in of_type(result, "aws:ssoadmin/permissionSet:PermissionSet")}
    durations = {p["name"]: p["sessionDuration"] for p in sets.values()}
    assert durations == {"sso-admins": "PT1H", "sso-developers": "PT4H", "sso-read-only": "PT4H", "sso-auditors": "PT4H"}
    assert {p["instanceArn"] for p in sets.values()} == {"arn:aws:sso:::instance/ssoins-72230d8c1fa4b0d1"}
    managed = {(sets[a.property_dependencies["permissionSetArn"][0]]["name"], a.inputs["managedPolicyArn"].rsplit("/")[-1])
               for a in of_type(result, "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment")}
    assert managed == {("sso-admins", "AdministratorAccess"), ("sso-developers", "PowerUserAccess"),
                       ("sso-read-only", "ViewOnlyAccess"), ("sso-auditors", "SecurityAudit"),
                       ("sso-auditors", "AWSCloudTrail_ReadOnlyAccess")}
    inline = one(result, "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")
    assert sets[inline.property_dependencies["permissionSetArn"][0]]["name"] == "sso-developers"
    denied = [a for s in json.loads(inline.inputs["inlinePolicy"])["Statement"] for a in s["Action"]
              if s["Effect"] == "Deny"]
    assert {"iam:Create*", "iam:Attach*", "organizations:*", "aws-portal:*", "billing:*"} <= set(denied)
    assignments = of_type(result, "aws:ssoadmin/accountAssignment:AccountAssignment")
    assert len(assignments) == 4 and all(a.inputs["targetId"] == "123456789012" and a.inputs["principalType"] == "GROUP"
                                         and a.inputs["targetType"] == "AWS_ACCOUNT" for a in assignments)


def test_identity_centers_mfa_setting_is_registered_as_unknown_never_assumed():
    for mode in ("preview", "resolved"):
        check = one(capture(lambda: build_identity_center(roster(ADA)), mode), "soc2:sso:MultiFactorAuthentication")
        assert check.inputs["required"] == props.UNKNOWN, mode


def test_with_identity_center_access_control_builds_no_iam_users_but_keeps_the_account_guards():
    result = capture(lambda: AccessControl("acl", {"roster": roster(ADA, ALAN), "iam_users": False}))
    assert {r.type for r in result.records if r.custom and not r.type.startswith("pulumi:")} == {
        "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "aws:accessanalyzer/analyzer:Analyzer"}


def test_datadog_users_hold_their_roster_role():
    result = capture(lambda: DatadogUsers("dd", {"roster": everyone(ADA, ALAN, GRACE)}))
    users = {u.inputs["email"]: u.inputs for u in of_type(result, "datadog:index/user:User")}
    assert set(users) == {"ada@example.com", "alan@example.com"}  # Grace has no datadog role
    assert users["ada@example.com"]["name"] == "Ada Lovelace" and users["ada@example.com"]["disabled"] is False
    assert users["ada@example.com"]["roles"] == [props.UNKNOWN]  # a live organization's role id: unknown offline


def test_pagerduty_on_call_pages_the_rotation_then_escalates_and_is_subscribed_to_the_alert_topic():
    result = capture(lambda: PagerDutyOnCall("pd", {"roster": everyone(ADA, ALAN), "alert_topic_arn": TOPIC,
                                                    "escalation_delay_minutes": 10}))
    users = {u.urn: u.inputs for u in of_type(result, "pagerduty:index/user:User")}
    assert sorted((u["email"], u["role"]) for u in users.values()) == [("ada@example.com", "admin"),
                                                                        ("alan@example.com", "limited_user")]
    layer = one(result, "pagerduty:index/schedule:Schedule").inputs["layers"][0]
    assert layer["rotationTurnLengthSeconds"] == 7 * 86400 and layer["start"] == "2026-01-05T09:00:00+00:00"
    policy = one(result, "pagerduty:index/escalationPolicy:EscalationPolicy")
    levels = policy.inputs["rules"]
    assert [t["type"] for level in levels for t in level["targets"]] == ["schedule_reference", "user_reference"]
    assert [level["escalationDelayInMinutes"] for level in levels] == [10, 10]
    service = one(result, "pagerduty:index/service:Service")
    assert policy.urn in service.property_dependencies["escalationPolicy"]
    integration = one(result, "pagerduty:index/serviceIntegration:ServiceIntegration")
    assert integration.inputs["type"] == "aws_cloudwatch_inbound_integration"
    assert service.urn in integration.property_dependencies["service"]
    subscription = one(result, "aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["topic"] == TOPIC and subscription.inputs["protocol"] == "https"
    assert integration.urn in subscription.property_dependencies["endpoint"]
    assert props.is_secret(subscription.inputs["endpoint"])
    assert EVENTS_URL == "https://events.pagerduty.com/integration/{}/enqueue"
    assert len(of_type(result, "pagerduty:index/teamMembership:TeamMembership")) == 2


def _gone(before: Roster, after: Roster) -> dict[str, set[str]]:
    """Resources the second run no longer registers, by provider package."""
    old = {r.urn: r for r in capture(lambda: build_every_system(before)).records}
    new = {r.urn for r in capture(lambda: build_every_system(after)).records}
    assert new < set(old), "removing a person must only remove resources"
    gone: dict[str, set[str]] = {}
    for urn in set(old) - new:
        gone.setdefault(old[urn].type.split(":")[0], set()).add(urn.split("::")[-1])
    return gone


ALAN_EVERYWHERE = {
    "aws": {"sso-user-alan@example.com", "sso-developers-alan@example.com", "sso-read-only-alan@example.com"},
    "github": {"gh-member-alan-t", "gh-team-platform-alan-t"},
    "datadog": {"dd-alan@example.com"},
    "pagerduty": {"pd-user-alan@example.com", "pd-team-alan@example.com"},
}


def test_removing_a_person_from_the_roster_removes_them_from_every_system_in_one_run():
    assert _gone(everyone(ADA, ALAN), everyone(ADA)) == ALAN_EVERYWHERE


def test_the_day_after_until_nothing_is_granted_in_any_system():
    contractor = everyone(ADA, ALAN, until={"alan@example.com": "2026-03-31"})
    assert _gone(contractor.granted(dt.date(2026, 3, 31)), contractor.granted(dt.date(2026, 4, 1))) == ALAN_EVERYWHERE
    rotation = contractor.granted(dt.date(2026, 4, 1)).on_call
    assert rotation is not None and rotation.people == ["ada@example.com"]
