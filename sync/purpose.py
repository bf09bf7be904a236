"""What a check-in is for, written into every invitation so each one has a clear purpose."""

from __future__ import annotations


def summary(manager_name: str, employee_name: str) -> str:
    return f"Check-in: {manager_name} / {employee_name}"


def description(manager_name: str, employee_name: str, cadence: str, cadence_reason: str) -> str:
    when = cadence
    if cadence_reason and cadence_reason != "regular cadence":
        when += f" ({cadence_reason})"
    return "\n".join(
        [
            f"A regular check-in between {employee_name} and {manager_name}, {when}.",
            "",
            "Purpose: how you are doing, not only how the work goes. Workload, wellbeing, "
            "what helps and what gets in the way, and what you need from each other.",
            "",
            'For the manager: listen more than you talk, and ask "How are you?" and mean it.',
            "For the employee: bring what is on your mind; you can also ask for an extra "
            "check-in whenever you need one.",
            "",
            "Planned by checkin-sync at a time when both calendars were free.",
        ]
    )
