"""Regenerates the documentation that is derived from code.

    python docs/generate.py          # rewrite the generated parts
    python docs/generate.py --check  # exit 1 if any generated part is stale (the tests do this)

Generated parts: the settings tables in README.md (from components/baseline_settings.py) and in
the service template's README (from templates/service/service_settings.py), docs/components.md (from
the components' Args TypedDicts, docstrings and outputs) and docs/policies.md (from the pack).
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "policies")]

from components import environments  # noqa: E402
from components.baseline_settings import ENVIRONMENT_KEYS, NAMESPACE, BaselineSettings  # noqa: E402


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _default(path: str, info: Any, rules: dict[str, str]) -> str:
    if path in rules:
        by_env = environments.RULES[rules[path]].defaults
        return "; ".join(f"{'others' if env == '*' else env}: `{json.dumps(v)}`" for env, v in by_env.items())
    if info.default is PydanticUndefined and info.default_factory is None:
        return "**required**"
    value = info.default_factory() if info.default_factory is not None else info.default
    if isinstance(value, BaseModel):
        return "see below"
    return "none" if value is None else f"`{json.dumps(value, default=str)}`"


def settings_rows(model: type[BaseModel], prefix: str = "",
                  rules: dict[str, str] | None = None) -> list[tuple[str, str, str, str]]:
    """(key, allowed, default, meaning) per setting; `rules` maps key paths to their environment rule."""
    rules = rules or {}
    rows = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        allowed = (info.json_schema_extra or {}).get("allowed", "")
        if key in rules and (floors := environments.floors_text(rules[key])):
            allowed = f"{allowed}; {floors}"
        nested = _model_in(info.annotation)
        rows.append((key, allowed, _default(key, info, rules), (info.description or "").replace("\n", " ")))
        if nested is not None:
            is_list = getattr(info.annotation, "__origin__", None) is list
            rows += settings_rows(nested, key + ("[]." if is_list else "."), rules)
    return rows


def _table(model: type[BaseModel], namespace: str, rules: dict[str, str]) -> str:
    lines = [f"All keys live in the `{namespace}` namespace, e.g. `{namespace}:database` in the stack file.", "",
             "| Key | Allowed | Default | Meaning |", "|---|---|---|---|"]
    for key, allowed, default, meaning in settings_rows(model, "", rules):
        lines.append(f"| `{key}` | {allowed} | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


def settings_table() -> str:
    return _table(BaselineSettings, NAMESPACE, ENVIRONMENT_KEYS)


def service_settings_table() -> str:
    # The template imports the components as installed (`soc2_components`); here they are the checkout's.
    import components
    import components.environments
    import components.settings

    sys.modules.setdefault("soc2_components", components)
    sys.modules.setdefault("soc2_components.settings", components.settings)
    sys.modules.setdefault("soc2_components.environments", components.environments)
    sys.path.insert(0, str(ROOT / "templates" / "service"))
    try:
        from service_settings import ENVIRONMENT_KEYS as SERVICE_ENVIRONMENT_KEYS
        from service_settings import ServiceSettings
    finally:
        sys.path.remove(str(ROOT / "templates" / "service"))
    return _table(ServiceSettings, "${PROJECT}", SERVICE_ENVIRONMENT_KEYS)


COMPONENT_MODULES = ("network", "app_security_group", "encryption_key", "secure_bucket", "database", "load_balancer",
                     "monitoring", "container_service", "function", "table", "queue", "cache",
                     "identity_center", "access_control", "github_organization", "datadog_users", "pagerduty_on_call",
                     "roster_record", "audit_logging", "backups", "threat_detection", "baseline")


def _docstring_after(body: list[ast.stmt], index: int) -> str:
    following = body[index + 1] if index + 1 < len(body) else None
    if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str):
        return " ".join(following.value.value.split())
    return ""


def _fields(cls: ast.ClassDef) -> list[tuple[str, str, str]]:
    """(name, annotation, docstring) of each annotated field."""
    return [(node.target.id, ast.unparse(node.annotation), _docstring_after(cls.body, i))
            for i, node in enumerate(cls.body) if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)]


def _type_token(cls: ast.ClassDef) -> str:
    for node in ast.walk(cls):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__" \
                and node.args and isinstance(node.args[0], ast.Constant):
            return str(node.args[0].value)
    return ""


def components_doc() -> str:
    lines = ["# Components", "",
             "Generated from `components/` by `python docs/generate.py`; do not edit by hand.", "",
             "Each component is a `pulumi.ComponentResource` whose defaults already comply. Arguments are a",
             "TypedDict; optional arguments are `NotRequired`, and weakening a default takes an explicit argument",
             "that the policy pack then sees. Children are named `<name>-<role>` and parented to the component.", ""]
    for module in COMPONENT_MODULES:
        tree = ast.parse((ROOT / "components" / f"{module}.py").read_text())
        classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
        for name, cls in classes.items():
            if not any(isinstance(b, ast.Attribute) and b.attr == "ComponentResource" for b in cls.bases):
                continue
            lines += [f"## `{name}` (`components/{module}.py`)", "", f"Type token: `{_type_token(cls)}`.", "",
                      " ".join((ast.get_docstring(cls) or ast.get_docstring(tree) or "").split()), ""]
            args = classes.get(f"{name}Args")
            if args is not None:
                lines += ["| Argument | Type | Meaning and default |", "|---|---|---|"]
                for field, annotation, doc in _fields(args):
                    lines.append(f"| `{field}` | `{annotation.replace('|', '&#124;')}` | {doc} |")
                lines.append("")
            outputs = [f"`{f}`" for f, annotation, _ in _fields(cls) if annotation.startswith("pulumi.Output")]
            if outputs:
                lines += ["Outputs: " + ", ".join(outputs) + ".", ""]
    return "\n".join(lines).rstrip() + "\n"


def _config_text(schema: dict[str, Any]) -> str:
    parts = []
    for key, spec in schema.items():
        if key == "waivers":
            continue
        default = json.dumps(spec.get("default"))
        parts.append(f"`{key}` (default `{default}`): {spec.get('description', '')}".strip())
    return "<br>".join(parts) or "waivers only"


def _facts(entry: Any) -> str:
    facts = [label for label, on in (("stateful", entry.stateful), ("backed up", entry.backup),
                                     ("alarmed", entry.alarmed), ("can be public", entry.public)) if on]
    if entry.key:
        facts.append(f"key in `{entry.key}`")
    if entry.dimension:
        facts.append(f"dimension `{entry.dimension.key}`")
    if entry.arn:
        facts.append(f"ARN `arn:aws:{entry.arn.service}:…:{entry.arn.resource}<{entry.arn.name}>`")
    return ", ".join(facts) or "-"


def _checkov(policy: Any) -> str:
    return ", ".join(f"`{c}`" for c in policy.checkov) or "-"


def pack_summary() -> str:
    """The README's one-paragraph description of the pack, with its counts."""
    from soc2_policies import all_policies, services
    from soc2_policies.framework import Soc2StackPolicy

    policies = all_policies()
    stack = sum(isinstance(p, Soc2StackPolicy) for p in policies)
    titles = [s.title for s in services()]
    return (f"`policies/` is a self-contained CrossGuard pack of {len(policies)} policies: {len(policies) - stack} on "
            f"single resources and {stack} on the whole stack. They cover {', '.join(titles[:-1])} and {titles[-1]}. "
            "[docs/policies.md](docs/policies.md) is the catalog, generated from the pack.\n")


