"""What infrastructure code can show for each 2017 Trust Services Criterion.

Titles come from the policy pack (`soc2_policies.criteria`), the one list of criteria. This
module adds, per criterion, how far code can prove it: fully (`infrastructure`), in part
(`partial`, naming the organizational control that must complete it), or not at all
(`organizational`, naming the control an auditor will ask for instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from soc2_policies.criteria import CRITERIA

Reach = Literal["infrastructure", "partial", "organizational"]


@dataclass(frozen=True)
class Scope:
    reach: Reach
    organizational_control: str = ""
    """What people must do besides (partial) or instead of (organizational) the code."""


ORG = "organizational"
SCOPE: dict[str, Scope] = {
    "CC1.1": Scope(ORG, "Code of conduct acknowledged by every employee; background checks at hire"),
    "CC1.2": Scope(ORG, "Board or management oversight of the security program, with minutes"),
    "CC1.3": Scope(ORG, "Organization chart and security roles and responsibilities"),
    "CC1.4": Scope(ORG, "Hiring, security awareness training and performance reviews"),
    "CC1.5": Scope(ORG, "Accountability for controls in job descriptions and reviews"),
    "CC2.1": Scope("partial", "Management uses the audit trail and alerts in its control reviews"),
    "CC2.2": Scope(ORG, "Security policies published to staff; onboarding and training records"),
    "CC2.3": Scope("partial", "Customer-facing security commitments and a status page"),
    "CC3.1": Scope(ORG, "Documented risk assessment with objectives"),
    "CC3.2": Scope("partial", "Annual risk assessment that consumes GuardDuty and Security Hub findings"),
    "CC3.3": Scope(ORG, "Fraud risk considered in the risk assessment"),
    "CC3.4": Scope("partial", "Change impact considered in the risk assessment"),
    "CC4.1": Scope("partial", "Periodic control evaluations (internal audit or management review)"),
    "CC4.2": Scope("partial", "Deficiencies tracked to closure and reported to management"),
    "CC5.1": Scope("partial", "Control activities selected in the risk assessment"),
    "CC5.2": Scope("partial", "General IT controls beyond this stack (endpoints, SaaS)"),
    "CC5.3": Scope("partial", "Written policies approved and reviewed yearly (see policies/*.md)"),
    "CC6.1": Scope("infrastructure"),
    "CC6.2": Scope("partial", "HR offboarding that removes the person from the roster within one business day"),
    "CC6.3": Scope("partial", "Quarterly access reviews signed off by managers (see access-review.md)"),
    "CC6.4": Scope(ORG, "Physical security is inherited from the cloud provider's SOC 2 report"),
    "CC6.5": Scope("partial", "Disposal procedure for laptops and media"),
    "CC6.6": Scope("infrastructure"),
    "CC6.7": Scope("infrastructure"),
    "CC6.8": Scope("partial", "Endpoint protection (MDM, anti-malware) on employee devices"),
    "CC7.1": Scope("infrastructure"),
    "CC7.2": Scope("infrastructure"),
    "CC7.3": Scope("partial", "On-call triage of alerts and findings, with tickets"),
    "CC7.4": Scope("partial", "Incident response plan, exercised yearly, with post-mortems"),
    "CC7.5": Scope("partial", "Restore tests from backups, recorded"),
    "CC8.1": Scope("partial", "Change tickets linked to pull requests; emergency change procedure"),
    "CC9.1": Scope(ORG, "Business continuity plan and insurance"),
    "CC9.2": Scope(ORG, "Vendor risk management: reviews of subprocessors' SOC 2 reports"),
    "A1.1": Scope("partial", "Capacity planning reviewed against the alarms"),
    "A1.2": Scope("infrastructure"),
    "A1.3": Scope(ORG, "Recovery plan tested at least yearly"),
    "C1.1": Scope("infrastructure"),
    "C1.2": Scope("partial", "Data retention schedule and customer data deletion on request"),
    "PI1.1": Scope(ORG, "Processing specifications documented by the product"),
    "PI1.2": Scope(ORG, "Input validation in the application"),
    "PI1.3": Scope(ORG, "Processing monitored by the application"),
    "PI1.4": Scope(ORG, "Output reconciliation by the application"),
    "PI1.5": Scope("partial", "Data integrity checks in the application"),
    **{p: Scope(ORG, "Privacy program: notices, consent, data subject requests and records of processing")
       for p in CRITERIA if p.startswith("P") and not p.startswith("PI")},
}

STATUSES = ("enforced and passing", "failing", "waived", "partly covered", "not addressable by infrastructure code")
