"""Command line: `python -m preflight check --stack dev [--program DIR] [--policy-pack DIR] ...`.

Exit codes: 0 no mandatory violation, 1 at least one, 2 the check could not run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from .capture import ProgramError
from .check import CheckOptions, check
from .project import PreflightInputError
from .report_json import render_json
from .report_text import render_text
from .results import CheckResult

RENDERERS: dict[str, Callable[[CheckResult], str]] = {"text": render_text, "json": render_json}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="preflight", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser("check", help="run a program offline and check it against policy packs")
    run.add_argument("--stack", required=True, help="stack name; reads <stackConfigDir>/Pulumi.<stack>.yaml")
    run.add_argument("--program", type=Path, default=Path("."), help="Pulumi Python project directory (default .)")
    run.add_argument("--policy-pack", dest="packs", type=Path, action="append", default=[],
                     help="policy pack directory; repeatable (default: policies/)")
    run.add_argument("--policy-pack-config", dest="pack_configs", type=Path, action="append", default=[],
                     help="JSON policy config, in the CLI's format; the Nth applies to the Nth pack")
    run.add_argument("--mode", choices=("preview", "resolved"), default="preview",
                     help="preview: computed outputs unknown (default); resolved: synthesize ids and ARNs")
    run.add_argument("--format", choices=sorted(RENDERERS), default="text")
    run.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result = check(CheckOptions(args.program, args.stack, args.packs, args.pack_configs, args.mode))
    except ProgramError as err:
        if err.settings_error:
            print(f"preflight: bad stack settings: {err}", file=sys.stderr)
        else:
            print(f"preflight: the program failed: {err}\n{err.tail}", file=sys.stderr)
        return 2
    except PreflightInputError as err:
        print(f"preflight: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(RENDERERS[args.format](result))
    return result.exit_code
