"""The organisation cut into clusters of whole subtrees for the bench's optimum: every pair
in one cluster, every team whole, clusters connected and as few as the size limit allows."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.clusters import Cluster, clusters, relaxed_links

Pair = tuple[str, str]


def tree(parents: list[int], leaves: list[int]) -> list[Pair]:
    """Managers m0..mn (m0 the head, mi under m{parents[i-1]}), each with `leaves[i]`
    reports who manage nobody."""
    pairs = [(f"m{parent}", f"m{index + 1}") for index, parent in enumerate(parents)]
    pairs += [(f"m{m}", f"e{m}.{k}") for m, count in enumerate(leaves) for k in range(count)]
    return pairs


TREES = st.integers(1, 9).flatmap(
    lambda n: st.tuples(
        st.tuples(*[st.integers(0, i) for i in range(n - 1)]).map(list),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


def boss_of(pairs: list[Pair]) -> dict[str, str]:
    return {employee: manager for manager, employee in pairs}


def check_whole_subtrees(found: list[Cluster], pairs: list[Pair]) -> None:
    every = [p for c in found for p in c.pairs]
    assert sorted(every) == sorted(pairs)  # every pair in exactly one cluster
    boss = boss_of(pairs)
    for cluster in found:
        assert {m for m, _ in cluster.pairs} <= set(cluster.managers)
        assert [p for p in pairs if p[0] in cluster.managers] == [
            p for p in pairs if p in cluster.pairs
        ]  # a manager's team is whole in their cluster
        for manager in cluster.managers:  # connected: up to the root inside the cluster
            if manager != cluster.root:
                assert boss[manager] in cluster.managers


def fewest_clusters(pairs: list[Pair], limit: int) -> int:
    """By brute force over which manager-to-manager links to cut: each cluster at most
    `limit` pairs, unless it is one team larger than that."""
    managers = sorted({m for m, _ in pairs})
    links = [(b, e) for b, e in pairs if e in managers]
    size = {m: sum(1 for p in pairs if p[0] == m) for m in managers}
    for count in range(len(links) + 1):
        for cut in itertools.combinations(links, count):
            kept = boss_of([link for link in links if link not in cut])
            weight: dict[str, list[int]] = {}
            for manager in managers:
                top = manager
                while top in kept:
                    top = kept[top]
                weight.setdefault(top, []).append(size[manager])
            if all(sum(w) <= limit or len(w) == 1 for w in weight.values()):
                return len(weight)
    raise AssertionError("cutting every link always fits")


@settings(max_examples=60, deadline=None)
@given(TREES, st.integers(0, 30))
def test_clusters_are_whole_subtrees_as_few_as_the_limit_allows(
    shape: tuple[list[int], list[int]], limit: int
) -> None:
    pairs = tree(*shape)
    if not pairs:
        return
    found = clusters(pairs, limit)
    check_whole_subtrees(found, pairs)
    assert all(len(c.pairs) <= limit or len(c.managers) == 1 for c in found)
    assert len(found) == fewest_clusters(pairs, limit)
    assert relaxed_links(found, pairs) == len(found) - 1  # one head: every other root a link


def test_the_heaviest_report_subtree_is_cut_first() -> None:
    """m0 (2 reports) over m1 (5 pairs of its own) and m2 (3): at a limit of 7, cutting m1
    alone leaves m0 with 2 + 3 = 5 pairs, one link instead of two."""
    pairs = tree([0, 0], [0, 5, 3])
    found = clusters(pairs, 7)
    assert [(c.root, c.managers) for c in found] == [("m0", ("m0", "m2")), ("m1", ("m1",))]
    assert relaxed_links(found, pairs) == 1


def test_within_the_limit_the_organisation_is_one_cluster_and_no_link_is_relaxed() -> None:
    pairs = tree([0, 0, 1], [3, 4, 2, 5])
    (only,) = clusters(pairs, len(pairs))
    assert only.root == "m0" and sorted(only.pairs) == sorted(pairs)
    assert relaxed_links([only], pairs) == 0


def test_separate_organisations_are_separate_clusters_without_a_relaxed_link() -> None:
    pairs = [*tree([0], [2, 2]), ("x0", "x1"), ("x0", "x2")]
    found = clusters(pairs, 100)
    assert [c.root for c in found] == ["m0", "x0"]
    assert relaxed_links(found, pairs) == 0


def test_the_clusters_do_not_depend_on_the_order_of_the_pairs() -> None:
    pairs = tree([0, 0, 1, 1, 2, 0], [2, 6, 1, 4, 4, 3, 5])
    shuffled = list(pairs)
    random.Random(3).shuffle(shuffled)
    assert clusters(shuffled, 9) == clusters(pairs, 9)
