"""The 2017 Trust Services Criteria (with 2022 points of focus), as short titles.

Every policy cites at least one of these; the control matrix lists all of them.
"""

from __future__ import annotations

FRAMEWORK_NAME = "SOC 2"
FRAMEWORK_VERSION = "2017 TSC (2022 points of focus)"

CRITERIA: dict[str, str] = {
    "CC1.1": "COSO principle 1: commitment to integrity and ethical values",
    "CC1.2": "COSO principle 2: board independence and oversight",
    "CC1.3": "COSO principle 3: structures, reporting lines, authorities",
    "CC1.4": "COSO principle 4: commitment to competence",
    "CC1.5": "COSO principle 5: accountability for internal control",
    "CC2.1": "Relevant, quality information supports internal control",
    "CC2.2": "Internal communication of objectives and responsibilities",
    "CC2.3": "Communication with external parties",
    "CC3.1": "Objectives specified to identify and assess risks",
    "CC3.2": "Risks identified and analysed",
    "CC3.3": "Potential for fraud considered",
    "CC3.4": "Changes that could impact internal control identified",
    "CC4.1": "Ongoing and separate evaluations of controls",
    "CC4.2": "Deficiencies evaluated and communicated",
    "CC5.1": "Control activities that mitigate risks",
    "CC5.2": "General controls over technology",
    "CC5.3": "Control activities deployed through policies and procedures",
    "CC6.1": "Logical access security: identities, least privilege, encryption keys",
    "CC6.2": "User registration, authorization and de-provisioning",
    "CC6.3": "Role-based access, least privilege and segregation of duties",
    "CC6.4": "Physical access restricted",
    "CC6.5": "Disposal of data and assets",
    "CC6.6": "Boundary protection against threats from outside",
    "CC6.7": "Data in transit protected",
    "CC6.8": "Unauthorized or malicious software prevented or detected",
    "CC7.1": "Configuration changes and vulnerabilities detected",
    "CC7.2": "Anomalies and security events monitored",
    "CC7.3": "Security events evaluated",
    "CC7.4": "Incident response",
    "CC7.5": "Recovery from incidents",
    "CC8.1": "Changes authorized, designed, tested, approved and implemented",
    "CC9.1": "Risk mitigation for business disruption",
    "CC9.2": "Vendor and business partner risk",
    "A1.1": "Capacity managed and monitored",
    "A1.2": "Environmental protections, backups and recovery infrastructure",
    "A1.3": "Recovery plan procedures tested",
    "C1.1": "Confidential information identified and protected",
    "C1.2": "Confidential information disposed of",
    "PI1.1": "Processing integrity: quality information about processing",
    "PI1.2": "Processing integrity: inputs complete and accurate",
    "PI1.3": "Processing integrity: processing complete and accurate",
    "PI1.4": "Processing integrity: outputs complete and accurate",
    "PI1.5": "Processing integrity: stored data complete and accurate",
    "P1.1": "Privacy notice",
    "P2.1": "Choice and consent",
    "P3.1": "Collection of personal information",
    "P4.1": "Use, retention and disposal of personal information",
    "P5.1": "Access to personal information by data subjects",
    "P6.1": "Disclosure and notification",
    "P7.1": "Quality of personal information",
    "P8.1": "Monitoring and enforcement of privacy",
}
