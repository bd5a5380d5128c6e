"""The expertise directory in the JSON API: the same selectors and services as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.responses import Status

from tsunagu.audit import services as audit
from tsunagu.core.api import ErrorOut, paginated
from tsunagu.core.errors import Invalid
from tsunagu.core.http import TsunaguRequest
from tsunagu.core.schemas import Name, Out, model_field
from tsunagu.core.validators import Id
from tsunagu.expertise import selectors, services
from tsunagu.expertise.models import ExpertiseDeclaration, Theme

router = Router(tags=["expertise"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class DeclarationOut(Out):
    id: int
    organization_id: int
    theme: Theme
    theme_label: str = Field(alias="get_theme_display")
    note: str
    declared_by: Name
    declared_on: dt.date


class EvidenceOut(Out):
    theme: Theme
    theme_label: str
    declared: bool
    declaration: DeclarationOut | None
    closed_cases_band: str = Field(
        alias="closed_band",
        description="終結したケースの件数の区分: none（なし）、"
        "under_5（1〜4件。件数は示しません）、count（5件以上。closed_cases に件数）",
    )
    closed_cases: int | None = Field(description="5件以上のときの件数。それ以外は null（0件は 0）")
    closed_cases_label: str = Field(alias="closed_label")
    trainings: int
    score: int

    @staticmethod
    def resolve_declared(obj: selectors.Evidence) -> bool:
        return obj.declaration is not None


class OfficeOut(Out):
    id: int = Field(alias="organization.pk")
    name: str = Field(alias="organization.name")
    kind: str = Field(alias="organization.kind")
    kind_label: str = Field(alias="organization.get_kind_display")
    phone: str = Field(alias="organization.phone")
    fax: str = Field(alias="organization.fax")
    email: str = Field(alias="organization.email")
    address: str = Field(alias="organization.address")
    contact_person: str = Field(alias="organization.contact_person")
    areas: list[str]
    city_wide: bool
    score: int
    evidence: list[EvidenceOut]


class DeclarationIn(Schema):
    theme: Theme
    note: str = model_field(ExpertiseDeclaration, "note", "")


class DeclarationPatch(Schema):
    note: str = model_field(ExpertiseDeclaration, "note")


@router.get(
    "/expertise",
    response={200: list[OfficeOut], 404: ErrorOut, 422: ErrorOut},
    summary="専門性の一覧：分野と区で、知っている機関を探す",
    url_name="expertise_directory",
)
@paginated
def expertise_directory(
    request: TsunaguRequest, theme: Theme | None = None, ward_id: Id | None = None
) -> list[selectors.Entry]:
    """ネットワークの機関（相談支援事業所・基幹相談支援センター・区役所・市）の職員だけが読めます。
    終結したケースの件数は機関と分野ごとの数だけで、1〜4件は「5件未満」として件数を示しません。"""
    actor = audit.require_role(request.actor, selectors.may_view, view="expertise")
    ward = None
    if ward_id is not None:
        ward = selectors.wards().filter(pk=ward_id).first()
        if ward is None:
            raise Invalid("その区はありません。", code="unknown_ward")
    return selectors.directory(actor, theme=theme.value if theme else "", ward=ward)


@router.get(
    "/expertise/declarations",
    response={200: list[DeclarationOut], 404: ErrorOut, 422: ErrorOut},
    summary="自機関の専門性の登録",
    url_name="expertise_declaration_list",
)
@paginated
def declaration_list(request: TsunaguRequest) -> Any:
    actor = audit.require_role(request.actor, selectors.may_declare, view="expertise_declarations")
    return selectors.declarations_of(actor)


@router.post(
    "/expertise/declarations",
    response={201: DeclarationOut, **ERRORS},
    summary="自機関の専門性を登録する",
    url_name="expertise_declaration_create",
)
def declaration_create(request: TsunaguRequest, payload: DeclarationIn) -> Status[Any]:
    actor = audit.require_role(request.actor, selectors.may_declare, view="expertise_declarations")
    made = services.declaration_create(actor, theme=payload.theme.value, note=payload.note)
    return Status(201, made)


@router.patch(
    "/expertise/declarations/{declaration_id}",
    response={200: DeclarationOut, **ERRORS},
    summary="自機関の専門性の登録を変更する",
    url_name="expertise_declaration_update",
)
def declaration_update(
    request: TsunaguRequest, declaration_id: int, payload: DeclarationPatch
) -> ExpertiseDeclaration:
    declaration = selectors.access_declaration(request.actor, declaration_id)
    return services.declaration_update(request.actor, declaration=declaration, note=payload.note)


@router.delete(
    "/expertise/declarations/{declaration_id}",
    response={204: None, **ERRORS},
    summary="自機関の専門性の登録を取り下げる",
    url_name="expertise_declaration_delete",
)
def declaration_delete(request: TsunaguRequest, declaration_id: int) -> Status[None]:
    declaration = selectors.access_declaration(request.actor, declaration_id)
    services.declaration_delete(request.actor, declaration=declaration)
    return Status(204, None)
