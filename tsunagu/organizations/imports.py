"""The office list import (issue 17 item 8): a CSV in the shape of a WAM NET office export
(事業所番号, 事業所名, 事業所名カナ, 法人名, サービス種別, 郵便番号, 所在地, 電話番号, FAX番号),
read as UTF-8 (with or without BOM) or CP932, shown as a dry-run preview with each row's
errors in Japanese, then committed all or nothing.  A row whose 事業所番号 is already known
updates that organization instead of adding another.

django-import-export does the row work (its `Resource`, `import_data(dry_run=True)`, the
collected row errors and the rollback of a file with any error); this module says how a WAM
NET column becomes a field.  A sample file is `organizations/samples/wam_office_list.csv`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

import tablib  # django-import-export's dataset
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Invalid
from tsunagu.core.kana import is_kana
from tsunagu.organizations import management, services
from tsunagu.organizations.models import (
    Area,
    AreaKind,
    Corporation,
    Organization,
    OrganizationKind,
    normalize_office_number,
    validate_office_number,
    validate_prefecture_code,
)

MAX_BYTES = 1024 * 1024  # a city's list is a few hundred rows, ~100 KB
MAX_ROWS = 5000

COLUMNS = {
    "office_number": "事業所番号",
    "name": "事業所名",
    "name_kana": "事業所名カナ",
    "corporation": "法人名",
    "kind": "サービス種別",
    "postal_code": "郵便番号",
    "address": "所在地",
    "phone": "電話番号",
    "fax": "FAX番号",
}
REQUIRED_COLUMNS = ("事業所番号", "事業所名", "サービス種別")

# WAM NET's サービス種別 → the organization's kind.  The consultation services name their own
# kind; every other disability welfare service is a service provider.
CONSULTATION_SERVICES = {
    "計画相談支援": OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    "特定相談支援": OrganizationKind.DESIGNATED_PLANNING_OFFICE,
    "障害児相談支援": OrganizationKind.CHILD_PLANNING_OFFICE,
    "地域相談支援(地域移行支援)": OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    "地域相談支援(地域定着支援)": OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    "地域移行支援": OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    "地域定着支援": OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
    "一般相談支援": OrganizationKind.COMMUNITY_TRANSITION_OFFICE,
}
SERVICES = (
    "居宅介護",
    "重度訪問介護",
    "同行援護",
    "行動援護",
    "重度障害者等包括支援",
    "療養介護",
    "生活介護",
    "短期入所",
    "施設入所支援",
    "自立訓練(機能訓練)",
    "自立訓練(生活訓練)",
    "宿泊型自立訓練",
    "就労選択支援",
    "就労移行支援",
    "就労継続支援A型",
    "就労継続支援B型",
    "就労定着支援",
    "自立生活援助",
    "共同生活援助",
    "児童発達支援",
    "医療型児童発達支援",
    "放課後等デイサービス",
    "居宅訪問型児童発達支援",
    "保育所等訪問支援",
    "福祉型障害児入所施設",
    "医療型障害児入所施設",
)
SERVICE_KINDS: dict[str, str] = {
    **dict.fromkeys(SERVICES, OrganizationKind.SERVICE_PROVIDER),
    **CONSULTATION_SERVICES,
}


def _plain(value: Any) -> str:
    """A cell as text: width folded, the parentheses and spaces WAM NET files vary in made one."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return " ".join(text.split())


class OfficeNumberWidget(widgets.Widget):  # type: ignore[misc]  # django-import-export is untyped
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        number = normalize_office_number(_plain(value))
        if not number:
            raise ValueError("事業所番号がありません。")
        try:
            validate_office_number(number)
            validate_prefecture_code(number)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None
        return number


class TextWidget(widgets.Widget):  # type: ignore[misc]
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return _plain(value)


