"""A policy pack, launched and spoken to the way the Pulumi CLI does it.

The pack starts as the CLI starts a pack of its runtime (pack_runtime.py: `python -u -m pulumi.policy
<engine address> .`, or Node's `run-policy-pack`), in its own directory, prints its port on the first
line of stdout, and serves the Analyzer gRPC service. The process is shut
down on every path out of `PolicyPack`, errors included, runs in its own process group (stopped
whole), and dies with preflight. Start-up and every call have the check's timeout as deadline.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2_grpc
from soc2_policies.conventions import TYPE_TAG

from . import properties as props
from .capture import ResourceRecord
from .deadline import DEFAULT_TIMEOUT_SECONDS, TimedOut, timed_out
from .policy_config import PolicyConfig, PolicySchema, reconcile
from .pack_runtime import check_installed, pack_command, pack_environment, read_manifest
from .processes import stop_popen
from .project import PreflightInputError

READINESS_PROBE = "/pulumirpc.Analyzer/PreflightReadinessProbe"
"""A method no pack implements (see PolicyPack._wait_until_serving)."""

LEVEL_NAMES = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory",
               analyzer_pb2.REMEDIATE: "remediate", analyzer_pb2.DISABLED: "disabled"}
LEVEL_VALUES = {v: k for k, v in LEVEL_NAMES.items()}
SEVERITY_NAMES = {analyzer_pb2.POLICY_SEVERITY_LOW: "low", analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
                  analyzer_pb2.POLICY_SEVERITY_HIGH: "high", analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical"}
MAX_MESSAGE = 400 * 1024 * 1024
IN_FLIGHT = 16
LIVENESS_POLL_SECONDS = 0.1


class PackStartError(PreflightInputError):
    """The pack did not start or did not answer; carries its stderr."""


@dataclass
class PolicyMetadata:
    name: str
    description: str
    enforcement_level: str
    severity: str
    policy_type: str
    framework: dict[str, str]
    tags: list[str]
    remediation_steps: str
    url: str
    display_name: str
    config_schema: dict[str, Any]
    required: list[str]

    def schema(self) -> PolicySchema:
        return PolicySchema(self.name, self.enforcement_level, self.config_schema, tuple(self.required))

    @property
    def criteria(self) -> list[str]:
        """Tags that are not `key:value` pairs: for SOC 2 packs, the Trust Services Criteria."""
        return [t for t in self.tags if ":" not in t]

    @property
    def resource_types(self) -> list[str]:
        """Types the policy examines, when the pack publishes them as `type:<token>` tags."""
        return [t[len(TYPE_TAG):] for t in self.tags if t.startswith(TYPE_TAG)]

    def applies_to(self, resource_type: str) -> bool:
        """Whether a resource policy examines resources of this type (every type, if the pack does not say)."""
        types = self.resource_types
        return self.policy_type != "stack" and (not types or resource_type in types)


@dataclass
class PackInfo:
    name: str
    version: str
    directory: Path
    display_name: str
    description: str
    policies: list[PolicyMetadata]
    initial_config: dict[str, PolicyConfig]
    plugin_version: str = ""

    def policy(self, name: str) -> PolicyMetadata | None:
        return next((p for p in self.policies if p.name == name), None)


@dataclass
class RawDiagnostic:
    policy: str
    pack: str
    pack_version: str
    description: str
    message: str
    enforcement_level: str
    severity: str
    urn: str


@dataclass
class PackRun:
    info: PackInfo
    config: dict[str, PolicyConfig]
    diagnostics: list[RawDiagnostic] = field(default_factory=list)
    not_applicable: list[tuple[str, str, str]] = field(default_factory=list)
    """(policy, URN or "" for the stack, reason) for every policy that declared itself not applicable."""
    analyzed: int = 0
    seconds_start: float = 0.0
    seconds_evaluate: float = 0.0
    logs: list[str] = field(default_factory=list)

    @property
    def disabled(self) -> list[str]:
        """Policies switched off by the pack's initial config or the policy config file; they did not run."""
        return [p.name for p in self.info.policies
                if (c := self.config.get(p.name)) is not None and c.enforcement_level == "disabled"]


