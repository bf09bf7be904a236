"""What the planner and the night tell people, kept as what to say rather than in words.

The planner decides why a date moved or what a series is before anyone reads it, and people
read it later, each in their own language. So a sentence is kept as its English msgid (with
%(name)s placeholders, as in the catalogues) and the values to put in: names and people's own
words as text, counts, dates as ISO strings, weekdays as numbers, holidays by region and day,
and other sentences. It is stored as JSON, and worded when shown (sync/model/words.py; for a
reader, sync/delivery/wording.py).

Words that are no message are `Said.text`, shown as they are: what an older version
stored in words, and texts we do not write ourselves, such as a calendar provider's error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias, cast

_ENGLISH = "_english"
"""Where a sentence keeps its English words once worded."""

WeekdayForm = Literal["short", "plural", "nth"]
"""How a weekday is named: "Tue", "Tuesdays", "the second Tuesday" (of a month)."""


@dataclass(frozen=True)
class Day:
    iso: str

    @classmethod
    def of(cls, day: date) -> Day:
        return cls(day.isoformat())


@dataclass(frozen=True)
class Weekday:
    number: int
    """0 = Monday."""
    form: WeekdayForm


@dataclass(frozen=True)
class Holiday:
    """A holiday of a person's region, named in the reader's language where the holidays
    package has it; `name` is the English name, used where it has no other."""

    region: str
    categories: tuple[str, ...]
    day: str
    name: str


@dataclass(frozen=True)
class Listed:
    """Several values in one place: "Lena and Tom" (`joiner` "and") or joined as written."""

    items: tuple[Value, ...]
    joiner: str


Value: TypeAlias = "str | int | Said | Day | Weekday | Holiday | Listed"


@dataclass(frozen=True)
class Said:
    msgid: str
    values: tuple[tuple[str, Value], ...] = ()
    plural: str = ""
    """The plural msgid of a counted sentence, whose count is the value "num"."""
    plain: bool = False
    """Words as they are, in no particular language (see `Said.text`)."""

    @classmethod
    def text(cls, words: str) -> Said:
        return cls(words, plain=True)

    def value(self, name: str) -> Value:
        return dict(self.values)[name]

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __str__(self) -> str:
        """In English: for logs, and for code that has no reader."""
        # kept on the sentence, outside its fields (so equality and hashing ignore it): a
        # night words each proposal's explanation in English for the store, the alternatives
        # and every save of the run report, and a sentence never changes
        words = self.__dict__.get(_ENGLISH)
        if words is None:
            from sync.model.words import ENGLISH_WORDING

            words = self.__dict__[_ENGLISH] = ENGLISH_WORDING.word(self)
        return words

    def to_json(self) -> dict[str, object]:
        if self.plain:
            return {"text": self.msgid}
        found: dict[str, object] = {"id": self.msgid}
        if self.plural:
            found["plural"] = self.plural
        if self.values:
            found["values"] = {name: _value_json(value) for name, value in self.values}
        return found

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, data: object) -> Said:
        if isinstance(data, str):
            return cls.text(data)
        found = cast("Mapping[str, object]", data)
        if "text" in found:
            return cls.text(str(found["text"]))
        values = cast("Mapping[str, object]", found.get("values", {}))
        return cls(
            str(found["id"]),
            _canonical({name: _value_of(value) for name, value in values.items()}),
            str(found.get("plural", "")),
        )

    @classmethod
    def loads(cls, stored: str | None, fallback: str = "") -> Said:
        """A stored sentence; `fallback` (the old words) when there is none."""
        if not stored:
            return cls.text(fallback)
        return cls.from_json(json.loads(stored))


def say(msgid: str, **values: Value) -> Said:
    """A sentence to word later; `msgid` is English with %(name)s placeholders (and is what
    `make catalogues` collects)."""
    return Said(msgid, _canonical(values))


def say_n(singular: str, plural: str, num: int, **values: Value) -> Said:
    """A sentence about `num` things, worded with the language's plural rules."""
    return Said(singular, _canonical({"num": num, **values}), plural)


def listed(items: Sequence[Value]) -> Listed:
    """ "Lena and Tom", with the reader's word for "and"."""
    return Listed(tuple(items), "and")


def joined(items: Sequence[Value], separator: str) -> Said:
    """Sentences or phrases one after another, `separator` between them."""
    return Said("%(items)s", (("items", Listed(tuple(items), separator)),))


def _canonical(values: Mapping[str, Value]) -> tuple[tuple[str, Value], ...]:
    # by name, so a message read back from the store equals the one the planner made
    # (dates kept unchanged are then no change)
    return tuple(sorted(values.items()))


def _value_json(value: Value) -> object:
    if isinstance(value, str | int):
        return value
    if isinstance(value, Said):
        return {"said": value.to_json()}
    if isinstance(value, Day):
        return {"day": value.iso}
    if isinstance(value, Weekday):
        return {"weekday": value.number, "form": value.form}
    if isinstance(value, Holiday):
        return {
            "holiday": value.name,
            "region": value.region,
            "categories": list(value.categories),
            "day": value.day,
        }
    return {"listed": [_value_json(item) for item in value.items], "joiner": value.joiner}


def _value_of(data: object) -> Value:
    if isinstance(data, str | int):
        return data
    found = cast("Mapping[str, object]", data)
    if "said" in found:
        return Said.from_json(found["said"])
    if "day" in found and "holiday" not in found:
        return Day(str(found["day"]))
    if "weekday" in found:
        return Weekday(cast(int, found["weekday"]), cast(WeekdayForm, found["form"]))
    if "holiday" in found:
        categories = cast("Sequence[str]", found["categories"])
        return Holiday(
            str(found["region"]), tuple(categories), str(found["day"]), str(found["holiday"])
        )
    items = cast("Sequence[object]", found["listed"])
    return Listed(tuple(_value_of(item) for item in items), str(found["joiner"]))