class ReadingWidget(widgets.Widget):  # type: ignore[misc]
    """事業所名カナ, often half-width katakana: stored in hiragana like every reading."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _plain(value)
        if text and not is_kana(text):
            raise ValueError("事業所名カナはカタカナ・ひらがなで書いてください。")
        return services.reading(text)


class KindWidget(widgets.Widget):  # type: ignore[misc]
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _plain(value).replace(" ", "")
        kind = SERVICE_KINDS.get(text)
        if kind is None:
            raise ValueError(f"サービス種別「{text or '（空欄）'}」は取り込めません。")
        return str(kind)


class CorporationWidget(widgets.Widget):  # type: ignore[misc]
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Corporation | None:
        name = _plain(value)[:200]
        if not name:
            return None
        corporation, _created = Corporation.objects.get_or_create(name=name)
        return corporation

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


class PostalCodeWidget(widgets.Widget):  # type: ignore[misc]
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _plain(value).removeprefix("〒").strip()
        digits = "".join(c for c in text if c.isdigit())
        if text and len(digits) != 7:
            raise ValueError("郵便番号は7桁で書いてください。")
        return f"{digits[:3]}-{digits[3:]}" if digits else ""


def _field(attribute: str, widget: widgets.Widget) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=COLUMNS[attribute], widget=widget)


class OfficeResource(resources.ModelResource):  # type: ignore[misc]
    office_number = _field("office_number", OfficeNumberWidget())
    name = _field("name", TextWidget())
    name_kana = _field("name_kana", ReadingWidget())
    corporation = _field("corporation", CorporationWidget())
    kind = _field("kind", KindWidget())
    postal_code = _field("postal_code", PostalCodeWidget())
    address = _field("address", TextWidget())
    phone = _field("phone", TextWidget())
    fax = _field("fax", TextWidget())

    class Meta:
        model = Organization
        import_id_fields = ("office_number",)
        fields = tuple(COLUMNS)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True
        skip_html_diff = True  # the diff is what `skip_unchanged` compares; no HTML needed

    def __init__(self, wards: list[Area]) -> None:
        super().__init__()
        self.wards = wards
        self.seen: dict[str, int] = {}
        self.areas_of: dict[str, list[str]] = {}

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        number = normalize_office_number(_plain(row.get(COLUMNS["office_number"])))
        line = kwargs.get("row_number", 0) + 1  # the header is line 1
        if number and number in self.seen:
            raise ValueError(
                f"事業所番号 {number} が {self.seen[number]} 行目と重複しています。"
                "1つの事業所は1行にしてください。"
            )
        self.seen[number] = line

    def after_init_instance(
        self, instance: Organization, new: bool, row: Any, **kwargs: Any
    ) -> None:
        instance._imported_new = new  # type: ignore[attr-defined]  # for after_save_instance
        if new:
            number = normalize_office_number(_plain(row.get(COLUMNS["office_number"])))
            instance.code = f"wam-{number}"

    def after_save_instance(self, instance: Organization, row: Any, **kwargs: Any) -> None:
        """A new office serves the ward its address names (one the city has set up)."""
        if not getattr(instance, "_imported_new", False):
            return
        matched = [w for w in self.wards if w.name and w.name in instance.address]
        if matched:
            instance.areas_served.set(matched)
        self.areas_of[instance.office_number] = [w.name for w in matched]


def read_office_list(raw: bytes) -> tablib.Dataset:
    """The file as rows under its headers, or Invalid with what to do about it."""
    if not raw.strip():
        raise Invalid("ファイルが空です。")
    if len(raw) > MAX_BYTES:
        raise Invalid("ファイルが大きすぎます（1MBまで）。")
    text = _decode(raw)
    if "\x00" in text:
        raise Invalid("CSVファイルではないようです。WAM NETから出力したCSVを選んでください。")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception:  # tablib raises several kinds for a file that is not CSV
        raise Invalid("CSVとして読み取れません。WAM NETから出力したCSVを選んでください。") from None
    headers = [_plain(h) for h in dataset.headers or []]
    missing = [h for h in REQUIRED_COLUMNS if h not in headers]
    if missing:
        raise Invalid(
            "見出しの行に " + "、".join(missing) + " がありません。1行目は"
            " 事業所番号,事業所名,事業所名カナ,法人名,サービス種別,… の見出しにしてください。"
        )
    dataset.headers = headers
    if len(dataset) > MAX_ROWS:
        raise Invalid(f"一度に取り込めるのは{MAX_ROWS}行までです。")
    if not len(dataset):
        raise Invalid("見出しのほかに行がありません。")
    return dataset


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8", "cp932"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            # Python's cp932 reads the bytes Shift_JIS leaves unused (0xA0, 0xFD-0xFF) as
            # private-use characters: such a file is something else (UTF-16, a binary file).
            if encoding == "cp932" and any("\uf8f0" <= c <= "\uf8f3" for c in text):
                break
            return text
    raise Invalid(
        "文字コードを読み取れません。UTF-8 か Shift_JIS（CP932）で保存したCSVを選んでください。"
    )


@dataclass(frozen=True)
class PreviewRow:
    line: int  # in the file, the header being line 1
    office_number: str
    name: str
    kind: str
    outcome: str  # new, update, skip, invalid, error
    areas: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))


OUTCOME_LABELS = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("新規"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("更新"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("変更なし"),
    RowResult.IMPORT_TYPE_INVALID: gettext_lazy("エラー"),
    RowResult.IMPORT_TYPE_ERROR: gettext_lazy("エラー"),
}


@dataclass(frozen=True)
class ImportOutcome:
    rows: tuple[PreviewRow, ...]
    committed: bool
    errors: tuple[str, ...] = field(default=())  # about the whole file

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors) + len(self.errors)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def _messages(row_result: RowResult) -> tuple[str, ...]:
    if row_result.validation_error is not None:
        error = row_result.validation_error
        by_field = error.message_dict if hasattr(error, "error_dict") else {}
        if not by_field:
            return tuple(error.messages)
        out = []
        for name, messages in by_field.items():
            label = COLUMNS.get(name, "" if name == NON_FIELD_ERRORS else name)
            out += [f"{label}: {m}" if label else m for m in messages]
        return tuple(out)
    return tuple(str(e.error) for e in row_result.errors)


def _outcome(dataset: tablib.Dataset, result: Result, resource: OfficeResource) -> list[PreviewRow]:
    rows = []
    kinds = dict(OrganizationKind.choices)
    for index, row_result in enumerate(result.rows):
        values = dict(zip(dataset.headers, dataset[index], strict=False))
        number = normalize_office_number(_plain(values.get("事業所番号")))
        kind = SERVICE_KINDS.get(_plain(values.get("サービス種別")).replace(" ", ""), "")
        rows.append(
            PreviewRow(
                line=index + 2,
                office_number=number,
                name=_plain(values.get("事業所名")),
                kind=str(kinds.get(kind, "")),
                outcome=row_result.import_type,
                areas=tuple(resource.areas_of.get(number, ())),
                errors=_messages(row_result),
            )
        )
    return rows


def office_list_import(actor: Actor, *, raw: bytes, commit: bool) -> ImportOutcome:
    """A dry run (`commit=False`: nothing stays) or the import itself, all or nothing: a file
    with any row in error changes nothing and says which rows.  City managers only (ADR 0014)."""
    management.require_manager(actor, view="organization_import", importing=True)
    dataset = read_office_list(raw)
    resource = OfficeResource(wards=list(Area.objects.filter(kind=AreaKind.WARD)))
    with audit.atomic():
        result = resource.import_data(
            dataset,
            dry_run=not commit,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        rows = _outcome(dataset, result, resource)
        base = tuple(str(e.error) for e in result.base_errors)
        failed = bool(base) or any(r.errors for r in rows)
        if commit and not failed:
            services.organizations_imported(
                actor,
                created=[r.instance for r in result.rows if r.is_new()],
                updated=[r.instance for r in result.rows if r.is_update()],
                rows=len(rows),
            )
    return ImportOutcome(rows=tuple(rows), committed=commit and not failed, errors=base)
