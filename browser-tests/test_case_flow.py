"""A case to closure, in a real browser: the case manager opens a client (legal name in the vault),
is refused a screening that was not handed over to the case, records consent for a
directory service, refers under it, watches the link die when the person withdraws consent, then
adds a goal and a service and closes the case. Afterwards the planted legal name is nowhere in the
database files, the WAL or the server's log."""
import json
import pathlib
import shutil
import urllib.error
import urllib.request

import pytest
from fhir.resources.R4B.bundle import Bundle
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import Server
from test_cli_and_instances import DEMO_PASSWORD, get_json, post_json
from test_pages import serious_violations, sign_in
from test_referral_flow import follow, wait_for

LEGAL_NAME = "Quokka-Browser-Legal-4417"
ALIAS = "Juniper-K2"


@pytest.fixture()
def own_server(neutral_site):
    s = Server(neutral_site.url)
    yield s
    s.stop()
    shutil.rmtree(s.workdir, ignore_errors=True)


def token(server, username):
    return post_json(server.url + "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})["token"]


def status_of(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def submit(browser, form_id):
    """Submits the form and waits for the page it leads to (an element found right after the click may still be the old page's)."""
    follow(browser, By.CSS_SELECTOR, f"#{form_id} button[type=submit]")


def test_case_from_screening_to_closure(browser, own_server):
    server = own_server
    clinician = token(server, "demo-clinician")
    screening = post_json(server.url + "/api/v1/screenings", {
        "instrument": "sscst", "age": 16, "answers": ["yes", "yes", "no", "no", "no", "no"], "idempotency_key": "case-flow-1"}, clinician)
    assert screening["result"] == "positive"
    manager = token(server, "demo-casemanager")
    service_id = get_json(server.url + "/api/v1/directory/search?text=Casa%20Puente", manager)["results"][0]["service_id"]

    # A new client: an alias for the team, the legal name in the vault.
    sign_in(browser, server, "demo-casemanager")
    browser.find_element(By.ID, "open-caseload").click()
    wait_for(browser, "caseload")
    browser.find_element(By.ID, "new-client").click()
    browser.find_element(By.ID, "alias").send_keys(ALIAS)
    browser.find_element(By.ID, "flag-minor").click()
    browser.find_element(By.CSS_SELECTOR, "#identity-vault summary").click()
    browser.find_element(By.ID, "legal-name").send_keys(LEGAL_NAME)
    browser.find_element(By.ID, "create-client").click()
    wait_for(browser, "client-alias")
    client_url = browser.current_url.split("#")[0]
    client_id = client_url.rsplit("/", 1)[1]
    assert browser.find_element(By.ID, "client-alias").text == ALIAS
    assert LEGAL_NAME not in browser.page_source and ALIAS not in browser.title and ALIAS not in client_url
    assert browser.find_element(By.ID, "referral-needs-consent")  # no consent yet: no referral form
    assert serious_violations(browser) == []

    # The clinician's screening was not handed over to this case: knowing its id attaches nothing.
    browser.find_element(By.ID, "screening-id").send_keys(screening["id"])
    submit(browser, "attach-form")
    wait_for(browser, "case-error")
    assert "handed over" in browser.find_element(By.ID, "case-error").text
    assert "SSCST" not in browser.page_source

    # The vault opens only with a reason.
    browser.find_element(By.ID, "reveal").click()
    wait_for(browser, "case-error")
    browser.find_element(By.ID, "reveal-reason").send_keys("benefits form needs the legal name")
    browser.find_element(By.ID, "reveal").click()
    wait_for(browser, "identity-revealed")
    assert browser.find_element(By.ID, "identity-legal-name").text == LEGAL_NAME
    browser.get(client_url)
    assert LEGAL_NAME not in browser.page_source

    # Texting is safe; calling is not.
    browser.find_element(By.ID, "channel_text-safe").click()
    browser.find_element(By.ID, "channel_call-unsafe").click()
    browser.find_element(By.ID, "safe-times").send_keys("weekdays after 3 pm")
    submit(browser, "contact-form")
    wait_for(browser, "contact-form")
    assert browser.find_element(By.ID, "channel_text-safe").is_selected()

    # Consent for the service the directory lists, started from the service (its id in the query).
    browser.get(client_url + "?service=" + service_id)
    assert browser.find_element(By.ID, "consent-service-name").text == "Casa Puente counselling line (demo)"
    browser.find_element(By.ID, "consent-purpose").send_keys("counselling in Spanish")
    browser.find_element(By.ID, "category-contact").click()
    submit(browser, "consent-form")
    wait_for(browser, "consent-list")
    consent = browser.find_element(By.CSS_SELECTOR, "#consent-list li")
    assert consent.get_attribute("data-state") == "active"
    consent_id = consent.get_attribute("data-id")

    # A referral by phone is refused (not safe); by text it goes, and the link opens.
    browser.find_element(By.CSS_SELECTOR, "#case-referral-form input[name='need:mental-health']").click()
    Select(browser.find_element(By.ID, "case-contact-method")).select_by_value("phone")
    browser.find_element(By.ID, "case-contact-detail").send_keys("208-555-0177")
    submit(browser, "case-referral-form")
    wait_for(browser, "case-error")
    assert browser.find_element(By.ID, "case-error").get_attribute("data-section") == "referrals"
    # Nothing typed is lost.
    assert browser.find_element(By.ID, "case-contact-detail").get_attribute("value") == "208-555-0177"
    assert browser.find_element(By.CSS_SELECTOR, "#case-referral-form input[name='need:mental-health']").is_selected()
    Select(browser.find_element(By.ID, "case-contact-method")).select_by_value("text")
    submit(browser, "case-referral-form")
    wait_for(browser, "receiver-link")
    link = server.url + browser.find_element(By.ID, "receiver-link").text
    assert status_of(link) == 200

    # The person withdraws consent: the link is gone at once, and the referral says why.
    browser.get(client_url)
    browser.find_element(By.ID, "revoke-" + consent_id).send_keys("the person asked us to stop")
    follow(browser, By.ID, "revoke-button-" + consent_id)
    wait_for(browser, "referral-list")
    assert status_of(link) == 410
    assert browser.find_element(By.CSS_SELECTOR, "#consent-list li").get_attribute("data-state") == "revoked"
    assert browser.find_elements(By.CSS_SELECTOR, "#referral-list .withdrawn")

    # Goals and services in the person's words; a bad date is refused with nothing lost.
    Select(browser.find_element(By.ID, "goal-domain")).select_by_value("housing")
    browser.find_element(By.ID, "goal-text").send_keys("A room of my own by summer")
    browser.find_element(By.ID, "goal-target").send_keys("2027-06-31")
    submit(browser, "goal-form")
    wait_for(browser, "case-error")
    assert browser.find_element(By.ID, "goal-text").get_attribute("value") == "A room of my own by summer"
    target = browser.find_element(By.ID, "goal-target")
    target.clear()
    target.send_keys("2027-06-30")
    submit(browser, "goal-form")
    wait_for(browser, "goal-list")
    assert "A room of my own by summer" in browser.find_element(By.ID, "goal-list").text
    Select(browser.find_element(By.ID, "service-type")).select_by_value("emergency_housing_night")
    units = browser.find_element(By.ID, "service-units")
    units.clear()
    units.send_keys("2")
    Select(browser.find_element(By.ID, "service-funding")).select_by_visible_text("VOCA")  # one of the organization's funding sources
    submit(browser, "service-form")
    wait_for(browser, "service-list")
    assert "VOCA" in browser.find_element(By.ID, "service-list").text

    # The FHIR export needs a live consent; under one that covers goals it validates as R4.
    export = server.url + f"/api/v1/clients/{client_id}?format=fhir&consent_id={consent_id}"
    try:
        get_json(export, manager)
        raise AssertionError("exported under a withdrawn consent")
    except urllib.error.HTTPError as error:
        assert error.code == 409 and json.load(error)["type"] == "urn:waypoint:problem:consent-required"
    fresh = post_json(server.url + f"/api/v1/clients/{client_id}/consents", {
        "purpose": "care coordination", "recipient_org": "County health plan", "categories": ["goals", "needs"],
        "method": "written", "given_by": "client", "expires_on": browser.execute_script(
            "const d = new Date(Date.now() + 30 * 86400000); return d.toISOString().slice(0, 10);")}, manager)
    document = get_json(server.url + f"/api/v1/clients/{client_id}?format=fhir&consent_id={fresh['id']}", manager)
    bundle = Bundle.model_validate(document)
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    # The case's referral went to another service: an export to the health plan does not say where else the person went.
    assert kinds[:2] == ["Patient", "Consent"] and "Goal" in kinds and "ServiceRequest" not in kinds
    assert LEGAL_NAME not in json.dumps(document) and "208-555-0177" not in json.dumps(document)

    # Closing keeps the history.
    browser.get(client_url)
    browser.find_element(By.CSS_SELECTOR, "#close-case summary").click()
    Select(browser.find_element(By.ID, "close-reason")).select_by_value("goals_met")
    browser.find_element(By.ID, "close-outcome").send_keys("Housed and in counselling")
    browser.find_element(By.ID, "do-close").click()
    wait_for(browser, "client-closed")
    assert "Housed and in counselling" in browser.find_element(By.ID, "closures").text
    assert "A room of my own by summer" in browser.find_element(By.ID, "goal-list").text

    # Spanish, same page: the words change, the person's data does not leave the page.
    browser.get(client_url + "?lang=es")
    assert browser.find_element(By.CSS_SELECTOR, "#status h2").text == "Estado"

    # The legal name is nowhere at rest: the database file and its WAL while the server runs, the
    # checkpointed file after it stops, and the server's log (all in the workdir).
    def scan():
        files = [path for path in pathlib.Path(server.workdir).rglob("*") if path.is_file() and "waypoint-keys" not in path.parts]
        for path in files:
            data = path.read_bytes()
            assert LEGAL_NAME.encode() not in data, f"legal name found in {path}"
            assert ALIAS.encode() not in data, f"alias found in {path}"
        return {path.name for path in files}
    running = scan()
    assert any(name.endswith("-wal") for name in running) and pathlib.Path(server.log_path).name in running, running
    server.stop()
    scan()


def test_supervisor_reassigns_a_case(browser, own_server):
    """The team lead moves a demo client from the case manager to themself: the case manager can no
    longer open it, the supervisor's form shows the new assignment, and moving it back restores it."""
    server = own_server
    manager = token(server, "demo-casemanager")
    client_id = get_json(server.url + "/api/v1/clients", manager)["clients"][0]["id"]
    supervisor_id = next(member["id"] for member in get_json(server.url + "/api/v1/case-staff", token(server, "demo-supervisor"))["staff"]
                         if member["role"] == "supervisor")

    sign_in(browser, server, "demo-supervisor")
    browser.get(f"{server.url}/cases/{client_id}")
    wait_for(browser, "staff-form")
    boxes = browser.find_elements(By.CSS_SELECTOR, "#staff-form input[type=checkbox]")
    ticked = [box.get_attribute("name") for box in boxes if box.is_selected()]
    assert len(ticked) == 1 and ticked[0] != "staff_" + supervisor_id
    assert serious_violations(browser) == []
    for box in boxes:
        if box.is_selected() != (box.get_attribute("name") == "staff_" + supervisor_id):
            box.click()
    submit(browser, "staff-form")
    wait_for(browser, "staff-form")
    now_ticked = [box.get_attribute("name") for box in browser.find_elements(By.CSS_SELECTOR, "#staff-form input[type=checkbox]")
                  if box.is_selected()]
    assert now_ticked == ["staff_" + supervisor_id]
    assert status_of_with(server.url + f"/api/v1/clients/{client_id}", manager) == 404

    # Nobody ticked is refused with a message, and nothing changes.
    for box in browser.find_elements(By.CSS_SELECTOR, "#staff-form input[type=checkbox]"):
        if box.is_selected():
            box.click()
    submit(browser, "staff-form")
    wait_for(browser, "case-error")
    assert browser.find_element(By.ID, "case-error").get_attribute("data-section") == "staff"
    assert status_of_with(server.url + f"/api/v1/clients/{client_id}", manager) == 404

    # Back to the case manager, by the API this time.
    back = put_json(server.url + f"/api/v1/clients/{client_id}/staff", {"case_managers": [ticked[0][len("staff_"):]]}, token(server, "demo-supervisor"))
    assert back["case_managers"] == [ticked[0][len("staff_"):]]
    assert status_of_with(server.url + f"/api/v1/clients/{client_id}", manager) == 200


def status_of_with(url, bearer):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + bearer})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def put_json(url, body, bearer):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Authorization": "Bearer " + bearer, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)
