"""Schemathesis against the running server's own OpenAPI document: generated requests for every
operation (valid and invalid), with a real token. No answer may be a server error, and every
answer must match what the document says (status, content type, schema)."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, Server
from test_cli_and_instances import post_json, DEMO_PASSWORD

SCHEMATHESIS = ROOT / ".venv" / "bin" / "st"


@pytest.fixture()
def fuzz_server(neutral_site, monkeypatch):
    # Generated traffic would otherwise meet the public API's per-address budget.
    monkeypatch.setenv("WAYPOINT_PUBLIC_RATE_LIMIT", "1000000")
    s = Server(neutral_site.url)
    yield s
    s.stop()
    shutil.rmtree(s.workdir, ignore_errors=True)


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(fuzz_server):
    token = post_json(fuzz_server.url + "/api/v1/auth/token", {"username": "demo-clinician", "password": DEMO_PASSWORD})["token"]
    examples = os.environ.get("WAYPOINT_FUZZ_EXAMPLES", "25")
    result = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(ROOT / "browser-tests" / "schemathesis.toml"), "run", fuzz_server.url + "/api/v1/openapi.json", "--url", fuzz_server.url,
         "--header", f"Authorization: Bearer {token}", "--checks", "all", "--max-examples", examples,
         # Revoking the token mid-run would turn every later call into a 401; revocation has its own tests.
         "--exclude-operation-id", "revokeToken", "--seed", "20261129", "--no-color"],
        capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "500" not in [line.split()[0] for line in fuzz_server.output().splitlines() if line[:3].isdigit()]
