"""The crisis line in a real browser: an advocate logs an anonymous call, is refused a callback
without the caller's explicit safe-to-call answer (everything typed is kept), records the agreed
callback, hands the caller over to the demo case manager, who finds the case opened with the
callback answers as the contact profile and the advocate's note, starts the child's eligibility
request within the 24-hour window, and places the young person in the demo shelter for two nights,
charged to a fund. The planted number and note, and the shelter's address, are nowhere at rest or
in the server's log."""
import datetime
import pathlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_case_flow import follow, get_json, own_server, submit, token  # noqa: F401 (own_server is a fixture)
from test_pages import serious_violations, sign_in
from test_referral_flow import wait_for

NUMBER = "208-555-0163"
NOTE = "Quokka-Line-Note-3307"
ADDRESS = "100 Example Way"  # the demo shelter's (fictional) confidential address


def test_anonymous_call_to_a_case(browser, own_server):
    server = own_server
    sign_in(browser, server, "demo-advocate")
    browser.find_element(By.ID, "nav-line").click()
    wait_for(browser, "line-counts")
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "new-contact").click()
    wait_for(browser, "contact-form")
    assert browser.find_element(By.ID, "anonymous").is_selected()  # anonymous unless the caller chooses otherwise
    Select(browser.find_element(By.ID, "caller-role")).select_by_value("person")
    browser.find_element(By.ID, "concern-labor").click()
    browser.find_element(By.ID, "language").send_keys("es")
    browser.find_element(By.ID, "danger").click()
    browser.find_element(By.ID, "outcome-safety-planning").click()
    browser.find_element(By.ID, "note").send_keys(NOTE)
    # A callback without the explicit safe answer is refused, and nothing typed is lost.
    browser.find_element(By.ID, "callback").click()
    browser.find_element(By.ID, "callback-times").send_keys("weekdays after 7 pm")
    browser.find_element(By.ID, "callback-number").send_keys(NUMBER)
    submit(browser, "contact-form")
    wait_for(browser, "crisis-error")
    assert browser.find_element(By.ID, "crisis-error").get_attribute("data-field") == "callback.safe"
    assert browser.find_element(By.ID, "note").get_attribute("value") == NOTE
    assert browser.find_element(By.ID, "callback-number").get_attribute("value") == NUMBER
    assert browser.find_element(By.ID, "concern-labor").is_selected()
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "callback-safe").click()
    browser.find_element(By.ID, "callback-word").send_keys("lantern")
    submit(browser, "contact-form")
    wait_for(browser, "contact-summary")
    contact_url = browser.current_url
    assert NOTE in browser.find_element(By.ID, "contact-note").text
    assert browser.find_element(By.ID, "callback-number").text == NUMBER
    assert NUMBER not in browser.title and NUMBER not in contact_url
    assert serious_violations(browser) == []

    # Open on the shift until the callback is made.
    browser.get(server.url + "/line")
    assert contact_url.rsplit("/", 1)[1] in browser.find_element(By.ID, "open-contacts").get_attribute("innerHTML")

    # The caller wants ongoing help: the advocate hands over to the demo case manager, with consent.
    browser.get(contact_url)
    browser.find_element(By.ID, "hand-over-alias").send_keys("Lantern")
    manager = Select(browser.find_element(By.ID, "hand-over-manager"))
    manager.select_by_visible_text(next(o.text for o in manager.options if o.text.startswith("Demo Case Manager")))
    submit(browser, "hand-over-form")  # consent not ticked: refused
    wait_for(browser, "crisis-error")
    browser.find_element(By.ID, "hand-over-alias").clear()
    browser.find_element(By.ID, "hand-over-alias").send_keys("Lantern")
    browser.find_element(By.ID, "hand-over-minor").click()
    browser.find_element(By.ID, "hand-over-foreign").click()
    browser.find_element(By.ID, "hand-over-consent").click()
    submit(browser, "hand-over-form")
    wait_for(browser, "handed-over")
    browser.find_element(By.ID, "callback-done").click()
    wait_for(browser, "callback-done-at")
    follow(browser, By.ID, "close-contact")
    wait_for(browser, "handed-over")
    assert not browser.find_elements(By.ID, "close-contact")

    # The case manager finds the case ready, nothing retyped.
    manager_token = token(server, "demo-casemanager")
    lantern = next(c for c in get_json(server.url + "/api/v1/clients", manager_token)["clients"] if c["alias"] == "Lantern")
    case = get_json(server.url + f"/api/v1/clients/{lantern['id']}", manager_token)
    assert case["languages"] == ["es"] and case["flags"] == {"minor": True, "foreign_national": True, "safety_concern": True}
    assert case["contact_safety"]["call"] is True and case["contact_safety"]["safe_times"] == "weekdays after 7 pm"
    assert case["contact_safety"]["code_word"] == "lantern"
    assert [note["text"] for note in case["notes"]] == [NOTE]

    # Spanish, same page.
    browser.get(contact_url + "?lang=es")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Contacto"

    # The case manager starts the child's eligibility request within the 24-hour window: it is on the
    # dashboard with its deadline until it is sent.
    browser.delete_all_cookies()
    sign_in(browser, server, "demo-casemanager")
    browser.get(f"{server.url}/cases/{lantern['id']}")
    wait_for(browser, "eligibility-form")
    Select(browser.find_element(By.ID, "eligibility-kind")).select_by_value("child-eligibility")
    received_at = datetime.datetime.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    received = received_at.strftime("%Y-%m-%dT%H:%M")
    browser.execute_script("document.getElementById('eligibility-received').value = arguments[0]", received)
    submit(browser, "eligibility-form")
    wait_for(browser, "eligibility-list")
    item = browser.find_element(By.CSS_SELECTOR, "#eligibility-list li")
    assert item.get_attribute("data-status") == "planned"
    due = (received_at + datetime.timedelta(hours=24)).strftime("%Y-%m-%d %H:%M")
    assert due in item.text
    assert serious_violations(browser) == []
    browser.get(server.url + "/cases")
    assert "Lantern" in browser.find_element(By.ID, "board-eligibility-due").text
    browser.get(f"{server.url}/cases/{lantern['id']}")
    Select(browser.find_element(By.CSS_SELECTOR, "#eligibility-list select")).select_by_value("requested")
    follow(browser, By.CSS_SELECTOR, "#eligibility-list button[type=submit]")
    wait_for(browser, "eligibility-list")
    assert browser.find_element(By.CSS_SELECTOR, "#eligibility-list li").get_attribute("data-status") == "requested"
    browser.get(server.url + "/cases")
    assert "Lantern" not in browser.find_element(By.ID, "board-eligibility-due").text

    # Emergency housing: two nights at the demo shelter, charged to the TVAP fund at check-out.
    browser.find_element(By.ID, "nav-housing").click()
    wait_for(browser, "site-list")
    free_before = int(browser.find_element(By.CSS_SELECTOR, "#site-list .site-free").text)
    follow(browser, By.CSS_SELECTOR, "#site-list form button")
    wait_for(browser, "site-list")
    assert ADDRESS in browser.find_element(By.CSS_SELECTOR, "#site-list .site-address").text  # asked for, and logged
    browser.get(f"{server.url}/cases/{lantern['id']}")
    wait_for(browser, "check-in-form")
    Select(browser.find_element(By.ID, "stay-fund")).select_by_visible_text(
        next(o.text for o in Select(browser.find_element(By.ID, "stay-fund")).options if o.text.startswith("TVAP")))
    check_in = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    browser.find_element(By.ID, "stay-check-in").send_keys(check_in)
    submit(browser, "check-in-form")
    wait_for(browser, "stay-list")
    assert browser.find_element(By.CSS_SELECTOR, "#stay-list tr").get_attribute("data-open") == "true"
    browser.get(server.url + "/housing")
    assert int(browser.find_element(By.CSS_SELECTOR, "#site-list .site-free").text) == free_before - 1
    browser.get(f"{server.url}/cases/{lantern['id']}")
    wait_for(browser, "stay-list")
    follow(browser, By.CSS_SELECTOR, "#stay-list button.check-out")
    wait_for(browser, "stay-list")
    row = browser.find_element(By.CSS_SELECTOR, "#stay-list tr")
    assert row.get_attribute("data-open") == "false" and "2 nights" in row.text
    assert "TVAP (demo)" in browser.find_element(By.ID, "service-list").text
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "nav-funds").click()
    wait_for(browser, "fund-list")
    tvap = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#fund-list tbody tr") if "TVAP" in r.text)
    assert tvap.find_element(By.CLASS_NAME, "fund-spent").text == "$170.00"
    assert tvap.find_element(By.CLASS_NAME, "fund-remaining").text == "$1,830.00"

    def scan():
        for path in pathlib.Path(server.workdir).rglob("*"):
            if path.is_file() and "waypoint-keys" not in path.parts:
                data = path.read_bytes()
                assert NUMBER.encode() not in data, f"number found in {path}"
                assert NOTE.encode() not in data, f"note found in {path}"
                assert ADDRESS.encode() not in data, f"shelter address found in {path}"
    scan()
    server.stop()
    scan()
