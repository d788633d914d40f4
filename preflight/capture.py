"""Runs a Pulumi Python program under the SDK's mock monitor and records every registration.

What is recorded is what the engine receives: URNs built as the engine builds them, inputs with
secrets and unknowns encoded, parents, dependencies, options, provider references and the line
of the program that constructed each resource. Preview mode answers like a first `pulumi
preview` (inputs known, computed outputs unknown); resolved mode answers like a finished
deployment, with plausible ids and ARNs.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import hashlib
import importlib
import logging
import os
import runpy
import sys
import threading
import time
import traceback
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal
from urllib.parse import unquote, urlparse

from google.protobuf import empty_pb2
from pulumi import Output
from pulumi.runtime import mocks, settings
from pulumi.runtime import config as runtime_config
from pulumi.runtime.proto import engine_pb2, provider_pb2, resource_pb2
from pulumi.runtime.stack import run_in_stack

from . import properties as props, provider_imports
from .offline_data import InvokeFailure, offline_invoke

Mode = Literal["preview", "resolved", "state"]
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"
PLACEHOLDER_ACCOUNT = "123456789012"
OWN_DIR = str(Path(__file__).resolve().parent)


@dataclass(frozen=True)
class SourceLocation:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class ResourceRecord:
    urn: str
    type: str
    name: str
    custom: bool
    id: str = ""
    parent: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    provider: str = ""
    source: SourceLocation | None = None
    stack: list[SourceLocation] = field(default_factory=list)
    read: bool = False

    @property
    def provider_urn(self) -> str:
        return self.provider.rsplit("::", 1)[0] if self.provider else ""

    def to_json(self) -> dict[str, Any]:
        """The record as JSON for reports, with every secret value redacted."""
        return {
            "urn": self.urn, "type": self.type, "name": self.name, "custom": self.custom, "id": self.id,
            "parent": self.parent, "inputs": props.redacted(self.inputs), "outputs": props.redacted(self.outputs),
            "dependencies": self.dependencies, "propertyDependencies": self.property_dependencies,
            "protect": self.protect, "options": self.options, "provider": self.provider,
            "source": str(self.source) if self.source else None, "read": self.read,
        }


@dataclass
class Diagnostic:
    severity: str
    message: str
    urn: str = ""


@dataclass
class Capture:
    project: str
    stack: str
    mode: Mode
    program_dir: Path
    records: list[ResourceRecord]
    stack_outputs: dict[str, Any]
    diagnostics: list[Diagnostic]
    seconds: float

    def by_urn(self) -> dict[str, ResourceRecord]:
        return {r.urn: r for r in self.records}


class ProgramError(Exception):
    """The program raised; `tail` is the end of its own traceback."""

    def __init__(self, message: str, tail: str, settings_error: bool = False, registered: list[str] | None = None,
                 notes: list[str] | None = None):
        super().__init__(message)
        self.tail = tail
        self.settings_error = settings_error
        self.registered = registered or []
        """URNs registered before the failure (the root stack, at least, for a program that started)."""
        self.notes = notes or []
        """What preflight told the program that may explain the failure: data sources answered unknown offline,
        whose plain call stops a program far from its cause."""


def duplicate_urn(first: ResourceRecord, second: ResourceRecord) -> ProgramError:
    """The engine's refusal of a second resource with a URN already registered, naming both source lines.

    The SDK registers from a thread pool, so which arrives first varies; the lines are given in
    program order instead, so the message is the same on every run.
    """
    sources = sorted((first.source, second.source), key=lambda s: (s is None, (s.file, s.line) if s else ("", 0)))
    named = [str(s) if s else "a line outside the program" for s in sources]
    return ProgramError(f"Duplicate resource URN '{second.urn}'; try giving it a unique name "
                        f"(constructed at {named[0]} and at {named[1]})", "")


OnRecord = Callable[[ResourceRecord, Mapping[str, ResourceRecord]], None]


def _engine_side(method: Callable[..., Any]) -> Callable[..., Any]:
    """Keeps a failure of preflight's own monitor code apart from the program's failures.

    The SDK reports whatever a monitor call raises as the program's error; a bug here must instead
    be reported as preflight's, so the first one is kept on the monitor for run_program to raise.
    """

    @functools.wraps(method)
    def call(self: "RecordingMonitor", request: Any) -> Any:
        try:
            return method(self, request)
        except ProgramError:
            raise
        except Exception as exn:
            if self.internal_error is None:
                self.internal_error = exn
            raise

    return call


class RecordingMonitor(mocks.MockMonitor):
    """A MockMonitor that answers like the engine and keeps what it was told."""

    def __init__(self, program_dir: Path, mode: Mode, config: dict[str, str], secret_keys: frozenset[str],
                 on_record: OnRecord | None = None):
        super().__init__(None)  # type: ignore[arg-type]
        self.on_record = on_record
        self.program_dir = program_dir
        self.mode = mode
        self.config = config
        self.secret_keys = secret_keys
        self.records: dict[str, ResourceRecord] = {}
        self.stack_outputs: dict[str, Any] = {}
        self.diagnostics: list[Diagnostic] = []
        self.duplicate: ProgramError | None = None
        self.internal_error: Exception | None = None
        self.data_source_notes: list[str] = []
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine prefixes the parent's type chain, except for children of the root stack.
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                type_ = f"{parent_type}${type_}"
        return f"urn:pulumi:{settings.get_stack()}::{settings.get_project()}::{type_}::{name}"

    @_engine_side
    def RegisterResource(self, request: Any) -> resource_pb2.RegisterResourceResponse:
        urn = self.make_urn(request.parent, request.type, request.name)
        inputs = props.from_struct(request.object)
        record = ResourceRecord(
            urn=urn, type=request.type, name=request.name, custom=request.custom, parent=request.parent,
            inputs=inputs, dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items() if v.urns},
            protect=request.protect, options=_options(request), source=None, stack=[],
        )
        record.source, record.stack = self._locate(request)
        if request.custom:
            record.provider = request.provider or self._default_provider(request.type, request.version)
            record.id, record.outputs = self._answer(record)
        self._keep(record)
        if not request.custom:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=record.id, object=props.to_struct(record.outputs))

    @_engine_side
    def RegisterResourceOutputs(self, request: Any) -> empty_pb2.Empty:
        outputs = props.from_struct(request.outputs)
        with self._lock:
            if request.urn in self.records:
                self.records[request.urn].outputs = outputs
            if request.urn.split("::")[2] == STACK_TYPE:
                self.stack_outputs = outputs
        return empty_pb2.Empty()

    @_engine_side
    def ReadResource(self, request: Any) -> resource_pb2.ReadResourceResponse:
        urn = self.make_urn(request.parent, request.type, request.name)
        state = props.from_struct(request.properties)
        record = ResourceRecord(urn=urn, type=request.type, name=request.name, custom=True, id=request.id,
                                parent=request.parent, inputs=state, outputs=state, read=True,
                                dependencies=list(request.dependencies),
                                provider=request.provider or self._default_provider(request.type, request.version))
        record.source, record.stack = self._locate(request)
        self._keep(record)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=props.to_struct(state))

    @_engine_side
    def Invoke(self, request: Any) -> resource_pb2.ResourceInvokeResponse:
        try:
            answer = offline_invoke(request.tok, props.from_struct(request.args), self.config)
        except InvokeFailure as failure:  # the provider would refuse these arguments: the program's call raises
            return resource_pb2.ResourceInvokeResponse(failures=[provider_pb2.CheckFailure(
                property=failure.property, reason=failure.reason)])
        if answer.note:
            with self._lock:  # once per data source, however often it is called
                if all(d.message != answer.note for d in self.diagnostics):
                    self.diagnostics.append(Diagnostic(answer.severity, answer.note))
                    self.data_source_notes.append(answer.note)
        if answer.result is None:
            return resource_pb2.ResourceInvokeResponse(unknown=True)
        return resource_pb2.ResourceInvokeResponse(**{"return": props.to_struct(answer.result)})

    def _keep(self, record: ResourceRecord) -> None:
        with self._lock:
            first = self.records.get(record.urn)
            if first is not None:
                self.duplicate = self.duplicate or duplicate_urn(first, record)
                raise ProgramError(str(self.duplicate), "")
            self.records[record.urn] = record
        if self.on_record is not None:  # its provider is already in self.records
            self.on_record(record, self.records)

    def records_in_order(self) -> list[ResourceRecord]:
        """Sorted by URN: registration order depends on the SDK's thread pool, reports must not."""
        return sorted(self.records.values(), key=lambda r: r.urn)

    def _answer(self, record: ResourceRecord) -> tuple[str, dict[str, Any]]:
        if self.mode == "preview":
            return "", dict(record.inputs)  # a create in preview: inputs known, computed outputs unknown
        outputs = dict(record.inputs)
        if record.type.startswith("random:"):
            outputs = {**_synthetic_random(record), **outputs}
        if record.type == "aws:acm/certificate:Certificate":
            outputs = {**_synthetic_validation(record), **outputs}
        region = self.config.get("aws:region", "us-east-1")
        for name in _string_outputs(record.type):
            if name not in outputs:
                outputs[name] = _synthetic_string(record, name, region)
        return _synthetic_id(record), outputs

    def _default_provider(self, type_: str, version: str) -> str:
        package = type_.split(":")[0]
        name = "default" + ("_" + version.replace(".", "_").replace("-", "_").replace("+", "_") if version else "")
        urn = f"urn:pulumi:{settings.get_stack()}::{settings.get_project()}::{PROVIDER_PREFIX}{package}::{name}"
        with self._lock:
            record = self.records.get(urn)
            if record is None:
                inputs: dict[str, Any] = {k.split(":", 1)[1]: (props.secret(v) if k in self.secret_keys else v)
                                          for k, v in sorted(self.config.items()) if k.split(":", 1)[0] == package}
                if version:
                    inputs["version"] = version
                record = ResourceRecord(urn=urn, type=PROVIDER_PREFIX + package, name=name, custom=True,
                                        inputs=inputs, outputs=dict(inputs))
                record.id = props.UNKNOWN if self.mode == "preview" else _synthetic_id(record)
                self.records[urn] = record
        return f"{record.urn}::{record.id}"

    def _locate(self, request: Any) -> tuple[SourceLocation | None, list[SourceLocation]]:
        frames = [_location(f.pc.uri, f.pc.line, self.program_dir) for f in request.stackTrace.frames if f.pc.uri]
        frames = [f for f in frames if f is not None]
        own = [f for f in frames if not Path(f.file).is_absolute()]
        # The innermost line inside the program: for components installed from a package, the call site.
        return (own[0] if own else None), own


