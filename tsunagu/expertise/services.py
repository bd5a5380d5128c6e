"""Writes of the expertise directory: an office declares, changes and withdraws what it knows.
Each write has its audit row in the same transaction (old and new values; never a person)."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.audit import services as audit
from tsunagu.audit.actions import register_action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import FieldErrors, Forbidden
from tsunagu.expertise.models import NOTE_MAX_LENGTH, ExpertiseDeclaration, Theme
from tsunagu.expertise.selectors import may_declare

ACTION_DECLARED = register_action("expertise.declared", gettext_lazy("専門性の登録"))
ACTION_UPDATED = register_action("expertise.updated", gettext_lazy("専門性の登録の変更"))
ACTION_WITHDRAWN = register_action("expertise.withdrawn", gettext_lazy("専門性の登録の取り下げ"))


def _note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise FieldErrors(
            {"note": _("%(max)s文字以内で入力してください。") % {"max": NOTE_MAX_LENGTH}}
        )
    return text


def _require_declarer(actor: Actor) -> None:
    if not may_declare(actor):
        audit.record_denial(
            actor, target_type="view", target_id="expertise_declare", reason="may not declare"
        )
        raise Forbidden(
            _("専門性を登録できるのは、相談支援事業所・基幹相談支援センターの職員です。")
        )


@audit.atomic_with_refusals
def declaration_create(actor: Actor, *, theme: str, note: str = "") -> ExpertiseDeclaration:
    _require_declarer(actor)
    if theme not in Theme.values:
        raise FieldErrors({"theme": _("一覧から分野を選んでください。")})
    organization = actor.organization
    if organization is None:  # may_declare has said there is one
        raise Forbidden(_("組織を選んでから登録してください。"))
    declaration = ExpertiseDeclaration(
        organization=organization,
        theme=theme,
        note=_note(note),
        declared_by=actor.user,
        declared_on=timezone.localdate(),
    )
    if ExpertiseDeclaration.objects.filter(organization=actor.organization, theme=theme).exists():
        raise FieldErrors({"theme": _("この分野はすでに登録しています。変更から直してください。")})
    try:
        with audit.atomic():
            declaration.save(force_insert=True)
    except IntegrityError:  # the same office and theme, saved a moment ago by a colleague
        raise FieldErrors(
            {"theme": _("この分野はすでに登録しています。変更から直してください。")}
        ) from None
    audit.record(
        action=ACTION_DECLARED,
        actor=actor,
        target=declaration,
        detail={"theme": theme, "note": declaration.note},
    )
    return declaration


@audit.atomic_with_refusals
def declaration_update(
    actor: Actor, *, declaration: ExpertiseDeclaration, note: str
) -> ExpertiseDeclaration:
    """A new note; the date shown becomes today's (the office has looked at it again)."""
    _require_declarer(actor)
    before = declaration.note
    declaration.note = _note(note)
    declaration.declared_by = actor.user
    declaration.declared_on = timezone.localdate()
    declaration.save(update_fields=["note", "declared_by", "declared_on", "updated_at"])
    audit.record(
        action=ACTION_UPDATED,
        actor=actor,
        target=declaration,
        detail={
            "theme": declaration.theme,
            "before": {"note": before},
            "after": {"note": declaration.note},
        },
    )
    return declaration


@audit.atomic_with_refusals
def declaration_delete(actor: Actor, *, declaration: ExpertiseDeclaration) -> None:
    _require_declarer(actor)
    audit.record(
        action=ACTION_WITHDRAWN,
        actor=actor,
        target=declaration,
        detail={"theme": declaration.theme, "note": declaration.note},
    )
    declaration.delete()
