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
from .check import Finished, default_packs, pack_environment, run_packs
from .deadline import DEFAULT_TIMEOUT_SECONDS
from .export_model import ExportResource, parse_resource
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
    except RecursionError:
        raise PreflightInputError(f"{path}: not a stack export: nested too deeply to be one") from None
    if not isinstance(data, dict) or "deployment" not in data:
        raise PreflightInputError(f"{path}: not a stack export: no `deployment` (run `pulumi stack export`)")
    if data.get("version") != SUPPORTED_VERSION:
        raise PreflightInputError(f"{path}: stack export version {data.get('version')!r} is not supported; "
                                  f"preflight reads version {SUPPORTED_VERSION} (Pulumi CLI 3.x)")
    resources = data["deployment"].get("resources") if isinstance(data["deployment"], dict) else None
    if not isinstance(resources, list):
        raise PreflightInputError(f"{path}: deployment.resources must be a list")
    records = _live_records(resources, path)
    if not records:
        raise PreflightInputError(f"{path}: the export holds no resources")
    stack, project = records[0].urn.split("::")[0].removeprefix("urn:pulumi:"), records[0].urn.split("::")[1]
    stack_outputs = next((r.outputs for r in records if r.type == "pulumi:pulumi:Stack"), {})
    return Capture(project, stack, "state", path.resolve().parent, records, stack_outputs, [],
                   time.perf_counter() - started)


def _live_records(resources: list[Any], path: Path) -> list[ResourceRecord]:
    """Every resource not pending deletion; a URN held twice is refused, as the engine refuses it.

    A resource pending deletion may share its URN with its replacement, so only live ones count.
    """
    records: list[ResourceRecord] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(resources):
        where = f"{path}: deployment.resources[{index}]"
        resource = parse_resource(raw, where)
        if resource.delete:
            continue
        if resource.urn in first_index:
            raise PreflightInputError(f"{path}: Duplicate resource URN '{resource.urn}' in "
                                      f"deployment.resources[{first_index[resource.urn]}] and [{index}]; "
                                      "an export holds each live resource once")
        first_index[resource.urn] = index
        records.append(_record(resource, where))
    return records


def _record(resource: ExportResource, where: str) -> ResourceRecord:
    options: dict[str, Any] = {k: v for k in ("ignoreChanges", "additionalSecretOutputs", "aliases", "retainOnDelete",
                                                "deletedWith") if (v := getattr(resource, k))}
    if resource.customTimeouts is not None:
        options["customTimeouts"] = resource.customTimeouts.model_dump(exclude_none=True)
    try:
        inputs, outputs = _decoded(resource.inputs or {}), _decoded(resource.outputs or {})
        for name, value in (("inputs", inputs), ("outputs", outputs)):
            _encodable(value, f"{where}.{name}")
    except RecursionError:
        raise PreflightInputError(f"{where}: properties nested too deeply") from None
    return ResourceRecord(
        urn=resource.urn, type=resource.type, name=resource.urn.split("::")[-1], custom=bool(resource.custom),
        id=resource.id or "", parent=resource.parent or "", inputs=inputs, outputs=outputs,
        dependencies=list(resource.dependencies or []),
        property_dependencies={k: list(v) for k, v in (resource.propertyDependencies or {}).items()},
        protect=bool(resource.protect), options=options, provider=resource.provider or "")


def _encodable(value: dict[str, Any], where: str) -> None:
    """Properties the Analyzer protocol can carry (a protobuf Struct: numbers are doubles)."""
    try:
        props.to_struct(value)
    except (OverflowError, ValueError, TypeError) as err:
        raise PreflightInputError(f"{where}: cannot be sent to a policy pack ({err})") from None


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


def analyze_state(path: str | Path, packs: list[Path], pack_configs: list[Path],
                  timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CheckResult:
    """`timeout` bounds each pack's start-up and every call to it."""
    capture = load_export(path)  # refused before any pack starts
    return run_packs(packs or default_packs(Path.cwd()), pack_configs,
                     pack_environment(capture.project, capture.stack, {}, "state"), Finished(capture), timeout=timeout)
