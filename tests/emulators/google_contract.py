"""What Calendar v3 accepts, read from the discovery document shipped in google-api-python-client
(the one the client builds its requests from), so the emulator refuses what the contract
does not allow: query parameters a method does not have, values outside a parameter's enum
or range, body fields the schema does not define, values of the wrong type, enum-like fields
with a value the schema's "Possible values" do not list, malformed RFC 3339 times and missing
required fields.

Google answers such requests 400 (``Invalid JSON payload received. Unknown name ...`` for
names it cannot bind). Where Google would silently ignore a name instead, refusing it is
still right for an emulator: a name outside the contract is a bug in the caller either way.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from .google_errors import ApiError

Query = dict[str, list[str]]
# RFC 3339 section 5.6 as Google writes it: seconds required, "T" and "Z", offsets with a colon
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(?P<offset>Z|[+-]\d{2}:\d{2})?")
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSSIBLE_VALUE = re.compile(r'^- "([^"]+)"', re.M)


@functools.cache
def document() -> dict[str, Any]:
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache/documents/calendar.v3.json"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _method(kind: str) -> dict[str, Any]:
    resource, name = kind.split(".")
    spec: dict[str, Any] = document()["resources"][resource]["methods"][name]
    return spec


def check_query(kind: str, query: Query) -> None:
    """Every query parameter is one the method (or every method) has, with a valid value."""
    spec = _method(kind)
    allowed = dict(document()["parameters"])
    for name, parameter in spec.get("parameters", {}).items():
        if parameter["location"] == "query":
            allowed[name] = parameter
    for name, values in query.items():
        parameter = allowed.get(name)
        if parameter is None:
            raise ApiError(
                400,
                "invalid",
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                f"parameter. Field '{name}' could not be found in request message.",
            )
        if len(values) > 1 and not parameter.get("repeated"):
            raise ApiError(400, "invalid", f"Invalid value for {name}: given {len(values)} times")
        for value in values:
            _check_parameter(name, parameter, value)


def _check_parameter(name: str, parameter: dict[str, Any], value: str) -> None:
    enum = parameter.get("enum")
    if enum is not None and value not in enum:
        pattern = "|".join(enum)
        raise ApiError(
            400,
            "invalid",
            f"Invalid value '{value}'. Values must match the following regular expression: "
            f"'({pattern})'",
        )
    kind = parameter.get("type")
    if kind == "boolean" and value not in ("true", "false"):
        raise ApiError(400, "invalid", f"Invalid boolean value: '{value}'.")
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            raise ApiError(400, "invalid", f"Invalid value for {name}: {value}") from None
        low, high = parameter.get("minimum"), parameter.get("maximum")
        if (low is not None and number < int(low)) or (high is not None and number > int(high)):
            raise ApiError(400, "invalid", f"Invalid value for {name}: {value}")
    if parameter.get("format") == "date-time":
        check_time(value, name, offset_required=True)


def check_time(value: str, what: str, *, offset_required: bool) -> None:
    """An RFC 3339 date-time, as Calendar v3 reads it (Python's fromisoformat takes far more)."""
    found = RFC3339.fullmatch(value)
    if found is None or (offset_required and found["offset"] is None):
        raise ApiError(400, "invalid", f"Invalid value for {what}: {value}")


def check_body(kind: str, body: Any) -> None:
    """The request body is the method's schema: known fields, right types, required ones set."""
    request = _method(kind).get("request")
    if request is None:
        return
    if not isinstance(body, dict):
        raise ApiError(400, "parseError", "Parse Error")
    schema = document()["schemas"][request["$ref"]]
    _check_object(schema, body, "resource")
    method_id = _method(kind)["id"]
    for name, prop in schema.get("properties", {}).items():
        if method_id in prop.get("annotations", {}).get("required", []) and name not in body:
            raise ApiError(
                400,
                "required",
                f"Missing {name} time." if name in ("start", "end") else f"Required: {name}",
            )


def _check_object(schema: dict[str, Any], value: dict[str, Any], where: str) -> None:
    properties = schema.get("properties")
    extra = schema.get("additionalProperties")
    for name, item in value.items():
        prop = properties.get(name) if properties is not None else extra
        if prop is None:
            raise ApiError(
                400,
                "invalid",
                f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': "
                "Cannot find field.",
            )
        _check_value(prop, item, f"{where}.{name}", name)


def _check_value(prop: dict[str, Any], value: Any, where: str, name: str) -> None:
    if value is None:
        return  # a patch clears a field with null
    if "$ref" in prop:
        prop = document()["schemas"][prop["$ref"]]
    kind = str(prop.get("type"))
    ok = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
    }.get(kind, True)
    if not ok:
        raise ApiError(
            400, "invalid", f"Invalid JSON payload received. Invalid value at '{where}' ({kind})"
        )
    if kind == "object":
        _check_object(prop, value, where)
    elif kind == "array":
        for index, item in enumerate(value):
            _check_value(prop["items"], item, f"{where}[{index}]", name)
    elif kind == "string":
        _check_string(prop, value, where, name)


def _check_string(prop: dict[str, Any], value: str, where: str, name: str) -> None:
    possible = _possible_values(prop.get("description", ""))
    if possible and value not in possible:
        raise ApiError(400, "invalid", f"Invalid value for {name}: {value}")
    if prop.get("format") == "date-time":
        # EventDateTime.dateTime may leave the offset to its timeZone; checked with it later
        check_time(value, where, offset_required=False)
    elif prop.get("format") == "date" and FULL_DATE.fullmatch(value) is None:
        raise ApiError(400, "invalid", f"Invalid value for {where}: {value}")


@functools.cache
def _possible_values(description: str) -> frozenset[str]:
    """Calendar v3 lists a string field's values in its description, not as an enum."""
    if "Possible values" not in description:
        return frozenset()
    return frozenset(_POSSIBLE_VALUE.findall(description))
