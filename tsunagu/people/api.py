"""/api/v1/persons and /api/v1/households: the same selectors, access helpers and services as
the screens.  A person or household the client may not see is a 404, as if it did not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from tsunagu.audit import services as audit
from tsunagu.cases.access import access_household, access_person, actor_of
from tsunagu.core.api import ErrorOut, Pagination
from tsunagu.organizations.models import Area
from tsunagu.people import duplicates, selectors, services
from tsunagu.people.models import DuplicateCandidate, Household, Person, Sex

router = Router(tags=["people"])


# --- Schemas ----------------------------------------------------------------------------------


class CertificateSchema(Schema):
    kind: str = Field(
        description="physical（身体障害者手帳）/ intellectual（療育手帳）/ mental（精神）"
    )
    status: str = Field(description="held（所持）/ applying（申請中）")
    grade: str = Field("", description="身体 1〜6、療育 A/B、精神 1〜3")
    physical_type: str = Field(
        "", description="身体のみ: visual / hearing / speech / limb / internal"
    )


class PersonOut(Schema):
    id: int
    display_name: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    former_names: str
    birth_date: dt.date | None
    age: int | None
    sex: str
    postal_code: str
    address: str
    area_id: int | None
    phone: str
    support_category: str
    disability_categories: list[str]
    primary_category: str
    certificates: list[CertificateSchema]
    recipient_numbers: str
    lives_alone: bool
    needs_evacuation_support: bool
    notes: str
    registered_by_organization: str
    version: int


class PersonListItem(Schema):
    id: int
    display_name: str
    kana_name: str
    birth_date: dt.date | None
    age: int | None

    @staticmethod
    def resolve_age(obj: Person) -> int | None:
        return obj.age_on(timezone.localdate())


class PersonIn(Schema):
    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = Field(description="ひらがな・カタカナ・半角カナ（全角カタカナで保存）")
    given_name_kana: str
    former_names: str = ""
    birth_date: dt.date | None = None
    sex: str = Sex.NO_ANSWER.value
    postal_code: str = ""
    address: str = ""
    area_id: int | None = None
    phone: str = ""
    support_category: str = ""
    disability_categories: list[str] = []
    primary_category: str = ""
    certificates: list[CertificateSchema] = []
    recipient_numbers: str = ""
    lives_alone: bool = False
    needs_evacuation_support: bool = False
    notes: str = ""
    confirm_new: bool = Field(False, description="似た記録があっても別人として登録するとき true")


class PersonPatch(Schema):
    """Only the fields sent are changed; `version` is the one the client last read."""

    version: int
    family_name: str | None = None
    given_name: str | None = None
    family_name_kana: str | None = None
    given_name_kana: str | None = None
    former_names: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    postal_code: str | None = None
    address: str | None = None
    area_id: int | None = None
    phone: str | None = None
    support_category: str | None = None
    disability_categories: list[str] | None = None
    primary_category: str | None = None
    certificates: list[CertificateSchema] | None = None
    recipient_numbers: str | None = None
    lives_alone: bool | None = None
    needs_evacuation_support: bool | None = None
    notes: str | None = None
    confirm_new: bool = Field(
        False, description="似た記録があっても別人として保存するとき true（409 のあと）"
    )


class DuplicateCandidateOut(Schema):
    id: int
    display_name: str


class DuplicateBody(Schema):
    code: str
    message: str
    candidates: list[DuplicateCandidateOut] = Field(
        [], description="操作中の所属機関が見られる記録だけ。見られない記録については何も返しません"
    )


class DuplicateOut(Schema):
    error: DuplicateBody


class HouseholdMemberOut(Schema):
    id: int
    person_id: int
    display_name: str
    relationship: str
    lives_together: bool
    start_date: dt.date | None
    end_date: dt.date | None


class HouseholdOut(Schema):
    id: int
    name: str
    postal_code: str
    address: str
    area_id: int | None
    concerns: list[str]
    notes: str
    version: int
    members: list[HouseholdMemberOut] = Field(
        description="操作中の所属機関に共有の根拠がある世帯員だけ（現在と過去）"
    )
    hidden_current_members: int | None = Field(
        None,
        description="表示しない現在の世帯員の数。世帯そのものを登録・主担当・受付した機関にだけ"
        "示し、それ以外の機関には null（ほかの世帯員がいるかどうかも示しません）",
    )


# --- Helpers ----------------------------------------------------------------------------------


def _person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        display_name=person.display_name,
        family_name=person.family_name,
        given_name=person.given_name,
        family_name_kana=person.family_name_kana,
        given_name_kana=person.given_name_kana,
        former_names=person.former_names,
        birth_date=person.birth_date,
        age=person.age_on(timezone.localdate()),
        sex=person.sex,
        postal_code=person.postal_code,
        address=person.address,
        area_id=person.area_id,
        phone=person.phone,
        support_category=person.support_category,
        disability_categories=list(person.disability_categories or []),
        primary_category=person.primary_category,
        certificates=[CertificateSchema(**vars(c)) for c in services.certificate_inputs_of(person)],
        recipient_numbers=person.recipient_numbers,
        lives_alone=person.lives_alone,
        needs_evacuation_support=person.needs_evacuation_support,
        notes=person.notes,
        registered_by_organization=person.registered_by_organization.name,
        version=person.version,
    )


def _possible_duplicate(exc: services.PossibleDuplicate) -> Status[Any]:
    """The 409 of a duplicate check: the candidates the client may see, and nothing else."""
    candidates = [{"id": p.pk, "display_name": p.display_name} for p in exc.candidates.visible]
    return Status(
        409, {"error": {"code": exc.code, "message": exc.message, "candidates": candidates}}
    )


def _field_errors(exc: services.FieldErrors) -> ValidationError:
    """Rule violations as the same 422 body as schema errors."""
    return ValidationError(
        [{"loc": ("body", name), "msg": msg} for name, msg in exc.errors.items()]
    )


def _area(area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        raise services.FieldErrors({"area_id": "指定された地域はありません。"})
    return area


def _certificates(items: list[CertificateSchema]) -> list[services.CertificateInput]:
    return [services.CertificateInput(**item.dict()) for item in items]


def _person_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in payload.items() if k in services.PERSON_FIELDS}
    if "area_id" in payload:
        data["area"] = _area(payload["area_id"])
    return data


class _AuditedPersonPages(Pagination):
    """Pages of persons; the persons of each page served are named in one audit row."""

    def paginate_queryset(
        self, queryset: QuerySet[Person], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        shown = list(page[self.items_attribute])
        page[self.items_attribute] = shown
        audit.record_read(
            request,
            view="api.person_list",
            person_ids=[p.pk for p in shown],
            search_text=str(params.get("q", "") or request.GET.get("q", "")),
        )
        return page


# --- Routes -----------------------------------------------------------------------------------


@router.get(
    "/persons",
    response=list[PersonListItem],
    summary="本人の検索",
    description="氏名（漢字・カナ、ひらがな・半角カナも可）、生年月日（YYYY-MM-DD・和暦）、"
    "電話番号で検索します。結果は操作中の所属機関が見られる人だけです。",
)
@paginate(_AuditedPersonPages)
def person_list(request: HttpRequest, q: str = "") -> QuerySet[Person]:
    return selectors.person_search(actor=actor_of(request), query=q)


@router.post(
    "/persons",
    response={201: PersonOut, 403: ErrorOut, 409: DuplicateOut, 422: ErrorOut},
    summary="本人の登録",
    description="似た記録があると 409 possible_duplicate を返します。見られる記録は候補として、"
    "操作中の所属機関が見られない記録があるかどうかは、答えからはわかりません（そうした記録は"
    "基幹相談支援センターの確認待ちの一覧に入ります）。別人と確かめたら confirm_new: true で"
    "送り直します。",
)
def person_create(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    body = payload.dict()
    try:
        person = services.person_create(
            request=request,
            data=_person_data(body),
            certificates=_certificates(payload.certificates),
            confirm_new=payload.confirm_new,
        )
    except services.FieldErrors as exc:
        raise _field_errors(exc) from None
    except services.PossibleDuplicate as exc:
        return _possible_duplicate(exc)
    return Status(201, _person_out(person))


@router.get(
    "/persons/{person_id}",
    response={200: PersonOut, 404: ErrorOut},
    summary="本人の詳細",
)
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    return _person_out(access_person(request, person_id))


@router.patch(
    "/persons/{person_id}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: DuplicateOut, 422: ErrorOut},
    summary="本人の情報の更新",
    description="送った項目だけを変えます。version は最後に読んだときの値です。"
    "ほかの人が先に更新していると 409 conflict を返します。カナ・生年月日・電話番号を変えると"
    "登録のときと同じ重複の確認をし、見られる似た記録があれば 409 possible_duplicate を返します"
    "（別人と確かめたら confirm_new: true で送り直します）。",
)
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch) -> Status[Any]:
    person = access_person(request, person_id, for_write=True)
    sent = payload.dict(exclude_unset=True)
    sent.pop("confirm_new", None)
    certificates = sent.pop("certificates", None)
    try:
        changes = _person_data(sent)
        updated = services.person_update(
            request=request,
            person=person,
            expected_version=payload.version,
            changes=changes,
            certificates=None
            if certificates is None
            else _certificates(payload.certificates or []),
            check_duplicates=True,
            confirm_new=payload.confirm_new,
        )
    except services.FieldErrors as exc:
        raise _field_errors(exc) from None
    except services.PossibleDuplicate as exc:
        return _possible_duplicate(exc)
    return Status(200, _person_out(updated))


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, 404: ErrorOut},
    summary="世帯の詳細",
    description="世帯員（現在と過去）のうち、操作中の所属機関に共有の根拠がある人だけを含みます。",
)
def household_detail(request: HttpRequest, household_id: int) -> HouseholdOut:
    household: Household = access_household(request, household_id)
    view = selectors.household_view(actor=actor_of(request), household=household)
    return HouseholdOut(
        id=household.pk,
        name=household.name,
        postal_code=household.postal_code,
        address=household.address,
        area_id=household.area_id,
        concerns=list(household.concerns or []),
        notes=household.notes,
        version=household.version,
        members=[
            HouseholdMemberOut(
                id=m.pk,
                person_id=m.person_id,
                display_name=m.person.display_name,
                relationship=m.relationship,
                lives_together=m.lives_together,
                start_date=m.start_date,
                end_date=m.end_date,
            )
            for m in view.members
        ],
        hidden_current_members=view.hidden_current,
    )


# --- The core center's queue of possible duplicates ---------------------------------------------


class DuplicateRecordOut(Schema):
    id: int
    display_name: str
    kana_name: str
    birth_date: dt.date | None
    phone: str
    address: str
    registered_by_organization: str


class DuplicateQueueItemOut(Schema):
    id: int
    person: DuplicateRecordOut = Field(description="登録・編集された記録")
    match: DuplicateRecordOut = Field(description="登録した機関からは見えない、似ている記録")
    raised_by_organization: str
    matched_on: list[str] = Field(description="phone / kana_birth_date / kana_undated")
    status: str = Field(description="open / contact_requested / linked / distinct")
    contact_organization: str | None
    decided_at: dt.datetime | None
    note: str
    created_at: dt.datetime


class DuplicateDecisionIn(Schema):
    decision: Literal["link", "contact", "distinct"] = Field(
        description="link: 同じ人として結び付ける / contact: 記録を持つ機関に本人への連絡を"
        "依頼する（その機関にタスクが届く）/ distinct: 別の人と確認した"
    )
    note: str = Field("", max_length=200)


def _duplicate_record(person: Person) -> DuplicateRecordOut:
    return DuplicateRecordOut(
        id=person.pk,
        display_name=person.display_name,
        kana_name=person.kana_name,
        birth_date=person.birth_date,
        phone=person.phone,
        address=person.address,
        registered_by_organization=person.registered_by_organization.name,
    )


def _queue_item(candidate: DuplicateCandidate) -> DuplicateQueueItemOut:
    return DuplicateQueueItemOut(
        id=candidate.pk,
        person=_duplicate_record(candidate.person),
        match=_duplicate_record(candidate.match),
        raised_by_organization=candidate.raised_by_organization.name,
        matched_on=list(candidate.matched_on or []),
        status=candidate.status,
        contact_organization=candidate.contact_organization.name
        if candidate.contact_organization
        else None,
        decided_at=candidate.decided_at,
        note=candidate.note,
        created_at=candidate.created_at,
    )


@router.get(
    "/duplicate-candidates",
    response={200: list[DuplicateQueueItemOut], 404: ErrorOut},
    summary="重複の可能性の一覧（基幹相談支援センター）",
    description="登録・編集された記録と、登録した機関からは見えない似ている記録の組。"
    "基幹相談支援センターとして操作しているときだけ答え、それ以外は 404 です。"
    "status: 空（未対応）/ done / all。",
)
def duplicate_queue(
    request: HttpRequest, status: Literal["", "done", "all"] = ""
) -> list[DuplicateQueueItemOut]:
    candidates = list(duplicates.duplicate_queue(request=request, status=status)[:200])
    duplicates.record_queue_read(request, candidates)
    return [_queue_item(c) for c in candidates]


@router.get(
    "/duplicate-candidates/{candidate_id}",
    response={200: DuplicateQueueItemOut, 404: ErrorOut},
    summary="重複の可能性（基幹相談支援センター）",
)
def duplicate_detail(request: HttpRequest, candidate_id: int) -> DuplicateQueueItemOut:
    return _queue_item(duplicates.access_duplicate_candidate(request, candidate_id))


@router.post(
    "/duplicate-candidates/{candidate_id}/decision",
    response={
        200: DuplicateQueueItemOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="重複の可能性への対応（基幹相談支援センター）",
    description="対応済みの候補には 409 を返します。",
)
def duplicate_decide(
    request: HttpRequest, candidate_id: int, payload: DuplicateDecisionIn
) -> DuplicateQueueItemOut:
    candidate = duplicates.access_duplicate_candidate(request, candidate_id, for_write=True)
    decided = duplicates.duplicate_candidate_decide(
        request=request, candidate=candidate, decision=payload.decision, note=payload.note
    )
    return _queue_item(decided)
