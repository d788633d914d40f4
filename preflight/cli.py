"""preflight: check a Pulumi Python program against CrossGuard policy packs, offline.

    python -m preflight check --stack dev [--stack prod | --all-stacks] [--program DIR] [--policy-pack DIR]
                              [--baseline FILE | --baseline-ref GITREF] [--fail-on new] [--format F --output PATH]
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
from .check import CheckOptions
from .deadline import DEFAULT_TIMEOUT_SECONDS, parse_timeout
from .baseline import Baseline, apply as apply_baseline, from_file, from_ref
from .evidence import EvidenceOptions, prepare, stack_files, stacks_files
from .failure import InternalError
from .interrupt import Interrupted, stop_signals_raise
from .junit import render_junit
from .project import PreflightInputError, load_project
from .report_document import render_html, render_markdown
from .report_json import render_json
from .report_text import render_text, summary_line
from .report_stacks import RENDERERS as STACKS_RENDERERS
from .report_stacks import combined_line
from .results import CheckResult
from .sarif import render_sarif
from .stacks import check_stacks, stack_names
from .state import analyze_state
from .watch import Watch
from .writing import check_output_file, write_directory, write_file

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
    parser.add_argument("--stack", dest="stacks", action="append", default=[], metavar="STACK",
                        help="stack name; reads <stackConfigDir>/Pulumi.<stack>.yaml; repeatable")
    parser.add_argument("--all-stacks", action="store_true", help="check every stack file of the program")
    parser.add_argument("--program", type=Path, default=Path("."), help="Pulumi Python project directory (default .)")
    parser.add_argument("--mode", choices=("preview", "resolved"), default="preview",
                        help="preview: computed outputs unknown (default); resolved: synthesize ids and ARNs")
    _packs(parser)
    _delta(parser)


def _delta(parser: argparse.ArgumentParser) -> None:
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--baseline", type=Path, metavar="FILE",
                       help="compare with a previous `preflight check --json` report: new findings lead")
    given.add_argument("--baseline-ref", metavar="GITREF",
                       help="compare with this commit, branch or tag, checked first in a temporary git worktree")
    parser.add_argument("--fail-on", choices=("any", "new"), default="any",
                        help="any: any mandatory violation fails (default); new: only those the baseline lacks")


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
    run.add_argument("--watch", action="store_true",
                     help="stay running: a new verdict whenever the program, a stack file or a policy changes")
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
            print(f"preflight: the program failed: {err}" + (f"\n{err.tail}" if err.tail else "") +
                  "".join(f"\npreflight: note: {note}" for note in err.notes), file=sys.stderr)
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
    return CheckOptions(args.program, args.stacks[0] if args.stacks else "", args.packs, args.pack_configs,
                        args.mode, args.timeout, args.require_coverage)


def _stacks(args: argparse.Namespace) -> list[str]:
    """The stacks to check; refuses --fail-on new without a baseline, before anything runs."""
    if args.fail_on == "new" and not (args.baseline or args.baseline_ref):
        raise PreflightInputError("--fail-on new needs a baseline: --baseline FILE or --baseline-ref GITREF")
    return stack_names(load_project(args.program), args.stacks, args.all_stacks)


def _results(args: argparse.Namespace, names: list[str]) -> list[CheckResult]:
    """Each stack's verdict, compared with the baseline when one is given (a file is read first, a ref checked
    first)."""
    options = _options(args)
    baseline = _baseline(args, options, names)
    return _compared(check_stacks(options, names), baseline, args)


def _baseline(args: argparse.Namespace, options: CheckOptions, names: list[str]) -> Baseline | None:
    if args.baseline:
        return from_file(args.baseline)
    return from_ref(args.baseline_ref, options, names) if args.baseline_ref else None


def _compared(results: list[CheckResult], baseline: Baseline | None, args: argparse.Namespace) -> list[CheckResult]:
    if baseline is not None:
        apply_baseline(results, baseline)
    for result in results:
        result.fail_on_new = args.fail_on == "new"
    return results


def _several(args: argparse.Namespace, results: list[CheckResult]) -> bool:
    """Reports take the several-stacks shape with --all-stacks or two stacks or more; one --stack keeps its own."""
    return getattr(args, "all_stacks", False) or len(results) > 1


def _check(args: argparse.Namespace) -> int:
    if args.output:
        check_output_file(args.output)
    names = _stacks(args)
    if args.watch:
        baseline = _baseline(args, _options(args), names)
        Watch(_options(args), names, lambda results: _emit(results, args),
              lambda results: _compared(results, baseline, args)).run_forever()
    return _emit(_results(args, names), args)


def _analyze_state(args: argparse.Namespace) -> int:
    if args.output:
        check_output_file(args.output)
    result = analyze_state(args.file, args.packs, args.pack_configs, args.timeout)
    result.require_coverage = args.require_coverage
    return _emit(result, args)


def _evidence(args: argparse.Namespace) -> int:
    names = _stacks(args)
    options = EvidenceOptions(args.out, _options(args), args.roster, args.since, args.page_format)
    inputs = prepare(options, names)
    results = _results(args, names)
    several = _several(args, results)
    files = stacks_files(results, options, inputs) if several else stack_files(results[0], options, inputs[names[0]])
    write_directory(args.out, files)
    summary = combined_line(results) if several else summary_line(results[0])
    print(f"{summary}\nwrote {len(files)} files to {args.out}", file=sys.stderr)
    return max(r.exit_code for r in results)


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


def _emit(results: CheckResult | list[CheckResult], args: argparse.Namespace) -> int:
    results = results if isinstance(results, list) else [results]
    several = _several(args, results)
    report = STACKS_RENDERERS[args.format](results) if several else RENDERERS[args.format](results[0])
    if args.output:
        write_file(args.output, report)
        print(combined_line(results) if several else summary_line(results[0]), file=sys.stderr)
    else:
        sys.stdout.write(report)
    return max(r.exit_code for r in results)


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
