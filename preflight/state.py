"""`preflight analyze-state FILE`: the packs over a `pulumi stack export` (deployment version 3).

This is evidence of what is deployed, not only of what is planned. As `pulumi policy analyze`
does, Analyze sees each resource's inputs and AnalyzeStack its outputs; pending deletions are
skipped. Encrypted secrets stay secret: their values cannot be read here and are never written.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from . import properties as props
from .capture import Capture, ResourceRecord
from .check import default_packs, pack_environment, run_packs
from .project import PreflightInputError
from .results import CheckResult

SUPPORTED_VERSION = 3


def load_export(path: str | Path) -> Capture:
    path = Path(path)
    started = time.perf_counter()
    if not path.is_file():
        raise PreflightInputError(f"{path}: no such file; pass the output of `pulumi stack export --file FILE`")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise PreflightInputError(f"{path}: not a stack export: invalid JSON ({err})") from None
    if not isinstance(data, dict) or "deployment" not in data:
        raise PreflightInputError(f"{path}: not a stack export: no `deployment` (run `pulumi stack export`)")
    if data.get("version") != SUPPORTED_VERSION:
        raise PreflightInputError(f"{path}: stack export version {data.get('version')!r} is not supported; "
                                  f"preflight reads version {SUPPORTED_VERSION} (Pulumi CLI 3.x)")
    resources = data["deployment"].get("resources") if isinstance(data["deployment"], dict) else None
    if not isinstance(resources, list):
        raise PreflightInputError(f"{path}: deployment.resources must be a list")
    records = [_record(r, i, path) for i, r in enumerate(resources) if not (isinstance(r, dict) and r.get("delete"))]
    if not records:
        raise PreflightInputError(f"{path}: the export holds no resources")
    stack, project = records[0].urn.split("::")[0].removeprefix("urn:pulumi:"), records[0].urn.split("::")[1]
    stack_outputs = next((r.outputs for r in records if r.type == "pulumi:pulumi:Stack"), {})
    return Capture(project, stack, "state", path.resolve().parent, records, stack_outputs, [],
                   time.perf_counter() - started)


def _record(resource: Any, index: int, path: Path) -> ResourceRecord:
    if not isinstance(resource, dict) or not isinstance(resource.get("urn"), str) or \
            not resource["urn"].startswith("urn:pulumi:") or not isinstance(resource.get("type"), str):
        raise PreflightInputError(f"{path}: deployment.resources[{index}] is not a resource (needs urn and type)")
    options = {k: resource[k] for k in ("ignoreChanges", "additionalSecretOutputs", "aliases", "customTimeouts",
                                          "retainOnDelete", "deletedWith") if resource.get(k)}
    return ResourceRecord(
        urn=resource["urn"], type=resource["type"], name=resource["urn"].split("::")[-1],
        custom=bool(resource.get("custom")), id=str(resource.get("id") or ""), parent=str(resource.get("parent") or ""),
        inputs=_decoded(resource.get("inputs") or {}), outputs=_decoded(resource.get("outputs") or {}),
        dependencies=[d for d in resource.get("dependencies") or [] if isinstance(d, str)],
        property_dependencies={k: list(v) for k, v in (resource.get("propertyDependencies") or {}).items()
                               if isinstance(v, list)},
        protect=bool(resource.get("protect")), options=options, provider=str(resource.get("provider") or ""))


def _decoded(value: Any) -> Any:
    """State encoding to the engine's analyzer encoding: secrets stay secret, ciphertext unread."""
    if isinstance(value, dict):
        if value.get(props.SIG_KEY) == props.SECRET_SIG:
            if "plaintext" in value:  # exported with --show-secrets: a JSON-encoded value
                try:
                    return props.secret(_decoded(json.loads(value["plaintext"])))
                except (TypeError, json.JSONDecodeError):
                    return props.secret(props.REDACTED)
            return props.secret(props.REDACTED)
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def analyze_state(path: str | Path, packs: list[Path], pack_configs: list[Path]) -> CheckResult:
    capture = load_export(path)  # refused before any pack starts
    return run_packs(packs or default_packs(Path.cwd()), pack_configs, pack_environment(capture.project, capture.stack, {}, "state"),
                     lambda _on_record: capture)
