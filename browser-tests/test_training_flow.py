"""Training in a real browser: the demo trainer's bundle with a mistake is refused with the path of
each problem and nothing imported; fixed, it is imported. The demo clinician takes the course: a
pretest, a lesson rendered from Markdown with its sources, a knowledge check failed (explanations
shown) and passed on a new draw, the evaluation with the time attested, and the course complete.
Its certificate is checked at the public /verify page, its Open Badges credential verifies with
PyJWT against the key the issuer publishes (and a tampered one does not), and once the trainer
revokes it /verify says so."""
import base64
import copy
import csv
import io
import json
import urllib.error
import urllib.request

import jwt
from pypdf import PdfReader
import pytest
from jwt.algorithms import OKPAlgorithm

from selenium.webdriver.common.by import By

from test_case_flow import get_json, own_server, post_json, submit, token  # noqa: F401 (own_server is a fixture)
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

    # The certificate: printable page, public check, signed badge.
    browser.get(server.url + "/training")
    browser.find_element(By.CSS_SELECTOR, "#enrollment-list a").click()
    wait_for(browser, "certificate-link")
    browser.find_element(By.ID, "certificate-link").click()
    wait_for(browser, "certificate-code")
    code = browser.find_element(By.ID, "certificate-code").text
    assert browser.find_element(By.ID, "certificate-hours").text == "0.5"
    assert serious_violations(browser) == []
    with urllib.request.urlopen(f"{server.url}/verify/{code}") as response:  # no session: the page is public
        assert 'data-status="valid"' in response.read().decode()
    with urllib.request.urlopen(f"{server.url}/verify/ZZZZZZZZZZZZ") as response:
        page = response.read().decode()
        assert 'data-status="unknown"' in page and "Browser course" not in page

    clinician = token(server, "demo-clinician")
    enrollment = browser.current_url.split("/training/enrollments/")[1].split("/")[0]
    certificate = get_json(f"{server.url}/api/v1/enrollments/{enrollment}/certificate", clinician)
    assert certificate["code"] == code and certificate["verify_url"].endswith("/verify/" + code)
    badge = certificate["badge"]
    issuer = jwt.decode(badge, options={"verify_signature": False})["iss"]
    assert issuer.startswith(server.url + "/issuers/")
    with urllib.request.urlopen(issuer) as response:  # the issuer profile is public too
        profile = json.load(response)
    key = OKPAlgorithm.from_jwk(json.dumps(profile["publicKey"]))
    claims = jwt.decode(badge, key=key, algorithms=["EdDSA"])
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"] and claims["name"] == "Browser course"
    assert claims["jti"] == claims["id"] and claims["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert "Demo Clinician" not in badge and "Demo Clinician" not in json.dumps(claims)  # the learner only as a salted hash
    header, payload, signature = badge.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["name"] = "A course never taken"
    forged = header + "." + base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=") + "." + signature
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key=key, algorithms=["EdDSA"])

    trainer = token(server, "demo-trainer")
    request = urllib.request.Request(f"{server.url}/api/v1/certificates/{code}/revoke", method="POST",
                                     headers={"Authorization": f"Bearer {trainer}"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 204
    with urllib.request.urlopen(f"{server.url}/verify/{code}") as response:
        assert 'data-status="revoked"' in response.read().decode()


def test_compliance_lists_the_demo_staff(browser, own_server):
    server = own_server
    trainer = token(server, "demo-trainer")
    request = urllib.request.Request(f"{server.url}/api/v1/training/compliance?format=csv", headers={"Authorization": f"Bearer {trainer}"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
    by = {(row["name"], row["requirement"]): row for row in rows}
    nurse = by[("Demo Clinician", "fl-nurses")]
    assert nurse["status"] == "never_started" and nurse["due_on"] and nurse["source_verified"] == "yes"
    assert by[("Demo Advocate", "nj-facilities")]["status"] == "overdue"  # hired 200 days ago; six months allowed
    assert ("Demo Case Manager", "tx-practitioners") in by
    # The PDF for the audit binder: stamped with who generated it, listing the same people.
    request = urllib.request.Request(f"{server.url}/api/v1/training/compliance?format=pdf", headers={"Authorization": f"Bearer {trainer}"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Generated" in text and "by Demo Trainer" in text
    for name in ["Demo Clinician", "Demo Advocate", "Demo Case Manager"]:
        assert name in text
    assert "People who never started" in text
    sign_in(browser, server, "demo-trainer")
    browser.get(server.url + "/training/compliance")
    wait_for(browser, "compliance-table")
    assert "Demo Clinician" in browser.find_element(By.ID, "never-started").text
    assert serious_violations(browser) == []
    # A learner may not read everyone's status.
    clinician = token(server, "demo-clinician")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{server.url}/api/v1/training/compliance", headers={"Authorization": f"Bearer {clinician}"}))
    assert refused.value.code == 403
    # The advocate's own home page reminds them of the overdue training, in words a glance gives nothing away by.
    browser.delete_all_cookies()
    sign_in(browser, server, "demo-advocate")
    reminders = browser.find_element(By.ID, "training-reminders")
    item = reminders.find_element(By.CSS_SELECTOR, "li[data-overdue='true']")
    assert "(NJ)" in item.text and "trafficking" not in reminders.text.lower()
    assert serious_violations(browser) == []

