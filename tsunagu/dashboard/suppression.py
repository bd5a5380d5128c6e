"""Small-cell suppression for the council's figures (de-identified aggregates).

A count from 1 to 4 is not shown ("5未満"): with so few people a reader who knows the
neighbourhood may recognise them.  Hiding the cell is not enough when a total is shown: the
total minus the cells shown gives the hidden one back.  So each table declares its sums (a total
and the cells that add up to it), and a sum never has exactly one hidden member: where it has,
the smallest other member is hidden too (complementary suppression), until no sum has one.  A
total that is itself 1–4 is hidden like any cell.  A grand total is never chosen as the
complement (it is the same count in every table of one population, so it is shown in all or
hidden in all); the cells beside it are hidden instead.

Zero is shown: it describes nobody.  A zero may still be hidden as a complement.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
THRESHOLD = 5


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def hidden_cells(
    values: Mapping[K, int],
    sums: Iterable[tuple[K, Sequence[K]]] = (),
    *,
    keep: Iterable[K] = (),
    also_hidden: Iterable[K] = (),
) -> set[K]:
    """The keys of `values` to hide.  `sums` are (total key, member keys); `keep` are keys never
    hidden as a complement (grand totals); `also_hidden` are hidden from the start (e.g. a total
    hidden in another table)."""
    hidden = {key for key, value in values.items() if is_small(value)} | set(also_hidden)
    kept = set(keep)
    equations = [(total, [total, *members]) for total, members in sums]
    changed = True
    while changed:
        changed = False
        for _total, group in equations:
            if sum(1 for key in group if key in hidden) != 1:
                continue
            candidates = [key for key in group if key not in hidden and key not in kept]
            if not candidates:
                continue
            hidden.add(min(candidates, key=lambda key: values[key]))
            changed = True
    return hidden
