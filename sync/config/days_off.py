"""Which days a person's country gives off, from the `holidays` package.

The package lists only public holidays unless asked for more categories, but in some countries
people take other days off as a rule: in Sweden Midsummer Eve, Christmas Eve and New Year's
Eve are not public holidays, yet offices are empty. The package files those under "de_facto",
so by default a country's days off are its public holidays plus its de-facto ones, where it
has any. `holiday_categories` in people.toml chooses other categories.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

PUBLIC = "public"
DE_FACTO = "de_facto"


@cache
def supported_categories(country: str) -> tuple[str, ...]:
    """The categories the holidays package has for `country` ("SE", not "SE-AB")."""
    calendar = holidays.country_holidays(country)
    return tuple(calendar.supported_categories)


@cache
def all_categories() -> frozenset[str]:
    """Every category some country has: a name outside this set is a typo."""
    return frozenset(
        category
        for country in holidays.list_supported_countries()
        for category in supported_categories(country)
    )


def usual_categories(country: str) -> tuple[str, ...]:
    """What people in `country` actually take off when nobody says otherwise."""
    if DE_FACTO in supported_categories(country):
        return (PUBLIC, DE_FACTO)
    return (PUBLIC,)


def country_of(region: str) -> str:
    """ "US-NY" → "US"."""
    return region.partition("-")[0]


def missing_categories(region: str, categories: tuple[str, ...]) -> list[str]:
    """The categories `region`'s country does not have."""
    supported = supported_categories(country_of(region))
    return [category for category in categories if category not in supported]


def categories_for(region: str, inherited: tuple[str, ...]) -> tuple[str, ...]:
    """Categories a person inherits from [defaults], less those their own country lacks (a
    Swedish default of "de_facto" means nothing for someone in Britain); the country's usual
    ones when none is left."""
    if not region:
        return ()
    kept = tuple(c for c in inherited if c in supported_categories(country_of(region)))
    return kept or usual_categories(country_of(region))


def holiday_name(region: str, categories: tuple[str, ...], day: date) -> str | None:
    """The holiday that makes `day` a day off in `region`, if any. Empty `categories` means
    the country's usual ones."""
    if not region:
        return None
    return _named(region, categories, day.year, "en_US").get(day)


def holiday_name_in(region: str, categories: tuple[str, ...], day: date, language: str) -> str:
    """The name of the holiday on `day` in `language` (a catalogue code such as "sv"), or in
    the country's own language where the holidays package has no such translation, or in
    English; empty if `day` is not a holiday there."""
    country = country_of(region)
    known = supported_languages(country)
    spoken = [code for code in known if code == language or code.startswith(f"{language}_")]
    own = default_language(country)
    for choice in (*spoken[:1], own, "en_US"):
        if choice in known or (choice == own and not known):
            return _named(region, categories, day.year, choice).get(day, "")
    return holiday_name(region, categories, day) or ""


@cache
def supported_languages(country: str) -> tuple[str, ...]:
    return tuple(holidays.country_holidays(country).supported_languages)


@cache
def default_language(country: str) -> str | None:
    return holidays.country_holidays(country).default_language


@cache
def _named(
    region: str, categories: tuple[str, ...], year: int, language: str | None
) -> dict[date, str]:
    country, _, subdivision = region.partition("-")
    table = holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=year,
        language=language,
        categories=categories or usual_categories(country),
    )
    return dict(table.items())
