"""Operations from the command line and over loopback: backup and restore, key rotation, metrics
for a local scraper, and JSON log lines."""
import json
import os
import sqlite3
import subprocess
import tempfile
import urllib.error
import urllib.request

from conftest import BINARY, DEMO_PASSWORD, Server
from test_cli_and_instances import waypoint, post_json


def test_backup_restore_and_key_rotation_from_the_command_line(neutral_site):
    workdir = tempfile.mkdtemp(prefix="waypoint-ops-")
    server = Server(neutral_site.url, workdir=workdir)
    try:
        token = post_json(server.url + "/api/v1/auth/token", {"username": "demo-clinician", "password": DEMO_PASSWORD})["token"]
        created = post_json(server.url + "/api/v1/screenings", {"instrument": "sscst", "age": 15, "answers": ["yes", "yes", "no", "no", "no", "no"],
                                                                "idempotency_key": "ops-1"}, token)
        # The backup is taken while the server runs.
        backup = os.path.join(workdir, "backups", "nightly.bin")
        os.makedirs(os.path.dirname(backup))
        made = waypoint(["backup", "--out", backup], workdir)
        assert made.returncode == 0, made.stderr
        manifest = json.load(open(backup + ".manifest.json"))
        key = open(os.path.join(workdir, "waypoint-keys", "master.key")).read().strip()
        assert manifest["kind"] == "sqlite" and key not in open(backup, "rb").read().decode("latin-1")
    finally:
        server.stop()

    # A wrong key is refused before anything is written.
    other = tempfile.mkdtemp()
    wrong_key = os.path.join(other, "wrong.key")
    subprocess.run([str(BINARY), "migrate", "--db", os.path.join(other, "scratch.sqlite"), "--key-file", wrong_key],
                   cwd=other, capture_output=True, check=True)
    target = os.path.join(other, "restored", "waypoint.sqlite")
    refused = waypoint(["restore", backup, "--db", target, "--key-file", wrong_key], workdir)
    assert refused.returncode != 0 and "another master key" in refused.stderr and not os.path.exists(target)
    restored = waypoint(["restore", backup, "--db", target], workdir)
    assert restored.returncode == 0 and "audit chain intact" in restored.stdout, restored.stderr
    rows = sqlite3.connect(target).execute("SELECT id FROM screenings").fetchall()
    assert rows == [(created["id"],)]

    # Rotation: a new key file, the old one retired, everything still readable.
    rotated = waypoint(["keys", "rotate"], workdir)
    assert rotated.returncode == 0, rotated.stderr
    retired = [name for name in os.listdir(os.path.join(workdir, "waypoint-keys")) if ".retired-" in name]
    assert len(retired) == 1 and open(os.path.join(workdir, "waypoint-keys", "master.key")).read().strip() != key
    assert oct(os.stat(os.path.join(workdir, "waypoint-keys", "master.key")).st_mode & 0o777) == "0o600"
    verified = waypoint(["audit", "verify"], workdir)
    assert verified.returncode == 0, verified.stderr
    again = Server(neutral_site.url, workdir=workdir)
    try:
        token = post_json(again.url + "/api/v1/auth/token", {"username": "demo-clinician", "password": DEMO_PASSWORD})["token"]
        request = urllib.request.Request(f"{again.url}/api/v1/screenings/{created['id']}", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as response:
            assert json.load(response)["id"] == created["id"]
    finally:
        again.stop()


def test_metrics_over_loopback_and_json_logs(neutral_site):
    server = Server(neutral_site.url, extra_args=["--log-format", "json"])
    try:
        with urllib.request.urlopen(server.url + "/metrics") as response:
            text = response.read().decode()
        assert "hb_requests" in text or "http" in text
        proxied = urllib.request.Request(server.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        try:
            urllib.request.urlopen(proxied)
            assert False, "a proxied request reached /metrics without a token"
        except urllib.error.HTTPError as error:
            assert error.code == 403
        lines = [line for line in server.output().splitlines() if line.startswith("{")]
        records = [json.loads(line) for line in lines]
        assert any(record.get("message") == "request" and record.get("route") == "/metrics" for record in records)
    finally:
        server.stop()
