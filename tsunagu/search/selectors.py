"""Full-text search over the notes, formulations and assessments the actor may see.

One interface (`document_search`), two backends chosen by the database vendor:
- SQLite: an FTS5 table with the `trigram` tokenizer (`search_fts`), queried with a quoted
  phrase per word;
- PostgreSQL: a GIN pg_trgm index on `upper(body)`, used by `icontains` (Django writes
  `UPPER(body::text) LIKE UPPER(%s)`, with % and _ escaped).
A trigram index cannot answer words shorter than three characters, and Japanese is full of
two-character words (借金, 入院).  Those are matched with LIKE, but only inside the candidate
set that is already narrowed to the actor's cases (and the dates asked for), so the scan is
bounded by what one organization may see, not by the size of the city (ADR 0006).

Both sides are folded by `core.kana.fold`: the index holds each document's folded text and
every word of a query is folded the same way, so ぐるーぷほーむ, ｸﾞﾙｰﾌﾟﾎｰﾑ and ぐる-ぷほ-む
find グループホーム, and 髙橋 finds 高橋.  A word the core center's synonym list knows
(`Synonym`: GH ↔ グループホーム, 就B ↔ 就労継続支援B型 …) matches any word of its group.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.cases.access import cases_visible_to, visible_case_ids
from tsunagu.cases.models import Case
from tsunagu.cases.selectors import persons_shown
from tsunagu.core.actor import Actor
from tsunagu.core.kana import fold
from tsunagu.records.access import notes_visible_to
from tsunagu.search.access import synonym_keeper
from tsunagu.search.index_sql import FTS
from tsunagu.search.models import DocumentKind, SearchDocument, Synonym

MAX_RESULTS = 50
RARE_LIMIT = 5_000  # ids bound in one query, well under SQLite's 32,766 parameters
MAX_TERMS = 5
TRIGRAM = 3
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120

ASSESSMENT_KINDS = (DocumentKind.ASSESSMENT, DocumentKind.ASSESSMENT_SECTION)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kind: str = ""  # "", "note", "formulation" or "assessment"
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def terms(self) -> list[str]:
        """The words of the query (full-width spaces count as spaces), at most MAX_TERMS."""
        return [t for t in self.text.replace("\u3000", " ").split() if t][:MAX_TERMS]


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    record_id: int
    case_id: int
    case_label: str
    occurred_at: dt.datetime
    snippet: SafeString
    url: str


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    has_more: bool


def documents_visible_to(actor: Actor) -> QuerySet[SearchDocument]:
    """Documents whose source the actor may read, by the access rules of the source:
    formulations and assessments are visible exactly when their case is
    (`formulations_visible_to`, `assessments_visible_to`), notes too unless restricted, and a
    restricted note only when `notes_visible_to` lets the actor read it (its author's
    organization, the lead for notes written while it leads: ADR 0012).  tests/test_search.py
    checks that this equals those selectors.

    Written this way, not as `record_id IN <visible notes>`, because that subquery reads every
    note of the visible cases (100,000s at city scale) for each search; here the only
    per-note check is over the few restricted notes (ADR 0006)."""
    if actor.organization_id is None:
        return SearchDocument.objects.none()
    # The visible cases as one condition computed once per query (`in_once`): as a plain
    # subquery, both planners re-checked it per candidate document (a nested loop on
    # PostgreSQL).  The restricted notes the actor may read are looked up through the partial
    # index of restricted notes by case, for the visible cases only.
    case_ids = visible_case_ids(actor)
    restricted_ok = (
        notes_visible_to(actor)
        .filter(is_restricted=True, case_id__in_once=case_ids)
        .order_by()
        .values("pk")
    )
    return SearchDocument.objects.filter(case_id__in_once=case_ids).filter(
        Q(restricted=False) | Q(kind=DocumentKind.NOTE, record_id__in_once=restricted_ok)
    )


def synonym_groups() -> list[frozenset[str]]:
    """The synonym list as groups of folded words that stand for one another: a pair joins
    the groups of its two words (GH ↔ グループホーム ↔ 共同生活援助 is one group).  The list
    is short (the field's terms), so it is read whole, in one query."""
    group_of: dict[str, set[str]] = {}
    for term, synonym in Synonym.objects.values_list("term_folded", "synonym_folded"):
        merged = group_of.get(term, {term}) | group_of.get(synonym, {synonym})
        for word in merged:
            group_of[word] = merged
    unique = {id(group): group for group in group_of.values()}
    return [frozenset(group) for group in unique.values()]


def term_alternatives(terms: Sequence[str]) -> list[tuple[str, ...]]:
    """Each word of a query folded, with the folded words of its synonym group: the
    document must hold, for every word, at least one of its alternatives."""
    folded = [fold(term) for term in terms]
    groups = synonym_groups() if folded else []
    out: list[tuple[str, ...]] = []
    for word in folded:
        group = next((g for g in groups if word in g), frozenset())
        out.append((word, *sorted(group - {word})))
    return out


def fts_phrase(term: str) -> str:
    """An FTS5 string: one quoted phrase, inner quotes doubled, so no query syntax leaks in."""
    return '"' + term.replace('"', '""') + '"'


def _fts_rowids(term: str) -> list[int] | None:
    """The documents of the city whose text holds `term`, by the FTS5 index, or None when
    there are more than RARE_LIMIT of them.  A common word is cheaper to find by reading the
    actor's own documents than by collecting a quarter of the city's from the index and
    intersecting (ADR 0006); asking for one row more than the limit tells which it is."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s LIMIT %s",  # noqa: S608  # constant
            [fts_phrase(term), RARE_LIMIT + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= RARE_LIMIT else None


def _alternatives_rowids(alternatives: Sequence[str]) -> list[int] | None:
    """The documents holding any of the alternatives by the FTS5 index, when every
    alternative is long enough for it and rare; None when one is not (then LIKE)."""
    if connection.vendor != "sqlite" or any(len(a) < TRIGRAM for a in alternatives):
        return None
    found: set[int] = set()
    for alternative in alternatives:
        ids = _fts_rowids(alternative)
        if ids is None:
            return None
        found.update(ids)
    return sorted(found) if len(found) <= RARE_LIMIT else None


def _any_of(alternatives: Sequence[str]) -> Q:
    condition = Q()
    for alternative in alternatives:
        condition |= Q(folded__contains=alternative)
    return condition


def _terms_filter(terms: Sequence[Sequence[str]]) -> Q:
    """Every word (or one of its synonyms, all folded) must match.  On SQLite a rare word of
    3+ characters (all its synonyms too) is the set of documents FTS5 found for it; several
    rare words are intersected here, so the query binds at most RARE_LIMIT ids whatever the
    number of words.  PostgreSQL (whose planner weighs the trigram
    index against the actor's documents by its statistics), common words on SQLite and short
    words everywhere: LIKE, with the wildcards in the user's text escaped by Django, over the
    actor's documents."""
    condition = Q()
    rare: set[int] | None = None
    for alternatives in terms:
        ids = _alternatives_rowids(alternatives)
        if ids is None:
            condition &= _any_of(alternatives)
        else:
            rare = set(ids) if rare is None else rare & set(ids)
    if rare is not None:
        condition &= Q(pk__in=sorted(rare))
    return condition


def _bounds(query: SearchQuery) -> Q:
    bounds = Q()
    tz = timezone.get_current_timezone()
    if query.since:
        bounds &= Q(occurred_at__gte=dt.datetime.combine(query.since, dt.time.min, tzinfo=tz))
    if query.until:
        end = dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        bounds &= Q(occurred_at__lt=end)
    if query.kind == DocumentKind.ASSESSMENT:
        bounds &= Q(kind__in=ASSESSMENT_KINDS)
    elif query.kind:
        bounds &= Q(kind=query.kind)
    return bounds


def _folded_spans(body: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the folded `words` are in `body`, as spans of the original text.  The body is
    folded a character at a time (each folded character remembers where it came from), with
    a hyphen after a katakana read as ー; a word written across a voiced mark typed on its own
    or a run of hyphens is found by the search but not marked here."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(body):
        for piece in fold(char):
            if piece == "-" and chars and "ァ" <= chars[-1] <= "ヺ":
                piece = "ー"
            chars.append(piece)
            origin.append(index)
    text = "".join(chars)
    words = [w for w in words if w]
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        begin, end = origin[match.start()], origin[match.end() - 1] + 1
        if not spans or begin >= spans[-1][1]:
            spans.append((begin, end))
    return spans


def snippet(body: str, words: Sequence[str]) -> SafeString:
    """A window of `body` around the first match of the (folded) words, HTML-escaped, each
    match in <mark>."""
    spans = _folded_spans(body, words)
    start = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    window = body[start : start + SNIPPET_LENGTH]
    parts: list[str] = ["…"] if start > 0 else []
    last = 0
    for begin, end in spans:
        begin, end = begin - start, min(end - start, len(window))
        if begin < last or begin >= len(window):
            continue
        parts.append(escape(window[last:begin]))
        parts.append(f"<mark>{escape(window[begin:end])}</mark>")
        last = end
    parts.append(escape(window[last:]))
    if start + SNIPPET_LENGTH < len(body):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308  # every piece of user text escaped above


def _url(doc: SearchDocument) -> str:
    if doc.kind == DocumentKind.NOTE:
        return reverse("records:case_notes", args=[doc.case_id]) + f"#note-{doc.record_id}"
    if doc.kind == DocumentKind.FORMULATION:
        return reverse("records:formulation_list", args=[doc.case_id])
    return reverse("plans:assessment_detail", args=[doc.record_id])


def _case_label(case: Case | None) -> str:
    if case is None:
        return ""
    owner = case.person or case.household
    return f"{owner} / {case}" if owner else str(case)


def document_search(actor: Actor, *, query: SearchQuery) -> SearchResult:
    """The newest MAX_RESULTS documents that contain every word of the query."""
    terms = query.terms
    if not terms:
        return SearchResult(hits=[], has_more=False)
    alternatives = term_alternatives(terms)
    docs = documents_visible_to(actor).filter(_bounds(query))
    docs = docs.filter(_terms_filter(alternatives))
    found = list(docs.order_by("-occurred_at", "-pk")[: MAX_RESULTS + 1])
    shown = found[:MAX_RESULTS]
    cases = {
        c.pk: c
        for c in cases_visible_to(actor)
        .filter(pk__in={d.case_id for d in shown})
        .select_related("person", "household")
    }
    labels = dict(DocumentKind.choices)
    hits = [
        Hit(
            kind=d.kind,
            kind_label=str(labels.get(d.kind, d.kind)),
            record_id=d.record_id,
            case_id=d.case_id,
            case_label=_case_label(cases.get(d.case_id)),
            occurred_at=d.occurred_at,
            snippet=snippet(d.body, [a for group in alternatives for a in group]),
            url=_url(d),
        )
        for d in shown
    ]
    return SearchResult(hits=hits, has_more=len(found) > MAX_RESULTS)


def record_search_shown(actor: Actor, hits: Iterable[Hit]) -> None:
    """Which records came up is personal data too: the row names each one shown (not the
    words searched for, which may themselves be personal), and the persons of their cases."""
    hits = list(hits)
    case_ids = {h.case_id for h in hits}
    audit.record(
        action=Action.RECORD_VIEWED,
        actor=actor,
        target_type="search.searchdocument",
        person_ids=persons_shown(cases=Case.objects.filter(pk__in=case_ids)) if case_ids else (),
        detail={
            "search": True,
            "results": [{"kind": h.kind, "id": h.record_id, "case": h.case_id} for h in hits],
        },
    )


def synonym_list(actor: Actor) -> QuerySet[Synonym]:
    """The synonym list, for the core center that keeps it."""
    synonym_keeper(actor)
    return Synonym.objects.select_related("created_by")
