"""SOC 2 CrossGuard policy pack. Run it with `pulumi preview --policy-pack policies`, or offline
with `python -m preflight check --stack dev`."""

from soc2_policies import PACK_DESCRIPTION, PACK_NAME, PACK_VERSION, all_policies
from soc2_policies.dispatch import serve

serve(PACK_NAME, PACK_VERSION, all_policies(), description=PACK_DESCRIPTION, display_name="SOC 2 baseline",
      provider="aws", tags=["soc2", "aws", "github", "datadog"])
