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

from sync.cadence import Cadence
from sync.errors import ConfigError
from sync.model import CheckinKind

LANGUAGES = ("en", "sv")
_BUILT_IN = Path(__file__).parent / "templates"
_SV_ORDINALS = {3: "tredje", 4: "fjärde", 5: "femte", 6: "sjätte", 7: "sjunde", 8: "åttonde"}
_SUMMARIES = {
    "en": {
        CheckinKind.REGULAR: "Check-in: {manager} / {employee}",
        CheckinKind.REQUESTED: "Check-in (asked for): {manager} / {employee}",
        CheckinKind.WELCOME_BACK: "Welcome back check-in: {manager} / {employee}",
    },
    "sv": {
        CheckinKind.REGULAR: "Avstämning: {manager} / {employee}",
        CheckinKind.REQUESTED: "Avstämning (önskad): {manager} / {employee}",
        CheckinKind.WELCOME_BACK: "Välkommen tillbaka, avstämning: {manager} / {employee}",
    },
}


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
    if cadence is None:
        return ""
    if language == "sv":
        if cadence.monthly:
            return "en gång i månaden"
        if cadence.weeks == 1:
            return "varje vecka"
        if cadence.weeks == 2:
            return "varannan vecka"
        return f"var {_SV_ORDINALS.get(cadence.weeks, f'{cadence.weeks}:e')} vecka"
    return "every other week" if cadence == Cadence(2) else cadence.label


def built_in_template(language: str) -> str:
    return (_BUILT_IN / f"invitation.{language}.txt").read_text(encoding="utf-8")


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
        summary = _SUMMARIES[self.language][facts.kind].format(
            manager=facts.manager_name, employee=facts.employee_name
        )
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
