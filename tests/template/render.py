"""Lays down a `pulumi new` template as the Pulumi CLI does, without the CLI.

What the CLI does (sdk/go/common/workspace/templates.go and `pulumi new`): copy every file except
`.git`; in text files (no NUL byte in the first 8,000 bytes) and in file paths, replace `${PROJECT}`
and `${DESCRIPTION}`; then rewrite Pulumi.yaml with the project's name and description and without
its `template:` section; and save each `template.config` answer (or default) to the new stack's
config file, keys without a namespace taking the project's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SERVICE_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "service"


def transform(text: str, project: str, description: str) -> str:
    return text.replace("${PROJECT}", project).replace("${DESCRIPTION}", description)


def render_template(template: Path, destination: Path, project: str, description: str, stack: str,
                    answers: dict[str, str]) -> Path:
    for source in sorted(template.rglob("*")):
        relative = source.relative_to(template)
        if ".git" in relative.parts or "__pycache__" in relative.parts:
            continue
        if source.is_dir():
            (destination / relative).mkdir(parents=True, exist_ok=True)
            continue
        data = source.read_bytes()
        if b"\0" not in data[:8000]:
            data = transform(data.decode(), project, description).encode()
        target = destination / transform(relative.as_posix(), project, "")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(source.stat().st_mode | 0o600)

    project_file = destination / "Pulumi.yaml"
    manifest: dict[str, Any] = yaml.safe_load(project_file.read_text())
    prompts = manifest.pop("template", {}).get("config", {})
    manifest.update(name=project, description=description)
    project_file.write_text(yaml.safe_dump(manifest, sort_keys=False))

    config = {}
    for key, prompt in prompts.items():
        if key not in answers and "default" not in prompt:
            raise ValueError(f"the template asks for {key} ({prompt.get('description')}) and no answer was given")
        full = key if ":" in key else f"{project}:{key}"
        config[full] = str(answers.get(key, prompt.get("default")))
    stack_dir = destination / manifest.get("stackConfigDir", ".")
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return destination


def render_service(destination: Path) -> Path:
    """The service template as `pulumi new` lays it down for project `svc`, stack dev, default answers."""
    return render_template(SERVICE_TEMPLATE, destination, "svc", "A service", "dev",
                           {"domainName": "svc.example.com", "alertEmail": "oncall@example.com"})
