"""What a check-in is for, written into every invitation so each one has a clear purpose.

The description comes from a template: the built-in one for the `language` setting, or the
operator's own file (`invitation_template`). Templates run sandboxed, and one that cannot be
read or rendered stops the run before anything is written, naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from sync.model.cadence import Cadence
from sync.model.errors import ConfigError
from sync.model.values import CheckinKind
from sync.plumbing.i18n import Language, available_languages

LANGUAGES = available_languages()
_BUILT_IN = Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class Invitation:
    summary: str
    description: str


@dataclass(frozen=True)
class CheckinFacts:
    """What an invitation may say about its check-in."""

    kind: CheckinKind
    manager_name: str
    employee_name: str
    duration: int
    cadence: Cadence | None = None
    """None for a one-off."""
    reason: str = ""
    more_often_until: date | None = None
    more_often_reason: str = ""


def cadence_words(cadence: Cadence | None, language: str) -> str:
    """How often, as the invitation's sentence says it ("every other week")."""
    if cadence is None:
        return ""
    pgettext = Language(language).pgettext
    if cadence.monthly:
        return pgettext("how often, in a sentence", "monthly")
    return {
        1: pgettext("how often, in a sentence", "weekly"),
        2: pgettext("how often, in a sentence", "every other week"),
        3: pgettext("how often, in a sentence", "every 3 weeks"),
        4: pgettext("how often, in a sentence", "every 4 weeks"),
        5: pgettext("how often, in a sentence", "every 5 weeks"),
        6: pgettext("how often, in a sentence", "every 6 weeks"),
        7: pgettext("how often, in a sentence", "every 7 weeks"),
        8: pgettext("how often, in a sentence", "every 8 weeks"),
    }.get(cadence.weeks, cadence.label)


def built_in_template(language: str) -> str:
    """The built-in invitation text of `language`; English where a language has none yet
    (an operator can still give their own with invitation_template)."""
    path = _BUILT_IN / f"invitation.{language}.txt"
    if not path.exists():
        path = _BUILT_IN / "invitation.en.txt"
    return path.read_text(encoding="utf-8")


class Purpose:
    """Writes invitations in one language from one template."""

    def __init__(self, language: str = "en", template: Path | None = None) -> None:
        self.language = language
        self.label = str(template) if template else f"the built-in {language} invitation"
        try:
            text = template.read_text(encoding="utf-8") if template else built_in_template(language)
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise ConfigError(
                [f"{self.label}: cannot read the invitation template ({reason})"]
            ) from None
        environment = SandboxedEnvironment(
            undefined=StrictUndefined, trim_blocks=True, keep_trailing_newline=False
        )
        try:
            self.template = environment.from_string(text)
        except TemplateSyntaxError as error:
            raise ConfigError([f"{self.label}: line {error.lineno}: {error.message}"]) from None
        for kind in CheckinKind:  # every kind must render before anything is proposed with it
            self.invitation(_sample(kind))

    def invitation(self, facts: CheckinFacts) -> Invitation:
        manager_first = _first(facts.manager_name)
        employee_first = _first(facts.employee_name)
        values = {
            "kind": facts.kind.value,
            "manager": facts.manager_name,
            "employee": facts.employee_name,
            "manager_first": manager_first,
            "employee_first": employee_first,
            "duration": facts.duration,
            "cadence": cadence_words(facts.cadence, self.language),
            "reason": facts.reason,
            "more_often_until": facts.more_often_until.isoformat()
            if facts.more_often_until
            else "",
            "more_often_reason": facts.more_often_reason,
            "language": self.language,
        }
        try:
            text = self.template.render(values)
        except TemplateError as error:
            raise ConfigError([f"{self.label}: {error}"]) from None
        names = {"manager": facts.manager_name, "employee": facts.employee_name}
        gettext = Language(self.language).gettext
        summary = {
            CheckinKind.REGULAR: gettext("Check-in: %(manager)s / %(employee)s", **names),
            CheckinKind.REQUESTED: gettext(
                "Check-in (asked for): %(manager)s / %(employee)s", **names
            ),
            CheckinKind.WELCOME_BACK: gettext(
                "Welcome back check-in: %(manager)s / %(employee)s", **names
            ),
        }[facts.kind]
        return Invitation(summary, re.sub(r"\n{3,}", "\n\n", text).strip())


@cache
def default_purpose() -> Purpose:
    """The built-in English text, for proposals made before invitations were kept with them."""
    return Purpose()


def _first(name: str) -> str:
    # "Lind, Karin" is written surname first
    given = name.split(",", 1)[1] if "," in name else name
    words = given.split() or name.split()
    return words[0].rstrip(",") if words else name


def _sample(kind: CheckinKind) -> CheckinFacts:
    return CheckinFacts(
        kind=kind,
        manager_name="Karin Lind",
        employee_name="Lena Berg",
        duration=30,
        cadence=None if kind.one_off else Cadence(1),
        reason="a sample reason",
        more_often_until=date(2027, 1, 31),
        more_often_reason="a sample reason",
    )
