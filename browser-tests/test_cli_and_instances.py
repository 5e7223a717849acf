"""The command line against real databases, and several app instances sharing one PostgreSQL."""
import json
import os
import sqlite3
import subprocess
import tempfile
import urllib.request
import uuid

import pytest

from conftest import BINARY, DEMO_PASSWORD, Server, postgres_schema


def waypoint(args, workdir, stdin=None):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    return subprocess.run([str(BINARY), *args], cwd=workdir, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def post_json(url, body, token=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def get_json(url, token):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})) as response:
        return json.load(response)


@pytest.fixture()
def workdir():
    with tempfile.TemporaryDirectory() as folder:
        yield folder


def test_migrate_twice_user_add_and_audit_verify(workdir):
    first = waypoint(["migrate"], workdir)
    assert first.returncode == 0, first.stderr
    assert "applied 1" in first.stdout
    again = waypoint(["migrate"], workdir)
    assert again.returncode == 0 and "up to date" in again.stdout

    added = waypoint(["user", "add", "--username", "first-admin", "--role", "admin", "--org", "County Clinic"],
                     workdir, stdin="a long first admin passphrase\n")
    assert added.returncode == 0, added.stderr
    weak = waypoint(["user", "add", "--username", "weak-one", "--role", "clinician"], workdir, stdin="short\n")
    assert weak.returncode != 0 and "at least 12 characters" in weak.stderr
    unknown_role = waypoint(["user", "add", "--username", "x-user", "--role", "boss"], workdir, stdin="a long passphrase here\n")
    assert unknown_role.returncode != 0 and "Unknown role" in unknown_role.stderr
    key_mode = os.stat(os.path.join(workdir, "waypoint-keys", "master.key")).st_mode & 0o777
    assert key_mode == 0o600

    verified = waypoint(["audit", "verify"], workdir)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stderr


@pytest.mark.parametrize("tamper,first_bad", [
    ("UPDATE audit_log SET action = 'user.read' WHERE seq = 2", 2),
    ("DELETE FROM audit_log WHERE seq = 2", 2),
    ("DELETE FROM audit_log WHERE seq = 3", 3),  # the tail
])
def test_audit_verify_names_the_first_bad_entry(workdir, tamper, first_bad):
    assert waypoint(["user", "add", "--username", "first-admin", "--role", "admin", "--org", "County Clinic"],
                    workdir, stdin="a long first admin passphrase\n").returncode == 0
    assert waypoint(["user", "add", "--username", "second-user", "--role", "clinician"],
                    workdir, stdin="another long passphrase\n").returncode == 0
    database = sqlite3.connect(os.path.join(workdir, "waypoint-data", "waypoint.sqlite"))
    database.execute("DROP TRIGGER audit_log_no_update")
    database.execute("DROP TRIGGER audit_log_no_delete")
    database.execute(tamper)
    database.commit()
    database.close()
    result = waypoint(["audit", "verify"], workdir)
    assert result.returncode == 1
    assert f"First bad entry: {first_bad}" in result.stderr


def test_several_instances_share_one_postgresql(neutral_site):
    shared = postgres_schema("browser")
    keys = tempfile.mkdtemp()
    os.makedirs(os.path.join(keys, "waypoint-keys"))
    first = Server(neutral_site.url, database_url=shared, workdir=keys)
    # The second instance shares the key file, as instances behind one load balancer must.
    second = Server(neutral_site.url, database_url=shared, workdir=keys)
    try:
        with urllib.request.urlopen(first.url + "/healthz") as response:
            assert json.load(response) == {"status": "ok", "database": "postgres"}
        token = post_json(first.url + "/api/v1/auth/token", {"username": "demo-admin", "password": DEMO_PASSWORD})["token"]
        post_json(second.url + "/api/v1/users", {"username": "made-on-second", "role": "clinician",
                                                  "display_name": "Second", "password": "yet another passphrase"}, token)
        names = [u["username"] for u in get_json(first.url + "/api/v1/users", token)["users"]]
        assert "made-on-second" in names
    finally:
        first.stop()
        second.stop()
    verified = subprocess.run([str(BINARY), "audit", "verify", "--database-url", shared], cwd=keys,
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stderr
