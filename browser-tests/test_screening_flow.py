"""The point-of-care flow in a real browser: no patient data in any URL, exact results, the right plan."""
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import serious_violations, sign_in


def start(browser, server, age, state):
    browser.get(server.url + "/home")
    browser.find_element(By.ID, "start-screening").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "age")))
    browser.find_element(By.ID, "age").send_keys(str(age))
    Select(browser.find_element(By.ID, "state")).select_by_value(state)
    browser.find_element(By.ID, "start-continue").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "confidentiality")))


def show_questions(browser):
    browser.find_element(By.ID, "show-questions").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "save-screening")))


def answer(browser, answers, concern=None):
    for link_id, value in answers.items():
        browser.find_element(By.ID, f"{link_id}-{value}").click()
    if concern:
        browser.find_element(By.CSS_SELECTOR, f"input[name=concern][value={concern}]").click()
    browser.find_element(By.ID, "save-screening").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "screen-result")))


def kinds(browser):
    return [e.get_attribute("data-kind") for e in browser.find_elements(By.CSS_SELECTOR, "#plan .action")]


def assert_url_holds_nothing(url, *values):
    parsed = urllib.parse.urlparse(url)
    assert parsed.query == "" or parsed.query.startswith("lang="), url
    # Compared segment by segment: a random record id may contain "GA" or "15" by chance.
    segments = [part for segment in parsed.path.split("/") for part in segment.split("-")]
    for value in values:
        assert str(value) not in segments, (value, url)


def test_sscst_two_yes_then_disclosure(browser, server):
    sign_in(browser, server, "demo-clinician")
    visited = []

    start(browser, server, 15, "GA")
    visited.append(browser.current_url)
    # Limits of confidentiality come before the first question, with the state's reporting agency.
    assert "DFCS" in browser.find_element(By.ID, "confidentiality").text
    assert Select(browser.find_element(By.ID, "instrument")).first_selected_option.get_attribute("value") == "sscst"
    assert serious_violations(browser) == []
    show_questions(browser)
    visited.append(browser.current_url)
    assert len(browser.find_elements(By.CSS_SELECTOR, "fieldset.question")) == 6
    assert serious_violations(browser) == []
    answer(browser, {"sscst-1": "yes", "sscst-2": "yes", "sscst-3": "no", "sscst-4": "no", "sscst-5": "no", "sscst-6": "no"})
    visited.append(browser.current_url)
    result = browser.find_element(By.ID, "screen-result")
    assert result.get_attribute("data-result") == "positive"
    assert "further assessment" in result.text
    assert "further-assessment" in kinds(browser)
    assert "mandated-report" not in kinds(browser), "no disclosure yet"
    assert "traffick" not in browser.page_source.lower()
    assert serious_violations(browser) == []

    # The same young person discloses: the plan adds the child-abuse report through Georgia's route.
    start(browser, server, 15, "GA")
    show_questions(browser)
    answer(browser, {"sscst-1": "yes", "sscst-2": "yes"}, concern="sex")
    visited.append(browser.current_url)
    assert "mandated-report" in kinds(browser)
    report = browser.find_element(By.CSS_SELECTOR, "#plan .action[data-kind=mandated-report]").text
    assert "1-855-422-4453" in report and "Division of Family and Children Services" in report

    # The printable card: neutral, with the help line and the state's child line.
    browser.find_element(By.ID, "card-link").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "resource-card")))
    visited.append(browser.current_url)
    card = browser.find_element(By.ID, "resource-card").text
    assert "1-888-373-7888" in card and "233733" in card and "1-855-422-4453" in card
    assert "traffick" not in browser.page_source.lower()
    assert browser.title == "Resources · Waypoint"
    browser.execute_script("window.print = function () { document.body.setAttribute('data-printed', 'yes'); };")
    browser.find_element(By.ID, "print-card").click()
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-printed") == "yes"
    assert serious_violations(browser) == []

    for url in visited:
        assert_url_holds_nothing(url, 15, "GA", "sscst", "yes")

    # The clinician's list shows the two screenings, pseudonymously.
    browser.get(server.url + "/screenings")
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 2


