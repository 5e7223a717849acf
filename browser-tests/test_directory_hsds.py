"""Import and export through the real command line, checked against the official HSDS 3.0 schemas."""
import json
import os
import pathlib
import subprocess
import tempfile
import urllib.request

from conftest import BINARY
from hsds import EXAMPLES, csv_objects, errors

JSON_EXAMPLES = ["service_full.json", "organization_full.json", "service_at_location_full.json", "location.json",
                 "taxonomy_term.json", "taxonomy.json"]
TABLE_OF_EXPORT = {"organizations.json": "organization", "services.json": "service", "locations.json": "location",
                   "service_at_locations.json": "service_at_location", "taxonomies.json": "taxonomy",
                   "taxonomy_terms.json": "taxonomy_term"}


def waypoint(folder, *args, check=True):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    result = subprocess.run([str(BINARY), *args, "--db", str(folder / "d.sqlite"), "--key-file", str(folder / "k.key")],
                            capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def export(folder, fmt):
    out = folder / f"export-{fmt}"
    waypoint(folder, "directory", "export", "--format", fmt, "--out", str(out))
    return out


def exported_json(out):
    return {name: json.loads((out / name).read_text()) for name in TABLE_OF_EXPORT}


def fresh():
    return pathlib.Path(tempfile.mkdtemp(prefix="waypoint-hsds-"))


def test_official_json_examples_round_trip_with_zero_schema_errors():
    first = fresh()
    for name in JSON_EXAMPLES:
        waypoint(first, "directory", "import", str(EXAMPLES / name))
    out = export(first, "json")
    files = exported_json(out)
    problems = [p for name, objects in files.items() for obj in objects for p in errors(TABLE_OF_EXPORT[name], obj)]
    assert problems == []
    assert any(s["id"] == "ac148810-d857-441c-9679-408f346de14b" for s in files["services.json"])
    # The CSV export validates row by row, and both exports re-import to the same data.
    csv_out = export(first, "csv")
    assert [p for table, obj in csv_objects(csv_out) for p in errors(table, obj)] == []
    for source in (out, csv_out):
        second = fresh()
        waypoint(second, "directory", "import", str(source))
        assert exported_json(export(second, "json")) == files


def test_official_csv_package_imports_and_exports_unchanged():
    folder = fresh()
    waypoint(folder, "directory", "import", str(EXAMPLES / "csv"))
    out = export(folder, "csv")
    original = sorted((t, json.dumps(o, sort_keys=True)) for t, o in csv_objects(EXAMPLES / "csv"))
    again = sorted((t, json.dumps(o, sort_keys=True)) for t, o in csv_objects(out))
    # Our own taxonomy and the national entries are there too; the package's rows are all unchanged.
    assert set(original) <= set(again)
    assert [p for table, obj in csv_objects(out) for p in errors(table, obj)] == []


def test_a_bad_file_is_reported_by_file_row_and_field_and_nothing_is_imported():
    folder = fresh()
    bad = folder / "bad"
    bad.mkdir()
    (bad / "services.csv").write_text("id,name,status,minimum_age\ns1,Shelter,active,12\ns2,Clinic,active,twelve\n")
    result = waypoint(folder, "directory", "import", str(bad), check=False)
    assert result.returncode != 0
    assert "services.csv, line 3, field minimum_age: expected a number" in result.stderr + result.stdout
    ids = [s["id"] for s in exported_json(export(folder, "json"))["services.json"]]
    assert "s1" not in ids
    skipped = waypoint(folder, "directory", "import", str(bad), "--skip-invalid")
    assert "Skipped 1 problem row(s)" in skipped.stdout
    assert "s1" in [s["id"] for s in exported_json(export(folder, "json"))["services.json"]]
    broken = folder / "broken.json"
    broken.write_text('{"id": "x", "name": "Broken",')
    result = waypoint(folder, "directory", "import", str(broken), check=False)
    assert result.returncode != 0 and "broken.json" in result.stderr and "is not JSON" in result.stderr


def test_hsds_api_responses_validate(server):
    with urllib.request.urlopen(server.url + "/hsds/services?per_page=100") as response:
        page = json.load(response)
    assert page["total_items"] == len(page["contents"]) >= 8
    assert [p for service in page["contents"] for p in errors("service", service)] == []
    first = page["contents"][0]["id"]
    with urllib.request.urlopen(f"{server.url}/hsds/services/{first}") as response:
        assert errors("service", json.load(response)) == []
    assert "Hidden Lane" not in json.dumps(page)