class RecordingEngine:
    """Collects what the program logs (warnings, errors) instead of printing it."""

    def __init__(self, sink: list[Diagnostic]):
        self.sink = sink

    def Log(self, request: Any) -> None:
        names = {engine_pb2.DEBUG: "debug", engine_pb2.INFO: "info", engine_pb2.WARNING: "warning",
                 engine_pb2.ERROR: "error"}
        severity = names.get(request.severity, "info")
        if severity != "debug":
            self.sink.append(Diagnostic(severity, request.message, request.urn))


def run_program(program_dir: str | Path, main: str | Path | Callable[[], None], project: str, stack: str,
                config: dict[str, str], secret_keys: frozenset[str] = frozenset(), mode: Mode = "preview",
                organization: str = "organization", on_record: OnRecord | None = None) -> Capture:
    """Runs the program once in a fresh Pulumi context and returns what it registered.

    `main` is the program's entry (a `__main__.py` or its directory) or, for tests, a function
    that constructs resources. `on_record` is called with each resource as it is registered.
    """
    program_dir = Path(program_dir).resolve()
    provider_imports.install()
    monitor = RecordingMonitor(program_dir, mode, config, secret_keys, on_record)
    started = time.perf_counter()
    error: list[BaseException] = []

    def run() -> None:
        settings.ROOT.set(None)
        mock_settings = mocks.MockSettings(
            monitor=monitor, monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=RecordingEngine(monitor.diagnostics), project=project, stack=stack,
            dry_run=(mode == "preview"), organization=organization, callbacks=None, root_directory=str(program_dir))
        settings.configure(mock_settings)
        runtime_config.set_all_config(dict(config), sorted(secret_keys))
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(_unless_refused)
        try:
            with _program_environment(program_dir):
                entry = main if callable(main) else (lambda: runpy.run_path(str(main), run_name="__main__"))
                loop.run_until_complete(run_in_stack(entry))
        except BaseException as exn:  # noqa: BLE001 reported to the caller with the program's traceback
            error.append(exn)
        finally:
            _drain(loop)

    # The provider SDKs allocate millions of objects while importing; cyclic GC passes over them
    # cost ~40% of a run and free almost nothing, so collection waits until the program is done.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        contextvars.copy_context().run(run)
    finally:
        if gc_was_enabled:
            gc.enable()
    seconds = time.perf_counter() - started
    registered = [r.urn for r in monitor.records_in_order()]
    if monitor.internal_error is not None:
        raise monitor.internal_error
    if monitor.duplicate is not None:  # whatever the program made of the refusal, this is the cause
        monitor.duplicate.registered = registered
        raise monitor.duplicate
    if error:
        failure = _program_error(error[0], program_dir)
        failure.registered, failure.notes = registered, monitor.data_source_notes
        raise failure from None
    logged = [d for d in monitor.diagnostics if d.severity == "error"]
    if logged:
        raise ProgramError(logged[0].message.splitlines()[0] if logged[0].message else "program logged an error",
                           logged[0].message, registered=registered, notes=monitor.data_source_notes)
    return Capture(project, stack, mode, program_dir, monitor.records_in_order(), monitor.stack_outputs,
                   monitor.diagnostics, seconds)


