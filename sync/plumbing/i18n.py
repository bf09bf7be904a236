"""The language of everything a person receives: gettext catalogues, read with Babel.

Texts are written in English in the code and templates (the msgids); each other language is
one catalogue, `sync/locale/<code>/LC_MESSAGES/messages.po`, so adding a language means adding
a file. The .po files are read at run time with Babel and compiled in memory once per process:
there is no build step to forget, an editable install (`pip install -e .`) works as it is,
and the committed .po stays the only source of a translation.

Dates and weekday names come from Babel's CLDR data for the same language.

Babel's catalogue reader is imported where a catalogue is read, and its dates module (which
finds the machine's time zone as it loads) where a date is formatted in words: English needs
no catalogue, an ISO date no locale data, `--help` formats no date, and they answer sooner
without them (tests/cli/test_startup.py).
"""

from __future__ import annotations

import gettext as gettext_module
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"
ISO_DAY = "yyyy-MM-dd"
"""The CLDR pattern of an ISO date (English's in a sentence): digits, whatever the language."""


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> tuple[str, ...]:
    """English, and every language with a catalogue."""
    found = sorted(
        path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )
    return (SOURCE_LANGUAGE, *found)


@cache
def translations(code: str) -> gettext_module.NullTranslations:
    """The compiled catalogue of `code`; English is the text in the code itself."""
    if code == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    # fuzzy entries are guesses nobody checked: they fall back to English (and a test fails)
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def N_(message: str) -> str:
    """Marks a text for the catalogues where it is written; it is translated where it is
    shown, with `gettext(message)` (as for errors raised far from any page)."""
    return message


@dataclass(frozen=True)
class Language:
    """One language's words for code that builds texts: `gettext` and `ngettext` take
    %(name)s placeholders, as in the templates."""

    code: str = SOURCE_LANGUAGE

    def gettext(self, message: str, **values: object) -> str:
        text = translations(self.code).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        text = translations(self.code).ngettext(singular, plural, count)
        return text % ({"num": count} | values)

    def pgettext(self, context: str, message: str) -> str:
        return translations(self.code).pgettext(context, message)

    def date(self, day: date, pattern: str) -> str:
        """`day` in a CLDR pattern, with this language's names of days and months."""
        if pattern == ISO_DAY:
            return day.isoformat()  # as Babel writes it (tests/model/test_english.py)
        return _formatted_date(day, pattern, self.code)


@lru_cache(maxsize=4096)
def _formatted_date(day: date, pattern: str, code: str) -> str:
    """Babel's date in words, kept: a night writes the same few dozen dates thousands of
    times (each week picture names its five days, each digest the same dates), and Babel
    takes some 50 microseconds a date."""
    from babel.dates import format_date

    return format_date(day, pattern, locale=code)


ENGLISH = Language()
