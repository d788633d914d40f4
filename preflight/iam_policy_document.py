"""`aws.iam.get_policy_document`, computed offline as the AWS provider computes it.

It is pure: the provider merges `sourcePolicyDocuments`, then the statements given, then
`overridePolicyDocuments` (a statement with the Sid of an earlier one replaces it; the others
are appended), and writes the result with Go's encoding/json. So: sets of actions, resources
and principal identifiers are de-duplicated and sorted in reverse, one-element sets become a
string, a lone `{"*": ["*"]}` principal becomes "*", condition values keep their order (one
value becomes a string), `&{var}` becomes `${var}`, keys of principals and conditions are
sorted, and <, > and & are escaped. `id` is the CRC-32 of the indented JSON. One difference: when several principal blocks share a
type, their identifiers keep the program's order, where the provider follows Terraform's set
hashing; the document means the same.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

DEFAULT_VERSION = "2012-10-17"
VERSIONS = ("2008-10-17", "2012-10-17")
STATEMENT_FIELDS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal",
                    "Condition")


class InvokeFailure(Exception):
    """The data source refuses its arguments, as the provider would (the program's invoke raises)."""

    def __init__(self, property: str, reason: str):
        super().__init__(reason)
        self.property, self.reason = property, reason


def get_policy_document(args: dict[str, Any]) -> dict[str, Any]:
    for deprecated in ("overrideJson", "sourceJson"):
        if args.get(deprecated):
            raise InvokeFailure(deprecated, f"expected {deprecated} to be an empty string (it is not used)")
    version = args.get("version") or DEFAULT_VERSION
    if version not in VERSIONS:
        raise InvokeFailure("version", f"expected version to be one of {list(VERSIONS)}, got {version}")
    merged: dict[str, Any] = {"Version": "", "Id": "", "Statement": []}
    seen: set[str] = set()
    for index, text in enumerate(args.get("sourcePolicyDocuments") or []):
        if not text:  # the provider skips empty documents, e.g. an optional one passed as ""
            continue
        source = _parse(text, f"merging source document {index}", "sourcePolicyDocuments")
        for position, statement in enumerate(source["Statement"]):
            sid = statement.get("Sid") or ""
            if sid and sid in seen:
                raise InvokeFailure("sourcePolicyDocuments", f"merging source document {index}: duplicate Sid ({sid}) "
                                    f"in source_policy_documents (statement {position}). Remove the Sid or ensure "
                                    "Sids are unique.")
            seen.add(sid)
        _merge(merged, source)
    _merge(merged, {"Version": version, "Id": args.get("policyId") or "",
                    "Statement": _statements(args.get("statements") or [], version)})
    for index, text in enumerate(args.get("overridePolicyDocuments") or []):
        if text:
            _merge(merged, _parse(text, f"merging override document {index}", "overridePolicyDocuments"))
    document = _document(merged)
    indented = _go_json(document, indent=2)
    return {**{k: v for k, v in args.items() if v is not None}, "version": version,
            "id": str(zlib.crc32(indented.encode())), "json": indented, "minifiedJson": _go_json(document)}


def _statements(given: list[dict[str, Any]], version: str) -> list[dict[str, Any]]:
    statements, sids = [], set()
    for item in given:
        sid = item.get("sid") or ""
        if sid in sids:
            raise InvokeFailure("statements", f"duplicate Sid ({sid}). Remove the Sid or ensure the Sid is unique.")
        if sid:
            sids.add(sid)
        effect = item.get("effect") or "Allow"
        if effect not in ("Allow", "Deny"):
            raise InvokeFailure("statements", f"expected effect to be one of [Allow Deny], got {effect}")
        statement: dict[str, Any] = {"Sid": sid, "Effect": effect}
        for key, field in (("actions", "Action"), ("notActions", "NotAction")):
            statement[field] = _string_set(item.get(key))
        for key, field in (("resources", "Resource"), ("notResources", "NotResource")):
            statement[field] = _variables(_string_set(item.get(key)), version, key)
        for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            statement[field] = [{"type": p.get("type", ""), "identifiers": _variables(
                _string_set(p.get("identifiers")), version, key)} for p in _unique(item.get(key) or [])]
        statement["Condition"] = [_condition(c, version) for c in _unique(item.get("conditions") or [])]
        statements.append(statement)
    return statements


def _condition(condition: dict[str, Any], version: str) -> dict[str, Any]:
    values = _variables([str(v) for v in condition.get("values") or []], version, "conditions")
    return {"test": condition.get("test", ""), "variable": condition.get("variable", ""),
            "values": values[0] if len(values) == 1 else values}


def _string_set(values: Any) -> Any:
    """A Terraform set of strings as the provider writes it: one string, or distinct strings in reverse order."""
    distinct = sorted({str(v) for v in values or []}, reverse=True)
    return distinct[0] if len(distinct) == 1 else distinct


def _unique(blocks: list[Any]) -> list[Any]:
    """A set of blocks: identical blocks count once."""
    found: list[Any] = []
    for block in blocks:
        if block not in found:
            found.append(block)
    return found


def _variables(value: Any, version: str, key: str) -> Any:
    """`&{aws:username}` is how a Terraform string says `${aws:username}`; version 2008-10-17 has no variables."""
    items = value if isinstance(value, list) else [value]
    if version == "2008-10-17" and any("&{" in item for item in items):
        raise InvokeFailure(key, f"found &{{ sequence in ({next(i for i in items if '&{' in i)}), which is not "
                            "supported in document version 2008-10-17")
    replaced = [item.replace("&{", "${") for item in items]
    return replaced if isinstance(value, list) else replaced[0]


def _parse(text: str, context: str, key: str) -> dict[str, Any]:
    """A JSON policy document read the way Go reads it into the provider's types (keys match in any case)."""
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as err:
        raise InvokeFailure(key, f"writing IAM Policy Document: {context}: {err}") from None
    if not isinstance(data, dict):
        raise InvokeFailure(key, f"writing IAM Policy Document: {context}: a policy document is a JSON object")
    statements = _field(data, "Statement")
    if statements is not None and not (isinstance(statements, list) and all(isinstance(s, dict) for s in statements)):
        raise InvokeFailure(key, f"writing IAM Policy Document: {context}: Statement must be a list of objects")
    return {"Version": str(_field(data, "Version") or ""), "Id": str(_field(data, "Id") or ""),
            "Statement": [_parsed_statement(s, context, key) for s in statements or []]}


def _parsed_statement(raw: dict[str, Any], context: str, key: str) -> dict[str, Any]:
    statement = {name: _field(raw, name) for name in STATEMENT_FIELDS}
    statement["Sid"], statement["Effect"] = str(statement["Sid"] or ""), str(statement["Effect"] or "")
    for name in ("Principal", "NotPrincipal"):
        statement[name] = _parsed_principals(statement[name], context, key)
    statement["Condition"] = _parsed_conditions(statement["Condition"], context, key)
    return statement


def _parsed_principals(value: Any, context: str, key: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [{"type": "*", "identifiers": ["*"]}]
    if not isinstance(value, dict):
        raise InvokeFailure(key, f"writing IAM Policy Document: {context}: a Principal is \"*\" or an object")
    principals = []
    for kind, identifiers in value.items():
        if isinstance(identifiers, list) and all(isinstance(i, str) for i in identifiers):
            principals.append({"type": kind, "identifiers": sorted(identifiers)})
        elif isinstance(identifiers, str):
            principals.append({"type": kind, "identifiers": identifiers})
        else:
            raise InvokeFailure(key, f"writing IAM Policy Document: {context}: principals of {kind} are strings")
    return principals


def _parsed_conditions(value: Any, context: str, key: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise InvokeFailure(key, f"writing IAM Policy Document: {context}: a Condition maps operators to objects")
    conditions = []
    for test, variables in value.items():
        for variable, values in variables.items():
            if isinstance(values, bool):
                values = "true" if values else "false"
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                continue  # the provider keeps only strings, booleans and lists of strings
            conditions.append({"test": test, "variable": variable, "values": values})
    return conditions


def _field(data: dict[str, Any], name: str) -> Any:
    """Go's encoding/json: an exact key match first, else any case-insensitive one."""
    if name in data:
        return data[name]
    return next((v for k, v in data.items() if k.lower() == name.lower()), None)


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    if new["Id"]:
        into["Id"] = new["Id"]
    if new["Version"] > into["Version"]:
        into["Version"] = new["Version"]
    for statement in new["Statement"]:
        position = next((i for i, s in enumerate(into["Statement"]) if statement["Sid"] and s["Sid"] == statement["Sid"]),
                        None)
        if position is None:
            into["Statement"].append(statement)
        else:
            into["Statement"][position] = statement


def _document(merged: dict[str, Any]) -> dict[str, Any]:
    """The merged document as the provider marshals it: empty fields omitted, in the struct's field order."""
    document: dict[str, Any] = {k: merged[k] for k in ("Version", "Id") if merged[k]}
    statements = [_statement(s) for s in merged["Statement"]]
    if statements:
        document["Statement"] = statements
    return document


def _statement(statement: dict[str, Any]) -> dict[str, Any]:
    written = {}
    for name in STATEMENT_FIELDS:
        value = statement.get(name)
        if name in ("Principal", "NotPrincipal"):
            value = _principals(value or [])
        elif name == "Condition":
            value = _conditions(value or [])
        if value not in (None, "", [], {}):
            written[name] = value
    return written


def _principals(principals: list[dict[str, Any]]) -> Any:
    if len(principals) == 1 and principals[0]["type"] == "*" and principals[0]["identifiers"] in ("*", ["*"]):
        return "*"
    by_type: dict[str, Any] = {}
    for principal in principals:
        kind, identifiers = principal["type"], principal["identifiers"]
        current = by_type.get(kind)
        if isinstance(identifiers, list):
            prefix = [] if current is None else [current] if isinstance(current, str) else current
            by_type[kind] = prefix + sorted(identifiers, reverse=True)
        elif current is None:
            by_type[kind] = identifiers
        else:
            by_type[kind] = ([current] if isinstance(current, str) else current) + [identifiers]
    return dict(sorted(by_type.items()))


def _conditions(conditions: list[dict[str, Any]]) -> dict[str, Any]:
    by_test: dict[str, dict[str, list[str]]] = {}
    for condition in conditions:
        values = condition["values"]
        by_test.setdefault(condition["test"], {}).setdefault(condition["variable"], []).extend(
            values if isinstance(values, list) else [values])
    return {test: {variable: values[0] if len(values) == 1 else values for variable, values in sorted(variables.items())}
            for test, variables in sorted(by_test.items())}


def _go_json(value: Any, indent: int | None = None) -> str:
    """encoding/json's output: UTF-8 kept, but <, >, &, U+2028 and U+2029 escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text
