"""The ads workbench's command line: phone numbers checked against Python's `phonenumbers` (the port
of Google's libphonenumber) as an oracle, and `waypoint ads cluster` on a file without a database."""
import csv
import json
import os
import pathlib
import random
import subprocess

import phonenumbers
import pytest

from conftest import BINARY

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SPANISH = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]


def run(*args):
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=120)


def north_american_area_codes():
    """US and Canadian area codes the oracle says are in service (Caribbean ones are valid only for
    some exchanges, which the workbench does not model)."""
    codes = []
    for npa in range(200, 1000):
        number = phonenumbers.parse(f"+1{npa}2345678")
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) in ("US", "CA"):
            codes.append(npa)
    return codes


def written(digits, style, rng):
    a, b, c = digits[:3], digits[3:6], digits[6:]
    if style == "dashes":
        return f"{a}-{b}-{c}"
    if style == "parens":
        return f"({a}) {b}-{c}"
    if style == "dots":
        return f"{a}.{b}.{c}"
    if style == "plus":
        return f"+1 {a} {b} {c}"
    if style == "bare":
        return digits
    if style == "spelled":
        return " ".join(WORDS[int(d)] for d in digits)
    if style == "spanish":
        return " ".join(SPANISH[int(d)] for d in digits)
    if style == "mixed":
        return "".join(WORDS[int(d)] if i % 4 == 1 else d for i, d in enumerate(digits))
    if style == "fullwidth":
        return "".join(chr(0xFF10 + int(d)) for d in digits)
    if style == "keycaps":
        return "".join(d + "\ufe0f\u20e3" for d in digits)
    if style == "circled":
        return "".join("\u24ea" if d == "0" else chr(0x2460 + int(d) - 1) for d in digits)
    if style == "emoji":
        return f"{a}🔥{b}🔥{c}"
    if style == "spaced":
        return " ".join("O" if d == "0" else d for d in digits)
    raise ValueError(style)


PLAIN = ["dashes", "parens", "dots", "plus", "bare"]
OBSCURED = ["spelled", "spanish", "mixed", "fullwidth", "keycaps", "circled", "emoji", "spaced"]


@pytest.fixture(scope="module")
def phone_cases(tmp_path_factory):
    rng = random.Random(20261201)
    codes = north_american_area_codes()
    # Area codes with no valid number at all (Caribbean codes are valid for some exchanges only).
    unassigned = [n for n in range(200, 1000) if n not in codes and not any(
        phonenumbers.is_valid_number(phonenumbers.parse(f"+1{n}{x}4567")) for x in (200, 250, 300, 400, 500, 555, 600, 700, 800, 900))]
    cases = []
    for index in range(1500):
        roll = rng.random()
        if roll < 0.75:
            npa = rng.choice(codes)
        else:
            npa = rng.choice(unassigned)
        exchange = rng.randint(200, 999) if rng.random() < 0.85 else rng.randint(0, 199)
        digits = f"{npa:03d}{exchange:03d}{rng.randint(0, 9999):04d}"
        style = rng.choice(PLAIN + OBSCURED)
        text = f"Sweet and new in town, call {written(digits, style, rng)} anytime"
        number = phonenumbers.parse("+1" + digits)
        expected = [phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)] \
            if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) in ("US", "CA") else []
        cases.append({"id": f"p{index}", "text": text, "style": style, "expected": expected})
    path = tmp_path_factory.mktemp("phones") / "phones.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "text"])
        for case in cases:
            writer.writerow([case["id"], case["text"]])
    done = run("ads", "extract", str(path))
    assert done.returncode == 0, done.stderr
    found = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        found[row["id"]] = row["facts"]
    return cases, found


def test_phones_agree_with_the_oracle(phone_cases):
    cases, found = phone_cases
    disagreements = [(c["text"], c["expected"], [p["e164"] for p in found[c["id"]]["phones"]])
                     for c in cases if [p["e164"] for p in found[c["id"]]["phones"]] != c["expected"]]
    assert len(cases) == 1500
    assert sum(1 for c in cases if c["expected"]) > 800
    assert [d for d in disagreements[:10]] == [], "\n".join(map(str, disagreements))


def test_obscured_is_flagged_and_plain_is_not(phone_cases):
    cases, found = phone_cases
    for case in cases:
        for phone in found[case["id"]]["phones"]:
            assert phone["obscured"] == (case["style"] in OBSCURED), case["text"]


def test_plain_text_matches_what_the_oracles_matcher_finds(phone_cases):
    """On ordinary formats, the workbench finds what libphonenumber's own free-text matcher finds."""
    cases, found = phone_cases
    for case in cases:
        if case["style"] not in PLAIN:
            continue
        matched = [phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
                   for m in phonenumbers.PhoneNumberMatcher(case["text"], "US", leniency=phonenumbers.Leniency.VALID)]
        matched = [m for m in matched if phonenumbers.region_code_for_number(phonenumbers.parse(m)) in ("US", "CA")]
        assert [p["e164"] for p in found[case["id"]]["phones"]] == matched, case["text"]


