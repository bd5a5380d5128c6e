"""Full-text search over JSON: the same selector and audit row as the screen."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Router

from tsunagu.core.api import ErrorOut
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Out
from tsunagu.core.validators import WHITE_SPACE, SaneDate
from tsunagu.search import selectors
from tsunagu.search.forms import SearchForm

router = Router(tags=["search"])

# What SearchForm takes, declared (the form keeps refusing the rest with its own message):
# at most 100 characters, 1 to MAX_TERMS words between white space.
_WORD = rf"[^{WHITE_SPACE}]+"
TERMS_PATTERN = (
    rf"^[{WHITE_SPACE}]*{_WORD}(?:[{WHITE_SPACE}]+{_WORD}){{0,{selectors.MAX_TERMS - 1}}}"
    rf"[{WHITE_SPACE}]*$"
)
Terms = Annotated[str, Field(json_schema_extra={"maxLength": 100, "pattern": TERMS_PATTERN})]


class HitOut(Out):
    kind: str
    kind_label: str
    record_id: int
    case_id: int
    case_label: str
    occurred_at: dt.datetime
    snippet_html: str = Field(
        alias="snippet", description="HTMLエスケープ済み。一致部分は<mark>で囲みます。"
    )
    url: str


class SearchOut(Out):
    results: list[HitOut] = Field(alias="hits")
    has_more: bool = Field(..., description=f"新しい順の{selectors.MAX_RESULTS}件より多いか")


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    summary="記録の全文検索（支援経過記録・見立て・アセスメント、新しい順）",
    url_name="search",
)
def search(
    request: TsunaguRequest,
    q: Terms,
    kind: Literal["", "note", "formulation", "assessment"] = "",
    since: SaneDate | None = None,
    until: SaneDate | None = None,
) -> selectors.SearchResult:
    form = SearchForm({"q": q, "kind": kind, "since": since or "", "until": until or ""})
    if not form.is_valid():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        raise Invalid(" ".join(messages))
    result = selectors.document_search(actor=request.actor, query=form.search_query())
    selectors.record_search_shown(request.actor, result.hits)
    return result
