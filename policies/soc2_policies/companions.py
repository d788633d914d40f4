"""Resources that name another resource whose settings decide their own verdict: a cluster its parameter
group, a Glue job its security configuration, a snapshot its cluster.

The named resource is found in one pass over the stack (Stack.referrers): by a property computed from
it, or by its literal name. A name the stack does not manage cannot be judged here, so the policies say
so, unless the user lists it as managed elsewhere; a name unknown until deploy waits for the deploy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Iterable

from .framework import Resource, Stack, StackCheck


def named_by(stack: Stack, types: Iterable[str], path: str, target_types: Iterable[str],
             name_path: str) -> dict[str, list[Resource]]:
    """URN of each resource of `types` to the resources of `target_types` that its `path` names."""
    target_types = tuple(target_types)
    targets = {t.urn: t for t in stack.of_type(*target_types)}
    found: dict[str, list[Resource]] = {}
    for target_urn, referrers in stack.referrers(tuple(types), path, target_types, name_path).items():
        for referrer in referrers:
            found.setdefault(referrer.urn, []).append(targets[target_urn])
    return found


def literal_name(resource: Resource, path: str) -> str | None:
    """The name at `path` of a resource that names nothing in the stack; None when unset. A name unknown
    until deploy raises UnknownValueError, so the verdict is left to a deploy."""
    value = resource.get(path)
    return value if isinstance(value, str) and value else None


def parameters(group: Resource) -> dict[str, str]:
    """A parameter group's parameters, lower-case name to lower-case value; a value unknown until deploy
    raises UnknownValueError."""
    found: dict[str, str] = {}
    for i, parameter in enumerate(group.list("parameters")):
        if not isinstance(parameter, Mapping):
            continue
        name, value = group.get(f"parameters.{i}.name"), group.get(f"parameters.{i}.value")
        if isinstance(name, str):
            found[name.lower()] = "" if value is None else str(value).lower()
    return found


Problem = Callable[[dict[str, str]], "str | None"]


def parameter_group_check(clusters: list[str], path: str, groups: list[str], problem: Problem,
                          default_problem: str | None, setting: str, option: str) -> StackCheck:
    """A stack check of a setting that lives in a cluster's parameter group.

    Every group of `groups` in the stack is judged by `problem` (what is wrong with its parameters, or
    None). Every cluster is judged through the group its `path` names: a group of this stack; the engine
    default (`default.*`, or none named), whose fault is `default_problem`; or a group listed in
    config[option], trusted as managed elsewhere. Any other group cannot be verified, which is reported.
    """
    def check(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
        verdicts = {group.urn: problem(parameters(group)) for group in stack.of_type(*groups)}
        for group in stack.of_type(*groups):
            if verdicts[group.urn]:
                yield f"parameter group {group.name}: {verdicts[group.urn]}", group.urn
        named = named_by(stack, clusters, path, groups, "name")
        for cluster in stack.of_type(*clusters):
            if cluster.urn in named:
                for group in named[cluster.urn]:
                    if verdicts[group.urn]:
                        yield f"its parameter group {group.name} is at fault: {verdicts[group.urn]}", cluster.urn
                continue
            name = literal_name(cluster, path)
            if name in config[option]:
                continue
            if name is None or name.startswith("default."):
                if default_problem:
                    yield f"uses the default parameter group{f' {name}' if name else ''}: {default_problem}", \
                        cluster.urn
            else:
                yield (f"{path} names {name}, a parameter group this stack does not manage, so {setting} cannot be "
                       f"verified; manage the group here or list it in {option}"), cluster.urn
    return check
