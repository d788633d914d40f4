"""Change management policy: reviewed, checked, protected changes (CC8.1, CC3.4)."""

from __future__ import annotations

from ..document import Document
from .facts import Facts, value, yes

CRITERIA = ["CC8.1", "CC3.4", "CC5.3"]


def build(facts: Facts) -> Document:
    doc = facts.document("Change management policy", CRITERIA, [
        "Every change to infrastructure and code reaches the default branch through a reviewed pull request.",
        "Required checks, including the SOC 2 policy preview, pass before merging.",
        "Nobody, administrators included, can push directly, force-push or delete a protected branch.",
        "Every change is tracked by an issue labelled `change`, `bug`, `security` or `incident`."])
    doc.heading(2, "Protected branches")
    repositories = {r.urn: value(r, "name", r.name) for r in facts.of("github:index/repository:Repository")}
    rows = []
    for protection in facts.of("github:index/branchProtection:BranchProtection"):
        repo = next((repositories[u] for u in protection.property_dependencies.get("repositoryId", [])
                     if u in repositories), str(value(protection, "repositoryId")))
        reviews = value(protection, "requiredPullRequestReviews.0", {}) or {}
        rows.append([repo, value(protection, "pattern"), str(reviews.get("requiredApprovingReviewCount", 0)),
                     yes(reviews.get("requireCodeOwnerReviews")), yes(reviews.get("dismissStaleReviews")),
                     ", ".join(value(protection, "requiredStatusChecks.0.contexts", [])) or "none",
                     yes(value(protection, "enforceAdmins", None)),
                     "no" if value(protection, "allowsForcePushes", None) is True else "yes",
                     yes(value(protection, "requireSignedCommits", None))])
    doc.table(["Repository", "Branch", "Approvals", "Code owners", "Stale reviews dismissed", "Required checks",
               "Applies to admins", "Force push blocked", "Signed commits"], rows)
    doc.paragraph(facts.enforcement("github-repository-default-branch-protected", "github-branchprotection-required-reviews",
                                    "github-branchprotection-status-checks", "github-branchprotection-enforce-admins"))
    labels = sorted({str(value(label, "name")) for label in facts.of("github:index/issueLabel:IssueLabel")})
    doc.items([f"Issue labels for tracking: {', '.join(labels) or 'none'}",
               "The policy pack runs on every pull request (`preflight check`) and on every "
               "`pulumi preview --policy-pack policies`."])
    doc.heading(2, "Responsibilities")
    doc.items(["Authors link each pull request to its issue; reviewers confirm the change matches it.",
               "Emergency changes still go through a pull request, reviewed within one business day after merging."])
    return doc
