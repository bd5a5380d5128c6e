"""The house's measure (tools/house_lines.py, ADR 0011) keeps measuring what it says."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("house_lines", ROOT / "tools" / "house_lines.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("house_lines", module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_every_screen_of_the_filing_is_still_served_by_a_view_of_ours() -> None:
    tool = _tool()
    data = json.loads(tool.FILING.read_text(encoding="utf-8"))
    views = tool.views_now([s.get("route_now", s["route"]) for s in data["screens"]])
    assert len(views) == len(data["screens"]) == 143
    assert all(module.startswith("tsunagu.") for module, _ in views)
    routes = tool.api_views_now([a["operation"] for a in data["api"]])
    assert len(routes) == len(data["api"]) == 82
    assert all(module.startswith("tsunagu.") for module, _ in routes)


def test_only_the_definitions_a_view_reaches_are_counted_with_its_module_header() -> None:
    tool = _tool()
    sources = {
        "tsunagu.app.views": (
            '"""Docstring."""\n'
            "from tsunagu.app.screens import shared\n"
            "\n"
            "\n"
            "def _helper():\n"
            "    return 1\n"
            "\n"
            "\n"
            "@decorated\n"
            "def screen(request):\n"
            "    return shared(_helper())\n"
            "\n"
            "\n"
            "def other(request):\n"
            "    return 2\n"
        ),
        "tsunagu.app.screens": "def shared(value):\n    return value\n",
    }

    def read(module: str) -> tuple[str, bool] | None:
        return (sources[module], False) if module in sources else None

    views_only = tool._counted(ROOT, with_shared=False)
    with_shared = tool._counted(ROOT, with_shared=True)
    view = [("tsunagu.app.views", "screen")]
    # screen (3 lines with its decorator) + _helper (2) + the docstring and the import (2)
    assert tool.reached_lines(view, read, views_only) == 7
    # ... and the shared helper it imports (2)
    assert tool.reached_lines(view, read, with_shared) == 9


def test_only_the_hand_mappers_a_route_reaches_are_counted() -> None:
    tool = _tool()
    source = (
        "def _person_out(person) -> PersonOut:\n"
        "    return PersonOut(id=person.pk)\n"
        "\n"
        "\n"
        "def _other_out(thing) -> OtherOut:\n"
        "    return OtherOut(id=thing.pk)\n"
        "\n"
        "\n"
        "def _lookup(pk):\n"
        "    return pk\n"
        "\n"
        "\n"
        "@router.get('/persons/{pk}')\n"
        "def person_detail(request, pk):\n"
        "    return _person_out(_lookup(pk))\n"
    )

    def read(module: str) -> tuple[str, bool] | None:
        return (source, False) if module == "tsunagu.app.api" else None

    # _person_out (2 lines); not the route, not _lookup (no output schema), not _other_out
    assert tool.reached_mapper_lines([("tsunagu.app.api", "person_detail")], read) == 2
