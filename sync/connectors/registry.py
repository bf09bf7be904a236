"""Which connector serves a roster `calendar` value, and reading many people through them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from sync.connectors.base import BusyReading, CalendarRef, Connector, Connectors
from sync.connectors.ics import IcsConnector
from sync.connectors.none import NoCalendar
from sync.model import Interval
from sync.settings import Settings


def kind_of(source: str) -> str:
    """ "ics:demo/karin.ics" → "ics"; "google" → "google"."""
    return source.split(":", 1)[0]


def default_connectors(config_dir: Path, settings: Settings) -> Connectors:
    return Connectors(
        readers={
            "ics": IcsConnector(config_dir, timeout_seconds=settings.ics_timeout_seconds),
            "none": NoCalendar(),
        }
    )


def read_busy(
    connectors: Mapping[str, Connector], people: Sequence[CalendarRef], window: Interval
) -> dict[str, BusyReading]:
    """Each connector reads all of its people in one call. Keyed by connector kind, so the
    report can say how many requests each provider took."""
    groups: dict[str, list[CalendarRef]] = defaultdict(list)
    for person in people:
        groups[kind_of(person.source)].append(person)
    readings: dict[str, BusyReading] = {}
    for kind, group in sorted(groups.items()):
        connector = connectors.get(kind)
        if connector is None:
            readings[kind] = BusyReading(
                errors={
                    p.email: f'calendar "{p.source}" is not supported by this version of '
                    f"checkin-sync yet (use ics:<file or URL> or none)"
                    for p in group
                }
            )
            continue
        readings[kind] = connector.read_busy(group, window)
    return readings