class ResourceAnalysis:
    """Analyze (after Remediate, when a policy remediates) for each resource submitted, a few calls in
    flight; results are kept per resource, so their order never depends on the order of submission."""

    def __init__(self, pack: "PolicyPack", remediate: bool):
        self.pack = pack
        self.stub = pack.stub
        self.remediate = remediate
        self.submitted: set[str] = set()
        self._pending: deque[tuple[str, Any]] = deque()
        self._results: dict[str, tuple[list[RawDiagnostic], list[tuple[str, str, str]]]] = {}

    def submit(self, record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> None:
        """Sends the resource's Analyze; `by_urn` must already hold its provider."""
        self.submitted.add(record.urn)
        request = _analyze_request(record, by_urn)
        if self.remediate:
            try:
                fixed = self.stub.Remediate(request, timeout=self.pack.timeout)
            except grpc.RpcError as err:
                raise self.pack.failure(err, f"Remediate of {record.urn}") from None
            for remediation in fixed.remediations:
                if remediation.HasField("properties"):
                    request.properties.CopyFrom(remediation.properties)
        self._pending.append((record.urn, self.stub.Analyze.future(request, timeout=self.pack.timeout)))
        if len(self._pending) >= IN_FLIGHT:
            self._collect_oldest()

    def results(self, records: list[ResourceRecord]) -> tuple[list[RawDiagnostic], list[tuple[str, str, str]]]:
        """Every diagnostic and not-applicable entry, in the order of `records` (all of them submitted)."""
        while self._pending:
            self._collect_oldest()
        diagnostics: list[RawDiagnostic] = []
        not_applicable: list[tuple[str, str, str]] = []
        for record in records:
            found, skipped = self._results[record.urn]
            diagnostics += found
            not_applicable += skipped
        return diagnostics, not_applicable

    def _collect_oldest(self) -> None:
        urn, future = self._pending.popleft()
        try:
            response = future.result()
        except grpc.RpcError as err:
            raise self.pack.failure(err, f"Analyze of {urn}") from None
        self._results[urn] = ([_diagnostic(d, urn) for d in response.diagnostics],
                              [(n.policy_name, urn, n.reason) for n in response.not_applicable])


class _EngineLog(engine_pb2_grpc.EngineServicer):
    """The engine endpoint a pack is given; keeps what the pack logs."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        self.messages.append(request.message)
        return empty_pb2.Empty()


class PolicyPack:
    """One running policy pack. Use as a context manager so the process always stops."""

    def __init__(self, directory: str | Path, env: dict[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS):
        self.directory = Path(directory).resolve()
        if not (self.directory / "PulumiPolicy.yaml").is_file():
            raise PreflightInputError(f"{directory}: no PulumiPolicy.yaml; --policy-pack must point at a policy pack")
        self.runtime = read_manifest(self.directory)
        check_installed(self.directory, self.runtime)  # before anything starts: exit 2 with the install command
        self.env = pack_environment(self.runtime, env or {})
        self.timeout = timeout
        """Seconds the pack has to start, and to answer each call."""
        self.process: subprocess.Popen[bytes] | None = None
        self.stderr = bytearray()
        self.started_at = 0.0
        self._engine_log = _EngineLog()
        self._engine_server: grpc.Server | None = None
        self._channel: grpc.Channel | None = None
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._port_line = b""
        self._info: PackInfo | None = None
        self._reconciled: dict[str, dict[str, PolicyConfig]] = {}
        self._ready_at = 0.0

    def __enter__(self) -> "PolicyPack":
        self.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def start(self) -> None:
        """Spawns the pack; returns at once so it can boot while the program runs."""
        self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
        engine_pb2_grpc.add_EngineServicer_to_server(self._engine_log, self._engine_server)
        engine_port = self._engine_server.add_insecure_port("127.0.0.1:0")
        self._engine_server.start()
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(  # its own session: a process group of its own, stopped whole
            pack_command(self.directory, self.runtime, f"127.0.0.1:{engine_port}"),
            cwd=self.directory, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        self._port_reader = threading.Thread(target=self._read_port, daemon=True)
        self._port_reader.start()

    def _read_port(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        self._port_line = self.process.stdout.readline()
        self._ready_at = time.perf_counter()

    def connect(self) -> float:
        """Waits for the port the pack prints and opens the channel; returns the pack's start-up seconds.

        Raises PackStartError if the pack exits or prints something else, TimedOut past the timeout.
        """
        if self.stub is not None:
            return self._ready_at - self.started_at
        deadline = self.started_at + self.timeout
        self._port_reader.join(max(0.0, deadline - time.perf_counter()))
        if self._port_reader.is_alive():
            raise timed_out(f"policy pack {self.directory.name} start-up (it printed no port)", self.timeout)
        line = self._port_line.decode(errors="replace").strip()
        if not line.isdigit() or not 0 < int(line) < 65536:
            self._wait_for_exit(0.5)
            raise PackStartError(self._start_failure(line))
        self._channel = grpc.insecure_channel(f"127.0.0.1:{line}", options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)])
        self._wait_until_serving(line, deadline)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        return self._ready_at - self.started_at

    def _wait_until_serving(self, port: str, deadline: float) -> None:
        """The pack answers on the channel, or has exited (a pack can print its port and die).

        Readiness is probed with a call to a method no servicer has: a serving pack answers UNIMPLEMENTED and its
        servicer sees nothing. grpc.channel_ready_future would do it with a polling thread of its own, which
        raises ("Channel closed!") when the check stops, and the channel closes, while it still polls.
        """
        probe = self._channel.unary_unary(READINESS_PROBE, request_serializer=lambda _: b"",
                                          response_deserializer=lambda data: data)
        while True:
            try:
                probe(b"", timeout=LIVENESS_POLL_SECONDS, wait_for_ready=True)
                return
            except grpc.RpcError as err:
                if err.code() not in (grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE):
                    return  # UNIMPLEMENTED, as expected: the server is serving
            if self.process.poll() is not None:
                self._wait_for_exit(0.5)
                raise PackStartError(self._start_failure(port))
            if time.perf_counter() > deadline:
                raise timed_out(f"policy pack {self.directory.name} start-up (port {port} never answered)",
                                self.timeout)

    def _wait_for_exit(self, seconds: float) -> None:
        """Lets a failing pack finish exiting, so its code and the end of its stderr are known."""
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass
        self._stderr_reader.join(seconds)

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
        if self.process is not None:
            stop_popen(self.process)
        if self._engine_server is not None:
            self._engine_server.stop(0)

    @property
    def logs(self) -> list[str]:
        return list(self._engine_log.messages)

    # The Analyzer protocol, in the order the CLI calls it.

    def handshake(self) -> None:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address="", root_directory=str(self.directory), program_directory=str(self.directory))
        try:
            self.stub.Handshake(request, timeout=self.timeout)
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:  # older SDKs (Python) do not implement it
                raise

    def configure_stack(self, project: str, stack: str, organization: str, dry_run: bool,
                        config: dict[str, str], secret_keys: Iterable[str], tags: dict[str, str]) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=dry_run,
            config=config, config_secret_keys=sorted(secret_keys), tags=tags)
        try:
            self.stub.ConfigureStack(request, timeout=self.timeout)
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise

    def info(self) -> PackInfo:
        """What the pack declares; asked once per process, since a running pack's declarations never change."""
        if self._info is None:
            self._info = self._ask_info()
        return self._info

    def _ask_info(self) -> PackInfo:
        plugin = self.stub.GetPluginInfo(empty_pb2.Empty(), timeout=self.timeout)
        info = self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self.timeout)
        policies = [_policy_metadata(p) for p in sorted(info.policies, key=lambda p: p.name)]
        initial = {name: PolicyConfig(LEVEL_NAMES.get(c.enforcementLevel) if c.enforcementLevel else None,
                                      json_format.MessageToDict(c.properties) or None)
                   for name, c in info.initialConfig.items()}
        version = self.runtime.version or info.version
        return PackInfo(info.name, version, self.directory, info.displayName, info.description, policies,
                        initial, plugin.version)

    def reconciled(self, given: dict[str, PolicyConfig]) -> dict[str, PolicyConfig]:
        """The pack's config with `given` applied and validated (PolicyConfigError if it breaks a schema);
        worked out once per distinct config, since the schemas it is checked against never change."""
        key = json.dumps({n: [c.enforcement_level, c.properties] for n, c in sorted(given.items())}, sort_keys=True,
                         default=str)
        if key not in self._reconciled:
            info = self.info()
            self._reconciled[key] = reconcile(info.name, info.version, [p.schema() for p in info.policies],
                                              info.initial_config, given)
        return copy.deepcopy(self._reconciled[key])

    def configure(self, config: dict[str, PolicyConfig]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, value in config.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = LEVEL_VALUES[value.enforcement_level or "advisory"]
            entry.properties.SetInParent()  # always sent, as the CLI does: the Node.js SDK reads it unchecked
            if value.properties:
                entry.properties.update(value.properties)
        self.stub.Configure(request, timeout=self.timeout)

    def analyze_stack(self, records: list[ResourceRecord]
                      ) -> tuple[list[RawDiagnostic], list[tuple[str, str, str]]]:
        by_urn = {r.urn: r for r in records}
        request = analyzer_pb2.AnalyzeStackRequest(resources=[_stack_resource(r, by_urn) for r in records])
        try:
            response = self.stub.AnalyzeStack(request, timeout=self.timeout)
        except grpc.RpcError as err:
            if err.code() == grpc.StatusCode.UNIMPLEMENTED:
                return [], []
            raise self.failure(err, "AnalyzeStack") from None
        return ([_diagnostic(d, d.urn) for d in response.diagnostics],
                [(n.policy_name, "", n.reason) for n in response.not_applicable])

    def failure(self, err: Exception, during: str) -> PackStartError | TimedOut:
        """An RPC failure `during` a call, explained with the pack's own stderr (and exit code, if it died)."""
        if isinstance(err, grpc.RpcError) and err.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
            return timed_out(f"policy pack {self.directory.name} during {during}", self.timeout)
        detail = err.details() if isinstance(err, grpc.RpcError) else str(err)
        if self.process is not None and self.process.poll() is None:
            self._wait_for_exit(0.2)  # an unavailable pack is usually one that is exiting
        code = self.process.poll() if self.process is not None else None
        ended = f" (the pack exited with code {code})" if code is not None else ""
        # This pack's servicer already names the resource; the stock SDK's does not, so say which call failed.
        where = "" if during.rsplit(" ", 1)[-1] in detail else f" during {during}"
        return PackStartError(f"policy pack {self.directory.name} failed{where}: {detail}{ended}\n"
                              f"{self._stderr_tail()}".rstrip())

    def _drain_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for chunk in iter(lambda: self.process.stderr.read1(65536), b""):
            self.stderr.extend(chunk)

    def _drain_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for _ in iter(lambda: self.process.stdout.read1(65536), b""):
            pass

    def _stderr_tail(self) -> str:
        text = self.stderr.decode(errors="replace").rstrip()
        return "\n".join(text.splitlines()[-30:])

    def _start_failure(self, line: str) -> str:
        code = self.process.poll() if self.process else None
        printed = f"printed port {line} and " if line.isdigit() else ""
        why = f"{printed}exited with code {code}" if code is not None else f"printed {line!r} instead of a port"
        tail = self._stderr_tail()
        return f"policy pack {self.directory} did not start: it {why}" + (f"\n{tail}" if tail else "")


def _policy_metadata(info: Any) -> PolicyMetadata:
    schema = json_format.MessageToDict(info.configSchema.properties) if info.HasField("configSchema") else {}
    types = {analyzer_pb2.POLICY_TYPE_RESOURCE: "resource", analyzer_pb2.POLICY_TYPE_STACK: "stack"}
    return PolicyMetadata(
        name=info.name, description=info.description,
        enforcement_level=LEVEL_NAMES.get(info.enforcementLevel, "advisory"),
        severity=SEVERITY_NAMES.get(info.severity, ""), policy_type=types.get(info.policy_type, ""),
        framework=json_format.MessageToDict(info.framework, preserving_proto_field_name=True),
        tags=list(info.tags), remediation_steps=info.remediation_steps, url=info.url,
        display_name=info.displayName, config_schema=props._normalize(schema),
        required=list(info.configSchema.required) if info.HasField("configSchema") else [])


def _diagnostic(d: Any, urn: str) -> RawDiagnostic:
    level = LEVEL_NAMES.get(d.enforcementLevel, "advisory")
    return RawDiagnostic(d.policyName, d.policyPackName, d.policyPackVersion, d.description, d.message,
                         "mandatory" if level == "remediate" else level, SEVERITY_NAMES.get(d.severity, ""), urn)


def _options(record: ResourceRecord) -> analyzer_pb2.AnalyzerResourceOptions:
    options = record.options
    timeouts = options.get("customTimeouts", {})
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=record.protect, ignoreChanges=options.get("ignoreChanges", []),
        deleteBeforeReplace=bool(options.get("deleteBeforeReplace", False)),
        deleteBeforeReplaceDefined="deleteBeforeReplace" in options,
        additionalSecretOutputs=options.get("additionalSecretOutputs", []), aliases=options.get("aliases", []),
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=_seconds(timeouts.get("create")), update=_seconds(timeouts.get("update")),
            delete=_seconds(timeouts.get("delete"))),
        parent=record.parent)


