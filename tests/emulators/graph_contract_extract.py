"""Rebuild ``graph_contract.json`` from msgraph-sdk's generated models (not a test).

The Graph emulator checks request bodies against the property names, value kinds and enum
members Microsoft publishes; msgraph-sdk's models are that metadata in Python. The SDK is
large and not a dependency, so its facts are extracted once into a small JSON file::

    pip download msgraph-sdk --no-deps -d /tmp/msgraph && cd /tmp/msgraph && unzip -q *.whl
    python -m tests.emulators.graph_contract_extract /tmp/msgraph \
        > tests/emulators/graph_contract.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

# the entity types a calendar client sends, and the request bodies of the actions it calls
ROOTS = {
    "event": "models/event.py",
    "getSchedule": "users/item/calendar/get_schedule/get_schedule_post_request_body.py",
    "cancel": "users/item/events/item/cancel/cancel_post_request_body.py",
}
# navigation properties and attachments are not written inline by a calendar client
SKIP = {"Attachment", "Calendar", "Extension", "MultiValueLegacyExtendedProperty"}
_FIELD = re.compile(r'"([^"]+)": lambda n : setattr\(self, \'\w+\', n\.get_(\w+)\((\w*)\)\)')
_BASE = re.compile(r"^class (\w+)\((\w+)(?:, \w+)*\):", re.M)
_MEMBER = re.compile(r'^\s+\w+ = "([^"]+)",?$', re.M)
_KINDS = {
    "str_value": "string",
    "bool_value": "boolean",
    "int_value": "integer",
    "float_value": "number",
    "datetime_value": "dateTimeOffset",
    "date_value": "date",
    "time_value": "timeOfDay",
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Extractor:
    def __init__(self, root: Path) -> None:
        self.generated = root / "msgraph" / "generated"
        self.types: dict[str, dict[str, Any]] = {}
        self.enums: dict[str, list[str]] = {}

    def model(self, name: str) -> Path:
        return self.generated / "models" / f"{snake(name)}.py"

    def add_type(self, name: str, path: Path) -> None:
        if name in self.types or name in SKIP:
            return
        self.types[name] = {}
        text = path.read_text()
        fields: dict[str, Any] = {}
        base = _BASE.search(text)
        if base is not None and base[2] not in ("AdditionalDataHolder", "BackedModel", "Parsable"):
            self.add_type(base[2], self.model(base[2]))
            fields.update(self.types[base[2]])
        for key, getter, argument in _FIELD.findall(text):
            fields[key] = self.kind(getter, argument)
        self.types[name] = fields

    def kind(self, getter: str, argument: str) -> Any:
        if getter in _KINDS:
            return _KINDS[getter]
        if getter == "collection_of_primitive_values":
            return {"array": {"str": "string", "int": "integer"}.get(argument, "string")}
        if getter in ("enum_value", "collection_of_enum_values"):
            self.add_enum(argument)
            kind: Any = {"enum": argument}
            return {"array": kind} if getter.startswith("collection") else kind
        if getter in ("object_value", "collection_of_object_values"):
            self.add_type(argument, self.model(argument))
            kind = {"type": argument}
            return {"array": kind} if getter.startswith("collection") else kind
        raise ValueError(f"unknown getter {getter}")

    def add_enum(self, name: str) -> None:
        if name not in self.enums:
            self.enums[name] = _MEMBER.findall(self.model(name).read_text())


def main(root: str) -> None:
    extractor = Extractor(Path(root))
    for name, relative in ROOTS.items():
        extractor.add_type(name, extractor.generated / relative)
    found = sorted(Path(root).glob("msgraph_sdk-*.dist-info"))
    version = (
        found[-1].name.removeprefix("msgraph_sdk-").removesuffix(".dist-info") if found else "?"
    )
    json.dump(
        {
            "source": f"msgraph-sdk {version} generated models",
            "types": extractor.types,
            "enums": extractor.enums,
        },
        sys.stdout,
        indent=1,
        sort_keys=True,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