def policy_catalog() -> str:
    from soc2_policies import PACK_NAME, PACK_VERSION, all_policies, catalog, services
    from soc2_policies.framework import Soc2StackPolicy

    policies = all_policies()
    stack_count = sum(isinstance(p, Soc2StackPolicy) for p in policies)
    lines = ["# Policy catalog", "",
             f"Generated from `policies/` by `python docs/generate.py`; do not edit by hand. Pack `{PACK_NAME}` "
             f"v{PACK_VERSION}: {len(policies)} policies ({len(policies) - stack_count} resource, {stack_count} stack).",
             "",
             "Enforcement is mandatory for high and critical severity and advisory otherwise; any policy's level can be "
             "changed in the policy config (`{\"<policy>\": \"advisory\"}`). Every policy also accepts `waivers`: a "
             "list of `{resource, justification, owner, expires}` objects, where `resource` is a URN or a glob over the "
             "resource name or URN, and `expires` is `YYYY-MM-DD`. A waived finding is reported as advisory with a "
             "`[waived]` message; once the waiver expires, the finding is reported at the policy's own level.", "",
             "| Service | Policies | Covers |", "|---|---|---|"]
    lines += [f"| [{s.title}](#{_anchor(s.title)}) | {len(s.policies)} | {s.description} |" for s in services()]
    for service in services():
        lines += ["", f"## {service.title}", ""]
        for p in service.policies:
            kind = "stack" if isinstance(p, Soc2StackPolicy) else "resource: " + ", ".join(
                f"`{t}`" for t in sorted(p.resource_types))
            lines += [f"### `{p.name}`", "",
                      f"- **Checks:** {p.description}",
                      f"- **Applies to:** {kind}",
                      f"- **Severity:** {p.severity.value}; **enforcement:** {p.enforcement_level.value}",
                      f"- **SOC 2 criteria:** {', '.join(p.criteria)}",
                      f"- **checkov:** {_checkov(p)}",
                      f"- **Remediation:** {p.remediation_steps}",
                      f"- **Config:** {_config_text(p.config_schema.properties)}", ""]
    lines += ["## Resource types", "",
              "The catalog the stack policies read (backup coverage, alarm coverage, the customer-key follow-through) "
              "and the evidence documents. Each type is declared once, by its service.", "",
              "| Type | Service | Kind | Facts |", "|---|---|---|---|"]
    lines += [f"| `{t.token}` | {t.service} | {t.kind} | {_facts(t)} |" for t in catalog.types().values()]
    return "\n".join(lines).rstrip() + "\n"


def _anchor(title: str) -> str:
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c == "-")


GENERATED: dict[tuple[str, str], Callable[[], str]] = {
    ("README.md", "settings-table"): settings_table,
    ("templates/service/README.md", "service-settings"): service_settings_table,
    ("docs/components.md", ""): components_doc,
    ("docs/policies.md", ""): policy_catalog,
    ("README.md", "pack-summary"): pack_summary,
}


def _replace_section(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    if not rest:
        raise SystemExit(f"marker {start} not found")
    return f"{head}{start}\n{body}{end}{tail}"


def render() -> dict[Path, str]:
    """Every generated file's intended content."""
    files: dict[Path, str] = {}
    for (name, marker), build in GENERATED.items():
        path = ROOT / name
        current = files.get(path, path.read_text() if path.exists() else "")
        files[path] = _replace_section(current, marker, build()) if marker else build()
    return files


def main(argv: list[str]) -> int:
    stale = [p for p, content in render().items() if not p.exists() or p.read_text() != content]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run python docs/generate.py", file=sys.stderr)
        return 1 if stale else 0
    for path, content in render().items():
        path.write_text(content)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
