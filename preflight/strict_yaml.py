"""YAML read the way the Pulumi CLI reads project and stack files, and refused where it would differ.

The CLI parses with Go's yaml.v3: a key defined twice is an error, not "the last one wins"; files
are UTF-8; and untyped values follow YAML 1.2, so `yes`, `on` and `1:30` are strings, where
PyYAML's YAML 1.1 would read True, True and 90. Keys must be strings: config keys and object
keys become JSON. Every error names the file and, where YAML gives one, the line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from .errors import PreflightInputError

MERGE_TAG = "tag:yaml.org,2002:merge"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


class RefusedYAML(yaml.MarkedYAMLError):
    """Valid YAML that the CLI would refuse or read differently."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and numbers, unique keys and string keys only."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise RefusedYAML(problem=f"mapping key {key!r} is not a string; quote it",
                                           problem_mark=key_node.start_mark)
            if key in seen:
                raise RefusedYAML(problem=f'mapping key "{key}" already defined at line {seen[key]}',
                                           problem_mark=key_node.start_mark)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _yaml_1_2_resolvers() -> None:
    """Replaces YAML 1.1's implicit booleans and numbers with YAML 1.2's core schema."""
    resolvers = {first: [(tag, regexp) for tag, regexp in entries if tag not in (BOOL_TAG, INT_TAG, FLOAT_TAG)]
                 for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    StrictLoader.yaml_implicit_resolvers = resolvers
    StrictLoader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                       list("tTfF"))
    StrictLoader.add_implicit_resolver(INT_TAG, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                       list("-+0123456789"))
    StrictLoader.add_implicit_resolver(
        FLOAT_TAG, re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+.0123456789"))


_yaml_1_2_resolvers()


def _construct_yaml_1_2_int(loader: StrictLoader, node: Node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 16) if text.startswith("0x") else int(text)


StrictLoader.add_constructor(INT_TAG, _construct_yaml_1_2_int)


def decode(data: bytes, shown: str) -> str:
    """The file's text; refused, with the line of the first bad byte, unless it is UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise PreflightInputError(f"{shown}: not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start} "
                                  f"(line {line}); save the file as UTF-8") from None


def load(path: Path, shown: str) -> tuple[Any, Node | None]:
    """The file's data and its node tree (for line numbers); raises PreflightInputError naming the line."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PreflightInputError(f"{shown}: cannot be read ({err.strerror})") from None
    return parse(decode(data, shown), shown)


def parse(text: str, shown: str) -> tuple[Any, Node | None]:
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f" (line {mark.line + 1})" if mark is not None else ""
        problem = err.problem or err.context or "unreadable"
        raise PreflightInputError(f"{shown}: {problem}{line}" if isinstance(err, RefusedYAML) else
                                  f"{shown}: not valid YAML: {problem}{line}") from None
    except yaml.YAMLError as err:
        raise PreflightInputError(f"{shown}: not valid YAML ({err})") from None
    finally:
        loader.dispose()


def key_line(node: Node | None, *path: str) -> int | None:
    """The 1-based line of the key at `path` in a node tree, if the tree has it."""
    line = None
    for key in path:
        if not isinstance(node, MappingNode):
            return None
        match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)
        if match is None:
            return None
        line, node = match[0].start_mark.line + 1, match[1]
    return line
