"""Provider SDKs imported with their annotations postponed (PEP 563), so that importing one costs half as much.

A generated provider SDK (a package with a `pulumi-plugin.json`, such as pulumi_aws or pulumi_datadog)
evaluates hundreds of thousands of type annotations when it is imported: pulumi-datadog's `_inputs`
module alone takes 3.7 s of its 6 s here. The SDK reads those annotations only through
`typing.get_type_hints`, with the class's module globals, for the classes a program actually uses
(pulumi/_types.py), and that resolves an annotation kept as a string exactly as one evaluated at import.
So preflight compiles these modules as if they began with `from __future__ import annotations`: the
classes, their properties and what the program registers are the same, and the annotations nobody
asks for are never evaluated.

The compiled code is cached beside the SDK's own bytecode (`__pycache__/*.opt-lazyannotations.pyc`,
stamped with the source's mtime and size like any .pyc); where that directory is not writable, the
module is compiled on each import instead.
"""

from __future__ import annotations

import __future__
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys
from functools import cache
from pathlib import Path
from types import CodeType, ModuleType
from typing import Sequence

CACHE_TAG = "lazyannotations"
"""importlib's optimization tag for the cached code: kept apart from the SDK's ordinary .pyc."""


@cache
def _is_provider_sdk(package_directory: str) -> bool:
    return (Path(package_directory) / "pulumi-plugin.json").is_file()


def _stamp(path: str) -> bytes:
    stat = os.stat(path)
    return (importlib.util.MAGIC_NUMBER + (0).to_bytes(4, "little")
            + (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") + (stat.st_size & 0xFFFFFFFF).to_bytes(4, "little"))


class PostponedAnnotationsLoader(importlib.machinery.SourceFileLoader):
    """A source loader whose code has PEP 563's postponed annotations, cached under its own tag."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        cached = importlib.util.cache_from_source(path, optimization=CACHE_TAG)
        stamp = _stamp(path)
        try:
            data = Path(cached).read_bytes()
            if data[:16] == stamp:
                return marshal.loads(memoryview(data)[16:])
        except (OSError, ValueError, EOFError):
            pass  # absent, stale or damaged: compiled again below
        code = compile(self.get_data(path), path, "exec", flags=__future__.annotations.compiler_flag,
                       dont_inherit=True)
        _write_cache(cached, stamp + marshal.dumps(code))
        return code


def _write_cache(path: str, data: bytes) -> None:
    partial = f"{path}.{os.getpid()}.partial"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        Path(partial).write_bytes(data)
        os.replace(partial, path)  # whole or not at all: another process may be reading it
    except OSError:
        Path(partial).unlink(missing_ok=True)


class ProviderSdkFinder(importlib.abc.MetaPathFinder):
    """Finds modules as the path finder does, and loads those of provider SDKs with the loader above."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("pulumi_"):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader or not spec.origin:
            return spec
        top = fullname.partition(".")[0]
        package = os.path.dirname(spec.origin) if fullname == top else _top_directory(spec.origin, fullname)
        if not _is_provider_sdk(package):
            return spec
        spec.loader = PostponedAnnotationsLoader(fullname, spec.origin)
        return spec


def _top_directory(origin: str, fullname: str) -> str:
    """The directory of the top-level package of module `fullname`, whose file is `origin`."""
    depth = fullname.count(".") + (1 if origin.endswith("__init__.py") else 0)
    return str(Path(origin).parents[depth - 1])


def install() -> None:
    """Idempotent; modules already imported keep the code they were imported with."""
    if not any(isinstance(finder, ProviderSdkFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, ProviderSdkFinder())
