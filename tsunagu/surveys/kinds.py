"""What each kind of question asks and what its answers hold: one handler per kind.

A handler checks a question's definition (its choices, rows and columns), reads an answer from
what a form or a JSON body sent (raising `ValueError` with a Japanese message), and adds the
answers up for the results page.  A new kind (such as the de-identified "list up to N of your own
cases") is one more `QuestionKind` choice and one more handler registered here; nothing else in
the app branches on the kind.

Answer values, as stored in `Answer.value`:
- number: an int (0..MAX_COUNT);
- single: the chosen option's text; multiple: a list of option texts;
- text: a string;
- table: a list of rows, each a list of ints (or None for a blank cell), rows × columns;
- cases: a list of rows {"rank", "summary", "factors", "kept"}: the de-identified summary the
  office reviewed, the case's difficulty factor keys copied when it saved, the expressions it
  kept with a reason.  Never the case's id: that stays on the office's side (`Answer.own_cases`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tsunagu.cases.access import active_team_members, cases_visible_to, without_break_glass
from tsunagu.cases.models import Case, CaseStatus, DifficultyFactor
from tsunagu.core.actor import Actor
from tsunagu.core.validators import has_bad_characters
from tsunagu.meetings import deidentify
from tsunagu.surveys.models import (
    CHOICE_MAX_LENGTH,
    DEFAULT_CASE_ROWS,
    MAX_CASE_ROWS,
    MAX_CHOICES,
    MAX_COUNT,
    TEXT_ANSWER_MAX_LENGTH,
    QuestionKind,
)


@dataclass(frozen=True)
class Definition:
    # As given (a form's lines, a JSON body's list); `Handler.definition` checks them.
    choices: Sequence[Any] = ()
    rows: Sequence[Any] = ()
    columns: Sequence[Any] = ()
    max_rows: int = DEFAULT_CASE_ROWS


@dataclass
class Aggregate:
    """A question's answers added up over the submitted responses."""

    answered: int = 0
    total: int | None = None  # number: the sum
    minimum: int | None = None
    maximum: int | None = None
    counts: list[tuple[str, int]] = field(default_factory=list)  # choices: option → offices
    table: list[list[int]] = field(default_factory=list)  # table: the cells summed
    texts: list[str] = field(default_factory=list)  # text: reviewed answers only
    cases: list[dict[str, Any]] = field(default_factory=list)  # cases: the de-identified rows

    @property
    def mean(self) -> float | None:
        if self.total is None or not self.answered:
            return None
        return round(self.total / self.answered, 1)