class _program_environment:
    """cwd and sys.path as the Python language host sets them, restored afterwards."""

    def __init__(self, program_dir: Path):
        self.program_dir = program_dir

    def __enter__(self) -> None:
        self.cwd = os.getcwd()
        self.path = list(sys.path)
        os.chdir(self.program_dir)
        sys.path.insert(0, str(self.program_dir))
        logging.getLogger("pulumi").setLevel(logging.ERROR)

    def __exit__(self, *_: Any) -> None:
        os.chdir(self.cwd)
        sys.path[:] = self.path


def _unless_refused(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's report of a failed future nobody awaited, except for the monitor's own refusals.

    A refused registration (a duplicate URN) fails every future of that resource; it is reported once.
    """
    if not isinstance(context.get("exception"), ProgramError):
        loop.default_exception_handler(context)


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()


def _program_error(exn: BaseException, program_dir: Path) -> ProgramError:
    if getattr(exn, "is_settings_error", False):
        return ProgramError(str(exn), str(exn), settings_error=True)
    if isinstance(exn, SystemExit):
        return ProgramError(f"it called sys.exit({exn.code!r}) before it finished", "")
    lines = traceback.format_exception(exn)
    text = "".join(lines)
    # Drop the runner's own frames: the tail starts at the program's first frame.
    marker = f'File "{program_dir}'
    start = text.find(marker)
    tail = text if start < 0 else "Traceback (most recent call last):\n  " + text[start:]
    summary = traceback.format_exception_only(exn)[-1].strip()
    return ProgramError(summary, "\n".join(tail.rstrip().splitlines()[-25:]))


def _options(request: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if request.ignoreChanges:
        options["ignoreChanges"] = list(request.ignoreChanges)
    if request.deleteBeforeReplaceDefined:
        options["deleteBeforeReplace"] = request.deleteBeforeReplace
    if request.additionalSecretOutputs:
        options["additionalSecretOutputs"] = list(request.additionalSecretOutputs)
    if request.HasField("customTimeouts"):
        t = request.customTimeouts
        options["customTimeouts"] = {"create": t.create, "update": t.update, "delete": t.delete}
    for name in ("retainOnDelete", "deletedWith", "importId"):
        value = getattr(request, name, None)
        if value:
            options[name] = value
    if getattr(request, "replaceOnChanges", None):
        options["replaceOnChanges"] = list(request.replaceOnChanges)
    aliases = [a.urn for a in getattr(request, "aliases", []) if a.urn] + list(getattr(request, "aliasURNs", []))
    if aliases:
        options["aliases"] = aliases
    return options


def _location(uri: str, line: int, program_dir: Path) -> SourceLocation | None:
    if not uri:
        return None
    return SourceLocation(_program_file(uri, str(program_dir)), line)


@functools.lru_cache(maxsize=4096)
def _program_file(uri: str, program_dir: str) -> str:
    """A frame's file relative to the program, or its absolute path when outside it (or in a virtualenv)."""
    path = Path(unquote(urlparse(uri).path))
    if str(path).startswith(OWN_DIR):
        return str(path)  # preflight's own frames are never the program's
    try:
        relative = path.resolve().relative_to(program_dir)
    except ValueError:
        return str(path)
    if "site-packages" in relative.parts or relative.parts[:1] in (("venv",), (".venv",)):
        return str(path)
    return relative.as_posix()


def _synthetic_id(record: ResourceRecord) -> str:
    digest = hashlib.sha256(record.urn.encode()).hexdigest()
    return f"{record.name}-{digest[:8]}"


def _synthetic_arn(record: ResourceRecord, region: str) -> str:
    module = record.type.split(":")[1].split("/")[0]
    kind = record.type.rsplit(":", 1)[1].lower()
    name = record.inputs.get("name") if isinstance(record.inputs.get("name"), str) else record.id
    if module in ("s3", "iam", "cloudfront", "route53"):
        return f"arn:aws:{module}::{PLACEHOLDER_ACCOUNT if module != 's3' else ''}:{kind}/{name}"
    return f"arn:aws:{module}:{region}:{PLACEHOLDER_ACCOUNT}:{kind}/{name}"


def _synthetic_random(record: ResourceRecord) -> dict[str, Any]:
    """Deterministic stand-ins for the random provider's results, so programs can use them."""
    digest = hashlib.sha256(record.urn.encode()).hexdigest()
    length = record.inputs.get("length") if isinstance(record.inputs.get("length"), int) else 16
    width = record.inputs.get("byteLength") if isinstance(record.inputs.get("byteLength"), int) else 8
    text = (digest * 4)[:length]
    return {"hex": digest[: 2 * width], "b64Std": digest[: 2 * width], "b64Url": digest[: 2 * width],
            "dec": str(int(digest[: 2 * width], 16)), "result": props.secret(text)
            if record.type.endswith("randomPassword:RandomPassword") else text, "id": digest[:16]}


def _synthetic_validation(record: ResourceRecord) -> dict[str, Any]:
    """The DNS records ACM asks for, shaped as the provider returns them."""
    domain = record.inputs.get("domainName") if isinstance(record.inputs.get("domainName"), str) else record.name
    token = hashlib.sha256(record.urn.encode()).hexdigest()
    return {"domainValidationOptions": [{"domainName": domain, "resourceRecordName": f"_{token[:32]}.{domain}.",
                                         "resourceRecordType": "CNAME",
                                         "resourceRecordValue": f"_{token[32:]}.acm-validations.aws."}],
            "status": "ISSUED"}


def _synthetic_string(record: ResourceRecord, output: str, region: str) -> str:
    """A plausible value for a string output the provider computes (an ARN, an auto-name, an id)."""
    if output == "arn" and record.type.startswith("aws:"):
        return _synthetic_arn(record, region)
    suffix = hashlib.sha256(f"{record.urn}:{output}".encode()).hexdigest()[:7]
    if output in ("name", "bucket"):
        return f"{record.name}-{suffix}"  # the engine's auto-naming shape
    return f"{record.name}-{output}-{suffix}"


@functools.lru_cache(maxsize=None)
def _string_outputs(type_: str) -> tuple[str, ...]:
    """The identifier-like string outputs the SDK class for `type_` declares, for resolved mode."""
    parts = type_.split(":")
    if len(parts) != 3 or parts[0] == "pulumi":
        return ()
    package, module = parts[0], parts[1].split("/")[0]
    try:
        python_module = importlib.import_module(f"pulumi_{package.replace('-', '_')}" +
                                                ("" if module == "index" else f".{module}"))
    except ImportError:
        return ()
    cls = getattr(python_module, parts[2], None)
    names = []
    for attribute in vars(cls).values() if cls is not None else ():
        getter = getattr(attribute, "fget", None)
        name = getattr(getter, "_pulumi_name", None)
        if name and _return_hint(getter, cls) == Output[str] and _identifier(name):
            names.append(name)
    return tuple(sorted(names))


def _return_hint(getter: Callable[..., Any], cls: type) -> Any:
    """A getter's return type, resolved as the SDK resolves it: a provider SDK's annotations are kept as strings
    (provider_imports.py)."""
    try:
        return typing.get_type_hints(getter, globalns=vars(sys.modules[cls.__module__])).get("return")
    except Exception:  # noqa: BLE001 a hint that names what its module does not have is no string output
        return None


def _identifier(output: str) -> bool:
    """Ids, ARNs, auto-names and addresses: what a deploy computes without deciding anything."""
    return output in IDENTIFIER_OUTPUTS or output.endswith(("Id", "Arn", "ArnSuffix", "Url"))


IDENTIFIER_OUTPUTS = {"id", "arn", "name", "bucket", "dnsName", "endpoint", "address", "fqdn", "slug", "hex", "etag",
                      "url"}

