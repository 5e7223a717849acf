"""From a positive screen to a closed loop, in real browsers: find a Spanish-speaking service open now
within 40 km, print a card, send a consented referral, answer it through the link in a fresh browser
with no account, and see the loop close in the sender's outbox."""
import json
import urllib.request

from fhir.resources.R4B.bundle import Bundle
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import new_browser
from test_pages import serious_violations, sign_in
from test_screening_flow import answer, show_questions, start

ALIAS = "Marisol-7Q"


def wait_for(browser, element_id):
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, element_id)))


def follow(browser, by, selector):
    """Clicks a button or link that loads another page, and waits until it has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(by, selector).click()
    WebDriverWait(browser, 10).until(lambda _: replaced(page))


def replaced(element):
    """True once the element's document is gone (Chromium says so as a stale reference or, mid-navigation, as an inspector error)."""
    try:
        element.tag_name
        return False
    except (StaleElementReferenceException, WebDriverException):
        return True


def test_positive_screen_to_closed_loop(browser, server):
    sign_in(browser, server, "demo-clinician")
    start(browser, server, 20, "ID")
    show_questions(browser)
    answer(browser, {"qyit-1": "yes", "qyit-2": "no", "qyit-3": "no", "qyit-4": "no"}, concern="labor")
    assert browser.find_element(By.ID, "screen-result").get_attribute("data-result") == "positive"

    # Find help: the words searched for are posted, never put in the address bar.
    browser.find_element(By.ID, "find-help").click()
    wait_for(browser, "directory-search")
    browser.find_element(By.ID, "zip").send_keys("83702")
    radius = browser.find_element(By.ID, "radius")
    radius.clear()
    radius.send_keys("40")
    Select(browser.find_element(By.ID, "language")).select_by_value("es")
    browser.find_element(By.ID, "open-now").click()
    browser.find_element(By.ID, "search-button").click()
    wait_for(browser, "results-heading")
    assert "83702" not in browser.current_url and "?" not in browser.current_url.split("/directory")[-1].replace("?screening=", "")
    hits = browser.find_elements(By.CSS_SELECTOR, "#results .hit")
    names = [h.find_element(By.TAG_NAME, "strong").text for h in hits]
    assert names[0] == "Casa Puente counselling line (demo)"
    assert "Harbor Legal Clinic (demo)" not in names  # English only
    assert serious_violations(browser) == []

    # A printable card of the chosen service.
    hits[0].find_element(By.CSS_SELECTOR, "input.pick").click()
    Select(browser.find_element(By.ID, "card-language")).select_by_value("es")
    results_window = browser.current_window_handle
    browser.find_element(By.ID, "make-card").click()  # the card opens beside the results
    WebDriverWait(browser, 10).until(lambda b: len(b.window_handles) == 2)
    browser.switch_to.window([h for h in browser.window_handles if h != results_window][0])
    wait_for(browser, "resource-card")
    card = browser.find_element(By.ID, "resource-card").text
    assert "Casa Puente counselling line (demo)" in card and "208-555-0142" in card and "Abierto 24/7" in card
    assert "Demo community partners" not in card
    browser.execute_script("window.print = function () { document.body.setAttribute('data-printed', 'yes'); };")
    browser.find_element(By.ID, "print-card").click()
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-printed") == "yes"
    browser.close()
    browser.switch_to.window(results_window)

    # Refer, with consent.
    browser.find_elements(By.CSS_SELECTOR, "#results .hit a.refer")[0].click()
    wait_for(browser, "referral-form")
    browser.find_element(By.ID, "alias").send_keys(ALIAS)
    browser.find_element(By.ID, "send-referral").click()
    wait_for(browser, "referral-error")  # no consent recorded yet: refused, nothing lost
    assert browser.find_element(By.ID, "alias").get_attribute("value") == ALIAS
    browser.find_element(By.ID, "consent-given").click()
    Select(browser.find_element(By.ID, "contact-method")).select_by_value("text")
    browser.find_element(By.ID, "contact-detail").send_keys("208-555-0110")
    browser.find_element(By.ID, "safe-times").send_keys("weekdays after 3")
    browser.find_element(By.ID, "send-referral").click()
    wait_for(browser, "receiver-link")
    link = browser.find_element(By.ID, "receiver-link").text
    assert ALIAS not in browser.current_url
    referral_url = None
    assert serious_violations(browser) == []

    # The receiving service, in a browser with no session, through the link.
    receiver = new_browser()
    try:
        receiver.get(server.url + link)
        wait_for(receiver, "payload")
        assert receiver.find_element(By.ID, "payload-alias").text == ALIAS
        assert serious_violations(receiver) == []
        receiver.find_element(By.ID, "do-accepted").click()
        wait_for(receiver, "do-completed")
        Select(receiver.find_element(By.ID, "reason-completed")).select_by_value("got_help")
        receiver.find_element(By.ID, "do-completed").click()
        wait_for(receiver, "finished")
        assert receiver.find_element(By.ID, "receiver-status").get_attribute("data-status") == "completed"
        assert receiver.find_elements(By.CSS_SELECTOR, "form.move") == []
        assert ALIAS not in receiver.page_source  # the final answer's page no longer shows the person
        # Opened again, the finished referral's link shows nothing of it.
        receiver.get(server.url + link)
        assert ALIAS not in receiver.page_source and "208-555-0110" not in receiver.page_source
        assert receiver.find_elements(By.ID, "payload") == []
    finally:
        receiver.quit()

    # The sender sees the outcome and closes the loop.
    browser.get(server.url + "/referrals")
    row = browser.find_element(By.CSS_SELECTOR, "#referrals tbody tr")
    assert row.get_attribute("data-status") == "completed"
    row.find_element(By.TAG_NAME, "a").click()
    wait_for(browser, "do-closed")
    referral_url = browser.current_url
    follow(browser, By.ID, "do-closed")
    wait_for(browser, "referral-status")
    assert browser.find_element(By.ID, "referral-status").get_attribute("data-status") == "closed"
    history = [li.get_attribute("data-status") for li in browser.find_elements(By.CSS_SELECTOR, "#history li")]
    assert history == ["sent", "accepted", "completed", "closed"]
    browser.get(server.url + "/referrals?status=closed")
    assert browser.find_element(By.CSS_SELECTOR, "#referrals tbody tr").get_attribute("data-status") == "closed"

    # The FHIR export (ServiceRequest + Task) validates with fhir.resources.
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(referral_url.split("?")[0] + "/fhir", headers={"Cookie": cookies})
    with urllib.request.urlopen(request) as response:
        document = json.load(response)
    bundle = Bundle.model_validate(document)
    resources = [entry.resource for entry in bundle.entry]
    assert [r.__resource_type__ for r in resources] == ["ServiceRequest", "Task"]
    assert resources[1].status == "completed" and resources[0].status == "completed"
    assert "208-555-0110" not in json.dumps(document)
