"""Reports in a real browser: the demo organization filled by `waypoint demo seed`, opened as
demo-analyst — every report page shows an SVG chart with its data table, small counts as "<11";
the page's CSV download carries the same suppressed cells (UTF-8 with BOM), the XLSX opens in
openpyxl with them, and the analyst can reach no client record."""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import BINARY, DEMO_PASSWORD, Server
from test_case_flow import token
from test_cli_and_instances import get_json
from test_pages import serious_violations, sign_in
from test_referral_flow import follow, wait_for

PERIOD = "from=2024-12-01&to=2027-12-31"


@pytest.fixture()
def seeded_server(neutral_site):
    workdir = tempfile.mkdtemp(prefix="waypoint-reports-")
    env = dict(os.environ, WAYPOINT_DEMO_PASSWORD=DEMO_PASSWORD)
    env.pop("DATABASE_URL", None)
    seeded = subprocess.run([str(BINARY), "demo", "seed", "--clients", "150"], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "Added 150 synthetic clients" in seeded.stdout
    s = Server(neutral_site.url, workdir=workdir)
    yield s
    s.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def fetch(url, headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.read(), response.headers


def is_small_number(text):
    return text.isdigit() and 1 <= int(text) <= 10


def test_analyst_sees_charts_tables_and_exports_suppressed(browser, seeded_server):
    server = seeded_server
    sign_in(browser, server, "demo-analyst")
    browser.find_element(By.ID, "nav-reports").click()
    wait_for(browser, "report-list")
    assert browser.title.startswith("Reports")
    links = [a.get_attribute("data-report") for a in browser.find_elements(By.CSS_SELECTOR, "a[data-report]")]
    assert {"people-served", "exploitation-type", "voca-victims-served", "otip-closures", "hmis-youth-exits", "training-compliance"} <= set(links)
    assert serious_violations(browser) == []

    withheld_seen = 0
    for report in links:
        browser.get(f"{server.url}/reports/{report}?{PERIOD}")
        wait_for(browser, "report-table")
        svg = browser.find_element(By.CSS_SELECTOR, "figure svg.report-chart")
        assert svg.get_attribute("role") == "img" and browser.find_element(By.ID, "chart-title").get_attribute("textContent")
        cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#report-table td")]
        assert cells, report
        assert not any(is_small_number(text) for text in cells), f"{report} shows a count under 11: {cells}"
        withheld_seen += sum(text in ("<11", "*") for text in cells)
    assert withheld_seen > 0, "the synthetic data should produce some small cells"

    # Where one person can stand in several rows (each service type) the page says the totals add rows.
    browser.get(f"{server.url}/reports/services-by-type?{PERIOD}")
    wait_for(browser, "report-rows-note")
    browser.get(f"{server.url}/reports/people-served?{PERIOD}")
    wait_for(browser, "report-table")
    assert not browser.find_elements(By.ID, "report-rows-note")

    # The exploitation report by age group: minors are few, so cells are withheld on the page and in the exports.
    browser.get(f"{server.url}/reports/exploitation-type?{PERIOD}")
    wait_for(browser, "report-table")
    assert serious_violations(browser) == []
    page_cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#report-table td")]
    assert "<11" in page_cells
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    href = browser.find_element(By.ID, "download-csv").get_attribute("href")
    body, headers = fetch(href, {"Cookie": cookie})
    assert headers["Content-Type"].startswith("text/csv") and body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Type of exploitation" and rows[-1][0] == "Total"
    values = [v for row in rows[1:] for v in row[1:]]
    assert "<11" in values and not any(is_small_number(v) for v in values)
    assert sorted(values) == sorted(page_cells), "the CSV carries the page's cells"

    analyst = token(server, "demo-analyst")
    auth = {"Authorization": f"Bearer {analyst}"}
    data, headers = fetch(f"{server.url}/api/v1/reports/exploitation-type?{PERIOD}&format=xlsx", auth)
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    grid = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert grid[0][0] == "Type of exploitation"
    flat = [v for row in grid[1:] for v in row[1:] if v is not None]
    assert "<11" in flat and not any(isinstance(v, (int, float)) and 1 <= v <= 10 for v in flat)
    assert any(isinstance(v, (int, float)) and v >= 11 for v in flat), "shown counts are numbers"

    table = get_json(f"{server.url}/api/v1/reports/exploitation-type?{PERIOD}", analyst)
    assert table["threshold"] == 11 and table["total"]["mark"] == "shown"
    # Youth exits (one per ten clients, dated today) are counted by HMIS element and answer.
    exits = get_json(f"{server.url}/api/v1/reports/hmis-youth-exits?{PERIOD}", analyst)
    assert exits["funder"] == "HUD HMIS" and exits["rows"][0]["key"] == "ExchangeForSex" and exits["total"]["text"] != "0"
    for name, expected in [("people-served?by=nope", "nope"), ("people-served?measure=minutes", "minutes"), ("services-by-type?by=month", "month")]:
        try:
            fetch(f"{server.url}/api/v1/reports/{name}", auth)
            raise AssertionError(name + " was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 400 and expected in error.read().decode()

    # Aggregates only: no client list, no screening, no contact for the analyst.
    for path in ("/api/v1/clients", "/api/v1/caseload", "/api/v1/referrals", "/api/v1/crisis-contacts", "/api/v1/users"):
        try:
            fetch(server.url + path, auth)
            raise AssertionError(path + " answered an analyst")
        except urllib.error.HTTPError as error:
            assert error.code == 403
    assert "Synthetic client" not in server.output()


def test_case_manager_records_the_reporting_fields(browser, seeded_server):
    server = seeded_server
    # The administrator keeps the organization's programs: what reports show is a label they chose.
    sign_in(browser, server, "demo-admin")
    browser.get(server.url + "/admin/lists")
    wait_for(browser, "program-add")
    browser.find_element(By.ID, "program-entry").send_keys("Harbor youth")
    follow(browser, By.ID, "program-save")
    wait_for(browser, "program-entries")
    assert "Harbor youth" in browser.find_element(By.ID, "program-entries").text
    assert serious_violations(browser) == []
    browser.delete_all_cookies()

    # Case staff pick one; there is nowhere to type a program (or a funding source) of their own.
    sign_in(browser, server, "demo-casemanager")
    browser.get(server.url + "/cases/new")
    wait_for(browser, "client-form")
    browser.find_element(By.ID, "alias").send_keys("Heron")
    assert browser.find_element(By.ID, "program").tag_name == "select"
    Select(browser.find_element(By.ID, "program")).select_by_visible_text("Harbor youth")
    Select(browser.find_element(By.ID, "exploitation")).select_by_value("labor")
    Select(browser.find_element(By.ID, "first-exploited-age")).select_by_value("15_17")
    follow(browser, By.ID, "create-client")
    wait_for(browser, "reporting-form")
    assert Select(browser.find_element(By.ID, "exploitation")).first_selected_option.get_attribute("value") == "labor"
    assert browser.find_element(By.ID, "service-funding").tag_name == "select"
    browser.find_element(By.CSS_SELECTOR, "#reporting summary").click()
    Select(browser.find_element(By.ID, "exploitation")).select_by_value("both")
    follow(browser, By.ID, "save-reporting")
    wait_for(browser, "reporting-form")
    assert Select(browser.find_element(By.ID, "exploitation")).first_selected_option.get_attribute("value") == "both"
    assert Select(browser.find_element(By.ID, "program")).first_selected_option.get_attribute("value") == "Harbor youth"
    assert serious_violations(browser) == []


def test_admin_adds_a_report_definition(browser, seeded_server):
    server = seeded_server
    sign_in(browser, server, "demo-admin")
    browser.get(server.url + "/reports")
    wait_for(browser, "report-list")
    browser.find_element(By.ID, "import-definitions").click()
    wait_for(browser, "import-form")
    mine = {"id": "origin-by-age", "title": {"en": "Origin by age group", "es": "Origen por grupo de edad"},
            "description": {"en": "For our board", "es": "Para la junta"}, "source": "clients", "rows": "nationality",
            "columns": "age_group", "measure": "people", "chart": "stacked-bar", "citations": ["Board request, 2026"]}
    wrong = dict(mine, id="by-month", source="services", rows="month", columns=None)
    area = browser.find_element(By.ID, "definitions")
    browser.execute_script("arguments[0].value = arguments[1]", area, json.dumps([mine, wrong]))
    follow(browser, By.ID, "import")
    wait_for(browser, "import-problems")
    assert "by-month" in browser.find_element(By.ID, "import-problems").text
    assert serious_violations(browser) == []
    area = browser.find_element(By.ID, "definitions")
    browser.execute_script("arguments[0].value = arguments[1]", area, json.dumps([mine]))
    follow(browser, By.ID, "import")
    wait_for(browser, "import-done")
    browser.get(server.url + "/reports")
    wait_for(browser, "own-report-list")
    links = [a.get_attribute("data-report") for a in browser.find_elements(By.CSS_SELECTOR, "#own-report-list a[data-report]")]
    assert links == ["origin-by-age"], "the failed file added nothing; the good one is listed"
    browser.get(f"{server.url}/reports/origin-by-age?{PERIOD}")
    wait_for(browser, "report-table")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#report-table td")]
    assert cells and not any(is_small_number(text) for text in cells)


def test_cli_adds_report_definitions_all_or_none():
    workdir = tempfile.mkdtemp(prefix="waypoint-report-defs-")
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    try:
        added = subprocess.run([str(BINARY), "user", "add", "--username", "boss", "--role", "admin", "--org", "Harbor Clinic"], cwd=workdir, env=env,
                               input="a long enough passphrase", capture_output=True, text=True, timeout=120)
        assert added.returncode == 0, added.stderr
        good = {"id": "origin", "title": {"en": "Origin", "es": "Origen"}, "description": {"en": "", "es": ""}, "source": "clients",
                "rows": "nationality", "measure": "people", "chart": "bar", "citations": ["Board request"]}
        bad = dict(good, id="nope", rows="shoe_size")
        path = os.path.join(workdir, "defs.json")
        with open(path, "w") as handle:
            json.dump([good, bad], handle)
        refused = subprocess.run([str(BINARY), "reports", "import", path], cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0 and "nope" in refused.stderr and "shoe_size" in refused.stderr
        with open(path, "w") as handle:
            json.dump([good], handle)
        accepted = subprocess.run([str(BINARY), "reports", "import", path], cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
        assert accepted.returncode == 0, accepted.stderr
        assert "Added 1 report definitions: origin." in accepted.stdout
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
