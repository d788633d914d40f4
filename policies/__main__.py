"""SOC 2 CrossGuard policy pack. Run it with `pulumi preview --policy-pack policies`, or offline
with `python -m preflight check --stack dev`."""

from soc2_policies import serve_pack

serve_pack()
