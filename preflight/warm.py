"""The provider SDK modules a program names, imported once in preflight so each stack's child starts warm.

A Pulumi program's first run spends most of its time importing the provider SDKs: pulumi-aws loads
each service module (and its input and output types) on first use, pulumi-datadog loads everything
on import. Several stacks of one program, and a watch loop, fork each run's child from a parent that
imported them already; the program's own modules are never imported here, so each run still gets
them fresh. Installed libraries the program imports (a component library such as soc2_components,
which is where a service's provider imports are) are imported here too: like the providers, they
are not files of the program, which is all a watch loop follows.

Which modules: those the program's own source names, read without running it: `import pulumi_x.y`,
`from pulumi_x import y`, and `alias.y.Z` where `alias` is an imported provider package, wherever they
appear (a program that imports a provider only when a setting asks for it gets it imported here
anyway). A name that is a class or function is read from its module, which loads the module the SDK
keeps it in.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
import time
from pathlib import Path

from . import provider_imports

PROVIDER_PREFIX = "pulumi_"
SKIPPED_DIRECTORIES = {"venv", ".venv", "node_modules", "site-packages", "__pycache__", "tests", "build"}


def program_sources(program_dir: Path) -> list[Path]:
    """The program's own Python files: not its virtualenvs, dependencies, tests or hidden directories."""
    found = []
    for folder, directories, files in os.walk(program_dir):
        directories[:] = sorted(d for d in directories if d not in SKIPPED_DIRECTORIES and not d.startswith("."))
        found += [Path(folder) / name for name in sorted(files) if name.endswith(".py")]
    return found


def _parse(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return ast.Module(body=[], type_ignores=[])  # the program's own run reports it


def named_modules(source: str | ast.Module) -> set[str]:
    """Provider modules a source file imports or reaches through an imported provider's attributes."""
    tree = _parse(source) if isinstance(source, str) else source
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PROVIDER_PREFIX):
                    modules.add(alias.name)
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                        alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(PROVIDER_PREFIX):
            modules.add(node.module)
            for alias in node.names:
                modules.add(f"{node.module}.{alias.name}")
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        chain = _chain(node) if isinstance(node, ast.Attribute) else []
        if chain and chain[0] in aliases:
            modules.add(".".join([aliases[chain[0]], *chain[1:]]))
    return modules


def _chain(node: ast.Attribute) -> list[str]:
    """`aws.s3.BucketV2` as ["aws", "s3", "BucketV2"]; [] for anything but names and attributes."""
    names = [node.attr]
    value = node.value
    while isinstance(value, ast.Attribute):
        names.append(value.attr)
        value = value.value
    return [value.id, *reversed(names)] if isinstance(value, ast.Name) else []


def provider_modules(program_dir: Path) -> list[str]:
    """Every provider module the program's sources name (some may be names of classes or functions)."""
    return program_imports(program_dir)[0]


def program_imports(program_dir: Path) -> tuple[list[str], list[str]]:
    """(the provider modules the program's sources name, the installed libraries they import), each file read once."""
    program = program_dir.resolve()
    providers: set[str] = set()
    imported: set[str] = set()
    for path in program_sources(program_dir):
        tree = _parse(path.read_text(errors="replace"))
        providers |= named_modules(tree)
        imported |= imported_modules(tree)
    return sorted(providers), sorted(name for name in imported if _installed(name.partition(".")[0], program))


def imported_modules(source: str | ast.Module) -> set[str]:
    """Every module a source file imports absolutely (`import x.y`, `from x.y import z`)."""
    tree = _parse(source) if isinstance(source, str) else source
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return found | {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}


def installed_libraries(program_dir: Path) -> list[str]:
    """The modules the program imports that are installed libraries, not its own files or the standard library's."""
    return program_imports(program_dir)[1]


def library_provider_modules(libraries: list[str]) -> list[str]:
    """The provider modules the libraries' own sources name: a component library reaches `aws.ec2` only when a
    component is constructed, in the program's run."""
    named: set[str] = set()
    for top in sorted({name.partition(".")[0] for name in libraries}):
        spec = importlib.util.find_spec(top)
        for folder in (spec.submodule_search_locations or []) if spec is not None else []:
            for path in program_sources(Path(folder)):
                source = path.read_text(errors="replace")
                if PROVIDER_PREFIX in source:  # most libraries name no provider: not worth parsing
                    named |= named_modules(source)
    return sorted(named)


def _installed(top: str, program: Path) -> bool:
    if top in sys.stdlib_module_names or top.startswith(PROVIDER_PREFIX):
        return False
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
    return origin is not None and "site-packages" in origin.parts and program not in origin.parents


def preimport(program_dir: Path) -> float:
    """Imports the provider modules the program names; returns the seconds it took. A name that is not a module,
    or a module that fails to import, is left to the program's run, which reports any failure as its own."""
    started = time.perf_counter()
    provider_imports.install()
    providers, libraries = program_imports(program_dir)
    for name in providers + libraries + library_provider_modules(libraries):
        try:
            _load(name)
        except Exception:  # noqa: BLE001 the program's run imports it again and says what is wrong
            pass
    return time.perf_counter() - started


def _load(name: str) -> object:
    """The module `name`, or the attribute of its parent (a provider SDK loads a class's module when it is
    first read)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        parent, _, attribute = name.rpartition(".")
        if not parent:
            raise
        return getattr(_load(parent), attribute)
