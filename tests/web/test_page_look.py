"""The page's look, checked without a browser: its colours meet WCAG AA contrast as the
style sheet defines them, and the page has the same structure in every language."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sync.web import create_app
from tests.web_helpers import CLOCK, SECRET, Org, make_link_client

STYLE = Path(__file__).parent.parent.parent / "sync" / "web" / "static" / "style.css"

TEXT_PAIRS = [  # (text, background): 4.5:1 for text (WCAG 1.4.3)
    ("--ink", "--paper"),
    ("--ink", "--back"),
    ("--muted", "--paper"),
    ("--muted", "--back"),
    ("--accent", "--paper"),
    ("--accent", "--back"),
    ("--accent-ink", "--accent"),
    ("--ok", "--paper"),
    ("--warn", "--paper"),
    ("--bad", "--paper"),
]
GRAPHIC_PAIRS = [  # (mark, surroundings): 3:1 for the week picture's marks (WCAG 1.4.11)
    ("--busy", "--free"),
    ("--busy", "--paper"),
    ("--accent", "--free"),
    ("--other", "--free"),
    ("--other", "--paper"),
    ("--focus", "--paper"),
    ("--focus", "--back"),
]


def _colours() -> dict[str, str]:
    text = STYLE.read_text()
    return {
        name: value.lower()
        for name, value in re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})", text)
    }


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_does() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fore", "back"), TEXT_PAIRS)
def test_text_colours_meet_aa(fore: str, back: str) -> None:
    colours = _colours()
    assert contrast(colours[fore], colours[back]) >= 4.5, (fore, back)


@pytest.mark.parametrize(("mark", "back"), GRAPHIC_PAIRS)
def test_the_marks_of_the_week_picture_and_focus_stand_out(mark: str, back: str) -> None:
    colours = _colours()
    assert contrast(colours[mark], colours[back]) >= 3, (mark, back)


def test_focus_is_visible_on_everything_that_takes_it() -> None:
    text = STYLE.read_text()
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid var\(--focus\)", text)
    assert "outline: none" not in text and "outline:none" not in text


class _Shape(HTMLParser):
    """A page's structure: its tags with their ids, classes and form fields, no text."""

    def __init__(self) -> None:
        super().__init__()
        self.shape: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = {
            k: v for k, v in attrs if k in ("id", "class", "name", "type", "colspan", "rowspan")
        }
        self.shape.append(f"{tag} {sorted(kept.items())}")

    def handle_endtag(self, tag: str) -> None:
        self.shape.append(f"/{tag}")


def _shape(html: str) -> list[str]:
    parser = _Shape()
    parser.feed(html)
    return parser.shape


def test_the_page_has_the_same_structure_in_swedish(org: Org) -> None:
    pages = {}
    for language in ("en", "sv"):
        org.config.settings(
            f'language = "{language}"\n[web]\nsecret = "{SECRET}"\n'
            'public_url = "http://checkins.test"\n'
        )
        app = create_app(org.root, clock=lambda: CLOCK)
        pages[language] = make_link_client(app, org, "karin@example.com", CLOCK).get("/").text
    assert 'lang="sv"' in pages["sv"] and "Väntar på ditt beslut" in pages["sv"]
    assert 'class="week"' in pages["sv"]
    assert _shape(pages["sv"]) == _shape(pages["en"])
