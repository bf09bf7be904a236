"""A manager's page reads what it shows: the viewer's series, not the organisation's, and
people.toml as the app keeps it, not parsed again for each page (for an organisation of a
thousand, those two were over a second of every page)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sync.config.roster
import sync.store.series
from sync.model.errors import ConfigError
from sync.store import ProposalRecord, SeriesRecord, SeriesState, Store
from sync.web.present import timezones
from tests.web_helpers import Org, SignIn, post


def test_the_page_decodes_only_the_viewers_series(
    sign_in: SignIn, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    karin, ade = sign_in("karin@example.com"), sign_in("ade@example.com")
    post(karin, f"/proposals/{org.proposal('lena@example.com').id}/approve")
    post(ade, f"/proposals/{org.proposal('omar@example.com').id}/approve")
    decoded: list[str] = []
    series_from_row = sync.store.series.series_from_row

    def noted(row: object, proposal: ProposalRecord) -> SeriesRecord:
        decoded.append(proposal.manager)
        return series_from_row(row, proposal)  # type: ignore[arg-type]

    monkeypatch.setattr(sync.store.series, "series_from_row", noted)
    page = karin.get("/")
    assert page.status_code == 200
    assert "Lena Berg" in page.text and "Omar Haddad" not in page.text
    assert decoded and set(decoded) == {"karin@example.com"}


def test_the_page_reads_people_toml_only_when_it_changes(
    sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    karin = sign_in("karin@example.com")
    assert karin.get("/").status_code == 200  # the app has read people.toml by now
    read: list[Path] = []
    read_toml = sync.config.roster.read_toml

    def noted(path: Path) -> object:
        read.append(path)
        return read_toml(path)

    monkeypatch.setattr(sync.config.roster, "read_toml", noted)
    assert karin.get("/").status_code == 200
    assert karin.get("/").status_code == 200
    assert read == []


def test_series_of_one_manager_are_those_of_all_that_are_theirs(sign_in: SignIn, org: Org) -> None:
    post(sign_in("karin@example.com"), f"/proposals/{org.proposal('lena@example.com').id}/approve")
    post(sign_in("ade@example.com"), f"/proposals/{org.proposal('omar@example.com').id}/approve")
    store: Store = org.store()
    try:
        for manager in ("karin@example.com", "ade@example.com", "nobody@example.com"):
            for states in (None, [SeriesState.BOOKED]):
                everyone = [s for s in store.series(states) if s.proposal.manager == manager]
                assert store.series(states, manager=manager) == everyone
        assert len(store.series()) == 2
    finally:
        store.close()


def test_zones_fall_back_while_people_toml_cannot_be_read() -> None:
    def unreadable() -> sync.config.roster.Roster:
        raise ConfigError("people.toml: line 3: expected '='")

    assert timezones(unreadable) == {}
