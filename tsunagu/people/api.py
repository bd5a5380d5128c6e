"""/api/v1/persons and /api/v1/households: the same selectors, access helpers and services as
the screens.  A person or household the client may not see is a 404, as if it did not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError

from tsunagu.audit import services as audit
from tsunagu.cases.access import access_household, access_person
from tsunagu.core.api import ERRORS, ErrorOut, Listing, paginated
from tsunagu.core.errors import FieldErrors, NotFound
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.kana import KANA_PATTERN
from tsunagu.core.schemas import Context, Name, Out, model_field, once, patch_field
from tsunagu.core.validators import Id, NonBlank, SaneDate, Version
from tsunagu.organizations.models import Area, Organization
from tsunagu.people import duplicates, protection, selectors, services
from tsunagu.people.models import (
    CertificateKind,
    CertificateStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DisabilityCategory,
    DisabilityCertificate,
    DuplicateCandidate,
    Household,
    HouseholdConcern,
    HouseholdMember,
    Person,
    PhysicalDisabilityType,
    Relationship,
    Sex,
    SupportCategory,
)
from tsunagu.people.services import PHONE_PATTERN, POSTAL_CODE_PATTERN

router = Router(tags=["people"])


# --- Schemas ----------------------------------------------------------------------------------


class CertificateSchema(Schema):
    kind: CertificateKind = Field(
        description="physical（身体障害者手帳）/ intellectual（療育手帳）/ mental（精神）"
    )
    status: CertificateStatus = Field(description="held（所持）/ applying（申請中）")
    grade: str = model_field(
        DisabilityCertificate, "grade", "", description="身体 1〜6、療育 A/B、精神 1〜3"
    )
    physical_type: PhysicalDisabilityType | Literal[""] = Field(
        "", description="身体のみ: visual / hearing / speech / limb / internal"
    )


class PersonOut(Out):
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
    registered_by_organization: Name
    version: int

    contact_hidden: bool = Field(
        description="true: 住所・電話番号・居所を非表示にしている（DV等支援措置）。postal_code・"
        "address・phone は空で返します。指名された職員は POST /persons/{id}/contact/reveal で表示"
    )

    @staticmethod
    def resolve_age(person: Person) -> int | None:
        return person.age_on(timezone.localdate())

    @staticmethod
    def resolve_certificates(person: Person) -> list[DisabilityCertificate]:
        return selectors.person_certificates(person=person)

    # The whereabouts only through people.protection (one answer for the four fields).
    @staticmethod
    def resolve_postal_code(person: Person, context: Context) -> str:
        return _contact(person, context).postal_code

    @staticmethod
    def resolve_address(person: Person, context: Context) -> str:
        return _contact(person, context).address

    @staticmethod
    def resolve_phone(person: Person, context: Context) -> str:
        return _contact(person, context).phone

    @staticmethod
    def resolve_contact_hidden(person: Person, context: Context) -> bool:
        return _contact(person, context).hidden


def _contact(person: Person, context: Context) -> protection.Contact:
    return once(context, "contact", person, lambda: protection.contact_of(person))


def _household_contact(household: Household, context: Context) -> protection.Contact:
    return once(
        context, "household_contact", household, lambda: protection.household_contact_of(household)
    )


class PersonListItem(Out):
    id: int
    display_name: str
    kana_name: str
    birth_date: dt.date | None
    age: int | None

    @staticmethod
    def resolve_age(obj: Person) -> int | None:
        return obj.age_on(timezone.localdate())


class PersonIn(Schema):
    family_name: str = model_field(Person, "family_name", "")
    given_name: str = model_field(Person, "given_name", "")
    family_name_kana: str = model_field(
        Person,
        "family_name_kana",
        min_length=1,
        json_schema_extra={"pattern": KANA_PATTERN},
        description="ひらがな・カタカナ・半角カナ（全角カタカナで保存）",
    )
    given_name_kana: str = model_field(
        Person, "given_name_kana", min_length=1, json_schema_extra={"pattern": KANA_PATTERN}
    )
    former_names: str = ""
    birth_date: SaneDate | None = None
    sex: Sex = Sex.NO_ANSWER
    postal_code: str = model_field(
        Person,
        "postal_code",
        "",
        json_schema_extra={"pattern": POSTAL_CODE_PATTERN},
        description="123-4567 の形",
    )
    address: str = model_field(Person, "address", "")
    area_id: Id | None = None
    phone: str = model_field(
        Person,
        "phone",
        "",
        json_schema_extra={"pattern": PHONE_PATTERN},
        description="10〜11桁の数字（ハイフン可）",
    )
    support_category: SupportCategory | Literal[""] = ""
    disability_categories: list[DisabilityCategory] = []
    primary_category: DisabilityCategory | Literal[""] = ""
    certificates: list[CertificateSchema] = []
    recipient_numbers: str = ""
    lives_alone: bool = False
    needs_evacuation_support: bool = False
    notes: str = ""
    confirm_new: bool = Field(False, description="似た記録があっても別人として登録するとき true")


class PersonPatch(Schema):
    """Only the fields sent are changed; `version` is the one the client last read."""

    # A field left out is not changed; `null` is refused where the record cannot be empty
    # (it stored an empty name): only the birth date and the area may be cleared with null.
    version: Version
    family_name: str = model_field(Person, "family_name", None)
    given_name: str = model_field(Person, "given_name", None)
    family_name_kana: str = model_field(
        Person,
        "family_name_kana",
        None,
        min_length=1,
        json_schema_extra={"pattern": KANA_PATTERN},
    )
    given_name_kana: str = model_field(
        Person,
        "given_name_kana",
        None,
        min_length=1,
        json_schema_extra={"pattern": KANA_PATTERN},
    )
    former_names: str = patch_field()
    birth_date: SaneDate | None = None
    sex: Sex = patch_field()
    postal_code: str = model_field(
        Person, "postal_code", None, json_schema_extra={"pattern": POSTAL_CODE_PATTERN}
    )
    address: str = model_field(Person, "address", None)
    area_id: Id | None = None
    phone: str = model_field(Person, "phone", None, json_schema_extra={"pattern": PHONE_PATTERN})
    support_category: SupportCategory | Literal[""] = patch_field()
    disability_categories: list[DisabilityCategory] = patch_field()
    primary_category: DisabilityCategory | Literal[""] = patch_field()
    certificates: list[CertificateSchema] = patch_field()
    recipient_numbers: str = patch_field()
    lives_alone: bool = patch_field()
    needs_evacuation_support: bool = patch_field()
    notes: str = patch_field()
    confirm_new: bool = Field(
        False, description="似た記録があっても別人として保存するとき true（409 のあと）"
    )


class DuplicateCandidateOut(Out):
    id: int
    display_name: str


class DuplicateBody(Out):
    code: str
    message: str
    candidates: list[DuplicateCandidateOut] = Field(
        [], description="操作中の所属機関が見られる記録だけ。見られない記録については何も返しません"
    )


class DuplicateOut(Out):
    error: DuplicateBody


class HouseholdMemberOut(Out):
    id: int
    person_id: int
    display_name: str = Field(alias="person.display_name")
    relationship: str
    lives_together: bool
    start_date: dt.date | None
    end_date: dt.date | None


class HouseholdOut(Out):
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

    contact_hidden: bool = Field(
        description="true: 世帯員の住所等を非表示にしている（DV等支援措置）ため、住所は空"
    )

    @staticmethod
    def resolve_postal_code(household: Household, context: Context) -> str:
        return _household_contact(household, context).postal_code

    @staticmethod
    def resolve_address(household: Household, context: Context) -> str:
        return _household_contact(household, context).address

    @staticmethod
    def resolve_contact_hidden(household: Household, context: Context) -> bool:
        return _household_contact(household, context).hidden

    @staticmethod
    def resolve_members(household: Household, context: Context) -> list[HouseholdMember]:
        return _view(household, context).members

    @staticmethod
    def resolve_hidden_current_members(household: Household, context: Context) -> int | None:
        return _view(household, context).hidden_current


def _view(household: Household, context: Context) -> selectors.HouseholdView:
    """Which members the acting organization may be shown (the two fields read one answer)."""
    actor = context["request"].actor
    return once(
        context,
        "household_view",
        household,
        lambda: selectors.household_view(actor=actor, household=household),
    )


# --- Helpers ----------------------------------------------------------------------------------


def _possible_duplicate(exc: services.PossibleDuplicate) -> Status[Any]:
    """The 409 of a duplicate check: the candidates the client may see, and nothing else."""
    candidates = [{"id": p.pk, "display_name": p.display_name} for p in exc.candidates.visible]
    return Status(
        409, {"error": {"code": exc.code, "message": exc.message, "candidates": candidates}}
    )


def _field_errors(exc: FieldErrors) -> ValidationError:
    """Rule violations as the same 422 body as schema errors."""
    return ValidationError(
        [{"loc": ("body", name), "msg": msg} for name, msg in exc.errors.items()]
    )


def _area(area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        raise FieldErrors({"area_id": "指定された地域はありません。"})
    return area


def _certificates(items: list[CertificateSchema]) -> list[services.CertificateInput]:
    return [services.CertificateInput(**item.dict()) for item in items]


def _person_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in payload.items() if k in services.PERSON_FIELDS}
    if "area_id" in payload:
        data["area"] = _area(payload["area_id"])
    return data


# --- Routes -----------------------------------------------------------------------------------


@router.get(
    "/persons",
    response={200: list[PersonListItem], 422: ErrorOut},
    summary="本人の検索",
    description="氏名（漢字・カナ、ひらがな・半角カナも可）、生年月日（YYYY-MM-DD・和暦）、"
    "電話番号で検索します。結果は操作中の所属機関が見られる人だけです。",
)
@paginated
def person_list(request: TsunaguRequest, q: str = "") -> Listing:
    """The persons of each page served are named in one audit row."""

    def audit_page(shown: list[Person]) -> None:
        audit.record_read(
            request.actor, view="api.person_list", person_ids=[p.pk for p in shown], search_text=q
        )

    return Listing(
        selectors.person_search(actor=request.actor, query=q),
        on_page=audit_page,
        count_with_page=True,  # the visibility UNION once, for the page and its count
    )


@router.post(
    "/persons",
    response={201: PersonOut, 403: ErrorOut, 409: DuplicateOut, 422: ErrorOut},
    summary="本人の登録",
    description="似た記録があると 409 possible_duplicate を返します。見られる記録は候補として、"
    "操作中の所属機関が見られない記録があるかどうかは、答えからはわかりません（そうした記録は"
    "基幹相談支援センターの確認待ちの一覧に入ります）。別人と確かめたら confirm_new: true で"
    "送り直します。",
)
def person_create(request: TsunaguRequest, payload: PersonIn) -> Status[Any]:
    body = payload.dict()
    try:
        person = services.person_create(
            actor=request.actor,
            data=_person_data(body),
            certificates=_certificates(payload.certificates),
            confirm_new=payload.confirm_new,
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    except services.PossibleDuplicate as exc:
        return _possible_duplicate(exc)
    return Status(201, person)


@router.get(
    "/persons/{person_id}",
    response={200: PersonOut, 404: ErrorOut},
    summary="本人の詳細",
)
def person_detail(request: TsunaguRequest, person_id: int) -> Person:
    return access_person(request.actor, person_id)


@router.patch(
    "/persons/{person_id}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: DuplicateOut, 422: ErrorOut},
    summary="本人の情報の更新",
    description="送った項目だけを変えます。version は最後に読んだときの値です。"
    "ほかの人が先に更新していると 409 conflict を返します。カナ・生年月日・電話番号を変えると"
    "登録のときと同じ重複の確認をし、見られる似た記録があれば 409 possible_duplicate を返します"
    "（別人と確かめたら confirm_new: true で送り直します）。",
)
def person_update(request: TsunaguRequest, person_id: int, payload: PersonPatch) -> Status[Any]:
    person = access_person(request.actor, person_id, for_write=True)
    sent = payload.dict(exclude_unset=True)
    sent.pop("confirm_new", None)
    certificates = sent.pop("certificates", None)
    try:
        changes = _person_data(sent)
        updated = services.person_update(
            actor=request.actor,
            person=person,
            expected_version=payload.version,
            changes=changes,
            certificates=None
            if certificates is None
            else _certificates(payload.certificates or []),
            check_duplicates=True,
            confirm_new=payload.confirm_new,
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    except services.PossibleDuplicate as exc:
        return _possible_duplicate(exc)
    return Status(200, updated)


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, 404: ErrorOut},
    summary="世帯の詳細",
    description="世帯員（現在と過去）のうち、操作中の所属機関に共有の根拠がある人だけを含みます。",
)
def household_detail(request: TsunaguRequest, household_id: int) -> Household:
    return access_household(request.actor, household_id)


# --- The core center's queue of possible duplicates ---------------------------------------------


class DuplicateRecordOut(Out):
    id: int
    display_name: str
    kana_name: str
    birth_date: dt.date | None
    phone: str
    address: str
    registered_by_organization: Name

    @staticmethod
    def resolve_phone(person: Person, context: Context) -> str:
        return _contact(person, context).phone

    @staticmethod
    def resolve_address(person: Person, context: Context) -> str:
        return _contact(person, context).address


class DuplicateQueueItemOut(Out):
    id: int
    person: DuplicateRecordOut = Field(description="登録・編集された記録")
    match: DuplicateRecordOut = Field(description="登録した機関からは見えない、似ている記録")
    raised_by_organization: Name
    matched_on: list[str] = Field(description="phone / kana_birth_date / kana_undated")
    status: str = Field(description="open / contact_requested / linked / distinct")
    contact_organization: str | None = Field(None, alias="contact_organization.name")
    decided_at: dt.datetime | None
    note: str
    created_at: dt.datetime


class DuplicateDecisionIn(Schema):
    decision: Literal["link", "contact", "distinct"] = Field(
        description="link: 同じ人として結び付ける / contact: 記録を持つ機関に本人への連絡を"
        "依頼する（その機関にタスクが届く）/ distinct: 別の人と確認した"
    )
    note: str = Field("", max_length=200)


@router.get(
    "/duplicate-candidates",
    response={200: list[DuplicateQueueItemOut], 404: ErrorOut, 422: ErrorOut},
    summary="重複の可能性の一覧（基幹相談支援センター）",
    description="登録・編集された記録と、登録した機関からは見えない似ている記録の組。"
    "基幹相談支援センターとして操作しているときだけ答え、それ以外は 404 です。"
    "status: 空（未対応）/ done / all。",
)
@paginated
def duplicate_queue(request: TsunaguRequest, status: Literal["", "done", "all"] = "") -> Listing:
    return Listing(
        duplicates.duplicate_queue(actor=request.actor, status=status),
        on_page=lambda shown: duplicates.record_queue_read(request.actor, shown),
    )


@router.get(
    "/duplicate-candidates/{candidate_id}",
    response={200: DuplicateQueueItemOut, 404: ErrorOut},
    summary="重複の可能性（基幹相談支援センター）",
)
def duplicate_detail(request: TsunaguRequest, candidate_id: int) -> DuplicateCandidate:
    return duplicates.access_duplicate_candidate(request.actor, candidate_id)


@router.post(
    "/duplicate-candidates/{candidate_id}/decision",
    response={200: DuplicateQueueItemOut, **ERRORS},
    summary="重複の可能性への対応（基幹相談支援センター）",
    description="対応済みの候補には 409 を返します。",
)
def duplicate_decide(
    request: TsunaguRequest, candidate_id: int, payload: DuplicateDecisionIn
) -> DuplicateCandidate:
    candidate = duplicates.access_duplicate_candidate(request.actor, candidate_id, for_write=True)
    return duplicates.duplicate_candidate_decide(
        actor=request.actor, candidate=candidate, decision=payload.decision, note=payload.note
    )


# --- Households and their members, consents: the writes of the screens ------------------------
# Each route calls the same service as its screen (people.services), with the same access rules:
# a household or person the client may not see is a 404, a read-only member gets a 403.


class HouseholdIn(Schema):
    name: NonBlank = model_field(
        Household, "name", min_length=1, description="世帯名（例: 山田さん世帯）"
    )
    postal_code: str = model_field(
        Household,
        "postal_code",
        "",
        json_schema_extra={"pattern": POSTAL_CODE_PATTERN},
        description="123-4567 の形",
    )
    address: str = model_field(Household, "address", "")
    area_id: Id | None = None
    concerns: list[HouseholdConcern] = Field([], description="世帯の課題")
    notes: str = ""


class HouseholdPatch(Schema):
    """Only the fields sent are changed; `version` is the one the client last read."""

    version: Version
    name: NonBlank = model_field(Household, "name", None, min_length=1)
    postal_code: str = model_field(
        Household, "postal_code", None, json_schema_extra={"pattern": POSTAL_CODE_PATTERN}
    )
    address: str = model_field(Household, "address", None)
    area_id: Id | None = None
    concerns: list[HouseholdConcern] = patch_field()
    notes: str = patch_field()


class HouseholdMemberIn(Schema):
    person_id: Id = Field(description="操作中の所属機関が見られる人（見られなければ 404）")
    relationship: Relationship = Field(description="中心となる人との続柄")
    lives_together: bool = True
    start_date: SaneDate | None = Field(None, description="世帯に加わった日")
    notes: str = model_field(HouseholdMember, "notes", "")


class HouseholdMemberEndIn(Schema):
    end_date: SaneDate = Field(description="世帯を離れた日（加わった日以降）")


class ConsentIn(Schema):
    organization_ids: list[Id] = Field(min_length=1, description="共有先の機関")
    purposes: list[ConsentPurpose] = Field(min_length=1)
    method: ConsentMethod = Field(description="written（書面）/ oral（口頭）")
    obtained_on: SaneDate = Field(description="同意日")
    expires_on: SaneDate | None = Field(None, description="有効期限（なければ null）")
    notes: str = ""


class ConsentWithdrawIn(Schema):
    reason: str = model_field(Consent, "withdrawal_reason", "", description="撤回の理由・経緯")


class ConsentOut(Out):
    id: int
    person_id: int
    organization_ids: list[int]
    purposes: list[str]
    method: str
    obtained_on: dt.date
    expires_on: dt.date | None
    obtained_by_organization: Name
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    notes: str

    @staticmethod
    def resolve_organization_ids(consent: Consent) -> list[int]:
        return sorted(o.pk for o in consent.organizations.all())


def _household_data(sent: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in sent.items() if k in services.HOUSEHOLD_FIELDS}
    if "concerns" in data:
        data["concerns"] = [str(c) for c in data["concerns"] or []]
    if "area_id" in sent:
        data["area"] = _area(sent["area_id"])
    return data


@router.post(
    "/households",
    response={201: HouseholdOut, 403: ErrorOut, 422: ErrorOut},
    summary="世帯の登録",
    url_name="household_create",
)
def household_create(request: TsunaguRequest, payload: HouseholdIn) -> Status[Household]:
    try:
        household = services.household_create(
            actor=request.actor, data=_household_data(payload.dict())
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return Status(201, household)


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdOut, **ERRORS},
    summary="世帯の情報の更新",
    description="送った項目だけを変えます。version は最後に読んだときの値です。"
    "ほかの人が先に更新していると 409 conflict を返します。",
    url_name="household_update",
)
def household_update(
    request: TsunaguRequest, household_id: int, payload: HouseholdPatch
) -> Household:
    household = access_household(request.actor, household_id, for_write=True)
    sent = payload.dict(exclude_unset=True)
    try:
        updated = services.household_update(
            actor=request.actor,
            household=household,
            expected_version=payload.version,
            changes=_household_data(sent),
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return updated


@router.post(
    "/households/{household_id}/members",
    response={201: HouseholdMemberOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="世帯員を加える",
    description="加える人は、操作中の所属機関が見られる人だけです（見られない人は 404）。",
    url_name="household_member_add",
)
def household_member_add(
    request: TsunaguRequest, household_id: int, payload: HouseholdMemberIn
) -> Status[HouseholdMember]:
    household = access_household(request.actor, household_id, for_write=True)
    person = access_person(request.actor, payload.person_id, for_write=True)
    try:
        member = services.household_member_add(
            actor=request.actor,
            household=household,
            person=person,
            relationship=str(payload.relationship),
            lives_together=payload.lives_together,
            start_date=payload.start_date,
            notes=payload.notes,
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return Status(201, member)


@router.post(
    "/households/{household_id}/members/{member_id}/end",
    response={200: HouseholdMemberOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="世帯員が世帯を離れた日を記録する（履歴として残ります）",
    url_name="household_member_end",
)
def household_member_end(
    request: TsunaguRequest, household_id: int, member_id: int, payload: HouseholdMemberEndIn
) -> HouseholdMember:
    household = access_household(request.actor, household_id, for_write=True)
    member = selectors.household_member(
        actor=request.actor, household=household, member_id=member_id
    )
    if member is None:
        audit.record_denial(
            request.actor,
            target_type="people.householdmember",
            target_id=str(member_id)[:64],
            reason="not found",
        )
        raise NotFound("見つかりません。")
    try:
        ended = services.household_member_end(
            actor=request.actor, member=member, end_date=payload.end_date
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return ended


@router.post(
    "/persons/{person_id}/consents",
    response={201: ConsentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="同意の記録",
    description="本人から得た情報共有の同意（共有先の機関・目的・方法・同意日）を記録します。",
    url_name="consent_create",
)
def consent_create(request: TsunaguRequest, person_id: int, payload: ConsentIn) -> Status[Consent]:
    person = access_person(request.actor, person_id, for_write=True)
    organizations = list(Organization.objects.active().filter(pk__in=payload.organization_ids))
    if len(organizations) != len(set(payload.organization_ids)):
        raise _field_errors(FieldErrors({"organization_ids": "指定された機関がありません。"}))
    try:
        consent = services.consent_record(
            actor=request.actor,
            person=person,
            organizations=organizations,
            purposes=[str(p) for p in payload.purposes],
            method=str(payload.method),
            obtained_on=payload.obtained_on,
            expires_on=payload.expires_on,
            notes=payload.notes,
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return Status(201, consent)


@router.post(
    "/persons/{person_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="同意の撤回",
    description="撤回はすぐに効きます。この同意を根拠にした情報共有は直ちに止まります。"
    "撤回済みの同意には 422 を返します。",
    url_name="consent_withdraw",
)
def consent_withdraw(
    request: TsunaguRequest, person_id: int, consent_id: int, payload: ConsentWithdrawIn
) -> Consent:
    person = access_person(request.actor, person_id, for_write=True)
    consent = selectors.person_consent(person=person, consent_id=consent_id)
    if consent is None:
        audit.record_denial(
            request.actor,
            target_type="people.consent",
            target_id=str(consent_id)[:64],
            reason="not found",
        )
        raise NotFound("見つかりません。")
    return services.consent_withdraw(actor=request.actor, consent=consent, reason=payload.reason)


# --- DV and hidden addresses (people.protection, ADR 0023) -----------------------------------


class PeopleProtectionOut(Schema):
    active: bool
    basis: str | None = Field(None, description="resident_register / worker_judgement")
    organization: str | None = Field(None, description="主担当機関（表示できる職員の所属）")
    decided_by: str | None = None
    decided_on: dt.date | None = None
    review_on: dt.date | None = Field(None, description="終了・見直しの日")
    workers: list[str] = Field(default_factory=list, description="表示できる職員")
    reason: str | None = Field(None, description="指名された職員（と主担当機関の判断者）にだけ")


class PeopleProtectionIn(Schema):
    basis: Literal["resident_register", "worker_judgement"]
    decided_on: SaneDate
    reason: NonBlank = Field(max_length=400)
    review_on: SaneDate
    worker_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="表示できる職員（操作中の所属機関の職員）"
    )


class PeopleProtectionEndIn(Schema):
    reason: NonBlank = Field(max_length=400)


class PeopleContactOut(Schema):
    postal_code: str
    address: str
    phone: str


def _protection_out(actor: Any, person: Person) -> PeopleProtectionOut:
    current = protection.active_protection(person)
    if current is None:
        return PeopleProtectionOut(
            active=False, basis=None, organization=None, review_on=None, reason=None
        )

    def name(user: Any) -> str:
        return str(user.get_full_name() or user.get_username())

    manager = protection.may_manage(actor, person, current)
    return PeopleProtectionOut(
        active=True,
        basis=current.basis,
        organization=current.organization.name,
        decided_by=name(current.decided_by),
        decided_on=current.decided_on,
        review_on=current.review_on,
        workers=[name(w) for w in current.workers.all()],
        reason=current.reason if manager else None,
    )


@router.get(
    "/persons/{person_id}/protection",
    response={200: PeopleProtectionOut, 404: ErrorOut},
    summary="住所等の非表示（DV等支援措置）の状態",
    url_name="person_protection",
)
def person_protection(request: TsunaguRequest, person_id: int) -> PeopleProtectionOut:
    person = access_person(request.actor, person_id)
    return _protection_out(request.actor, person)


@router.put(
    "/persons/{person_id}/protection",
    response={200: PeopleProtectionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="住所等を非表示にする・変更する",
    description="本人の支援ケースの主担当機関の職員が設定し、以後は指名された職員だけが変更"
    "できます。判断した人は必ず表示できる職員に含まれます。",
    url_name="person_protection_set",
)
def person_protection_set(
    request: TsunaguRequest, person_id: int, payload: PeopleProtectionIn
) -> PeopleProtectionOut:
    person = access_person(request.actor, person_id, for_write=True)
    try:
        protection.protection_set(
            request.actor,
            person=person,
            basis=payload.basis,
            decided_on=payload.decided_on,
            reason=payload.reason,
            review_on=payload.review_on,
            worker_ids=payload.worker_ids,
        )
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return _protection_out(request.actor, person)


@router.post(
    "/persons/{person_id}/protection/end",
    response={200: PeopleProtectionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="住所等の非表示を解除する",
    url_name="person_protection_end",
)
def person_protection_end(
    request: TsunaguRequest, person_id: int, payload: PeopleProtectionEndIn
) -> PeopleProtectionOut:
    person = access_person(request.actor, person_id, for_write=True)
    try:
        protection.protection_end(request.actor, person=person, reason=payload.reason)
    except FieldErrors as exc:
        raise _field_errors(exc) from None
    return _protection_out(request.actor, person)


@router.post(
    "/persons/{person_id}/contact/reveal",
    response={200: PeopleContactOut, 403: ErrorOut, 404: ErrorOut},
    summary="非表示の住所・電話番号を表示する（指名された職員、監査ログに記録）",
    description="表示は職員ごとに1時間に決まった回数まで（画面と合わせて数えます）。"
    "超えると 403 contact_reveal_limit を返し、監査ログに記録します。",
    url_name="person_contact_reveal",
)
def person_contact_reveal(request: TsunaguRequest, person_id: int) -> PeopleContactOut:
    person = access_person(request.actor, person_id)
    found = protection.contact_reveal(request.actor, person=person)
    return PeopleContactOut(postal_code=found.postal_code, address=found.address, phone=found.phone)