def test_companion_present_warns_before_any_question(browser, server):
    sign_in(browser, server, "demo-clinician")
    browser.get(server.url + "/screenings/new")
    browser.find_element(By.ID, "age").send_keys("20")
    browser.find_element(By.CSS_SELECTOR, "input[name=present][value=companion]").click()
    browser.find_element(By.ID, "start-continue").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "companion-warning")))
    assert browser.find_element(By.ID, "companion-warning").is_displayed()

    # Going on with the companion in the room: the plan shows only the stop step; everything that
    # needs a word with the person waits, folded under "when you are alone with the person".
    show_questions(browser)
    answer(browser, {"qyit-1": "yes", "qyit-2": "no", "qyit-3": "no", "qyit-4": "no"}, concern="labor")
    assert kinds(browser) == ["stop-unsafe"]
    later = browser.find_element(By.ID, "plan-alone")
    assert later.get_attribute("open") is None
    waiting = later.find_elements(By.CSS_SELECTOR, ".action")
    assert [e.get_attribute("data-kind") for e in waiting][:2] == ["further-assessment", "safety-plan"]
    assert not any(e.is_displayed() for e in waiting), "folded until the clinician opens it"
    later.find_element(By.TAG_NAME, "summary").click()
    assert all(e.is_displayed() for e in waiting)
    assert "traffick" not in browser.page_source.lower()
    assert serious_violations(browser) == []


def test_foreign_national_child_gets_the_eligibility_request(browser, server):
    sign_in(browser, server, "demo-clinician")
    start(browser, server, 16, "TX")
    show_questions(browser)
    assert browser.find_elements(By.ID, "dependent-adult") == [], "asked of adults only"
    browser.find_element(By.ID, "foreign-national").click()
    answer(browser, {"sscst-1": "no"}, concern="labor")
    assert kinds(browser)[:2] == ["mandated-report", "eligibility-request"]
    request = browser.find_element(By.CSS_SELECTOR, "#plan .action[data-kind=eligibility-request]").text
    assert "24 hours" in request and "OTIP" in request


def test_signs_step_suggests_assessment_and_forgets_the_signs(browser, server):
    sign_in(browser, server, "demo-clinician")
    start(browser, server, 15, "TX")
    # Before asking: who the suggested screen was validated in, and the missing labor screen at this age.
    assert "11–17" in browser.find_element(By.ID, "instrument-population").text
    assert browser.find_element(By.ID, "labor-gap").is_displayed()
    signs = browser.find_element(By.ID, "signs")
    assert signs.get_attribute("open") is None
    signs.find_element(By.TAG_NAME, "summary").click()
    browser.find_element(By.ID, "indicator-labor-excessive-hours").click()
    browser.find_element(By.ID, "indicator-minor-working-school-hours").click()
    browser.find_element(By.ID, "check-signs").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "signs-notice")))
    notice = browser.find_element(By.ID, "signs-notice").text
    assert "2 sign" in notice and "SSCST" in notice and "no validated screen" in notice
    assert "conclusion" in notice, "further assessment, never a determination"
    assert browser.find_element(By.ID, "indicator-labor-excessive-hours").is_selected()
    assert Select(browser.find_element(By.ID, "instrument")).first_selected_option.get_attribute("value") == "sscst"
    assert "traffick" not in browser.page_source.lower()
    assert serious_violations(browser) == []
    # The signs go no further: the questions step carries none of them.
    show_questions(browser)
    assert "indicator-" not in browser.page_source
    assert_url_holds_nothing(browser.current_url, "labor-excessive-hours")


def test_hmis_count_question_offers_its_own_bands(browser, server):
    sign_in(browser, server, "demo-clinician")
    start(browser, server, 19, "TX")
    Select(browser.find_element(By.ID, "instrument")).select_by_value("hmis-r15-r16")
    show_questions(browser)
    bands = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, "input[name=answer-CountOfExchangeForSex]")]
    assert bands[:4] == ["option:1", "option:2", "option:3", "option:4"]
    labels = browser.find_element(By.ID, "q-CountOfExchangeForSex").text
    assert "4–7" in labels and "12 or more" in labels
    answer(browser, {"ExchangeForSex": "yes", "CountOfExchangeForSex": "option-2"})
    assert browser.find_element(By.ID, "screen-result").get_attribute("data-result") == "not-scored"
