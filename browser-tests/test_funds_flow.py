"""Funds in a real browser: a supervisor sets up a small fund on the funds page; a case manager's
service that would overdraw it is refused with the reason beside the form, everything typed kept
and nothing written; the supervisor approves it with an override reason; the balance shows the
overdraw and the funder's CSV lists both charges under one client reference and no name."""
import csv
import datetime
import io
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_case_flow import get_json, own_server, submit, token  # noqa: F401 (own_server is a fixture)
from test_pages import serious_violations, sign_in
from test_referral_flow import wait_for


def fund_row(browser, name):
    return next(r for r in browser.find_elements(By.CSS_SELECTOR, "#fund-list tbody tr") if name in r.text)


def test_overdraw_refused_then_overridden(browser, own_server):
    server = own_server
    today = datetime.date.today()
    sign_in(browser, server, "demo-supervisor")
    browser.find_element(By.ID, "nav-funds").click()
    wait_for(browser, "fund-form")
    browser.find_element(By.ID, "fund-name").send_keys("Small grant")
    Select(browser.find_element(By.ID, "fund-kind")).select_by_value("private")
    browser.find_element(By.ID, "fund-budget").send_keys("100")
    browser.find_element(By.ID, "fund-start").send_keys(today.replace(month=1, day=1).isoformat())
    browser.find_element(By.ID, "fund-end").send_keys(today.replace(month=12, day=31).isoformat())
    browser.find_element(By.ID, "cost_case_management").send_keys("45.00")
    submit(browser, "fund-form")
    wait_for(browser, "fund-list")
    assert fund_row(browser, "Small grant").find_element(By.CLASS_NAME, "fund-remaining").text == "$100.00"
    assert serious_violations(browser) == []

    # Three hours of case management would cost $135: refused, nothing written, the form as typed.
    manager = token(server, "demo-casemanager")
    robin = next(c for c in get_json(server.url + "/api/v1/clients", manager)["clients"] if c["alias"] == "Robin (demo)")
    browser.delete_all_cookies()
    sign_in(browser, server, "demo-casemanager")
    browser.get(f"{server.url}/cases/{robin['id']}")
    wait_for(browser, "service-form")
    assert not browser.find_elements(By.ID, "service-override")  # only a supervisor may approve
    Select(browser.find_element(By.ID, "service-type")).select_by_value("case_management")
    browser.find_element(By.ID, "service-units").clear()
    browser.find_element(By.ID, "service-units").send_keys("3")
    fund_choice = Select(browser.find_element(By.ID, "service-fund"))
    fund_choice.select_by_visible_text(next(o.text for o in fund_choice.options if o.text.startswith("Small grant")))
    submit(browser, "service-form")
    wait_for(browser, "case-error")
    error = browser.find_element(By.ID, "case-error")
    assert error.get_attribute("data-section") == "services" and "$100.00" in error.text and "$135.00" in error.text
    assert Select(browser.find_element(By.ID, "service-fund")).first_selected_option.text.startswith("Small grant")
    assert "Small grant" not in browser.find_element(By.ID, "service-list").text
    assert get_json(server.url + f"/api/v1/clients/{robin['id']}", manager)["services"] == []

    # The supervisor approves it with a reason.
    browser.delete_all_cookies()
    sign_in(browser, server, "demo-supervisor")
    browser.get(f"{server.url}/cases/{robin['id']}")
    wait_for(browser, "service-form")
    Select(browser.find_element(By.ID, "service-type")).select_by_value("case_management")
    browser.find_element(By.ID, "service-units").clear()
    browser.find_element(By.ID, "service-units").send_keys("3")
    fund_choice = Select(browser.find_element(By.ID, "service-fund"))
    fund_choice.select_by_visible_text(next(o.text for o in fund_choice.options if o.text.startswith("Small grant")))
    browser.find_element(By.ID, "service-override").send_keys("Court date this week; the grant renews next month")
    submit(browser, "service-form")
    wait_for(browser, "service-list")
    assert "Small grant" in browser.find_element(By.ID, "service-list").text
    browser.get(server.url + "/funds")
    row = fund_row(browser, "Small grant")
    assert row.find_element(By.CLASS_NAME, "fund-remaining").text == "-$35.00"
    assert "overdue" in row.find_element(By.CLASS_NAME, "fund-remaining").get_attribute("class")

    # The funder's file: the charge, its override, a reference and no name.
    supervisor = token(server, "demo-supervisor")
    fund = next(f for f in get_json(server.url + "/api/v1/funds", supervisor)["funds"] if f["name"] == "Small grant")
    request = urllib.request.Request(server.url + f"/api/v1/funds/{fund['id']}/export", headers={"Authorization": f"Bearer {supervisor}"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        text = response.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["service_type"], r["units"], r["amount"], r["override"]) for r in rows] == [("case_management", "3", "135.00", "yes")]
    assert "Robin" not in text and len(rows[0]["client_reference"]) == 16


def test_partner_with_an_agreement_to_renew(browser, own_server):
    server = own_server
    today = datetime.date.today()
    sign_in(browser, server, "demo-supervisor")
    browser.get(server.url + "/home")
    assert browser.find_element(By.ID, "renewal-reminder").text.startswith("1 ")  # the demo partner's MOU
    browser.find_element(By.ID, "nav-partners").click()
    wait_for(browser, "partner-form")
    browser.find_element(By.ID, "partner-name").send_keys("Riverside legal aid")
    browser.find_element(By.ID, "partner-directory").send_keys("no-such-directory-entry")
    browser.find_element(By.ID, "contact-name").send_keys("Avery Okafor")
    browser.find_element(By.ID, "contact-phone").send_keys("208-555-0177")
    submit(browser, "partner-form")
    wait_for(browser, "partner-error")  # an unknown directory id is refused, the form kept
    assert browser.find_element(By.ID, "contact-name").get_attribute("value") == "Avery Okafor"
    browser.find_element(By.ID, "partner-directory").clear()
    submit(browser, "partner-form")
    wait_for(browser, "agreement-form")
    Select(browser.find_element(By.ID, "agreement-kind")).select_by_value("mou")
    browser.find_element(By.ID, "agreement-title").send_keys("Referral MOU")
    browser.find_element(By.ID, "agreement-start").send_keys((today - datetime.timedelta(days=330)).isoformat())
    browser.find_element(By.ID, "agreement-end").send_keys((today + datetime.timedelta(days=30)).isoformat())
    submit(browser, "agreement-form")
    wait_for(browser, "agreement-list")
    assert browser.find_element(By.CSS_SELECTOR, "#agreement-list li").get_attribute("data-state") == "ending"
    assert serious_violations(browser) == []
    browser.get(server.url + "/home")
    assert browser.find_element(By.ID, "renewal-reminder").text.startswith("2 ")

    # A case manager sees the reminder and, on purpose, the contact.
    browser.delete_all_cookies()
    sign_in(browser, server, "demo-casemanager")
    browser.find_element(By.ID, "nav-partners").click()
    wait_for(browser, "agreements-ending")
    assert "Riverside legal aid" in browser.find_element(By.ID, "agreements-ending").text
    assert not browser.find_elements(By.ID, "partner-form")
    assert "Avery Okafor" not in browser.page_source  # the list never shows contacts
    browser.find_element(By.LINK_TEXT, "Riverside legal aid").click()
    wait_for(browser, "contact-list")
    assert "208-555-0177" in browser.find_element(By.ID, "contact-list").text
    browser.get(browser.current_url + "?lang=es")
    assert browser.find_element(By.CSS_SELECTOR, "#agreement-list li").text.endswith("Termina en menos de 60 días")
