"""The ads workbench in a real browser, as demo-investigator: import a file of invented ads (the
progress page refreshes itself until the import is done), open a family (timeline and identifier
graph, highlighted leads, indicators with their sources), add a note, open the lead package, import
posters, and accept a candidate match with a reason. Other roles cannot reach any of it."""
import csv
import io
import pathlib
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_case_flow import submit
from test_pages import serious_violations, sign_in
from test_referral_flow import follow, wait_for

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "ads"


def test_investigator_imports_opens_a_family_and_reviews_a_poster_match(browser, server):
    sign_in(browser, server, "demo-investigator")
    follow(browser, By.ID, "nav-ads")
    wait_for(browser, "ads-import-form")
    assert "traffick" not in browser.page_source.lower()

    # A file with a bad line is refused whole, the line named.
    bad = pathlib.Path(server.workdir) / "bad.csv"
    bad.write_text("id,text\n1,first ad\n2,\n", encoding="utf-8")
    browser.find_element(By.ID, "ads-file").send_keys(str(bad))
    submit(browser, "ads-import-form")
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.ID, "import-refused"))
    assert "Line 3: has no text" in browser.find_element(By.ID, "import-problems").text

    browser.get(server.url + "/ads")
    browser.find_element(By.ID, "ads-file").send_keys(str(EXAMPLES / "ads.csv"))
    submit(browser, "ads-import-form")
    assert browser.find_element(By.ID, "import-progress").tag_name == "progress"
    WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.ID, "import-done"))
    assert "300 / 300" in browser.page_source

    follow(browser, By.ID, "to-families")
    links = browser.find_elements(By.CSS_SELECTOR, "#families a.family-link")
    assert len(links) == 7
    assert serious_violations(browser) == []
    follow(browser, By.CSS_SELECTOR, "#families a.family-link")
    wait_for(browser, "family-ads")
    assert browser.title.startswith("Family of ads")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.ads-timeline circle")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.ads-graph circle")
    assert browser.find_elements(By.CSS_SELECTOR, "#family-ads mark.lead-phone")
    assert browser.find_elements(By.CSS_SELECTOR, "#family-template span.slot")
    indicators = browser.find_element(By.ID, "family-indicators").text
    assert "Lugo-Graulich" in indicators or "Whitney" in indicators or "Marinus" in indicators
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "note").send_keys("Okapi-Ads-Note: check the Nashville posts")
    submit(browser, "note-form")
    wait_for(browser, "family-notes")
    assert "Okapi-Ads-Note" in browser.find_element(By.ID, "family-notes").text

    # The lead package, printable and as CSV, with every ad's provenance.
    family_url = browser.current_url.split("#")[0]
    follow(browser, By.ID, "lead-package")
    wait_for(browser, "family-ads")
    assert "audit log" in browser.page_source
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(family_url + "/lead-package.csv", headers={"Cookie": cookie})) as response:
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
    assert rows and all(r["ad_id"].startswith("ad-") and r["phones"].startswith("+1") for r in rows)
    assert any("Lugo-Graulich" in r["indicator_sources"] or "Whitney" in r["indicator_sources"] for r in rows)

    # Posters: imported, compared with the ads, one candidate accepted with a reason.
    browser.get(server.url + "/ads/posters")
    browser.find_element(By.ID, "posters-file").send_keys(str(EXAMPLES / "posters.csv"))
    submit(browser, "posters-form")
    wait_for(browser, "posters-imported")
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#posters tbody tr") if "SYN-0001" in r.text][0]
    assert int(row.find_elements(By.TAG_NAME, "td")[-1].text) > 0
    decoy = [r for r in browser.find_elements(By.CSS_SELECTOR, "#posters tbody tr") if "SYN-0003" in r.text][0]
    assert decoy.find_elements(By.TAG_NAME, "td")[-1].text == "0"
    follow(browser, By.LINK_TEXT, "SYN-0001")
    wait_for(browser, "matches")
    first = browser.find_element(By.CSS_SELECTOR, "article.match")
    parts = first.find_element(By.CSS_SELECTOR, "table.components").text
    assert "one of the poster's aliases" in parts and "Age" in parts and "Place" in parts
    assert serious_violations(browser) == []
    match_id = first.get_attribute("id")
    first.find_element(By.CSS_SELECTOR, "input[value=accept]").click()
    first.find_element(By.TAG_NAME, "textarea").send_keys("Alias and age fit; same state")
    follow(browser, By.CSS_SELECTOR, f"#{match_id} button.decide")
    wait_for(browser, match_id)
    decided = browser.find_element(By.ID, match_id)
    assert decided.find_element(By.CLASS_NAME, "match-status").text == "accepted"
    assert "Alias and age fit; same state" in decided.text
    assert not decided.find_elements(By.CSS_SELECTOR, "form.decide-form")


def test_other_roles_cannot_reach_the_workbench(browser, server):
    sign_in(browser, server, "demo-analyst")
    assert not browser.find_elements(By.ID, "nav-ads")
    browser.get(server.url + "/ads")
    assert "ads-import-form" not in browser.page_source
