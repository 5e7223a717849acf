"""`waypoint fhir evaluate` against every case of the shared FHIR corpus, through the command line
exactly as the corpus's `format` block describes the contract."""
import json
import pathlib
import subprocess

import pytest

from conftest import BINARY, ROOT

CORPUS = ROOT.parent / "shared" / "vendor" / "fhir-questionnaires"
CASES = json.loads((CORPUS / "cases.json").read_text())["cases"] if (CORPUS / "cases.json").exists() else []


def same(actual, expected):
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and abs(actual - expected) <= 1e-6 * max(1, abs(expected))
    if isinstance(expected, dict) and "code" in expected:
        return isinstance(actual, dict) and actual.get("code") == expected["code"] and actual.get("system") == expected.get("system")
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(same, actual, expected))
    return actual == expected


def test_corpus_is_present():
    assert len(CASES) >= 23, f"shared corpus missing at {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    args = [str(BINARY), "fhir", "evaluate", str(CORPUS / case["questionnaire"]), str(CORPUS / case["response"])]
    if case.get("context"):
        args.append(str(CORPUS / case["context"]))
    run = subprocess.run(args, capture_output=True, text=True, timeout=60)
    expect = case["expect"]
    if expect.get("error"):
        assert run.returncode != 0
        assert "not valid JSON" in run.stderr
        return
    assert run.returncode == 0, run.stderr
    output = json.loads(run.stdout)
    enabled = set(output["enabled"])
    assert set(expect.get("enabled", [])) <= enabled
    assert not (set(expect.get("disabled", [])) & enabled)
    for link_id, value in expect.get("values", {}).items():
        assert same(output["values"].get(link_id), value), (link_id, output["values"].get(link_id), value)
    if "score" in expect:
        assert same(output.get("score"), expect["score"])
