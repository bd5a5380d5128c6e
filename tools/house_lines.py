"""The house's measure (ADR 0011, Consequences): lines of the views plus the API's hand mappers.

- Views: every line (blank and comment lines too, as `wc -l` counts them) of `views.py`,
  `views/*.py` and `*_views.py` under `tsunagu/`, tests left out.
- Hand mappers: in each `api.py`, the module-level functions that are not routes (no
  decorator) and build an output schema by hand: they call a `...Out(` class or are typed to
  return one.  Routes that return model instances read through `core.schemas.Out` are not
  mappers.
- Shown apart, so that the figure stays honest: the shared screen helpers the views lean on
  (`core/screens.py`, every other `screens.py` and every `lists.py` that is not itself a view).

Run: `make house-lines` (or `python tools/house_lines.py [root]`).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

OUT_CALL = re.compile(r"\b[A-Z]\w*Out\(")


def _app(path: Path, package: Path) -> str:
    return path.relative_to(package).parts[0] if len(path.relative_to(package).parts) > 1 else "-"


def _skipped(path: Path, package: Path) -> bool:
    parts = path.relative_to(package).parts
    return "tests" in parts or "migrations" in parts


def is_view(path: Path, package: Path) -> bool:
    parts = path.relative_to(package).parts
    return path.name == "views.py" or path.name.endswith("_views.py") or "views" in parts[:-1]


def is_screen_helper(path: Path, package: Path) -> bool:
    return path.name in ("screens.py", "lists.py") and not is_view(path, package)


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def hand_mapper_lines(path: Path) -> int:
    source = path.read_text(encoding="utf-8")
    total = 0
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.decorator_list:
            continue
        returns = ast.unparse(node.returns) if node.returns else ""
        body = ast.get_source_segment(source, node) or ""
        if OUT_CALL.search(body) or re.search(r"\w*Out\b", returns):
            total += (node.end_lineno or node.lineno) - node.lineno + 1
    return total


def measure(root: Path) -> dict[str, dict[str, int]]:
    """Per app: views, hand mappers and shared screen helpers (lines)."""
    package = root / "tsunagu"
    figures: dict[str, dict[str, int]] = defaultdict(
        lambda: {"views": 0, "mappers": 0, "shared": 0}
    )
    for path in sorted(package.rglob("*.py")):
        if _skipped(path, package):
            continue
        app = _app(path, package)
        if is_view(path, package):
            figures[app]["views"] += lines_of(path)
        elif path.name == "api.py":
            figures[app]["mappers"] += hand_mapper_lines(path)
        if is_screen_helper(path, package):
            figures[app]["shared"] += lines_of(path)
    return {app: dict(f) for app, f in sorted(figures.items()) if any(f.values())}


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    figures = measure(root)
    print(f"{'app':<16}{'views':>8}{'mappers':>9}{'measure':>9}{'shared':>9}")
    for app, f in figures.items():
        print(
            f"{app:<16}{f['views']:>8}{f['mappers']:>9}"
            f"{f['views'] + f['mappers']:>9}{f['shared']:>9}"
        )
    views = sum(f["views"] for f in figures.values())
    mappers = sum(f["mappers"] for f in figures.values())
    shared = sum(f["shared"] for f in figures.values())
    print(f"{'total':<16}{views:>8}{mappers:>9}{views + mappers:>9}{shared:>9}")
    print(
        f"measure (views + hand mappers): {views} + {mappers} = {views + mappers}; "
        f"with the shared screen helpers: {views + mappers + shared}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
