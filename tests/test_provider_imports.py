"""Provider SDKs compiled with postponed annotations: the same types for the SDK, fewer evaluated at import."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from pulumi import _types

from preflight import provider_imports

ARGS_MODULE = '''
from typing import Optional, Sequence
import pulumi

EVALUATED = []


def evaluated(name):
    EVALUATED.append(name)  # runs only if the annotation is evaluated at import
    return str


@pulumi.input_type
class RuleArgs:
    def __init__(__self__, *, ports: Optional[pulumi.Input[Sequence[pulumi.Input[int]]]] = None):
        if ports is not None:
            pulumi.set(__self__, "ports", ports)

    @property
    @pulumi.getter
    def ports(self) -> Optional[pulumi.Input[Sequence[pulumi.Input[int]]]]:
        return pulumi.get(self, "ports")


LABEL = "label"


class Typed:
    label: evaluated(LABEL)
'''


def package(root: Path, name: str, provider: bool) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    (directory / "_inputs.py").write_text(ARGS_MODULE)
    if provider:
        (directory / "pulumi-plugin.json").write_text(json.dumps({"resource": True, "name": name[7:]}))
    return directory


@pytest.fixture
def packages(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    provider_imports.install()
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith(("pulumi_fakeprovider", "pulumi_helpers"))]:
        del sys.modules[name]


def test_a_provider_sdks_annotations_wait_until_the_sdk_asks_and_resolve_to_the_same_types(packages):
    package(packages, "pulumi_fakeprovider", provider=True)
    module = importlib.import_module("pulumi_fakeprovider._inputs")
    assert module.EVALUATED == [] and module.Typed.__annotations__ == {"label": "evaluated(LABEL)"}
    assert type(module.__spec__.loader) is provider_imports.PostponedAnnotationsLoader
    package(packages, "pulumi_helpers", provider=False)
    evaluated = importlib.import_module("pulumi_helpers._inputs")  # the same source, annotations evaluated
    assert _types._raw_return_hints(module.RuleArgs) == _types._raw_return_hints(evaluated.RuleArgs) != {}
    assert _types._types_from_py_properties(module.RuleArgs) == _types._types_from_py_properties(evaluated.RuleArgs)
    assert module.RuleArgs(ports=[443]).ports == [443]


def test_a_package_that_is_not_a_provider_sdk_is_imported_as_python_imports_it(packages):
    package(packages, "pulumi_helpers", provider=False)
    module = importlib.import_module("pulumi_helpers._inputs")
    assert module.EVALUATED == ["label"] and module.Typed.__annotations__ == {"label": str}
    assert type(module.__spec__.loader) is not provider_imports.PostponedAnnotationsLoader


def test_the_compiled_code_is_cached_under_its_own_tag_and_a_damaged_cache_is_compiled_again(packages):
    directory = package(packages, "pulumi_fakeprovider", provider=True)
    source = directory / "_inputs.py"
    cached = Path(importlib.util.cache_from_source(str(source), optimization=provider_imports.CACHE_TAG))
    importlib.import_module("pulumi_fakeprovider._inputs")
    assert cached.is_file() and cached.read_bytes()[:16] == provider_imports._stamp(str(source))
    assert not Path(importlib.util.cache_from_source(str(source))).exists()  # the ordinary .pyc is not touched
    cached.write_bytes(cached.read_bytes()[:16] + b"\x00 not marshal data")
    del sys.modules["pulumi_fakeprovider._inputs"]
    module = importlib.import_module("pulumi_fakeprovider._inputs")
    assert module.Typed.__annotations__ == {"label": "evaluated(LABEL)"}
    assert cached.read_bytes()[16:] != b"\x00 not marshal data"


def test_a_changed_source_is_compiled_again(packages):
    directory = package(packages, "pulumi_fakeprovider", provider=True)
    importlib.import_module("pulumi_fakeprovider._inputs")
    source = directory / "_inputs.py"
    source.write_text(ARGS_MODULE + "\nCHANGED = True\n")
    del sys.modules["pulumi_fakeprovider._inputs"]
    assert importlib.import_module("pulumi_fakeprovider._inputs").CHANGED is True
