"""A 0/1 integer program handed to HiGHS: maximise the weights of the columns chosen, each
row bounding how many of its columns are chosen. Used by the planner for a team's hard weeks
(team_weeks.py) and by the bench for the exact optimum."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from highspy._core import _Highs

Row = tuple[float, float, Sequence[int]]
"""At least, at most, of these columns (by index)."""


def solved(
    weights: Sequence[float], rows: Sequence[Row], options: Mapping[str, bool | int | float]
) -> _Highs:
    """HiGHS after running the program: ask it for the solution and status. It runs
    silently, on one thread, with a fixed seed, whatever `options` adds."""
    # imported here: only a run that builds a program pays for loading the solver. The bare
    # binding, because the wrapper class prints a banner on stdout however it is set up.
    import highspy
    import numpy as np
    from highspy._core import _Highs

    highs = _Highs()
    for name, value in {"output_flag": False, "threads": 1, "random_seed": 0, **options}.items():
        highs.setOptionValue(name, value)
    count = len(weights)
    no_entries = np.zeros(count, dtype=np.int32)  # the rows below carry the coefficients
    highs.addCols(
        count,
        np.array(weights, dtype=float),
        np.zeros(count),
        np.ones(count),
        0,
        no_entries,
        no_entries[:0],
        np.zeros(0),
    )
    highs.changeColsIntegrality(
        count,
        np.arange(count, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * count),
    )
    if rows:
        starts = np.cumsum([0] + [len(m) for _, _, m in rows[:-1]], dtype=np.int32)
        indices = np.array([i for _, _, m in rows for i in m], dtype=np.int32)
        highs.addRows(
            len(rows),
            np.array([low for low, _, _ in rows], dtype=float),
            np.array([high for _, high, _ in rows], dtype=float),
            len(indices),
            starts,
            indices,
            np.ones(len(indices)),
        )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    return highs
