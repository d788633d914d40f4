"""preflight: check a Pulumi Python program against CrossGuard policy packs, offline.

    python -m preflight check --stack dev [--program DIR] [--policy-pack DIR] [--format F --output PATH]
    python -m preflight evidence --stack prod --out DIR [--since GITREF] [--format html|pdf]
    python -m preflight analyze-state export.json
    python -m preflight changes --since GITREF [--until GITREF] [--format markdown|csv|json] [--github]

Exit codes: 0 no mandatory violation, 1 at least one, 2 the check could not run, 130 / 143
stopped by SIGINT / SIGTERM (see EXIT_CODES).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import Callable, NoReturn

from .capture import ProgramError
from .change_evidence import ChangeRequest, change_log
from .changes import DEFAULT_TICKET_PATTERN
from .changes_report import CHANGE_RENDERERS
from .check import CheckOptions, check
from .deadline import DEFAULT_TIMEOUT_SECONDS, parse_timeout
from .evidence import EvidenceOptions, evidence
from .failure import InternalError
from .interrupt import Interrupted, stop_signals_raise
from .junit import render_junit
from .project import PreflightInputError
from .report_document import render_html, render_markdown
from .report_json import render_json
from .report_text import render_text, summary_line
from .results import CheckResult
from .sarif import render_sarif
from .state import analyze_state
from .writing import check_output_file, write_file

EXIT_CODES = """exit codes:
  0    no mandatory violation
  1    at least one mandatory violation (or, with --require-coverage, a type no policy examined)
  2    could not run: bad input, the program failed or ended the interpreter, a policy pack
       failed, a timeout, or an internal error (one line on stderr; --debug adds the traceback)
  130  stopped by SIGINT, 143 stopped by SIGTERM (packs and program stopped, nothing written)"""

RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "text": render_text, "json": render_json, "sarif": render_sarif, "junit": render_junit,
    "markdown": render_markdown, "html": render_html}


def _packs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy-pack", dest="packs", type=Path, action="append", default=[],
                        help="policy pack directory; repeatable (default: policies/)")
    parser.add_argument("--policy-pack-config", dest="pack_configs", type=Path, action="append", default=[],
                        help="JSON policy config, in the CLI's format; the Nth applies to the Nth pack")
    parser.add_argument("--timeout", type=_timeout, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                        help="longest the program may run, a pack may take to start, and a pack may take to "
                             f"answer any call; past it, exit 2 naming what timed out (default {DEFAULT_TIMEOUT_SECONDS:g})")
    parser.add_argument("--debug", action="store_true", help="on an internal error, show its traceback")
    parser.add_argument("--require-coverage", action="store_true",
                        help="fail (exit 1) when a resource type in the stack is examined by no policy")


def _timeout(text: str) -> float:
    try:
        return parse_timeout(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err).removeprefix("--timeout ").replace(": not", " is not")) from None


def _program(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="stack name; reads <stackConfigDir>/Pulumi.<stack>.yaml")
    parser.add_argument("--program", type=Path, default=Path("."), help="Pulumi Python project directory (default .)")
    parser.add_argument("--mode", choices=("preview", "resolved"), default="preview",
                        help="preview: computed outputs unknown (default); resolved: synthesize ids and ARNs")
    _packs(parser)


def _report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    parser.add_argument("--output", type=Path, help="write the report to this file (atomically) instead of stdout")


class _Parser(argparse.ArgumentParser):
    """Bad arguments are one line (what is wrong, where to look), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}; see `{self.prog} --help`\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="preflight", description=__doc__.splitlines()[0], epilog=EXIT_CODES,
                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser("check", help="run a program offline and check it against policy packs",
                              epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _program(run)
    _report(run)
    bundle = commands.add_parser("evidence", help="write the SOC 2 evidence bundle for a stack",
                                 epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _program(bundle)
    bundle.add_argument("--out", type=Path, required=True, help="directory for the bundle (replaced if it holds one)")
    bundle.add_argument("--roster", type=Path, help="people roster (default: the stack's soc2-baseline:access.rosterFile, else stacks/people.yaml)")
    bundle.add_argument("--since", metavar="GITREF",
                        help="list who was added or removed since this commit or tag, and every change since "
                             "(changes.md, changes.csv)")
    bundle.add_argument("--format", dest="page_format", choices=("html", "pdf"), default="html",
                        help="the evidence page: evidence.html, and with pdf also evidence.pdf (headless Chromium)")
    state = commands.add_parser("analyze-state", help="check a `pulumi stack export` file (deployed state)",
                                epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    state.add_argument("file", type=Path, help="output of `pulumi stack export --file FILE`")
    _packs(state)
    _report(state)
    _changes_parser(commands)
    return top


def _changes_parser(commands: argparse._SubParsersAction) -> None:
    changes = commands.add_parser("changes", help="every change since a ref, from git: pull requests, tickets, "
                                                  "exceptions (change-management evidence)",
                                  epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    changes.add_argument("--since", metavar="GITREF", required=True, help="first change after this commit or tag")
    changes.add_argument("--until", metavar="GITREF", default="HEAD", help="last change (default HEAD)")
    changes.add_argument("--program", type=Path, default=Path("."),
                         help="Pulumi project directory; changes that touched it are listed (default .)")
    changes.add_argument("--stack", help="read the ticket pattern from this stack's soc2-baseline:github.ticketPattern")
    changes.add_argument("--ticket-pattern", metavar="REGEX", help=f"ticket ids, a Python regular expression (default {DEFAULT_TICKET_PATTERN})")
    changes.add_argument("--github", nargs="?", const="", metavar="OWNER/REPO",
                         help="add reviewers and approvals from the GitHub API (token in GITHUB_TOKEN; the "
                              "repository defaults to the origin remote's)")
    changes.add_argument("--format", choices=sorted(CHANGE_RENDERERS), default="markdown")
    changes.add_argument("--output", type=Path, help="write the report to this file (atomically) instead of stdout")
    changes.add_argument("--debug", action="store_true", help="on an internal error, show its traceback")


def main(argv: list[str] | None = None) -> int:
    """Runs one command; every outcome is an exit code and, but for a verdict, one line on stderr."""
    args = parser().parse_args(argv)
    try:
        with stop_signals_raise():
            return COMMANDS[args.command](args)
    except Interrupted as stop:
        print(f"preflight: stopped by {stop}; the policy packs and the program were stopped",
              file=sys.stderr)
        return stop.exit_code
    except ProgramError as err:
        if err.settings_error:
            print(f"preflight: bad stack settings: {err}", file=sys.stderr)
        else:
            print(f"preflight: the program failed: {err}" + (f"\n{err.tail}" if err.tail else ""), file=sys.stderr)
        return 2
    except PreflightInputError as err:
        print(f"preflight: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`preflight check --json | head -1`)
        return _closed_stdout()
    except Exception as exn:  # noqa: BLE001 a bug in preflight is still exit 2 ("could not run"), never 1
        failure = exn if isinstance(exn, InternalError) else InternalError.of(exn)
        if args.debug:
            print(failure.text.rstrip(), file=sys.stderr)
        print(failure.line(), file=sys.stderr)
        return 2


def _options(args: argparse.Namespace) -> CheckOptions:
    return CheckOptions(args.program, args.stack, args.packs, args.pack_configs, args.mode, args.timeout,
                        args.require_coverage)


def _check(args: argparse.Namespace) -> int:
    if args.output:
        check_output_file(args.output)
    return _emit(check(_options(args)), args)


def _analyze_state(args: argparse.Namespace) -> int:
    if args.output:
        check_output_file(args.output)
    result = analyze_state(args.file, args.packs, args.pack_configs, args.timeout)
    result.require_coverage = args.require_coverage
    return _emit(result, args)


def _evidence(args: argparse.Namespace) -> int:
    options = _options(args)
    result, files = evidence(EvidenceOptions(args.out, options, args.roster, args.since, args.page_format))
    print(f"{summary_line(result)}\nwrote {len(files)} files to {args.out}", file=sys.stderr)
    return result.exit_code


def _changes(args: argparse.Namespace) -> int:
    if args.output:
        check_output_file(args.output)
    log = change_log(ChangeRequest(args.program, args.since, args.until, args.stack, args.ticket_pattern, args.github))
    report = CHANGE_RENDERERS[args.format](log)
    if args.output:
        write_file(args.output, report)
    else:
        sys.stdout.write(report)
    print(log.summary(), file=sys.stderr)
    return 0


def _emit(result: CheckResult, args: argparse.Namespace) -> int:
    report = RENDERERS[args.format](result)
    if args.output:
        write_file(args.output, report)
        print(summary_line(result), file=sys.stderr)
    else:
        sys.stdout.write(report)
    return result.exit_code


def run() -> None:
    """The console script, a one-shot process: no cyclic garbage collection, and no interpreter teardown.

    The provider SDKs leave millions of long-lived objects; one full collection over them after the
    program costs more than evaluating the policies (1.9 s of 11 at 5,000 resources), and freeing them
    at exit costs as much again. The process's memory is returned when it exits.
    """
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _closed_stdout()
    sys.stderr.flush()
    os._exit(code)


def _closed_stdout() -> int:
    print("preflight: stdout was closed before the whole report was written", file=sys.stderr)
    return 2


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check, "evidence": _evidence, "analyze-state": _analyze_state, "changes": _changes}
