"""The API's response models are built once per type (issue 15, ADR 0007): ninja made one per
operation and status code, 1,556 compiled pydantic models for some 300 types, about 18 MB in
every worker.  Sharing them must not change a byte of what a client sees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ninja import Schema

from tsunagu.api import api
from tsunagu.core.api import _build_response_model


def _answers() -> Iterator[tuple[Any, int, Any]]:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for status, model in operation.response_models.items():
                    if model is not None:
                        yield operation, status, model


def _built(operation: Any, response: Any) -> Any:
    """ninja's own model for `response` (never None for a type a route answers with)."""
    return _build_response_model(operation, response)


def _wrapped(model: Any) -> Any:
    return model.model_fields["response"].annotation


def test_routes_that_answer_with_one_type_share_one_model():
    models: dict[Any, set[int]] = {}
    answers = 0
    for _operation, _status, model in _answers():
        models.setdefault(_wrapped(model), set()).add(id(model))
        answers += 1
    assert {response: len(ids) for response, ids in models.items() if len(ids) > 1} == {}
    # The four errors of every route that writes are one model each, not one per route.
    assert answers > 3 * len(models)


def test_a_shared_model_is_the_one_ninja_would_have_built():
    """Its JSON schema (the OpenAPI document's answer) and what it makes of an answer are
    those of the model ninja builds for the same type on its own."""
    seen: set[int] = set()
    for operation, _status, model in _answers():
        if id(model) in seen:
            continue
        seen.add(id(model))
        own = _built(operation, _wrapped(model))
        assert json.dumps(model.model_json_schema(), sort_keys=True) == json.dumps(
            own.model_json_schema(), sort_keys=True
        )
        assert model.model_config == own.model_config
    error = {"error": {"code": "not_found", "message": "見つかりません。"}}
    for operation, status, model in _answers():
        if status == 404:
            own = _built(operation, _wrapped(model))
            assert (
                model.model_validate({"response": error}).model_dump()
                == own.model_validate({"response": error}).model_dump()
            )
            break


def test_a_schema_is_compiled_when_first_used():
    from tsunagu.core.api import ErrorOut

    assert Schema.model_config.get("defer_build") is True
    assert ErrorOut.model_validate(
        {"error": {"code": "conflict", "message": "競合しました。"}}
    ).model_dump() == {"error": {"code": "conflict", "message": "競合しました。"}}
    assert ErrorOut.__pydantic_complete__
