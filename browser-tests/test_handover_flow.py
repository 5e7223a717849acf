"""A clinician's screening handed over in a real browser: the eligibility-request step of a foreign-
national child's plan links to the hand-over; without the person's agreement nothing happens; with
it the demo case manager finds the case with the child's request due 24 hours after the screening."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_case_flow import get_json, own_server, post_json, submit, token  # noqa: F401 (own_server is a fixture)
from test_pages import serious_violations, sign_in
from test_referral_flow import wait_for


def test_eligibility_step_hands_over(browser, own_server):
    server = own_server
    clinician = token(server, "demo-clinician")
    screening = post_json(server.url + "/api/v1/screenings", {
        "instrument": "sscst", "age": 15, "answers": ["yes", "yes", "no", "no", "no", "no"], "concern": "labor",
        "foreign_national": True, "idempotency_key": "handover-1"}, clinician)
    sign_in(browser, server, "demo-clinician")
    browser.get(f"{server.url}/screenings/{screening['id']}")
    wait_for(browser, "plan")
    browser.find_element(By.ID, "start-eligibility-request").click()
    assert browser.current_url.endswith("#handover")
    browser.find_element(By.ID, "handover-alias").send_keys("Wren-H")
    staff = Select(browser.find_element(By.ID, "handover-staff"))
    staff.select_by_visible_text(next(o.text for o in staff.options if "Case" in o.text or "case" in o.text))
    submit(browser, "handover-form")
    wait_for(browser, "handover-error")  # the agreement box was not ticked
    assert browser.find_element(By.ID, "handover-alias").get_attribute("value") == "Wren-H"
    browser.find_element(By.ID, "handover-consent").click()
    submit(browser, "handover-form")
    wait_for(browser, "handover-done")
    assert not browser.find_elements(By.ID, "handover-form")
    assert serious_violations(browser) == []

    manager = token(server, "demo-casemanager")
    wren = next(c for c in get_json(server.url + "/api/v1/clients", manager)["clients"] if c["alias"] == "Wren-H")
    case = get_json(server.url + f"/api/v1/clients/{wren['id']}", manager)
    assert [s["id"] for s in case["screenings"]] == [screening["id"]]
    [request] = case["eligibility"]
    assert request["kind"] == "child-eligibility" and request["status"] == "planned"
    assert request["information_received_at"][:16] == screening["created_at"][:16]
    board = get_json(server.url + "/api/v1/caseload", manager)
    assert wren["id"] in [item["client_id"] for item in board["eligibility_due"]]
