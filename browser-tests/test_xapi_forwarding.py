"""xAPI: a learner's steps become xAPI 1.0.3 statements, stored with the event and exportable to
trainers page by page; an administrator points them at a learning record store, and they are
forwarded to a local receiver — which refuses the first try, so the same statements come again
after the back-off. Each statement is checked against the shape xAPI 1.0.3 requires."""
import base64
import http.server
import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request

import jsonschema
import pytest

from conftest import Server
from test_case_flow import get_json, post_json, token

UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
IRI = r"^https?://"
ACTIVITY = {"type": "object", "required": ["objectType", "id"], "properties": {"objectType": {"const": "Activity"}, "id": {"type": "string", "pattern": IRI}}}
STATEMENT = {  # the parts of xAPI 1.0.3 §2.4 a statement we make must meet
    "type": "object", "required": ["id", "actor", "verb", "object", "timestamp"],
    "properties": {
        "id": {"type": "string", "pattern": UUID},
        "actor": {"type": "object", "required": ["objectType", "account"], "properties": {
            "objectType": {"const": "Agent"},
            "account": {"type": "object", "required": ["homePage", "name"], "additionalProperties": False,
                        "properties": {"homePage": {"type": "string", "pattern": IRI}, "name": {"type": "string", "minLength": 1}}}},
            "not": {"anyOf": [{"required": ["mbox"]}, {"required": ["name"]}]}},
        "verb": {"type": "object", "required": ["id", "display"], "properties": {"id": {"type": "string", "pattern": "^http://adlnet.gov/expapi/verbs/"},
                                                                              "display": {"type": "object", "minProperties": 1}}},
        "object": ACTIVITY,
        "result": {"type": "object", "properties": {
            "score": {"type": "object", "properties": {"scaled": {"type": "number", "minimum": -1, "maximum": 1}}},
            "success": {"type": "boolean"}, "completion": {"type": "boolean"}, "response": {"type": "string"},
            "duration": {"type": "string", "pattern": r"^P"}}},
        "context": {"type": "object", "properties": {
            "registration": {"type": "string", "pattern": UUID},
            "contextActivities": {"type": "object", "properties": {"parent": {"type": "array", "items": ACTIVITY},
                                                                     "grouping": {"type": "array", "items": ACTIVITY}}}}},
        "timestamp": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"},
    },
}


def put(url, body, bearer):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Authorization": "Bearer " + bearer, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.status


