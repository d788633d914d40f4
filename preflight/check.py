"""`preflight check`: run a program offline, drive every policy pack over gRPC, join the verdict."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Protocol

from .analyzer import PackRun, PolicyPack
from .capture import Capture, Mode, OnRecord, ProgramError, ResourceRecord
from .deadline import DEFAULT_TIMEOUT_SECONDS
from .isolated import IsolatedProgram
from .policy_config import PolicyConfig, load_config_file
from .project import PreflightInputError, Project, StackConfig, load_project, load_stack_config
from .redaction import Redactor
from .results import CheckResult, findings_from, records_secrets, redact_error, stack_config_secrets
from .session import PackSession, StackContext, StreamingSession
from .writing import write_file

BUNDLED_PACK = Path(__file__).resolve().parent.parent / "policies"


@dataclass
class CheckOptions:
    program: Path = Path(".")
    stack: str = "dev"
    packs: list[Path] = field(default_factory=list)
    pack_configs: list[Path] = field(default_factory=list)
    mode: Mode = "preview"
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    """Seconds the program may run, a pack may take to start, and a pack may take to answer any call."""
    require_coverage: bool = False
    """A resource type no policy examined fails the check, like a mandatory violation."""
    overrides: Mapping[str, Any] = field(default_factory=dict)
    """Config values that replace the stack file's (for a service's own tests; see preflight.testing)."""


def default_packs(program: Path) -> list[Path]:
    """`policies/` next to the program, else the pack of this checkout, else the installed rules."""
    for candidate in (program / "policies", BUNDLED_PACK):
        if (candidate / "PulumiPolicy.yaml").is_file():
            return [candidate]
    return [installed_pack()]


def installed_pack() -> Path:
    """A pack directory for the installed `soc2_policies` rules (after pip install), kept in the user's cache.

    The analyzer runs a pack directory's `__main__.py`, so the installed rules need one. It lives under
    the user's own cache (not a shared temp directory another user could plant code in) and is
    rewritten whenever its contents differ from what this version expects.
    """
    import soc2_policies

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    directory = cache / "pulumi-soc2-baseline" / f"policy-pack-{soc2_policies.PACK_VERSION}"
    files = {"PulumiPolicy.yaml": soc2_policies.PULUMI_POLICY_YAML,
             "__main__.py": "from soc2_policies import serve_pack\n\nserve_pack()\n"}
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, text in files.items():
        path = directory / name
        if not path.is_file() or path.read_text() != text:
            write_file(path, text)
    return directory


def check(options: CheckOptions, before_fork: Callable[[], object] | None = None,
          running_packs: list[PolicyPack] | None = None) -> CheckResult:
    """Raises PreflightInputError (bad input, pack failure, timeout), ProgramError (the program raised or
    ended the interpreter) or InternalError. The program runs in a child process (see isolated.py);
    `before_fork` (warming the parent's imports, see warm.py) runs while the packs boot; `running_packs`
    (watch.py) are packs already started for this stack, configured again and left running."""
    project = load_project(options.program)
    stack_config = with_overrides(project, load_stack_config(project, options.stack), options.overrides)
    context = StackContext(project.name, options.stack, options.mode, stack_config.values, stack_config.secret_keys)
    program = IsolatedProgram(project.directory, project.main, project.name, options.stack, stack_config.values,
                              stack_config.secret_keys, options.mode, timeout=options.timeout)
    result = run_packs(options.packs or default_packs(project.directory), options.pack_configs,
                       pack_environment(project.name, stack_config.stack, stack_config.values, options.mode),
                       program, context, options.timeout, before_fork, running_packs,
                       frozenset(stack_config_secrets(stack_config)))
    result.add_stack_config(stack_config)
    result.require_coverage = options.require_coverage
    return result


def with_overrides(project: Project, config: StackConfig, overrides: Mapping[str, Any]) -> StackConfig:
    """The stack's config changed by `overrides`: keys without a namespace get the project's, and values that
    are not strings are passed as JSON, as the CLI passes structured config."""
    if not overrides:
        return config
    values = dict(config.values)
    for key, value in overrides.items():
        values[key if ":" in key else f"{project.name}:{key}"] = value if isinstance(value, str) else json.dumps(value)
    return replace(config, values=values)


class Source(Protocol):
    """Where the resources come from: entering starts producing them, `capture(on_record)` collects them.

    IsolatedProgram is one (entering forks the program); Finished (a state export) is another.
    """

    def __enter__(self) -> "Source": ...

    def __exit__(self, *_: Any) -> Any: ...

    def capture(self, on_record: OnRecord | None = None) -> Capture: ...


class _Kept:
    """A pack already running, entered without starting it and left running."""

    def __init__(self, pack: PolicyPack):
        self.pack = pack

    def __enter__(self) -> PolicyPack:
        return self.pack

    def __exit__(self, *_: Any) -> None:
        return None


class Finished:
    """A capture already made."""

    def __init__(self, capture: Capture):
        self._capture = capture

    def __enter__(self) -> "Finished":
        return self

    def __exit__(self, *_: Any) -> None:
        return None

    def capture(self, on_record: OnRecord | None = None) -> Capture:
        return self._capture


def run_packs(packs: list[Path], pack_configs: list[Path | None], env: dict[str, str], source: Source,
              context: StackContext | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS,
              before_fork: Callable[[], object] | None = None,
              running_packs: list[PolicyPack] | None = None, known_secrets: frozenset[str] = frozenset()
              ) -> CheckResult:
    """Starts producing the resources, starts every pack meanwhile, and has each pack judge them.

    The source starts first: a program's child must be forked before any gRPC channel or server exists
    here. With the stack's `context` known in advance, each pack is configured while the program runs
    and analyzes resources as they are registered. Without it (a state export), packs judge the
    finished capture. With `before_fork`, the packs start first and boot while it runs, then the source
    starts (forking after gRPC was used is safe: see child.py). A `None` config is no config for that pack.
    A failure's message is redacted of `known_secrets` and of the secrets of every resource seen so far.
    """
    if len(pack_configs) > len(packs):
        raise PreflightInputError("more --policy-pack-config files than policy packs; "
                                  "the Nth config file applies to the Nth --policy-pack")
    given = [load_config_file(p) if p is not None else {} for p in pack_configs]
    given += [{} for _ in range(len(packs) - len(given))]
    pending: list[Any] = [_Kept(p) for p in running_packs] if running_packs is not None else \
        [PolicyPack(p, env, timeout) for p in packs]  # a bad pack path is refused before anything starts
    seen: dict[str, ResourceRecord] = {}
    try:
        capture, runs = _judge(pending, given, source, context, before_fork, seen)
    except (PreflightInputError, ProgramError) as err:  # its message may quote a property or the program's values
        redact_error(err, Redactor(records_secrets(seen.values()) | known_secrets))
        raise
    result = CheckResult(capture, runs, findings_from(capture, runs))
    result.timings = {
        "programSeconds": round(capture.seconds, 3),
        "packStartSeconds": round(max((r.seconds_start for r in runs), default=0.0), 3),
        "evaluationSeconds": round(sum(r.seconds_evaluate for r in runs), 3),
    }
    return result


def _judge(pending: list[Any], given: list[dict[str, PolicyConfig]], source: Source, context: StackContext | None,
           before_fork: Callable[[], object] | None, seen: dict[str, ResourceRecord]) -> tuple[Capture, list[PackRun]]:
    """run_packs' work; `seen` gets every resource as it arrives, for redacting a failure's message."""
    with ExitStack() as streaming, ExitStack() as running:  # on error, packs stop before their threads are joined
        if before_fork is not None:
            started = [running.enter_context(pack) for pack in pending]
            before_fork()
            produce = running.enter_context(source).capture
        else:
            produce = running.enter_context(source).capture
            started = [running.enter_context(pack) for pack in pending]  # they boot while resources are produced
        if context is None:
            capture = produce(None)
            seen.update(capture.by_urn())
            sessions = [PackSession(pack, settings, StackContext(capture.project, capture.stack, capture.mode, {},
                                                                 frozenset())) for pack, settings in zip(started, given)]
            for session in sessions:
                session.prepare()
        else:
            streams = [StreamingSession(PackSession(pack, settings, context)) for pack, settings in zip(started, given)]
            for stream in streams:
                streaming.callback(stream.stop)

            def on_record(record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> None:
                seen[record.urn] = record
                for stream in streams:
                    stream.put(record, by_urn)

            capture = produce(on_record)
            sessions = [stream.wait() for stream in streams]
        return capture, [session.finish(capture) for session in sessions]


def pack_environment(project: str, stack: str, config: dict[str, str], mode: str) -> dict[str, str]:
    """The variables the CLI sets for an analyzer process."""
    return {"PULUMI_CONFIG": json.dumps(config, sort_keys=True), "PULUMI_PROJECT": project, "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "false" if mode == "resolved" else "true", "PULUMI_ORGANIZATION": "organization"}


def evaluate(pack: PolicyPack, capture: Capture, given: dict[str, PolicyConfig],
             config: Mapping[str, str] | None = None, secret_keys: frozenset[str] = frozenset()) -> PackRun:
    """One pack's verdict on a finished capture: configure, Analyze each resource, AnalyzeStack once."""
    session = PackSession(pack, given, StackContext(capture.project, capture.stack, capture.mode, config or {},
                                                    secret_keys))
    session.prepare()
    return session.finish(capture)