def parse_count(raw: object) -> int | None:
    """A count typed or sent: blank is None; "あ", -1, 1.5 or 2**63 is a ValueError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(_("数値を入力してください。"))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 12:
            raise ValueError(_("0以上の整数を入力してください。"))
        value = int(text)
    else:
        raise ValueError(_("0以上の整数を入力してください。"))
    if value < 0:
        raise ValueError(_("0以上の整数を入力してください。"))
    if value > MAX_COUNT:
        raise ValueError(_("%(max)s以下の数を入力してください。") % {"max": MAX_COUNT})
    return value


def _clean_labels(labels: Sequence[object], *, what: str, minimum: int) -> list[str]:
    cleaned = []
    for label in labels:
        if not isinstance(label, str):
            raise ValueError(_("%(what)sは文字で入力してください。") % {"what": what})
        text = label.strip()
        if not text:
            continue
        if has_bad_characters(text) or len(text) > CHOICE_MAX_LENGTH:
            raise ValueError(
                _("%(what)sは%(max)s文字以内で入力してください。")
                % {"what": what, "max": CHOICE_MAX_LENGTH}
            )
        cleaned.append(text)
    if len(cleaned) < minimum:
        raise ValueError(
            _("%(what)sを%(n)s個以上入力してください。") % {"what": what, "n": minimum}
        )
    if len(cleaned) > MAX_CHOICES:
        raise ValueError(_("%(what)sは%(n)s個までです。") % {"what": what, "n": MAX_CHOICES})
    if len(set(cleaned)) != len(cleaned):
        raise ValueError(_("%(what)sに同じものがあります。") % {"what": what})
    return cleaned


class Handler:
    kind: str = ""

    def definition(self, given: Definition) -> Definition:
        return Definition()

    def parse(self, definition: Definition, raw: object) -> Any:
        raise NotImplementedError

    def is_blank(self, value: Any) -> bool:
        return value is None or value == "" or value == []

    def add(self, aggregate: Aggregate, definition: Definition, value: Any) -> None:
        aggregate.answered += 1

    def start(self, definition: Definition) -> Aggregate:
        return Aggregate()

    def display(self, definition: Definition, value: Any) -> str:
        return "" if value is None else str(value)

    def resolve(self, actor: Actor, value: Any) -> tuple[Any, list[int] | None]:
        """What is stored from a parsed answer, and the office-side case ids (None: none)."""
        return value, None


class NumberHandler(Handler):
    kind = QuestionKind.NUMBER

    def parse(self, definition: Definition, raw: object) -> int | None:
        return parse_count(raw)

    def start(self, definition: Definition) -> Aggregate:
        return Aggregate(total=0)

    def add(self, aggregate: Aggregate, definition: Definition, value: Any) -> None:
        super().add(aggregate, definition, value)
        aggregate.total = (aggregate.total or 0) + int(value)
        aggregate.minimum = value if aggregate.minimum is None else min(aggregate.minimum, value)
        aggregate.maximum = value if aggregate.maximum is None else max(aggregate.maximum, value)


class SingleHandler(Handler):
    kind = QuestionKind.SINGLE

    def definition(self, given: Definition) -> Definition:
        return Definition(choices=_clean_labels(given.choices, what=_("選択肢"), minimum=2))

    def parse(self, definition: Definition, raw: object) -> Any:
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str) or raw not in definition.choices:
            raise ValueError(_("選択肢から選んでください。"))
        return raw

    def start(self, definition: Definition) -> Aggregate:
        return Aggregate(counts=[(c, 0) for c in definition.choices])

    def add(self, aggregate: Aggregate, definition: Definition, value: Any) -> None:
        super().add(aggregate, definition, value)
        chosen = set(value) if isinstance(value, list) else {value}
        aggregate.counts = [(c, n + (c in chosen)) for c, n in aggregate.counts]


class MultipleHandler(SingleHandler):
    kind = QuestionKind.MULTIPLE

    def parse(self, definition: Definition, raw: object) -> Any:
        if raw is None or raw == "":
            return []
        values = raw if isinstance(raw, list) else [raw]
        if any(not isinstance(v, str) or v not in definition.choices for v in values):
            raise ValueError(_("選択肢から選んでください。"))
        return [c for c in definition.choices if c in values]

    def display(self, definition: Definition, value: Any) -> str:
        return "、".join(value or [])


class TextHandler(Handler):
    kind = QuestionKind.TEXT

    def parse(self, definition: Definition, raw: object) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise ValueError(_("文字で入力してください。"))
        text = raw.strip()
        if has_bad_characters(text):
            raise ValueError(_("使えない文字が含まれています。"))
        if len(text) > TEXT_ANSWER_MAX_LENGTH:
            raise ValueError(
                _("%(max)s文字以内で入力してください。") % {"max": TEXT_ANSWER_MAX_LENGTH}
            )
        return text or None


class TableHandler(Handler):
    kind = QuestionKind.TABLE

    def definition(self, given: Definition) -> Definition:
        return Definition(
            rows=_clean_labels(given.rows, what=_("表の行"), minimum=1),
            columns=_clean_labels(given.columns, what=_("表の列"), minimum=1),
        )

    def parse(self, definition: Definition, raw: object) -> list[list[int | None]] | None:
        if raw is None:
            return None
        if not isinstance(raw, list) or len(raw) != len(definition.rows):
            raise ValueError(_("表の行の数が合いません。"))
        table: list[list[int | None]] = []
        for row in raw:
            if not isinstance(row, list) or len(row) != len(definition.columns):
                raise ValueError(_("表の列の数が合いません。"))
            table.append([parse_count(cell) for cell in row])
        if all(cell is None for row in table for cell in row):
            return None
        return table

    def start(self, definition: Definition) -> Aggregate:
        return Aggregate(table=[[0] * len(definition.columns) for _r in definition.rows])

    def add(self, aggregate: Aggregate, definition: Definition, value: Any) -> None:
        super().add(aggregate, definition, value)
        for i, row in enumerate(value):
            for j, cell in enumerate(row):
                aggregate.table[i][j] += cell or 0

    def display(self, definition: Definition, value: Any) -> str:
        if not value:
            return ""
        return " / ".join(
            f"{r}: "
            + "、".join(
                f"{c} {v if v is not None else '-'}"
                for c, v in zip(definition.columns, row, strict=False)
            )
            for r, row in zip(definition.rows, value, strict=False)
        )


def own_open_cases(actor: Actor) -> Any:
    """The open cases the actor's office leads or is on the team of (never break-glass)."""
    org = actor.organization_id
    if org is None:
        return Case.objects.none()
    with without_break_glass():
        team = active_team_members().filter(organization_id=org).values("case_id")
        return (
            cases_visible_to(actor)
            .exclude(status=CaseStatus.CLOSED)
            .filter(Q(lead_organization_id=org) | Q(pk__in=team))
            .select_related("person", "household")
            .order_by("-opened_on", "-pk")
        )


def factor_label(key: str) -> str:
    try:
        return str(DifficultyFactor(key).label)
    except ValueError:
        return key


