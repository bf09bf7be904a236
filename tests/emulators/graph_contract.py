"""What Graph v1.0 accepts in a request, from the metadata Microsoft publishes (msgraph-sdk's
generated models, extracted into ``graph_contract.json`` by ``graph_contract_extract``).

Bodies are read as Graph's OData reader reads them: a property the type does not define, a
value of the wrong JSON kind or an enum literal the type does not have is ``400
RequestBodyRead``, at any depth. Action parameters (getSchedule, cancel) match regardless of
case, as on Graph. A system query option (``$...``) Graph does not have is ``400 BadRequest``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from .graph_errors import GraphError

Kind = Any  # "string" | {"type": name} | {"enum": name} | {"array": Kind}
QUERY_OPTIONS = frozenset(
    {"$select", "$filter", "$top", "$skip", "$orderby", "$expand", "$count", "$search"}
    | {"$format", "$skiptoken", "$deltatoken"}
)
_OFFSET_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})")
_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "dateTimeOffset": (_OFFSET_TIME, "Edm.DateTimeOffset"),
    "date": (re.compile(r"\d{4}-\d{2}-\d{2}"), "Edm.Date"),
    "timeOfDay": (re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?"), "Edm.TimeOfDay"),
}


@functools.cache
def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(__file__).with_name("graph_contract.json").read_text())
    return loaded


def _read_error(message: str) -> GraphError:
    return GraphError(400, "RequestBodyRead", message)


def _graph_name(type_name: str) -> str:
    return "microsoft.graph." + type_name[:1].lower() + type_name[1:]


def check_body(root: str, body: Any, *, action: bool = False) -> None:
    """``root``: ``"event"``, ``"getSchedule"`` or ``"cancel"`` (action parameters)."""
    if body is None:
        return  # an empty body has its own, operation-specific answer
    _check_object(root, body, ignore_case=action)


def _check_object(type_name: str, value: Any, *, ignore_case: bool = False) -> None:
    fields: dict[str, Kind] | None = contract()["types"].get(type_name)
    if fields is None:
        return  # a navigation type the contract leaves out
    if not isinstance(value, dict):
        raise _read_error(
            f"An unexpected '{_node(value)}' node was found when reading from the JSON reader. "
            "A 'StartObject' node was expected."
        )
    lookup = {k.lower(): v for k, v in fields.items()} if ignore_case else fields
    for key, item in value.items():
        if key.startswith("@odata."):
            continue  # instance annotations (etag, type, context) are not properties
        kind = lookup.get(key.lower() if ignore_case else key)
        if kind is None:
            raise _read_error(
                f"The property '{key}' does not exist on type '{_graph_name(type_name)}'. Make "
                "sure to only use property names that are defined by the type or mark the type "
                "as open type."
            )
        _check_value(kind, item)


def _check_value(kind: Kind, value: Any) -> None:
    if value is None:
        return  # null clears a property
    if isinstance(kind, str):
        _check_primitive(kind, value)
    elif "array" in kind:
        if not isinstance(value, list):
            raise _read_error(
                f"An unexpected '{_node(value)}' node was found when reading from the JSON "
                "reader. A 'StartArray' node was expected."
            )
        for item in value:
            _check_value(kind["array"], item)
    elif "enum" in kind:
        if not isinstance(value, str) or value not in contract()["enums"][kind["enum"]]:
            raise _read_error(
                f"Cannot convert the literal '{value}' to the expected type "
                f"'{_graph_name(kind['enum'])}'."
            )
    else:
        _check_object(kind["type"], value)


_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
    "dateTimeOffset": str,
    "date": str,
    "timeOfDay": str,
}


def _check_primitive(kind: str, value: Any) -> None:
    expected = _PYTHON_TYPES[kind]
    if (isinstance(value, bool) and kind != "boolean") or not isinstance(value, expected):
        edm = {"string": "Edm.String", "boolean": "Edm.Boolean", "integer": "Edm.Int32"}
        raise _read_error(
            f"Cannot convert the literal '{value}' to the expected type "
            f"'{edm.get(kind, 'Edm.' + kind)}'."
        )
    if kind in _FORMATS:
        pattern, edm_name = _FORMATS[kind]
        if pattern.fullmatch(str(value)) is None:
            raise _read_error(
                f"Cannot convert the literal '{value}' to the expected type '{edm_name}'."
            )


def _node(value: Any) -> str:
    if isinstance(value, dict):
        return "StartObject"
    return "StartArray" if isinstance(value, list) else "PrimitiveValue"


def check_query(query: dict[str, list[str]]) -> None:
    for name in query:
        if name.startswith("$") and name.lower() not in QUERY_OPTIONS:
            raise GraphError(400, "BadRequest", f"Unrecognized query argument specified: '{name}'.")
