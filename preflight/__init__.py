"""Offline `pulumi preview --policy-pack`: run a Pulumi Python program under the SDK's mocks and
drive CrossGuard policy packs over their real Analyzer gRPC protocol, with no CLI, cloud or credentials."""

import sys
from pathlib import Path

try:
    import soc2_policies  # noqa: F401  installed with the package
except ImportError:  # running from a checkout: the pack lives beside preflight, and shares its conventions
    sys.path.append(str(Path(__file__).resolve().parent.parent / "policies"))
