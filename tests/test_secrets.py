"""Secrets never leave in plain text: not in any report format, on stdout, or in any file of the bundle,
even when a policy pack quotes property values verbatim; credentials given in plain text are flagged."""

from __future__ import annotations

import html
import shutil
import json
import xml.etree.ElementTree as ElementTree

import pytest

from preflight.check import CheckOptions, check
from preflight.junit import render_junit
from preflight.redaction import MIN_LENGTH, Redactor, secret_plaintexts
from preflight.report_document import render_html, render_markdown
from preflight.report_json import render_json, report_data
from preflight.report_text import render_text
from preflight.sarif import render_sarif
from tests.conftest import FIXTURES, REPO, run_cli

PROGRAM = FIXTURES / "secrets_program"
QUOTING = FIXTURES / "packs" / "quoting"
PACKS = [REPO / "policies", QUOTING]
SECRETS = ['fixture-db-"pass"<word>&\\1', "fixture-plain-api-token", "svc-orders", "fixture-nested-secret-key",
           "fixture-exported-token"]
"""Marked secret by the program (Output.secret, require_secret), inside a secret JSON object, or exported."""
PLAIN_CREDENTIALS = ["fixture-plain-lambda-token", "fixture-plain-aws-secret-key"]
"""Credential-looking keys holding plain text: in a resource's inputs, and in the stack file (aws:secretKey)."""
RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif, "junit": render_junit,
             "markdown": render_markdown, "html": render_html}


@pytest.fixture(scope="module")
def resolved():
    """Resolved mode: ids are synthesized, so every policy can read every property and quote it."""
    return check(CheckOptions(PROGRAM, "test", PACKS, mode="resolved"))


def generated_password(result) -> str:
    record = next(r for r in result.capture.records if r.type == "random:index/randomPassword:RandomPassword")
    return record.outputs["result"]["value"]


def forms(secret: str) -> set[str]:
    """The ways a value can appear in a rendered report: as is, JSON-, HTML- or XML-escaped."""
    return {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], html.escape(secret),
            html.escape(secret, quote=False), secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def decoded_strings(name: str, text: str) -> list[str]:
    """Every string a reader of the format sees once it is parsed."""
    if name.endswith(("json", "sarif")):
        return strings_in(json.loads(text))
    if name.endswith(("junit", ".xml")):
        root = ElementTree.fromstring(text.split("\n", 1)[1])
        return [s for e in root.iter() for s in [e.text or "", *e.attrib.values()]]
    return [html.unescape(text)] if name.endswith("html") else [text]