def _seconds(duration: str | float | None) -> float:
    """Programs give custom timeouts as Go durations ("5m", "1h30m"), state as seconds; analyzers get seconds."""
    if not duration:
        return 0.0
    if isinstance(duration, (int, float)):
        return float(duration)
    total, number = 0.0, ""
    units = {"h": 3600, "m": 60, "s": 1}
    for char in duration:
        if char.isdigit() or char == ".":
            number += char
        elif char in units and number:
            total, number = total + float(number) * units[char], ""
    return total


def _provider(record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> analyzer_pb2.AnalyzerProviderResource | None:
    provider = by_urn.get(record.provider_urn)
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(type=provider.type, urn=provider.urn, name=provider.name,
                                                 properties=props.to_struct(provider.inputs))


def _analyze_request(record: ResourceRecord, by_urn: Mapping[str, ResourceRecord]) -> analyzer_pb2.AnalyzeRequest:
    request = analyzer_pb2.AnalyzeRequest(type=record.type, urn=record.urn, name=record.name,
                                          properties=props.to_struct(record.inputs), options=_options(record))
    provider = _provider(record, by_urn)
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def _stack_resource(record: ResourceRecord, by_urn: dict[str, ResourceRecord]) -> analyzer_pb2.AnalyzerResource:
    resource = analyzer_pb2.AnalyzerResource(
        type=record.type, urn=record.urn, name=record.name, properties=props.to_struct(record.outputs),
        options=_options(record), parent=record.parent, dependencies=record.dependencies)
    for key, urns in record.property_dependencies.items():
        resource.propertyDependencies[key].urns.extend(urns)
    provider = _provider(record, by_urn)
    if provider is not None:
        resource.provider.CopyFrom(provider)
    return resource

