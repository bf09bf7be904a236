"""The planner's count of check-ins per person and day, which holds managers to their daily
cap, counts each date once however it got into the agenda."""

from __future__ import annotations

from datetime import date, timedelta

from sync.model.values import Occurrence
from sync.planner.solver import _Planner
from tests.planner_helpers import inputs, manager, pair, utc


def test_a_date_counts_once_for_both_people_when_it_is_taken_out_and_put_back() -> None:
    boss = manager("boss@example.com", zone="UTC", holidays="")
    # Mia is both Boss's report and a manager held to a cap of her own
    mia = pair(boss, "mia@example.com", zone="UTC", holidays="")
    planner = _Planner(inputs(utc(2027, 3, 1, 7)))
    tuesday = utc(2027, 3, 2, 10)
    date_ = Occurrence(tuesday, tuesday, tuesday + timedelta(minutes=30))
    day = date(2027, 3, 2)

    planner.commit(mia, date_)
    assert planner.loads(boss.person)[day] == 1
    assert planner.loads(mia.employee.person)[day] == 1
    assert planner.loads(mia.employee.person, mia)[day] == 1

    planner.remove(mia, planner.commitment(mia, date_))
    assert planner.loads(boss.person)[day] == 0
    assert planner.loads(mia.employee.person)[day] == 0
    planner.commit(mia, date_)
    planner.retract(mia)
    planner.commit(mia, date_)
    assert planner.loads(boss.person)[day] == 1
    assert planner.loads(mia.employee.person)[day] == 1
    assert planner.loads(mia.employee.person, mia)[day] == 1
