"""The SCORM 1.2 export: the zip's manifest (schemaversion 1.2, one SCO per module, the pass mark
as mastery score), every SCO calling the run-time API, and one module run in Chromium inside a
small LMS stub page that records the calls: LMSInitialize, the score, 'passed', LMSFinish."""
import functools
import http.server
import io
import json
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_case_flow import get_json, own_server, token  # noqa: F401 (own_server is a fixture)

COURSE = "recognize-respond-refer"
NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}

STUB = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>LMS stub</title><script>
window.calls = [];
var values = {"cmi.core.lesson_status": "not attempted"};
function record(name, args, result) { window.calls.push([name].concat(Array.prototype.slice.call(args))); return result; }
window.API = {
  LMSInitialize: function () { return record("LMSInitialize", arguments, "true"); },
  LMSFinish: function () { return record("LMSFinish", arguments, "true"); },
  LMSGetValue: function (key) { return record("LMSGetValue", arguments, values[key] || ""); },
  LMSSetValue: function (key, value) { values[key] = value; return record("LMSSetValue", arguments, "true"); },
  LMSCommit: function () { return record("LMSCommit", arguments, "true"); },
  LMSGetLastError: function () { return "0"; }, LMSGetErrorString: function () { return ""; }, LMSGetDiagnostic: function () { return ""; }
};
</script></head><body><iframe id="sco" src="SCO" title="course" width="900" height="700"></iframe></body></html>"""


def download(server, bearer):
    request = urllib.request.Request(f"{server.url}/api/v1/courses/{COURSE}/scorm", headers={"Authorization": f"Bearer {bearer}"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/zip"
        return response.read()


def test_scorm_package_runs_in_an_lms_stub(browser, own_server, tmp_path):
    server = own_server
    trainer = token(server, "demo-trainer")
    course = get_json(f"{server.url}/api/v1/courses/{COURSE}?include=answers", trainer)
    archive = zipfile.ZipFile(io.BytesIO(download(server, trainer)))
    names = set(archive.namelist())

    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.find("cp:metadata/cp:schema", NS).text == "ADL SCORM"
    assert manifest.find("cp:metadata/cp:schemaversion", NS).text == "1.2"
    items = manifest.findall("cp:organizations/cp:organization/cp:item", NS)
    assert len(items) == len(course["modules"])
    assert all(item.find("adlcp:masteryscore", NS).text == str(course["pass_percent"]) for item in items)
    resources = {r.get("identifier"): r for r in manifest.findall("cp:resources/cp:resource", NS)}
    scos = [resources[item.get("identifierref")] for item in items]
    assert all(sco.get("{%s}scormtype" % NS["adlcp"]) == "sco" for sco in scos)
    runtime = archive.read("shared/scorm.js").decode()
    for call in ["LMSInitialize", "LMSSetValue", "cmi.core.lesson_status", "cmi.core.score.raw", "LMSCommit", "LMSFinish", "win.parent", "window.opener"]:
        assert call in runtime
    for sco in scos:
        href = sco.get("href")
        assert href in names and all(f.get("href") in names for f in sco.findall("cp:file", NS))
        page = archive.read(href).decode()
        assert '<script src="../shared/scorm.js"></script>' in page and 'id="sco-data"' in page and "<script>" not in page.split('id="sco-data"')[0]

    # Run the first module in Chromium inside the stub LMS.
    archive.extractall(tmp_path)
    first = scos[0].get("href")
    (tmp_path / "stub.html").write_text(STUB.replace("SCO", first))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://127.0.0.1:{httpd.server_address[1]}/stub.html")
        WebDriverWait(browser, 10).until(EC.frame_to_be_available_and_switch_to_it((By.ID, "sco")))
        WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#check-questions fieldset.question")))
        assert course["modules"][0]["lessons"][0]["title"] in browser.page_source
        questions = {q["id"]: q for q in course["modules"][0]["check"]["pool"]}
        # A wrong try first: 'failed' is reported and a new draw appears.
        for fieldset in browser.find_elements(By.CSS_SELECTOR, "#check-questions fieldset.question"):
            question = questions[fieldset.get_attribute("data-question")]
            wrong = next(c["id"] for c in question["choices"] if c["id"] not in question["correct"])
            fieldset.find_element(By.ID, f"q-{question['id']}-{wrong}").click()
        browser.find_element(By.ID, "check-submit").click()
        assert browser.find_element(By.ID, "check-score").get_attribute("data-passed") == "false"
        for fieldset in browser.find_elements(By.CSS_SELECTOR, "#check-questions fieldset.question"):
            question = questions[fieldset.get_attribute("data-question")]
            for choice in question["correct"]:
                fieldset.find_element(By.ID, f"q-{question['id']}-{choice}").click()
        browser.find_element(By.ID, "check-submit").click()
        assert browser.find_element(By.ID, "check-score").get_attribute("data-passed") == "true"
        browser.switch_to.default_content()
        calls = browser.execute_script("return window.calls")
    finally:
        httpd.shutdown()
    assert calls[0] == ["LMSInitialize", ""]
    sets = [(c[1], c[2]) for c in calls if c[0] == "LMSSetValue"]
    assert ("cmi.core.lesson_status", "incomplete") in sets
    assert ("cmi.core.lesson_status", "failed") in sets and ("cmi.core.score.raw", "0") in sets
    assert sets.index(("cmi.core.lesson_status", "passed")) > sets.index(("cmi.core.lesson_status", "failed"))
    assert ("cmi.core.score.raw", "100") in sets
    assert calls[-1] == ["LMSFinish", ""] and ["LMSCommit", ""] in calls

    # A learner does not get the answers.
    with pytest.raises(urllib.error.HTTPError) as refused:
        download(server, token(server, "demo-clinician"))
    assert refused.value.code == 403
