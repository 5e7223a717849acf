"""The clinical command-line contracts: `screen --json`, `icd10 suggest`, `jurisdictions list`."""
import json
import re
import subprocess

from conftest import BINARY

STATES_AND_DC = set("""AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND
OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC""".split())


def run(*args):
    done = subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=60)
    return done


def test_screen_json_lists_worded_action_kinds():
    done = run("screen", "sscst", "--age", "15", "--answers", "yes,yes,no,no,no,no", "--state", "TX",
               "--disclosed", "labor", "--companion", "--foreign-national", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    kinds = [a["kind"] for a in out["actions"]]
    assert kinds[:4] == ["stop-unsafe", "mandated-report", "safe-discharge", "eligibility-request"]
    assert all({"kind", "instruction", "reason", "source", "when_alone"} <= set(a) for a in out["actions"])
    assert [a["kind"] for a in out["actions"] if a["when_alone"]][:2] == ["further-assessment", "safety-plan"]
    assert out["result"] == "positive" and out["missing"] == []
    assert "traffick" not in done.stdout.lower()


def test_screen_text_groups_the_waiting_steps():
    done = run("screen", "qyit", "--age", "20", "--answers", "yes,no,no,no", "--companion")
    assert done.returncode == 0, done.stderr
    before, _, after = done.stdout.partition("When you are alone with the person:")
    assert "[stop-unsafe]" in before and "[further-assessment]" in after


def test_icd10_history_and_age_at_exploitation():
    done = run("icd10", "suggest", "--type", "labor", "--status", "history", "--age", "34", "--age-at-exploitation", "15",
               "--encounter", "initial")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["code"] == "Z62.813"
    later = run("icd10", "suggest", "--type", "sex", "--status", "confirmed", "--age", "30", "--encounter", "sequela")
    assert later.returncode != 0 and "age when the exploitation happened" in later.stderr
    confirmed = json.loads(run("icd10", "suggest", "--type", "sex", "--status", "confirmed", "--age", "30",
                               "--age-at-exploitation", "16", "--encounter", "sequela").stdout)
    assert confirmed["code"] == "T74.52XS" and len(confirmed["reminders"]) == 2


def test_jurisdictions_list_json_covers_every_state_with_sources():
    done = run("jurisdictions", "list", "--json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    codes = {e["code"] for e in entries}
    assert STATES_AND_DC <= codes and "US" in codes
    for entry in entries:
        child = entry["child_report"]
        assert child["source"].startswith("http") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", child["verified"])
        for member in child["not_verified"]:
            assert child[member] is None, (entry["code"], member)
        if entry.get("aps"):
            assert entry["aps"]["source"].startswith("http")
    assert next(e for e in entries if e["code"] == "US")["is_fallback"] is True
