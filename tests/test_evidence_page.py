"""The evidence page: self-contained, criteria by category, findings linked to their lines, waivers by expiry;
in a real Chromium (one session): no console errors, the chart and the filters work, a screenshot for CI."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pulumi_aws as aws
import pytest

from preflight.check import evaluate
from preflight.evidence_page import CATEGORIES, render_page
from preflight.pdf import FLAGS, find_chromium, print_pdf
from preflight.policy_config import parse_config
from preflight.results import CheckResult, findings_from
from preflight.soc2 import CRITERIA
from preflight.source_links import SourceLinks
from tests.conftest import REPO, run_cli, source_line
from tests.policies.harness import STACK, capture

ARTIFACTS = Path(os.environ.get("PREFLIGHT_TEST_ARTIFACTS", REPO / "test-artifacts"))
"""Where the screenshot goes; CI uploads this directory (tests.yml)."""
LINKS = SourceLinks(REPO, REPO, "https://github.com/acme/infra/blob/0123abc/")
TODAY = dt.date.today()


def program() -> None:
    aws.rds.Instance("orders-db", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                     username="orders", manage_master_user_password=True, storage_encrypted=False,
                     publicly_accessible=True)
    aws.kms.Key("orders-key", enable_key_rotation=False)
    aws.kms.Key("audit-key", enable_key_rotation=False)
    aws.cloudwatch.Dashboard("ops", dashboard_name="ops", dashboard_body="{}")


def waiver(resource: str, days: int) -> dict:
    return {"resource": resource, "justification": f"Rotation moves to the platform key by day {days}",
            "owner": "ada@example.com", "expires": (TODAY + dt.timedelta(days=days)).isoformat()}


@pytest.fixture(scope="module")
def result(soc2_pack) -> CheckResult:
    captured = capture(program)
    config = parse_config({"kms-key-rotation-enabled": {"waivers": [waiver("orders-key", 10), waiver("audit-key", 200)]}})
    run = evaluate(soc2_pack, captured, config, STACK.values)
    return CheckResult(captured, [run], findings_from(captured, [run]))


@pytest.fixture(scope="module")
def page(result) -> str:
    return render_page(result, LINKS)


def test_the_page_loads_nothing_from_anywhere(page):
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page) and not re.search(r"\ssrc=", page)
    assert "@import" not in page and "url(" not in page


def test_every_criterion_is_in_its_category_with_details_on_demand(page, result):
    assert page.count('<details class="criterion"') == len(CRITERIA) and " open>" not in page
    for key, name in CATEGORIES.items():
        assert f'<h3>{key} {name}</h3>' in page
    assert re.search(r'data-category="CC6">.*?<span class="id">CC6.1</span>', page)
    assert "<title>SOC 2 evidence: policy-test/test: FAIL</title>" in page and 'id="verdict">FAIL<' in page
    printed = render_page(result, LINKS, printing=True)
    assert printed.count('<details class="criterion" data-status=') == printed.count(" open><summary>")


def test_findings_carry_their_filters_and_link_to_the_line_that_built_the_resource(page, result):
    line = source_line(Path(__file__), 'aws.rds.Instance("orders-db"')
    url = f"https://github.com/acme/infra/blob/0123abc/tests/test_evidence_page.py#L{line}"
    assert f'<a class="source" href="{url}">tests/test_evidence_page.py:{line}</a>' in page
    rds = next(f for f in result.findings if f.policy == "rds-instance-storage-encrypted")
    assert f'data-severity="{rds.severity}" data-service="rds" data-status="mandatory"' in page
    assert '<option>kms</option>' in page and '<option>waived</option>' in page


def test_waivers_show_their_expiry_and_types_not_examined_are_listed(page):
    for days in (10, 200):
        assert f'data-expires="{(TODAY + dt.timedelta(days=days)).isoformat()}"' in page
    assert "aws:cloudwatch/dashboard:Dashboard</code></td><td>1</td>" in page
    assert "1 resources of 1 types not examined" in page


def test_the_page_regenerates_byte_for_byte(result, page):
    assert render_page(result, LINKS) == page


# --- in Chromium ---------------------------------------------------------------------------------

def test_in_chromium_the_page_has_no_errors_and_its_chart_and_filters_work(page, tmp_path):
    from playwright.sync_api import sync_playwright

    source = tmp_path / "evidence.html"
    source.write_text(page)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=shutil.which(find_chromium()), headless=True,
            args=["--no-sandbox", *FLAGS[1:-1]], viewport={"width": 1280, "height": 900})
        try:
            view = browser.new_page()
            view.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            view.on("pageerror", lambda e: problems.append(str(e)))
            view.on("request", lambda r: problems.append(r.url) if not r.url.startswith("file:") else None)
            view.goto(source.as_uri())
            check_chart(view)
            check_filters(view)
            check_waivers(view)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            view.screenshot(path=str(ARTIFACTS / "evidence-page.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert (ARTIFACTS / "evidence-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def visible(view, selector: str) -> list[str]:
    return view.eval_on_selector_all(selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.status || e.dataset.severity)")


def check_chart(view) -> None:
    failing = int(view.inner_text('.legend[data-status="failing"] .count'))
    assert failing > 0 and len(visible(view, "details.criterion")) == len(CRITERIA)
    view.click('rect.segment[data-status="failing"]')
    assert visible(view, "details.criterion") == ["failing"] * failing
    assert view.get_attribute('.legend[data-status="failing"]', "class") == "legend active"
    assert view.is_hidden('.category[data-category="CC1"]')  # nothing failing there
    view.click('.legend[data-status="failing"]')
    assert len(visible(view, "details.criterion")) == len(CRITERIA)
    summary = view.locator("details.criterion summary").first
    summary.click()
    assert view.locator("details.criterion").first.evaluate("d => d.open")


def shown_rows(view, field: str) -> list[str]:
    return view.eval_on_selector_all("#findings-rows tr", f"rs => rs.filter(r => !r.hidden).map(r => r.dataset.{field})")


def check_filters(view) -> None:
    rows = view.locator("#findings-rows tr")
    total = rows.count()
    view.select_option("#filter-status", "waived")
    assert shown_rows(view, "service") == ["kms"] * 2 and int(view.inner_text("#findings-shown")) == 2
    view.select_option("#filter-service", "rds")
    assert int(view.inner_text("#findings-shown")) == 0
    view.select_option("#filter-status", "")
    rds = shown_rows(view, "service")
    assert len(rds) > 5 and set(rds) == {"rds"} and int(view.inner_text("#findings-shown")) == len(rds)
    severity = view.eval_on_selector("#filter-severity option:nth-child(2)", "o => o.value")
    view.select_option("#filter-service", "")
    view.select_option("#filter-severity", severity)
    assert set(shown_rows(view, "severity")) == {severity} and len(shown_rows(view, "severity")) < total
    view.select_option("#filter-severity", "")
    assert int(view.inner_text("#findings-shown")) == total


def check_waivers(view) -> None:
    classes = view.eval_on_selector_all("tr.waiver", "rs => rs.map(r => [r.className, r.querySelector('.left').textContent])")
    assert sorted(classes) == [["waiver", "200 days"], ["waiver soon", "10 days"]]


def test_the_page_prints_to_pdf_with_headless_chromium_and_leaves_no_process(page, strays, monkeypatch):
    name, value = strays.mark.decode().split("=", 1)
    monkeypatch.setenv(name, value)  # Chromium and its helpers inherit the mark: the fixture finds any left running
    pdf = print_pdf(page, find_chromium())
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_pdf_without_chromium_exits_2_before_the_check_and_writes_nothing(tmp_path, strays):
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "git").symlink_to(shutil.which("git"))
    out = tmp_path / "bundle"
    result = run_cli("evidence", "--stack", "test", "--program", str(REPO / "tests" / "fixtures" / "component_program"),
                     "--out", str(out), "--format", "pdf", env=strays.env(PATH=str(tools)))
    assert result.returncode == 2 and not out.exists()
    assert result.stderr == ("preflight: --format pdf needs headless Chromium, and none of chromium, chromium-browser, "
                             "google-chrome, google-chrome-stable is on PATH; install it (Debian: apt-get install "
                             "chromium) or set PREFLIGHT_CHROMIUM, or use --format html and print evidence.html from "
                             "a browser\n")
    named = run_cli("evidence", "--stack", "test", "--program", str(REPO / "tests" / "fixtures" / "component_program"),
                    "--out", str(out), "--format", "pdf", env=strays.env(PREFLIGHT_CHROMIUM=str(tmp_path / "nope")))
    assert named.returncode == 2 and "PREFLIGHT_CHROMIUM=" in named.stderr and not out.exists()

