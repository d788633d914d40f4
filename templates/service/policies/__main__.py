"""The SOC 2 policy pack, served from the installed toolkit so every service runs the same rules.

`pulumi preview --policy-pack policies` runs it against real previews; `preflight check --stack dev`
runs it offline.
"""

from soc2_policies import ACCOUNT_POLICIES, serve_pack

# CloudTrail, AWS Config, GuardDuty, Security Hub, Inspector, Access Analyzer and EBS encryption by
# default are switched on once per account by the baseline stack, whose evidence covers them. A
# service stack does not repeat them; every other policy applies in full.
serve_pack(initial_config={name: "disabled" for name in ACCOUNT_POLICIES})
