"""The built-in course in a real browser, as the issue asks: demo-clinician takes 'Recognize,
respond, refer' — the pretest, the first module's lessons with their sources, its case exercise on
the real screening instrument and planner (a weak choice, answers recorded, steps picked, then the
debrief that names the missed report), the module's check failed then passed — finishes the other
modules through the same API, evaluates the course, gets a certificate, and /verify says valid."""
import io
import urllib.request

from pypdf import PdfReader

from selenium.webdriver.common.by import By

from test_case_flow import follow, get_json, own_server, post_json, submit, token  # noqa: F401 (own_server is a fixture)
from test_pages import serious_violations, sign_in
from test_referral_flow import wait_for

COURSE = "recognize-respond-refer"


def answer_check(browser, course, right):
    """Ticks the right choices of each drawn question (or a wrong one)."""
    questions = {q["id"]: q for m in course["modules"] for q in m["check"]["pool"]}
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "#check-form fieldset.question"):
        question = questions[fieldset.get_attribute("data-question")]
        choices = question["correct"] if right else [next(c["id"] for c in question["choices"] if c["id"] not in question["correct"])]
        for choice in choices:
            fieldset.find_element(By.ID, f"q-{question['id']}-{choice}").click()
    submit(browser, "check-form")


def finish_by_api(server, enrollment, course, learner):
    """Walks the remaining steps the way any API client would: the best choices, the patient's
    private answers, the plan's steps, the right answers; stops at the evaluation."""
    exercises = {e["id"]: e for m in course["modules"] for e in m.get("exercises", [])}
    questions = {q["id"]: q for m in course["modules"] for q in m["check"]["pool"]}
    url = f"{server.url}/api/v1/enrollments/{enrollment}"
    step = get_json(url + "/next", learner)
    debriefs = 0
    while step["kind"] != "evaluation":
        if step["kind"] == "lesson":
            body = {"lesson": step["lesson"]["id"]}
        elif step["kind"] == "exercise":
            view, exercise = step["exercise"], exercises[step["exercise"]["id"]]
            if view["stage"] == "decision":
                decision = next(d for d in exercise["decisions"] if d["id"] == view["decision"]["id"])
                body = {"exercise": {"exercise": exercise["id"], "decision": decision["id"], "choice": next(c["id"] for c in decision["choices"] if c["best"])}}
            elif view["stage"] == "interview":
                body = {"exercise": {"exercise": exercise["id"], "entered": {i["item"]: i["answer"] for i in exercise["interview"]["items"]}}}
            else:
                body = {"exercise": {"exercise": exercise["id"], "actions": ["further-assessment", "document", "follow-up"]}}
        else:
            assert step["kind"] in ("check", "pretest"), step["kind"]
            body = {"answers": {q["id"]: questions[q["id"]]["correct"] for q in step["questions"]}}
        answered = post_json(url + "/answers", body, learner)
        if answered.get("debrief"):
            debriefs += 1
            debrief = answered["debrief"]
            assert debrief["best_decisions"] == len(debrief["decisions"]) and debrief["answers_right"] == len(debrief["answers"])
            assert all(step["instruction"] for step in debrief["plan"])
        step = answered["next"]
    return debriefs


