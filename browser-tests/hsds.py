"""Validation against the official Open Referral HSDS 3.0 JSON schemas, read by path from
shared/vendor/hsds (never copied): draft 2020-12, with each schema registered under its file name
because the schemas refer to each other as "phone.json" and so on."""
import csv
import json
import pathlib

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = pathlib.Path(__file__).resolve().parent.parent
HSDS = pathlib.Path(ROOT.parent, "shared", "vendor", "hsds")
SCHEMAS = HSDS / "schema"
EXAMPLES = HSDS / "examples"

_resources = {}
for path in SCHEMAS.glob("*.json"):
    if path.name == "openapi.json":
        continue
    _resources[path.name] = Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)
REGISTRY = Registry().with_resources(_resources.items())


def validator(table):
    schema = json.loads((SCHEMAS / f"{table}.json").read_text())
    return Draft202012Validator(schema, registry=REGISTRY)


def errors(table, obj):
    return [f"{table}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(table).iter_errors(obj)]


# The package's column types, to turn CSV text back into the JSON types the schemas expect.
PACKAGE = json.loads((HSDS / "datapackage.json").read_text())
TABLE_FOR_FILE = {r["path"]: r["name"] for r in PACKAGE["resources"]}
NUMBER_COLUMNS = {r["name"]: {f["name"] for f in r["schema"]["fields"] if f["type"] == "number"} for r in PACKAGE["resources"]}


def csv_objects(folder):
    """Each CSV row as a JSON object (empty cells left out, numbers as numbers), by table."""
    for path in sorted(pathlib.Path(folder).glob("*.csv")):
        table = TABLE_FOR_FILE[path.name]
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                obj = {}
                for key, value in row.items():
                    if value == "":
                        continue
                    obj[key] = float(value) if key in NUMBER_COLUMNS[table] else value
                    if key in NUMBER_COLUMNS[table] and obj[key].is_integer():
                        obj[key] = int(obj[key])
                yield table, obj