def test_extract_names_every_kind_with_spans(tmp_path):
    path = tmp_path / "ads.jsonl"
    text = "Hi I'm Jade, 19 yrs. 100% real. Now in Houston, TX. $150 hh. IG: jade.x. jade at gmail dot com. Post ID: 88231"
    path.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    done = run("ads", "extract", str(path))
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)["facts"]
    assert [n["value"] for n in facts["names"]] == ["Jade"]
    assert [a["value"] for a in facts["ages"]] == ["19"]
    assert [p["value"] for p in facts["places"]] == ["Houston, TX"]
    assert [(p["amount"], p["unit"]) for p in facts["prices"]] == [(150, "hh")]
    assert [(h["platform"], h["handle"]) for h in facts["handles"]] == [("instagram", "jade.x")]
    assert [e["value"] for e in facts["emails"]] == ["jade@gmail.com"]
    assert [p["value"] for p in facts["postIds"]] == ["88231"]
    raw = text.encode("utf-8")
    age = facts["ages"][0]
    assert raw[age["start"]:age["end"]].decode() == "19 yrs"
    assert {"youth-language", "trustworthy-language"} <= {i["id"] for i in facts["indicators"]}


def family_corpus(path, rng):
    """Five families of six near-identical ads and ten ads alone; returns the truth by id."""
    words = "sunny evening gentle warm smile laugh travel music dance coffee ocean garden quiet city bright soft sweet " \
            "charming classy elegant playful calm relaxing unique special lovely fresh open honest easy friendly".split()
    truth = {}
    rows = []
    for family in range(5):
        base = [rng.choice(words) for _ in range(30)]
        for member in range(6):
            text = list(base)
            text[rng.randrange(len(text))] = rng.choice(words)
            rows.append((f"f{family}-{member}", " ".join(text)))
            truth[f"f{family}-{member}"] = family
    for alone in range(10):
        rows.append((f"a{alone}", " ".join(rng.choice(words) for _ in range(30))))
        truth[f"a{alone}"] = None
    rng.shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "text"])
        writer.writerows(rows)
    return truth, [r[0] for r in rows]


def test_cluster_writes_every_id_with_its_family_or_minus_one(tmp_path):
    truth, order = family_corpus(tmp_path / "ads.csv", random.Random(5))
    done = run("ads", "cluster", str(tmp_path / "ads.csv"), "--out", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    assert "ads/s" in done.stdout
    with open(tmp_path / "out.csv", encoding="utf-8") as result:
        rows = list(csv.reader(result))
    assert rows[0] == ["id", "cluster"]
    assert [r[0] for r in rows[1:]] == order
    cluster = {r[0]: int(r[1]) for r in rows[1:]}
    for family in range(5):
        ids = {cluster[i] for i, f in truth.items() if f == family}
        assert len(ids) == 1 and ids != {-1}
    assert len({cluster[i] for i, f in truth.items() if f is not None}) == 5
    assert all(cluster[i] == -1 for i, f in truth.items() if f is None)


def test_bad_lines_are_named_and_stop_unless_skipped(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("id,text\n1,first ad\n2,a \"bad\" quote\n,no id here\n3,third ad\n", encoding="utf-8")
    done = run("ads", "cluster", str(path), "--out", str(tmp_path / "out.csv"))
    assert done.returncode != 0
    assert "line 3" in done.stderr and "line 4" in done.stderr and "has no id" in done.stderr
    assert not (tmp_path / "out.csv").exists()
    done = run("ads", "cluster", str(path), "--out", str(tmp_path / "out.csv"), "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines() == ["id,cluster", "1,-1", "3,-1"]


def test_a_giant_text_is_capped_with_a_warning(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("id,text\n1," + "word " * 10_000 + "\n2,short\n", encoding="utf-8")
    done = run("ads", "cluster", str(path), "--out", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    assert "warning: line 2" in done.stderr


def in_workdir(args, workdir, stdin=None):
    """The command line on its own SQLite database in `workdir` (never the suite's PostgreSQL)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    return subprocess.run([str(BINARY), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300, input=stdin)


def test_import_ads_and_posters_into_the_database(tmp_path):
    examples = pathlib.Path(__file__).resolve().parent.parent / "examples" / "ads"
    added = in_workdir(["user", "add", "--username", "cli-investigator", "--role", "investigator", "--org", "Ads CLI Org"],
                       tmp_path, stdin="a long investigator passphrase\n")
    assert added.returncode == 0, added.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,first\n2,\n", encoding="utf-8")
    refused = in_workdir(["ads", "import", str(bad)], tmp_path)
    assert refused.returncode != 0 and "line 3: has no text" in refused.stderr and "nothing was imported" in refused.stderr
    done = in_workdir(["ads", "import", str(examples / "ads.csv")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Imported 300 ads" in done.stdout
    again = in_workdir(["ads", "import", str(bad), "--skip-invalid"], tmp_path)
    assert again.returncode == 0 and "skipped line 3" in again.stderr
    posters = in_workdir(["ads", "posters", "import", str(examples / "posters.csv")], tmp_path)
    assert posters.returncode == 0, posters.stderr
    assert "Imported 5 posters" in posters.stdout
    broken = tmp_path / "posters.csv"
    broken.write_text("case_number,name,missing_since\nX-1,Someone,yesterday\n", encoding="utf-8")
    refused = in_workdir(["ads", "posters", "import", str(broken)], tmp_path)
    assert refused.returncode != 0 and "line 2: missing_since is not a date" in refused.stderr
    assert in_workdir(["audit", "verify"], tmp_path).returncode == 0