def assert_no_secret(name: str, text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert not any(form in text for form in forms(secret)), f"{name} leaks {secret!r}"
        assert not any(secret in s for s in decoded_strings(name, text)), f"{name} leaks {secret!r} once parsed"


def test_the_quoting_pack_quoted_the_secrets_and_preflight_redacted_every_quote(resolved):
    quotes = [f.detail for f in resolved.findings if f.pack == "fixture-quoting"]
    assert "password is [secret]" in quotes
    assert "value is [secret]" in quotes
    assert "secretKey is [secret]" in quotes  # the provider's input, from the stack file's plain aws:secretKey
    assert any('"API_TOKEN": "[secret]"' in q for q in quotes)
    assert any(q.startswith("inputs as Python: {") and "'password': '[secret]'" in q for q in quotes)
    assert "secretString.user is [secret]" in quotes and "secretString.key is [secret]" in quotes


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_no_format_shows_a_secret(resolved, name):
    text = RENDERERS[name](resolved)
    assert_no_secret(name, text, SECRETS + PLAIN_CREDENTIALS + [generated_password(resolved)])
    assert "[secret]" in text


def test_results_json_redacts_secrets_and_plain_credentials_in_every_resources_inputs(resolved):
    resources = {r["name"]: r for r in report_data(resolved, include_resources=True)["resources"]}
    assert resources["ingest"]["inputs"]["environment"]["variables"] == {"API_TOKEN": "[secret]", "STAGE": "test"}
    assert resources["orders-db"]["inputs"]["password"] == "[secret]"
    provider = next(r for name, r in resources.items() if r["type"] == "pulumi:providers:aws")
    assert provider["inputs"]["secretKey"] == "[secret]" and provider["inputs"]["region"] == "us-east-1"
    assert provider["inputs"]["accessKey"] == "AKIAFIXTUREACCESS01"  # an access key id is not a credential


def test_plain_credentials_are_flagged_by_the_pack_and_by_preflight(resolved):
    flagged = [f.detail for f in resolved.findings if f.policy == "pulumi-input-secrets-encrypted"]
    assert any("environment.variables.API_TOKEN holds a credential in plain text" in d for d in flagged)
    assert any(d.startswith("pulumi:providers:aws default_") and "secretKey holds a credential" in d for d in flagged)
    warnings = [d.message for d in resolved.capture.diagnostics if d.severity == "warning"]
    assert ("stacks/Pulumi.test.yaml: aws:secretKey holds a credential in plain text; encrypt it with `pulumi config "
            "set --secret aws:secretKey <value>` (its value is redacted from every report) (line 4)") in warnings
    assert any(w.startswith("stacks/Pulumi.test.yaml: secrets-app:apiToken holds a credential") for w in warnings)


def test_stdout_of_the_cli_shows_no_secret_and_the_warnings(strays):
    for fmt in ("text", "json"):
        result = run_cli("check", "--stack", "test", "--program", str(PROGRAM), "--policy-pack", str(QUOTING),
                         "--format", fmt, env=strays.env())
        assert result.returncode == 0, result.stderr
        assert_no_secret(fmt, result.stdout + result.stderr, SECRETS + PLAIN_CREDENTIALS)
        assert "aws:secretKey holds a credential in plain text" in result.stdout


def test_no_file_of_the_evidence_bundle_shows_a_secret(tmp_path, strays):
    out = tmp_path / "bundle"
    result = run_cli("evidence", "--stack", "test", "--program", str(PROGRAM), "--mode", "resolved",
                     "--policy-pack", str(REPO / "policies"), "--policy-pack", str(QUOTING), "--out", str(out),
                     env=strays.env())
    assert result.returncode == 1, result.stderr  # the plain credentials are mandatory violations
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        assert_no_secret(path.name, path.read_text(), SECRETS + PLAIN_CREDENTIALS)
    assert "[secret]" in (out / "results.json").read_text()


def test_short_values_and_booleans_are_not_masked_and_escaped_forms_are():
    redactor = Redactor(["ab", "true", "s3cr3t", 'q"uo<te>'])
    assert MIN_LENGTH == 3
    assert redactor.text("ab true s3cr3t") == "ab true [secret]"
    assert redactor.text(json.dumps({"k": 'q"uo<te>'})) == '{"k": "[secret]"}'
    assert redactor.text(html.escape('q"uo<te>')) == "[secret]"


def test_every_scalar_under_a_secret_and_every_plain_credential_is_collected():
    inputs = {"password": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                           "value": {"user": "svc", "pin": 12345, "nested": ["deep-secret"]}},
              "apiToken": "plain-token", "passwordLength": 20, "maxPasswordAge": 90, "tokenUrl": "https://x",
              "secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x", "name": "app"}
    found = secret_plaintexts(inputs)
    assert {"svc", "12345", "deep-secret", "plain-token"} <= found
    assert not found & {"20", "90", "https://x", "app"}
    assert not any(f.startswith("arn:") for f in found)


def test_a_pack_failure_that_quotes_a_secret_property_prints_it_redacted(strays, tmp_path):
    result = run_cli("check", "--stack", "test", "--program", str(PROGRAM), "--policy-pack",
                     str(FIXTURES / "packs" / "raising_secret"), "--output", str(tmp_path / "report.txt"),
                     env=strays.env())
    assert result.returncode == 2 and "ssm-parameter-value-parsed raised" in result.stderr
    assert "cannot parse '[secret]'" in result.stderr
    assert not [s for s in SECRETS + PLAIN_CREDENTIALS if s in result.stderr + result.stdout]
    assert list(tmp_path.iterdir()) == []


def test_a_program_failure_that_quotes_a_credential_prints_it_redacted(strays, tmp_path):
    program = tmp_path / "program"
    shutil.copytree(PROGRAM, program)
    main = program / "__main__.py"
    main.write_text(main.read_text() + 'raise ValueError("rejected key " + pulumi.Config("aws").require("secretKey"))\n')
    result = run_cli("check", "--stack", "test", "--program", str(program), env=strays.env())
    assert result.returncode == 2 and "the program failed: ValueError: rejected key [secret]" in result.stderr
    assert "fixture-plain-aws-secret-key" not in result.stderr + result.stdout
