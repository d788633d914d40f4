"""Offline `pulumi preview --policy-pack`: run a Pulumi Python program under the SDK's mocks and
drive CrossGuard policy packs over their real Analyzer gRPC protocol, with no CLI, cloud or credentials."""

import os
import sys
from pathlib import Path

# Before anything imports grpc, which reads this once: with fork support on (grpc's default), a fork
# restarts gRPC's threads in the child, and the program's child (child.py) must hold no gRPC at all.
_GRPC_SETTING_BEFORE = "grpc" not in sys.modules or "GRPC_ENABLE_FORK_SUPPORT" in os.environ
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
GRPC_FORK_SUPPORT_OFF = _GRPC_SETTING_BEFORE and os.environ["GRPC_ENABLE_FORK_SUPPORT"].lower() not in ("1", "true", "yes")
"""Whether forking is safe once this process has used gRPC (see child.py)."""

try:
    import soc2_policies  # noqa: F401  installed with the package
except ImportError:  # running from a checkout: the pack lives beside preflight, and shares its conventions
    sys.path.append(str(Path(__file__).resolve().parent.parent / "policies"))
