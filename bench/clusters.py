"""The organisation cut into clusters of whole subtrees, for the exact optimum.

The optimum's program grows faster than the organisation, so above a few thousand pairs it
is solved in parts. A part is a cluster of managers' teams: a manager's team with their
reporting managers' teams, recursively, down to where another cluster begins. Every pair
lies in exactly one cluster, its manager's. A middle manager whose team starts a new cluster
is a link between two clusters: their check-in with their own manager is in the upper
cluster, their team's check-ins in their own, and neither program sees the other's part of
their day. Those links are what solving in parts relaxes, so the cut is made where the
fewest of them are.

Fewest links for a size limit is the tree-partition problem of Kundu and Misra (1977):
bottom-up, each manager's subtree keeps what its reports' clusters have not closed; while
it holds more pairs than the limit, the heaviest report subtree is closed into a cluster of
its own. Greedy in this order cuts the fewest edges any partition into connected parts of
at most `limit` pairs can (a manager's own team is never split, so a team larger than the
limit is a cluster on its own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

Pair = tuple[str, str]


@dataclass(frozen=True)
class Cluster:
    root: str
    """The manager at its top: the organisation's head, or a middle manager whose check-in
    with their own manager lies in another cluster (a relaxed link)."""
    managers: tuple[str, ...]
    pairs: tuple[Pair, ...]


def clusters(pairs: Iterable[Pair], limit: int) -> list[Cluster]:
    """The pairs' managers grouped into connected subtrees of at most `limit` pairs where a
    team allows it, with as few subtrees (and so relaxed links) as possible; in the order of
    their roots' emails, each cluster's pairs sorted."""
    teams: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        teams[pair[0]].append(pair)
    below: dict[str, list[str]] = {
        manager: sorted(employee for _, employee in team if employee in teams)
        for manager, team in teams.items()
    }
    has_boss = {m for reports in below.values() for m in reports}
    heads = sorted(m for m in teams if m not in has_boss)
    roots = list(heads)
    kept: dict[str, int] = {}  # pairs of a manager's subtree not yet closed into a cluster
    for manager in _bottom_up(heads, below):
        open_reports = sorted(below[manager], key=lambda m: (-kept[m], m))
        weight = len(teams[manager]) + sum(kept[m] for m in open_reports)
        for report in open_reports:  # the heaviest first
            if weight <= limit:
                break
            roots.append(report)
            weight -= kept[report]
            kept[report] = 0
        kept[manager] = weight
    starts = set(roots)
    out = []
    for root in sorted(starts):
        managers = _members(root, below, starts)
        out.append(
            Cluster(root, tuple(managers), tuple(sorted(p for m in managers for p in teams[m])))
        )
    return out


def relaxed_links(found: list[Cluster], pairs: Iterable[Pair]) -> int:
    """Middle managers whose own check-in lies in another cluster than their team's."""
    employees = {employee for _, employee in pairs}
    return sum(1 for cluster in found if cluster.root in employees)


def _bottom_up(heads: list[str], below: dict[str, list[str]]) -> list[str]:
    """Managers, every one after all the managers below them (without recursion: an
    organisation can be deep)."""
    order: list[str] = []
    stack = list(reversed(heads))
    while stack:
        manager = stack.pop()
        order.append(manager)
        stack.extend(below[manager])
    return order[::-1]


def _members(root: str, below: dict[str, list[str]], starts: set[str]) -> list[str]:
    out, stack = [], [root]
    while stack:
        manager = stack.pop()
        out.append(manager)
        stack.extend(m for m in below[manager] if m not in starts)
    return sorted(out)
