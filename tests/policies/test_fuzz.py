"""Hypothesis fuzzing: no policy crashes on any property shape, and no exception escapes.

Property names come from the pack's own source, so generated resources reach the policies' code
paths; values are anything JSON can hold, plus the engine's unknown sentinel. Reading an unknown
value may raise UnknownValueError (the SDK reports it as "can't run during preview"); nothing
else may escape. A smaller run sends the same shapes through the real gRPC protocol.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError

from preflight import properties as props
from soc2_policies import all_policies
from soc2_policies.framework import UNKNOWN, Resource, Soc2ResourcePolicy, Soc2StackPolicy, Stack

SOURCES = Path(__file__).resolve().parents[2] / "policies" / "soc2_policies"
PATHS = {m for f in SOURCES.glob("*.py") for m in re.findall(r'"([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9:{}]+)*)"', f.read_text())}
KEYS = sorted({part for path in PATHS for part in path.split(".") if part.isidentifier() or ":" in part})
POLICIES = all_policies()
RESOURCE_POLICIES = [p for p in POLICIES if isinstance(p, Soc2ResourcePolicy)]
STACK_POLICIES = [p for p in POLICIES if isinstance(p, Soc2StackPolicy)]
TYPES = sorted({t for p in RESOURCE_POLICIES for t in p.resource_types})
ALLOWED = (UnknownValueError, _NotApplicableError)

interesting = st.sampled_from(["*", "0.0.0.0/0", "::/0", "Enabled", "aws:kms", "AES256", "HTTPS", "HTTP", "all",
                               "-1", "tcp", "ingress", "true", "false", "prod", "alias/aws/s3", "{}", "[]",
                               '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}'])
leaves = st.one_of(st.none(), st.booleans(), st.integers(-70000, 70000), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=12), st.just(UNKNOWN), interesting)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) |
                      st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4), max_leaves=25)
properties = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])  # examples: the profile


BY_TYPE = {t: [p for p in RESOURCE_POLICIES if p.applies_to(t)] for t in TYPES}


def _judge(evaluate: Any) -> list[Any]:
    try:
        return list(evaluate())
    except ALLOWED:
        return []


@pytest.mark.parametrize("type_", TYPES)
@FUZZ
@given(data=properties)
def test_resource_policies_never_crash(type_: str, data: dict[str, Any]):
    resource = Resource(type_, "fuzzed", f"urn:pulumi:test::fuzz::{type_}::fuzzed", data)
    for policy in BY_TYPE[type_]:
        findings = _judge(lambda: policy.findings(resource, policy.effective_config(None)))
        assert all(isinstance(message, str) and message for message in findings), policy.name


def _stack(draw: Any) -> Stack:
    resources = [Resource(draw(st.sampled_from(TYPES)), f"r{i}", f"urn:pulumi:test::fuzz::t::r{i}", draw(properties))
                 for i in range(draw(st.integers(1, 6)))]
    for resource in resources:
        resource.parent = draw(st.none() | st.sampled_from(resources))
        resource.dependencies = draw(st.lists(st.sampled_from(resources), max_size=3))
        resource.property_dependencies = draw(st.dictionaries(st.sampled_from(KEYS), st.lists(
            st.sampled_from(resources), max_size=2), max_size=3))
        resource.secret_paths = frozenset(draw(st.lists(st.sampled_from(KEYS), max_size=2)))
    return Stack(resources)


@settings(FUZZ, max_examples=FUZZ.max_examples * 4)  # one test carries every stack policy
@given(data=st.data())
def test_stack_policies_never_crash(data: Any):
    stack = _stack(data.draw)
    for policy in STACK_POLICIES:
        findings = _judge(lambda: policy.findings(stack, policy.effective_config(None)))
        assert all(isinstance(message, str) and message and isinstance(urn, str) for message, urn in findings), \
            policy.name


protocol_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-70000, 70000), st.text(max_size=8),
                                         st.just(UNKNOWN), interesting),
                               lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
                               max_leaves=15)


@FUZZ
@given(type_=st.sampled_from(TYPES), data=st.dictionaries(st.sampled_from(KEYS), protocol_values, max_size=8),
       secret=st.booleans())
def test_arbitrary_shapes_through_the_real_protocol_never_break_the_pack(soc2_pack, type_, data, secret):
    if secret and data:
        first = sorted(data)[0]
        data[first] = props.secret(data[first])
    request = analyzer_pb2.AnalyzeRequest(type=type_, urn=f"urn:pulumi:test::fuzz::{type_}::fuzzed", name="fuzzed",
                                          properties=props.to_struct(data))
    response = soc2_pack.stub.Analyze(request)  # an exception inside the pack would surface as an RPC error here
    assert all(d.policyName for d in response.diagnostics)
