"""The command that starts a policy pack, chosen by the `runtime` of its PulumiPolicy.yaml, as the CLI chooses it.

- python: `python -u -m pulumi.policy <engine> .` in the pack directory, with the interpreter of the
  virtualenv `runtime.options.virtualenv` names when it exists (else preflight's own).
- nodejs: `node <run-policy-pack> <engine> <pack directory>` in the pack directory, where
  <run-policy-pack> is `@pulumi/pulumi/cmd/run-policy-pack` as Node resolves it from the pack directory
  (its node_modules, or a parent directory's). The CLI's Node.js host sets PULUMI_NODEJS_PROJECT,
  _STACK, _ORGANIZATION and _DRY_RUN besides PULUMI_CONFIG; the runner compiles a TypeScript pack
  with ts-node itself.

Whatever the runtime, the pack asks Linux first thing to kill it when preflight dies (processes.py).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import PreflightInputError
from .processes import launch_executable, launch_module

RUNTIMES = ("python", "nodejs")
RUN_POLICY_PACK = Path("node_modules") / "@pulumi" / "pulumi" / "cmd" / "run-policy-pack" / "index.js"
NODE_ENVIRONMENT = {"PULUMI_PROJECT": "PULUMI_NODEJS_PROJECT", "PULUMI_STACK": "PULUMI_NODEJS_STACK",
                    "PULUMI_ORGANIZATION": "PULUMI_NODEJS_ORGANIZATION", "PULUMI_DRY_RUN": "PULUMI_NODEJS_DRY_RUN"}


class PackDependenciesMissing(PreflightInputError):
    """The pack's runtime or libraries are not installed; the message gives the command that installs them."""


@dataclass(frozen=True)
class PackRuntime:
    name: str
    options: dict[str, Any]
    version: str
    """The version PulumiPolicy.yaml declares ("" if none), which the CLI labels the pack with."""


def read_manifest(directory: Path) -> PackRuntime:
    """The pack's runtime; refuses one the CLI could not start, before anything starts."""
    try:
        data = yaml.safe_load((directory / "PulumiPolicy.yaml").read_text())
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise PreflightInputError(f"{directory / 'PulumiPolicy.yaml'}: not valid YAML ({err})") from None
    data = data if isinstance(data, dict) else {}
    runtime = data.get("runtime") or "python"
    name, options = (runtime.get("name"), runtime.get("options") or {}) if isinstance(runtime, dict) else (runtime, {})
    if name not in RUNTIMES or not isinstance(options, dict):
        raise PreflightInputError(f"{directory / 'PulumiPolicy.yaml'}: runtime {name!r} is not one preflight starts; "
                                  f"allowed: {', '.join(RUNTIMES)}")
    return PackRuntime(name, options, str(data.get("version") or ""))


def pack_command(directory: Path, runtime: PackRuntime, engine: str) -> list[str]:
    """The command line, run in `directory`; raises PackDependenciesMissing."""
    if runtime.name == "nodejs":
        return launch_executable(_node(directory), str(run_policy_pack(directory)), engine, str(directory))
    return launch_module(_python(directory, runtime), "pulumi.policy", engine, ".")


def pack_environment(runtime: PackRuntime, env: dict[str, str]) -> dict[str, str]:
    """`env` (what the CLI sets for any analyzer), with the names the Node.js SDK reads added for a nodejs pack."""
    if runtime.name != "nodejs":
        return env
    return {**env, **{node: env[name] for name, node in NODE_ENVIRONMENT.items() if name in env}}


def check_installed(directory: Path, runtime: PackRuntime) -> None:
    """Refuses a pack that could not start for want of its runtime or libraries, naming the install command."""
    if runtime.name == "nodejs":
        _node(directory)
        run_policy_pack(directory)


def run_policy_pack(directory: Path) -> Path:
    """The runner Node's `require.resolve('@pulumi/pulumi/cmd/run-policy-pack')` finds from the pack directory."""
    for folder in (directory, *directory.parents):
        if (folder / RUN_POLICY_PACK).is_file():
            return folder / RUN_POLICY_PACK
    installer = "npm ci" if (_package_root(directory) / "package-lock.json").is_file() else "npm install"
    raise PackDependenciesMissing(
        f"policy pack {directory}: its dependencies are not installed (Node finds no @pulumi/pulumi from it); "
        f"run `{installer} --prefix {_package_root(directory)}`")


def _package_root(directory: Path) -> Path:
    """The nearest directory, from the pack up, whose package.json lists the Pulumi SDK; else the pack's own."""
    for folder in (directory, *directory.parents):
        manifest = folder / "package.json"
        if manifest.is_file() and '"@pulumi/' in manifest.read_text(errors="replace"):
            return folder
    return directory


def _node(directory: Path) -> str:
    node = shutil.which("node")
    if node is None:
        raise PackDependenciesMissing(f"policy pack {directory}: runtime nodejs, and no `node` is on PATH; install "
                                      "Node.js and npm (`apt-get install nodejs npm`)")
    return node


def _python(directory: Path, runtime: PackRuntime) -> str:
    venv = runtime.options.get("virtualenv")
    if isinstance(venv, str) and venv:
        candidate = directory / venv / "bin" / "python"
        if candidate.exists():
            return str(candidate)
    return sys.executable
