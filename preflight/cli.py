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
from .junit import render_junit
from .report_document import render_html, render_markdown
from .report_json import render_json
from .report_text import render_text, summary_line
from .results import CheckResult
from .sarif import render_sarif
from .writing import check_output_file, write_file

RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "text": render_text, "json": render_json, "sarif": render_sarif, "junit": render_junit,
    "markdown": render_markdown, "html": render_html}


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
    run.add_argument("--output", type=Path, help="write the report to this file (atomically) instead of stdout")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.output:
            check_output_file(args.output)
        result = check(CheckOptions(args.program, args.stack, args.packs, args.pack_configs, args.mode))
        report = RENDERERS[args.format](result)
        if args.output:
            write_file(args.output, report)
            print(summary_line(result), file=sys.stderr)
    except ProgramError as err:
        if err.settings_error:
            print(f"preflight: bad stack settings: {err}", file=sys.stderr)
        else:
            print(f"preflight: the program failed: {err}\n{err.tail}", file=sys.stderr)
        return 2
    except PreflightInputError as err:
        print(f"preflight: {err}", file=sys.stderr)
        return 2
    if not args.output:
        sys.stdout.write(report)
    return result.exit_code