def test_clinician_takes_the_built_in_course(browser, own_server):
    server = own_server
    trainer = token(server, "demo-trainer")
    course = get_json(f"{server.url}/api/v1/courses/{COURSE}?include=answers", trainer)
    assert len(course["modules"]) >= 6 and sum(len(m["check"]["pool"]) for m in course["modules"]) >= 60

    sign_in(browser, server, "demo-clinician")
    browser.find_element(By.ID, "nav-training").click()
    wait_for(browser, "course-list")
    browser.find_element(By.ID, f"enroll-{COURSE}").click()
    wait_for(browser, "step")
    assert browser.find_element(By.ID, "step").get_attribute("data-kind") == "pretest"
    answer_check(browser, course, right=False)
    wait_for(browser, "feedback")
    enrollment = browser.current_url.split("/training/enrollments/")[1].split("/")[0].split("?")[0]

    for lesson in course["modules"][0]["lessons"]:
        browser.get(f"{server.url}/training/enrollments/{enrollment}")
        wait_for(browser, "lesson-body")
        assert browser.find_element(By.ID, "lesson-title").text == lesson["title"]
        assert lesson["sources"][0]["citation"] in browser.find_element(By.ID, "lesson-sources").text
        follow(browser, By.ID, "lesson-done")  # the lesson is recorded before the next one is asked for

    # The first module's case exercise: a promise she cannot be given, then the right question.
    wait_for(browser, "exercise-form")
    assert browser.find_element(By.ID, "step").get_attribute("data-kind") == "exercise"
    assert serious_violations(browser) == []
    browser.find_element(By.ID, "choice-promise").click()
    submit(browser, "exercise-form")
    wait_for(browser, "choice-feedback")
    assert browser.find_element(By.ID, "choice-feedback").get_attribute("data-best") == "false"
    browser.find_element(By.ID, "choice-plain").click()
    submit(browser, "exercise-form")
    wait_for(browser, "choice-feedback")
    assert browser.find_element(By.ID, "choice-feedback").get_attribute("data-best") == "true"
    assert "money" in browser.find_element(By.ID, "exercise-transcript").text  # the disclosure came in private
    # The interview: the real SSCST, with the last answer (she declined) recorded as "no".
    recorded = {"sscst-1": "yes", "sscst-2": "yes", "sscst-3": "no", "sscst-4": "no", "sscst-5": "yes", "sscst-6": "no"}
    fieldsets = browser.find_elements(By.CSS_SELECTOR, "#exercise-form fieldset.question")
    assert [f.get_attribute("data-item") for f in fieldsets] == list(recorded)
    for item, word in recorded.items():
        browser.find_element(By.ID, f"a-{item}-{word}").click()
    assert serious_violations(browser) == []
    submit(browser, "exercise-form")
    wait_for(browser, "exercise-plan")
    for kind in ["further-assessment", "document", "follow-up"]:  # the report is left out
        browser.find_element(By.ID, f"action-{kind}").click()
    submit(browser, "exercise-form")
    wait_for(browser, "debrief")
    debrief = browser.find_element(By.ID, "debrief")
    assert debrief.get_attribute("data-plan-matched") == "false"
    report = debrief.find_element(By.CSS_SELECTOR, "#debrief-plan li[data-kind='mandated-report']")
    assert report.get_attribute("data-chosen") == "false" and "Florida" in report.text  # the state's route, from the real planner
    wrong = [row.find_elements(By.TAG_NAME, "td")[0].text for row in debrief.find_elements(By.CSS_SELECTOR, "#debrief-answers tr[data-right='false']")]
    assert len(wrong) == 1
    assert debrief.find_elements(By.CSS_SELECTOR, "#debrief-decisions li[data-best='false']")
    assert "Positive" in browser.find_element(By.ID, "debrief-results").text
    assert serious_violations(browser) == []

    # The module's check: failed, then passed on a new draw.
    browser.get(f"{server.url}/training/enrollments/{enrollment}")
    wait_for(browser, "check-form")
    answer_check(browser, course, right=False)
    wait_for(browser, "feedback")
    assert browser.find_element(By.ID, "score").get_attribute("data-passed") == "false"
    answer_check(browser, course, right=True)
    wait_for(browser, "feedback")
    assert browser.find_element(By.ID, "score").get_attribute("data-passed") == "true"

    # The other six modules (seven more exercises) through the API, then the evaluation on the page.
    learner = token(server, "demo-clinician")
    assert finish_by_api(server, enrollment, course, learner) == 7
    browser.get(f"{server.url}/training/enrollments/{enrollment}")
    wait_for(browser, "evaluation-form")
    for select in browser.find_elements(By.CSS_SELECTOR, "#evaluation-form select"):
        select.find_element(By.CSS_SELECTOR, "option[value='4']").click()
    browser.find_element(By.ID, "attested-minutes").send_keys("150")
    submit(browser, "evaluation-form")
    wait_for(browser, "course-complete")
    browser.find_element(By.ID, "certificate-link").click()
    wait_for(browser, "certificate-code")
    code = browser.find_element(By.ID, "certificate-code").text
    with urllib.request.urlopen(f"{server.url}/verify/{code}") as response:
        assert 'data-status="valid"' in response.read().decode()

    # The same certificate as a PDF, fetched with the page's session.
    pdf_url = browser.find_element(By.ID, "certificate-pdf").get_attribute("href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(pdf_url, headers={"Cookie": cookies})) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.read())).pages)
    for expected in ["Demo Clinician", "Recognize, respond, refer", code, f"{server.url}/verify/{code}"]:
        assert expected in text, expected


def test_spanish_course_through_the_api(own_server):
    """The Spanish translation plays the same way: every exercise's debrief with the plan worded, to the evaluation."""
    server = own_server
    course = get_json(f"{server.url}/api/v1/courses/reconocer-responder-derivar?include=answers", token(server, "demo-trainer"))
    assert course["language"] == "es" and course["title"] == "Reconocer, responder, derivar"
    learner = token(server, "demo-clinician")
    enrollment = post_json(f"{server.url}/api/v1/courses/reconocer-responder-derivar/enrollments", {}, learner)["id"]
    assert finish_by_api(server, enrollment, course, learner) == 8

