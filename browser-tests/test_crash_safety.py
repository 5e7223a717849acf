"""kill -9 under load: every screening the server answered 201 must be there after a restart, whole
and readable, and the audit chain must verify. Several trials, on SQLite and on PostgreSQL."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import BINARY, DEMO_PASSWORD, Server, postgres_schema
from test_cli_and_instances import post_json

TRIALS = 3
WORKERS = 8


def submit_until_killed(url, token, answered, stop):
    while not stop.is_set():
        key = uuid.uuid4().hex
        body = {"instrument": "sscst", "age": 15, "answers": ["yes", "no", "declined", "no", "no", "no"],
                "note": "crash trial " + key, "idempotency_key": key}
        try:
            created = post_json(url + "/api/v1/screenings", body, token)
            answered.append((created["id"], key))
        except (urllib.error.URLError, ConnectionError, OSError, ValueError, http.client.HTTPException):
            return  # the server is gone (a response cut off mid-body was never answered)


def read_screening(url, token, screening_id):
    request = urllib.request.Request(f"{url}/api/v1/screenings/{screening_id}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.load(response)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_answered_screenings_survive_kill_9(neutral_site, backend):
    database_url = postgres_schema("crash") if backend == "postgres" else None
    workdir = tempfile.mkdtemp(prefix="waypoint-crash-")
    try:
        for trial in range(TRIALS):
            server = Server(neutral_site.url, database_url=database_url, workdir=workdir)
            token = post_json(server.url + "/api/v1/auth/token", {"username": "demo-clinician", "password": DEMO_PASSWORD})["token"]
            answered, stop = [], threading.Event()
            workers = [threading.Thread(target=submit_until_killed, args=(server.url, token, answered, stop)) for _ in range(WORKERS)]
            for worker in workers:
                worker.start()
            time.sleep(1.5 + trial * 0.7)  # a different moment in each trial
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait()
            stop.set()
            for worker in workers:
                worker.join(timeout=30)
            server.log.close()
            assert answered, "no submission was answered before the kill"

            restarted = Server(neutral_site.url, database_url=database_url, workdir=workdir)
            try:
                token = post_json(restarted.url + "/api/v1/auth/token",
                                  {"username": "demo-clinician", "password": DEMO_PASSWORD})["token"]
                for screening_id, key in answered:
                    status, record = read_screening(restarted.url, token, screening_id)
                    assert status == 200 and record["id"] == screening_id
                    assert record["result"] in ("positive", "negative", "incomplete")
            finally:
                restarted.stop()
            args = [str(BINARY), "audit", "verify"] + (["--database-url", database_url] if database_url else [])
            verified = subprocess.run(args, cwd=workdir, capture_output=True, text=True, timeout=120,
                                      env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"})
            assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
