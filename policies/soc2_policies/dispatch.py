"""Serves the pack over the Analyzer protocol, dispatching each resource only to its policies.

The pulumi-policy SDK's servicer deserializes a resource's properties once per policy, so with
~100 policies a resource costs ~100 deserializations (measured in bench/policy_throughput.py).
This servicer keeps the SDK's protocol, metadata, config and messages, and changes only that:
properties are deserialized once, and a resource reaches only the policies for its type. It also
applies waivers: a waived finding is reported as advisory with a "[waived]" message, an expired
waiver reports the finding at its own level.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
import traceback
from concurrent import futures
from inspect import isawaitable
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import (
    _GRPC_CHANNEL_OPTIONS,
    _POLICY_PACK_NAME_RE,
    EnforcementLevel,
    _NotApplicableError,
    _PolicyAnalyzerServicer,
)
from pulumi_policy.proxy import UnknownValueError

from .conventions import WAIVED_MARK
from .framework import Resource, Soc2ResourcePolicy, Soc2StackPolicy, Stack, secret_paths_of, waivers_from


class DispatchingAnalyzer(_PolicyAnalyzerServicer):
    """The SDK's analyzer servicer, with per-type dispatch, one deserialization, and waivers."""

    def __init__(self, name: str, version: str, policies: list[Any], initial_config: dict[str, Any] | None = None,
                 **metadata: Any):
        if _POLICY_PACK_NAME_RE.match(name) is None:
            raise TypeError(f"invalid policy pack name {name!r}")
        names = [p.name for p in policies]
        if len(names) != len(set(names)):
            raise TypeError("policy names must be unique")
        super().__init__(name, version, policies, EnforcementLevel.ADVISORY, initial_config, **metadata)
        self._pack_name, self._pack_version = name, version
        self._resource_policies = [p for p in policies if isinstance(p, Soc2ResourcePolicy)]
        self._stack_policies = [p for p in policies if isinstance(p, Soc2StackPolicy)]
        self._by_type: dict[str, list[Soc2ResourcePolicy]] = {}
        self._runtime_configured = False

    def Analyze(self, request: Any, context: Any) -> Any:
        self._configure_once()
        response = proto.AnalyzeResponse()
        policies = self._policies_for(request.type)
        if not policies:
            return response
        raw = json_format.MessageToDict(request.properties)
        resource = Resource(request.type, request.name, request.urn, deserialize_properties(raw), secret_paths_of(raw))
        for policy in policies:
            level = self._level(policy)
            if level is None:
                continue
            config = policy.effective_config(self._get_policy_config(policy.name))
            outcome = self._run(policy, response, lambda: policy.findings(resource, config), context, request.urn)
            for message in outcome:
                self._report(response, policy, level, message, request.urn, resource.name, config)
        return response

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        self._configure_once()
        response = proto.AnalyzeResponse()
        active = [(p, self._level(p)) for p in self._stack_policies]
        active = [(p, level) for p, level in active if level is not None]
        if not active:
            return response
        stack = _stack_from_request(request)
        names = {r.urn: r.name for r in stack}
        for policy, level in active:
            config = policy.effective_config(self._get_policy_config(policy.name))
            outcome = self._run(policy, response, lambda: policy.findings(stack, config), context, "")
            for message, urn in outcome:
                self._report(response, policy, level, message, urn, names.get(urn, ""), config)
        return response

    def _configure_once(self) -> None:
        if not self._runtime_configured:
            self._configure_runtime_settings()
            self._runtime_configured = True

    def _policies_for(self, type_: str) -> list[Soc2ResourcePolicy]:
        if type_ not in self._by_type:
            self._by_type[type_] = [p for p in self._resource_policies if p.applies_to(type_)]
        return self._by_type[type_]

    def _level(self, policy: Any) -> EnforcementLevel | None:
        level = self._get_enforcement_level(policy)
        if level == EnforcementLevel.DISABLED:
            return None
        return EnforcementLevel.MANDATORY if level == EnforcementLevel.REMEDIATE else level

    def _run(self, policy: Any, response: Any, evaluate: Any, context: Any, urn: str) -> list[Any]:
        try:
            result = evaluate()
            if isawaitable(result):
                result = asyncio.new_event_loop().run_until_complete(result)
            return list(result)
        except UnknownValueError as err:
            response.diagnostics.append(proto.AnalyzeDiagnostic(
                policyName=policy.name, policyPackName=self._pack_name, policyPackVersion=self._pack_version,
                message=(f"can't run policy '{policy.name}' from policy pack "
                         f"'{self._pack_name}@v{self._pack_version}' during preview: {err.message}"),
                urn="", description=policy.description,
                enforcementLevel=self._map_enforcement_level(EnforcementLevel.ADVISORY)))
        except _NotApplicableError as err:
            response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name, reason=err.reason or ""))
        except Exception as err:  # noqa: BLE001 a bug in a policy fails the call, naming what failed where
            context.abort(grpc.StatusCode.INTERNAL, self._failure(policy.name, urn, err))
        return []

    def _failure(self, policy: str, urn: str, err: Exception) -> str:
        frames = traceback.extract_tb(err.__traceback__)
        # The innermost line of policy code, not of the library it called.
        own = [f for f in frames if "site-packages" not in f.filename and not f.filename.startswith(sys.base_prefix)]
        frame = (own or frames or [None])[-1]
        at = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        subject = f"resource {urn}" if urn else "the stack"
        return (f"policy pack {self._pack_name}@v{self._pack_version}: policy {policy} raised on {subject}: "
                f"{type(err).__name__}: {err}{at}")

    def _report(self, response: Any, policy: Any, level: EnforcementLevel, message: str, urn: str, name: str,
                config: dict[str, Any]) -> None:
        waiver = next((w for w in waivers_from(config) if urn and w.matches(urn, name)), None)
        if waiver is not None and waiver.expires >= dt.date.today().isoformat():
            level = EnforcementLevel.ADVISORY
            message = (f"{WAIVED_MARK} until {waiver.expires}, owner {waiver.owner}: {waiver.justification}\n"
                       f"{message}")
        elif waiver is not None:
            message = f"{message}\nThe waiver for this resource expired on {waiver.expires} (owner {waiver.owner})."
        response.diagnostics.append(proto.AnalyzeDiagnostic(
            policyName=policy.name, policyPackName=self._pack_name, policyPackVersion=self._pack_version,
            message=f"{policy.description}\n{message}", urn=urn or "", description=policy.description,
            enforcementLevel=self._map_enforcement_level(level), severity=self._map_severity(policy.severity)))


def _stack_from_request(request: Any) -> Stack:
    views: dict[str, Resource] = {}
    for r in request.resources:
        raw = json_format.MessageToDict(r.properties)
        views[r.urn] = Resource(r.type, r.name, r.urn, deserialize_properties(raw), secret_paths_of(raw))
    for r in request.resources:
        view = views[r.urn]
        view.parent = views.get(r.parent)
        view.dependencies = [views[d] for d in r.dependencies if d in views]
        view.property_dependencies = {k: [views[u] for u in v.urns if u in views]
                                      for k, v in r.propertyDependencies.items()}
    return Stack(list(views.values()))


def serve(name: str, version: str, policies: list[Any], initial_config: dict[str, Any] | None = None,
          **metadata: Any) -> None:
    """Starts the Analyzer server and prints its port, as `pulumi_policy.PolicyPack` does."""
    servicer = DispatchingAnalyzer(name, version, policies, initial_config, **metadata)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=_GRPC_CHANNEL_OPTIONS)
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(servicer, server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    server.start()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.flush()
    try:
        while True:
            time.sleep(86400)
    except KeyboardInterrupt:
        server.stop(0)