class CasesHandler(Handler):
    """困難ケースの一覧 (seed 000: 困難さの強い上位 10 ケースの概要): up to N of the office's own
    open cases, each sent as a de-identified summary with its difficulty factors."""

    kind = QuestionKind.CASES

    def definition(self, given: Definition) -> Definition:
        n = given.max_rows
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CASE_ROWS:
            raise ValueError(
                _("ケースの数は1から%(max)sまでで入力してください。") % {"max": MAX_CASE_ROWS}
            )
        return Definition(max_rows=n)

    def parse(self, definition: Definition, raw: object) -> Any:
        if raw is None or raw == "" or raw == []:
            return []
        if not isinstance(raw, list):
            raise ValueError(_("ケースの一覧の形が正しくありません。"))
        if len(raw) > definition.max_rows:
            raise ValueError(_("ケースは%(n)s件までです。") % {"n": definition.max_rows})
        rows = []
        for item in raw:
            if not isinstance(item, dict):
                raise ValueError(_("ケースの一覧の形が正しくありません。"))
            case_id = item.get("case_id")
            if isinstance(case_id, bool) or not isinstance(case_id, int) or case_id < 1:
                raise ValueError(_("ケースを選んでください。"))
            summary = item.get("summary") or ""
            keep = item.get("keep") or {}
            if not isinstance(summary, str) or not isinstance(keep, dict):
                raise ValueError(_("ケースの一覧の形が正しくありません。"))
            summary = summary.strip()
            if has_bad_characters(summary) or len(summary) > TEXT_ANSWER_MAX_LENGTH:
                raise ValueError(
                    _("要約は%(max)s文字以内で入力してください。") % {"max": TEXT_ANSWER_MAX_LENGTH}
                )
            reasons = {
                str(k)[:40]: v.strip()[:500]
                for k, v in list(keep.items())[:200]
                if isinstance(v, str) and v.strip() and not has_bad_characters(v)
            }
            rows.append({"case_id": case_id, "summary": summary, "keep": reasons})
        if len({r["case_id"] for r in rows}) != len(rows):
            raise ValueError(_("同じケースが2回選ばれています。"))
        return rows

    def resolve(self, actor: Actor, value: Any) -> tuple[Any, list[int] | None]:
        """Each chosen case fetched from the office's own open cases (a missing id and another
        office's case get the same answer), its summary checked by deidentify.check: every
        flag must be gone or kept with a reason."""
        if not value:
            return [], []
        found = {
            c.pk: c for c in own_open_cases(actor).filter(pk__in=[r["case_id"] for r in value])
        }
        stored: list[dict[str, Any]] = []
        problems: list[str] = []
        for rank, row in enumerate(value, start=1):
            case = found.get(row["case_id"])
            if case is None:
                raise ValueError(
                    _(
                        "%(rank)s番目のケースは、この事業所が担当する支援中のケースから選んでください。"
                    )
                    % {"rank": rank}
                )
            summary = row["summary"] or deidentify.generate_summary(case)
            flags = deidentify.check(summary, case, field="summary")
            open_flags = [f for f in flags if f.key not in row["keep"]]
            if open_flags:
                shown = "、".join(
                    dict.fromkeys(f"「{f.text}」（{f.label}、{f.key}）" for f in open_flags)
                )
                problems.append(
                    _("%(rank)s番目の要約に個人が特定される情報が残っています: %(flags)s")
                    % {"rank": rank, "flags": shown}
                )
                if not row["summary"]:
                    problems.append(_("自動で作った下書き: %(draft)s") % {"draft": summary})
                continue
            kept = {f.key: f for f in flags}
            stored.append(
                {
                    "rank": rank,
                    "summary": summary,
                    "factors": [str(f) for f in case.difficulty_factors or []],
                    "kept": [
                        {"key": k, "label": f.label, "reason": row["keep"][k]}
                        for k, f in kept.items()
                    ],
                }
            )
        if problems:
            raise ValueError(
                " ".join(problems)
                + " "
                + _("書き換えるか、残す理由を「キー 理由」の形で書いてください。")
            )
        return stored, [row["case_id"] for row in value]

    def start(self, definition: Definition) -> Aggregate:
        return Aggregate(counts=[(str(f.label), 0) for f in DifficultyFactor])

    def add(self, aggregate: Aggregate, definition: Definition, value: Any) -> None:
        super().add(aggregate, definition, value)
        tally: dict[str, int] = {}
        for row in value:
            aggregate.cases.append(row)
            for key in row.get("factors", []):
                label = factor_label(key)
                tally[label] = tally.get(label, 0) + 1
        aggregate.counts = [(c, n + tally.get(c, 0)) for c, n in aggregate.counts]

    def display(self, definition: Definition, value: Any) -> str:
        if not value:
            return ""
        return " / ".join(
            f"{row.get('rank')}. {row.get('summary', '')}"
            f"（{'、'.join(factor_label(k) for k in row.get('factors', []))}）"
            for row in value
        )


HANDLERS: dict[str, Handler] = {}


def register(handler: Handler) -> Handler:
    HANDLERS[handler.kind] = handler
    return handler


for _handler in (
    NumberHandler(),
    SingleHandler(),
    MultipleHandler(),
    TextHandler(),
    TableHandler(),
    CasesHandler(),
):
    register(_handler)


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise ValueError(_("この種類の設問は使えません。")) from None
