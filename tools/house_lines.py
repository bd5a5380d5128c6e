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

The same screens (`--filing`): the tree's measure grows with every new screen, so it cannot say
by itself whether the same behaviour takes fewer lines.  `tools/house_filing_screens.json` lists
the 143 routes Tsunagu's own views served and the API's 82 operations when issue 14 was filed
(commit in the file).  For those, at that commit (read with `git show`) and in the working tree
(resolved by today's URL conf and API, so it needs the settings: `make house-lines` sets them),
it counts the top-level definitions the views reach by name, following imports between view
modules (and, in the last figure, into the shared screen helpers), plus the imports and
docstring of every module reached.  Blank lines between definitions are not counted, so these
figures are smaller than `wc -l`; both commits are counted the same way.  The hand mappers are
counted twice: those the filing's API operations reach (the same behaviour), and every one in
the tree (new operations' too).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    return hand_mapper_lines_in(path.read_text(encoding="utf-8"))


def hand_mapper_lines_in(source: str) -> int:
    return sum(
        (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.parse(source).body
        if _is_mapper(node, source)
    )


def _is_mapper(node: ast.stmt, source: str) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.decorator_list:
        return False
    returns = ast.unparse(node.returns) if node.returns else ""
    body = ast.get_source_segment(source, node) or ""
    return bool(OUT_CALL.search(body) or re.search(r"\w*Out\b", returns))


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


# --- The same screens at the filing and now --------------------------------------------------

FILING = Path(__file__).with_name("house_filing_screens.json")


@dataclass
class Module:
    """A module's top-level definitions: lines (decorators included) and the names each uses."""

    header: int = 0
    definitions: dict[str, tuple[int, set[str]]] = field(default_factory=dict)
    mappers: dict[str, int] = field(default_factory=dict)  # the hand mappers among them
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, name: str, source: str, is_package: bool) -> Module:
        module = cls()
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.parse(source).body:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            lines = (node.end_lineno or node.lineno) - first + 1
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = (base, alias.name)
            names = _defined_names(node)
            if not names:  # imports, the docstring, module-level statements
                module.header += lines
                continue
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if _is_mapper(node, source):
                module.mappers[names[0]] = lines
            for defined in names:
                before, before_used = module.definitions.get(defined, (0, set()))
                module.definitions[defined] = (before + lines, before_used | used)
        return module


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


Reader = Callable[[str], tuple[str, bool] | None]


def reach(
    views: Iterable[tuple[str, str]], read: Reader, counted: Callable[[str], bool]
) -> tuple[set[tuple[str, str]], dict[str, Module]]:
    """The definitions the `views` reach by name, in the modules `counted` admits, and those
    modules.  `read(module)` gives its source and whether it is a package, or None."""
    modules: dict[str, Module | None] = {}

    def module(name: str) -> Module | None:
        if name not in modules:
            found = read(name) if counted(name) else None
            modules[name] = Module.parse(name, *found) if found else None
        return modules[name]

    reached: set[tuple[str, str]] = set()
    stack = list(views)
    while stack:
        name, definition = stack.pop()
        found = module(name)
        if found is None or (name, definition) in reached:
            continue
        if definition not in found.definitions:
            if definition in found.imports:
                stack.append(found.imports[definition])
            continue
        reached.add((name, definition))
        for used in found.definitions[definition][1]:
            if used in found.definitions:
                stack.append((name, used))
            elif used in found.imports:
                stack.append(found.imports[used])
    return reached, {name: found for name, found in modules.items() if found is not None}


def reached_lines(
    views: Iterable[tuple[str, str]], read: Reader, counted: Callable[[str], bool]
) -> int:
    """Lines of the definitions the `views` reach and the header of each module reached."""
    reached, modules = reach(views, read, counted)
    body = sum(modules[name].definitions[definition][0] for name, definition in reached)
    return body + sum(modules[name].header for name in {name for name, _ in reached})


def reached_mapper_lines(routes: Iterable[tuple[str, str]], read: Reader) -> int:
    """Lines of the hand mappers the API's `routes` reach in the `api.py` modules."""
    reached, modules = reach(routes, read, lambda module: module.endswith(".api"))
    return sum(modules[name].mappers.get(definition, 0) for name, definition in reached)


def _counted(root: Path, with_shared: bool) -> Callable[[str], bool]:
    package = root / "tsunagu"

    def counted(module: str) -> bool:
        if not module.startswith("tsunagu."):
            return False
        path = root / (module.replace(".", "/") + ".py")
        if _skipped(path, package):
            return False
        return is_view(path, package) or (with_shared and is_screen_helper(path, package))

    return counted


def _reader_at(root: Path, commit: str) -> Reader:
    def read(module: str) -> tuple[str, bool] | None:
        base = module.replace(".", "/")
        for path, is_package in ((f"{base}.py", False), (f"{base}/__init__.py", True)):
            shown = subprocess.run(  # noqa: S603  # git, with a path from our own module names
                ["git", "-C", str(root), "show", f"{commit}:{path}"],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
            )
            if shown.returncode == 0:
                return shown.stdout, is_package
        return None

    return read


def _reader_now(root: Path) -> Reader:
    def read(module: str) -> tuple[str, bool] | None:
        base = root / module.replace(".", "/")
        for path, is_package in ((base.with_suffix(".py"), False), (base / "__init__.py", True)):
            if path.exists():
                return path.read_text(encoding="utf-8"), is_package
        return None

    return read


def _mappers_at(root: Path, commit: str) -> int:
    listed = subprocess.run(  # noqa: S603
        ["git", "-C", str(root), "ls-tree", "-r", "--name-only", commit, "tsunagu"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    read = _reader_at(root, commit)
    total = 0
    for path in listed:
        if path.endswith("/api.py") and "/tests/" not in path:
            found = read(path.removesuffix(".py").replace("/", "."))
            total += hand_mapper_lines_in(found[0]) if found else 0
    return total


def views_now(routes: Iterable[str]) -> list[tuple[str, str]]:
    """The view (module, top-level name) serving each route in today's URL conf."""
    import django  # the tree's own settings (make house-lines sets them)
    from django.urls import URLPattern, URLResolver, get_resolver

    django.setup()
    served: dict[str, tuple[str, str]] = {}

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view = getattr(pattern.callback, "view_class", pattern.callback)
            while hasattr(view, "func") and not hasattr(view, "__qualname__"):
                view = view.func  # functools.partial
            view = getattr(view, "__wrapped__", view)
            while hasattr(view, "__wrapped__"):
                view = view.__wrapped__
            served.setdefault(prefix + str(pattern.pattern), (view.__module__, view.__qualname__))

    walk(get_resolver().url_patterns, "")
    missing = [route for route in routes if route not in served]
    if missing:
        raise SystemExit(f"routes of the filing no longer served: {missing}")
    hidden = [served[route][1] for route in routes if "<locals>" in served[route][1]]
    if hidden:  # a decorator without functools.wraps: the wrapper would be counted, not the view
        raise SystemExit(f"views hidden by their decorator: {hidden}")
    return [(served[route][0], served[route][1].partition(".")[0]) for route in routes]


def api_views_now(operations: Iterable[str]) -> list[tuple[str, str]]:
    """The function (module, top-level name) answering each API operation ("GET /persons")."""
    import django

    django.setup()
    from tsunagu.api import api

    answered: dict[str, tuple[str, str]] = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                view = operation.view_func
                while hasattr(view, "__wrapped__"):
                    view = view.__wrapped__
                route = "/" + "/".join(p for p in (prefix.strip("/"), path.strip("/")) if p)
                for method in operation.methods:
                    answered[f"{method} {route}"] = (view.__module__, view.__qualname__)
    missing = [operation for operation in operations if operation not in answered]
    if missing:
        raise SystemExit(f"API operations of the filing no longer answered: {missing}")
    return [answered[operation] for operation in operations]


def filing(root: Path) -> dict[str, int]:
    """The same screens at the filing and now: views, and views with the shared helpers."""
    data = json.loads(FILING.read_text(encoding="utf-8"))
    then = [tuple(s["view"].split(":")) for s in data["screens"]]
    now = views_now([s.get("route_now", s["route"]) for s in data["screens"]])
    figures = {"mappers filing": _mappers_at(root, data["commit"]), "mappers now": 0}
    package = root / "tsunagu"
    for path in package.rglob("api.py"):
        if not _skipped(path, package):
            figures["mappers now"] += hand_mapper_lines(path)
    operations = [a["operation"] for a in data["api"]]
    figures["same mappers filing"] = reached_mapper_lines(
        [tuple(a["view"].split(":")) for a in data["api"]], _reader_at(root, data["commit"])
    )
    figures["same mappers now"] = reached_mapper_lines(api_views_now(operations), _reader_now(root))
    for shared in (False, True):
        suffix = " and shared helpers" if shared else ""
        figures["filing" + suffix] = reached_lines(
            then, _reader_at(root, data["commit"]), _counted(root, shared)
        )
        figures["now" + suffix] = reached_lines(now, _reader_now(root), _counted(root, shared))
    return figures


def main(argv: list[str]) -> int:
    if "--filing" in argv:
        argv = [a for a in argv if a != "--filing"]
        root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
        return print_filing(root)
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


def print_filing(root: Path) -> int:
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    figures = filing(root)
    data = json.loads(FILING.read_text(encoding="utf-8"))
    print(
        f"the {len(data['screens'])} screens and {len(data['api'])} API operations of the "
        f"filing ({data['commit'][:7]}), then -> now:"
    )
    rows = [
        ("views + their hand mappers", "", "same mappers"),
        ("views + every hand mapper", "", "mappers"),
        ("views and shared helpers + every hand mapper", " and shared helpers", "mappers"),
    ]
    for label, views, mappers in rows:
        then = figures["filing" + views] + figures[mappers + " filing"]
        now = figures["now" + views] + figures[mappers + " now"]
        print(
            f"  {label}: {figures['filing' + views]} + {figures[mappers + ' filing']} = {then}"
            f" -> {figures['now' + views]} + {figures[mappers + ' now']} = {now}"
            f" ({now / then - 1:+.1%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
