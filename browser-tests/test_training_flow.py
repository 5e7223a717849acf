"""Training in a real browser: the demo trainer's bundle with a mistake is refused with the path of
each problem and nothing imported; fixed, it is imported. The demo clinician takes the course: a
pretest, a lesson rendered from Markdown with its sources, a knowledge check failed (explanations
shown) and passed on a new draw, the evaluation with the time attested, and the course complete."""
import copy
import json

from selenium.webdriver.common.by import By

from test_case_flow import own_server, submit  # noqa: F401 (own_server is a fixture)
from test_pages import serious_violations, sign_in
from test_referral_flow import wait_for


def question(qid):
    return {"id": qid, "text": f"Which is right ({qid})?", "choices": [{"id": "a", "text": "The right one"}, {"id": "b", "text": "A wrong one"}],
            "correct": ["a"], "explanation": f"The first choice is right for {qid}.", "source": "Course test source"}


COURSE = {
    "format": "waypoint-course/1", "id": "browser-course", "version": "1.0", "language": "en", "title": "Browser course",
    "summary": "A course for the browser test.", "objectives": ["Finish the course"], "minutes": 30, "pass_percent": 100, "max_attempts": 3,
    "time_attestation": True, "topics": ["definitions"], "pretest": {"count": 1},
    "modules": [{"id": "m1", "title": "Module one", "minutes": 30,
                 "lessons": [{"id": "m1-l1", "title": "First lesson", "body": "Trafficking needs **force, fraud or coercion** for adults.\n\n- one\n- two",
                              "sources": [{"id": "s1", "citation": "22 U.S.C. 7102", "url": "https://www.law.cornell.edu/uscode/text/22/7102"}]}],
                 "check": {"draw": {"count": 2}, "pool": [question("q1"), question("q2"), question("q3")]}}],
    "evaluation": [{"id": "useful", "text": "How useful was this course?", "kind": "scale"}],
}


def answer(browser, right):
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "#check-form fieldset.question"):
        choice = "a" if right else "b"
        fieldset.find_element(By.CSS_SELECTOR, f"input[id$='-{choice}']").click()
    submit(browser, "check-form")


def test_import_then_take_a_course(browser, own_server):
    server = own_server
    sign_in(browser, server, "demo-trainer")
    browser.get(server.url + "/training/import")
    wait_for(browser, "import-form")
    broken = copy.deepcopy(COURSE)
    broken["modules"][0]["check"]["pool"][1]["correct"] = ["z"]
    browser.execute_script("document.getElementById('bundle').value = arguments[0]", json.dumps(broken))
    submit(browser, "import-form")
    wait_for(browser, "import-problems")
    assert "$.modules[0].check.pool[1].correct" in browser.find_element(By.ID, "import-problems").text
    browser.execute_script("document.getElementById('bundle').value = arguments[0]", json.dumps(COURSE))
    submit(browser, "import-form")
    wait_for(browser, "import-done")
    assert serious_violations(browser) == []

    browser.delete_all_cookies()
    sign_in(browser, server, "demo-clinician")
    browser.find_element(By.ID, "nav-training").click()
    wait_for(browser, "course-list")
    browser.find_element(By.ID, "enroll-browser-course").click()
    wait_for(browser, "step")
    assert browser.find_element(By.ID, "step").get_attribute("data-kind") == "pretest"
    answer(browser, right=False)  # the pretest measures, it does not block
    wait_for(browser, "feedback")
    browser.get(browser.current_url)
    wait_for(browser, "lesson-body")
    assert "<strong>force, fraud or coercion</strong>" in browser.find_element(By.ID, "lesson-body").get_attribute("innerHTML")
    assert "22 U.S.C. 7102" in browser.find_element(By.ID, "lesson-sources").text
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "lesson-done").click()
    wait_for(browser, "check-form")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#check-form fieldset.question")) == 2
    answer(browser, right=False)
    wait_for(browser, "feedback")
    assert browser.find_element(By.ID, "score").get_attribute("data-passed") == "false"
    assert "The first choice is right" in browser.find_element(By.ID, "feedback").text
    assert "2" in browser.find_element(By.ID, "attempts-left").text  # a new draw, one attempt used
    answer(browser, right=True)
    wait_for(browser, "feedback")
    assert browser.find_element(By.ID, "score").get_attribute("data-passed") == "true"
    wait_for(browser, "evaluation-form")
    browser.find_element(By.CSS_SELECTOR, "#evaluation-form select option[value='5']").click()
    browser.find_element(By.ID, "attested-minutes").send_keys("35")
    submit(browser, "evaluation-form")
    wait_for(browser, "course-complete")
    browser.get(server.url + "/training")
    assert browser.find_element(By.CSS_SELECTOR, "#enrollment-list li").get_attribute("data-completed") == "true"