class Receiver(http.server.BaseHTTPRequestHandler):
    """A stand-in LRS: records each POST; answers 503 to the first, 200 with the ids afterwards."""
    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        refused = not Receiver.received
        Receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body, "refused": refused})
        payload = b"busy" if refused else json.dumps([s["id"] for s in body]).encode()
        self.send_response(503 if refused else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fast_server(neutral_site, monkeypatch):
    monkeypatch.setenv("WAYPOINT_XAPI_INTERVAL_SECONDS", "0.3")
    monkeypatch.setenv("WAYPOINT_XAPI_RETRY_SECONDS", "1")
    monkeypatch.setenv("WAYPOINT_LRS_ALLOW_LOOPBACK", "1")  # the test LRS is plain http on loopback
    server = Server(neutral_site.url)
    yield server
    server.stop()
    shutil.rmtree(server.workdir, ignore_errors=True)


def test_statements_are_stored_exported_and_forwarded_with_retry(fast_server):
    server = fast_server
    Receiver.received = []
    lrs = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=lrs.serve_forever, daemon=True).start()
    try:
        admin, trainer, learner = token(server, "demo-admin"), token(server, "demo-trainer"), token(server, "demo-clinician")
        with pytest.raises(urllib.error.HTTPError) as refused:  # an address that is not http(s) is refused
            put(f"{server.url}/api/v1/settings/lrs", {"endpoint": "file:///etc/passwd", "username": "x", "password": "y"}, admin)
        assert refused.value.code == 422
        endpoint = f"http://127.0.0.1:{lrs.server_address[1]}/xapi/"
        assert put(f"{server.url}/api/v1/settings/lrs", {"endpoint": endpoint, "username": "waypoint", "password": "s3cret"}, admin) == 204
        status = get_json(f"{server.url}/api/v1/settings/lrs", admin)
        assert status["endpoint"] == endpoint.rstrip("/") and "password" not in json.dumps(status) and "s3cret" not in json.dumps(status)

        # The learner takes the pretest and reads the first lesson of the built-in course.
        course = get_json(f"{server.url}/api/v1/courses/recognize-respond-refer?include=answers", trainer)
        right = {q["id"]: q["correct"] for m in course["modules"] for q in m["check"]["pool"]}
        enrollment = post_json(f"{server.url}/api/v1/courses/recognize-respond-refer/enrollments", {}, learner)["id"]
        step = get_json(f"{server.url}/api/v1/enrollments/{enrollment}/next", learner)
        answered = post_json(f"{server.url}/api/v1/enrollments/{enrollment}/answers",
                             {"answers": {q["id"]: right[q["id"]] for q in step["questions"]}}, learner)
        post_json(f"{server.url}/api/v1/enrollments/{enrollment}/answers", {"lesson": answered["next"]["lesson"]["id"]}, learner)
        expected = len(step["questions"]) + 2  # each question answered, the pretest completed, the lesson experienced

        deadline = time.time() + 30
        while time.time() < deadline and sum(len(r["body"]) for r in Receiver.received if not r["refused"]) < expected:
            time.sleep(0.2)
    finally:
        lrs.shutdown()

    first, later = Receiver.received[0], [r for r in Receiver.received if not r["refused"]]
    assert first["refused"] and later, "the refused batch was not sent again"
    accepted = [s for r in later for s in r["body"]]
    assert {s["id"] for s in first["body"]} <= {s["id"] for s in accepted}  # the same statements came again
    for request in Receiver.received:
        assert request["path"] == "/xapi/statements"
        assert request["headers"]["X-Experience-API-Version"] == "1.0.3"
        assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"waypoint:s3cret").decode()
    assert len({s["id"] for s in accepted}) == expected
    for statement in accepted:
        jsonschema.validate(statement, STATEMENT)
        assert statement["actor"]["account"]["homePage"] == server.url
        assert statement["object"]["id"].startswith(server.url + "/xapi/activities/courses/recognize-respond-refer/")
    assert "Demo Clinician" not in json.dumps(accepted)  # the learner only as an opaque id
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in accepted]
    assert verbs.count("answered") == len(step["questions"]) and "completed" in verbs and "experienced" in verbs
    question = next(s for s in accepted if s["verb"]["id"].endswith("answered"))
    assert question["result"]["success"] is True and question["object"]["definition"]["interactionType"] == "choice"
    assert question["object"]["definition"]["correctResponsesPattern"] == [question["result"]["response"]]

    # Trainers export the same statements page by page; a learner may not.
    pages, url = [], f"{server.url}/api/v1/training/statements?limit=3"
    while url:
        page = get_json(url, trainer)
        pages.append(page["statements"])
        url = server.url + page["more"] if page["more"] else None
    exported = [s for p in pages for s in p]
    assert len(pages) >= 3 and [s["id"] for s in exported] == sorted({s["id"] for s in exported}, key=[s["id"] for s in exported].index)
    assert {s["id"] for s in exported} == {s["id"] for s in accepted}
    assert all(re.match(UUID, s["id"]) for s in exported)
    with pytest.raises(urllib.error.HTTPError) as forbidden:
        get_json(f"{server.url}/api/v1/training/statements", learner)
    assert forbidden.value.code == 403
    status = get_json(f"{server.url}/api/v1/settings/lrs", admin)
    assert status["forwarded"] == expected and status["pending"] == 0
