"""The pure planner: people, busy time and existing check-ins in; proposals with reasons out.

No network, no database, no clock: `now` is part of the input.
"""

from sync.planner.requests import (
    Commitment,
    PairRequest,
    PlanFailure,
    PlanningInput,
    PlanOutcome,
)
from sync.planner.solver import plan

__all__ = ["Commitment", "PairRequest", "PlanFailure", "PlanOutcome", "PlanningInput", "plan"]
