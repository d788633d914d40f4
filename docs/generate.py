"""Regenerates the documentation that is derived from code.

    python docs/generate.py          # rewrite the generated parts
    python docs/generate.py --check  # exit 1 if any generated part is stale (the tests do this)

Generated parts: the settings table in README.md (from components/baseline_settings.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "policies")]

from components.baseline_settings import ENVIRONMENT_DEFAULTS, NAMESPACE, BaselineSettings  # noqa: E402


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _default(path: str, info: Any) -> str:
    if path in ENVIRONMENT_DEFAULTS:
        by_env = ENVIRONMENT_DEFAULTS[path]
        return "; ".join(f"{'others' if env == '*' else env}: `{json.dumps(v)}`" for env, v in by_env.items())
    if info.default is PydanticUndefined and info.default_factory is None:
        return "**required**"
    value = info.default_factory() if info.default_factory is not None else info.default
    if isinstance(value, BaseModel):
        return "see below"
    return "none" if value is None else f"`{json.dumps(value, default=str)}`"


def settings_rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str, str]]:
    rows = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        allowed = (info.json_schema_extra or {}).get("allowed", "")
        nested = _model_in(info.annotation)
        rows.append((key, allowed, _default(key, info), (info.description or "").replace("\n", " ")))
        if nested is not None:
            is_list = getattr(info.annotation, "__origin__", None) is list
            rows += settings_rows(nested, key + ("[]." if is_list else "."))
    return rows


def settings_table() -> str:
    lines = [f"All keys live in the `{NAMESPACE}` namespace, e.g. `{NAMESPACE}:database` in the stack file.", "",
             "| Key | Allowed | Default | Meaning |", "|---|---|---|---|"]
    for key, allowed, default, meaning in settings_rows(BaselineSettings):
        lines.append(f"| `{key}` | {allowed} | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


GENERATED: dict[tuple[str, str], Callable[[], str]] = {
    ("README.md", "settings-table"): settings_table,
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
