"""Small-cell suppression (dashboard/suppression.py): no count from 1 to 4 is shown, and no sum
is left with exactly one hidden member (it could be worked back from the total)."""

from __future__ import annotations

from tsunagu.dashboard.suppression import hidden_cells


def test_small_counts_are_hidden_and_zero_and_five_are_not():
    assert hidden_cells({"a": 0, "b": 1, "c": 4, "d": 5, "e": 12}) == {"b", "c"}


def test_one_hidden_cell_in_a_sum_takes_the_smallest_other_with_it():
    values = {"a": 3, "b": 10, "c": 12, "total": 25}
    hidden = hidden_cells(values, [("total", ["a", "b", "c"])], keep=["total"])
    assert hidden == {"a", "b"}


def test_two_small_cells_need_no_complement():
    values = {"a": 3, "b": 2, "c": 12, "total": 17}
    assert hidden_cells(values, [("total", ["a", "b", "c"])], keep=["total"]) == {"a", "b"}


def test_a_small_total_is_hidden_and_then_its_only_small_part_needs_nothing_more():
    values = {"a": 3, "b": 0, "total": 3}
    assert hidden_cells(values, [("total", ["a", "b"])], keep=["total"]) == {"a", "total"}


def test_a_zero_can_be_the_complement():
    values = {"a": 3, "b": 0, "c": 20, "total": 23}
    assert hidden_cells(values, [("total", ["a", "b", "c"])], keep=["total"]) == {"a", "b"}


def test_complements_spread_across_rows_and_columns_until_no_sum_has_one_hidden():
    # A 2x2 table with row and column totals and a grand total.
    values = {
        "r1c1": 2, "r1c2": 10, "r1": 12,
        "r2c1": 8, "r2c2": 9, "r2": 17,
        "c1": 10, "c2": 19, "all": 29,
    }  # fmt: skip
    sums = [
        ("r1", ["r1c1", "r1c2"]),
        ("r2", ["r2c1", "r2c2"]),
        ("c1", ["r1c1", "r2c1"]),
        ("c2", ["r1c2", "r2c2"]),
        ("all", ["r1", "r2"]),
    ]
    hidden = hidden_cells(values, sums, keep=["all"])
    assert "r1c1" in hidden
    for total, members in sums:
        group = [total, *members]
        assert sum(1 for key in group if key in hidden) != 1, (total, hidden)
    assert "all" not in hidden


def test_a_total_hidden_elsewhere_takes_a_part_here_with_it():
    # The parts' sum would give the hidden total back: one part is hidden too.
    values = {"a": 6, "b": 7, "total": 13}
    hidden = hidden_cells(values, [("total", ["a", "b"])], also_hidden=["total"])
    assert hidden == {"total", "a"}
