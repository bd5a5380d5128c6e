"""Writes for persons, households, household members and consents.

Screens and the API both call these.  Every write checks that the acting organization may
write, validates (the same rules for a form and a JSON body), saves in one transaction with its
audit row, and refuses a save based on an outdated version of a person or household.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jaconv
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tsunagu.audit import services as audit
from tsunagu.audit.models import Action
from tsunagu.core.actor import Actor
from tsunagu.core.errors import Conflict, FieldErrors, Invalid
from tsunagu.core.kana import fold_name, is_kana, normalize_kana, normalize_phone
from tsunagu.organizations.models import Organization
from tsunagu.people import protection, selectors
from tsunagu.people.models import (
    CERTIFICATE_GRADES,
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

# Marked for the catalogue; translated where it is raised, in the reader's language.
CONFLICT_MESSAGE = gettext_noop(
    "ほかの人が先に更新しました。画面を開き直して内容を確認してください。"
)

# What a person form or JSON body may set; kana_normalized, phone_normalized, version and
# registered_by_organization are the service's to set.
PERSON_FIELDS: tuple[str, ...] = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "former_names",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "area",
    "phone",
    "support_category",
    "disability_categories",
    "primary_category",
    "recipient_numbers",
    "lives_alone",
    "needs_evacuation_support",
    "notes",
)
HOUSEHOLD_FIELDS: tuple[str, ...] = ("name", "postal_code", "address", "area", "concerns", "notes")

_POSTAL_CODE = re.compile(r"^\d{3}-?\d{4}$")
_PHONE = re.compile(r"^[0-9()+\-‐ ]*$")
# The same rules as patterns for the API's document (ASCII or full-width digits and signs), a
# little narrower than the checks below, never wider (test_api_schema_constraints holds them).
POSTAL_CODE_PATTERN = r"^(?:[0-9０-９]{3}-?[0-9０-９]{4})?$"
_PHONE_SIGNS = r"-()+‐ （）＋－\u3000"
PHONE_PATTERN = rf"^(?:[{_PHONE_SIGNS}]*(?:[0-9０-９][{_PHONE_SIGNS}]*){{10,11}})?$"


class PossibleDuplicate(Conflict):
    """The person may already be registered; the caller shows the candidates it may see."""

    def __init__(self, candidates: selectors.DuplicateCandidates) -> None:
        super().__init__(
            "似た記録がすでにあります。同じ人でないか確認してください。", code="possible_duplicate"
        )
        self.candidates = candidates


@dataclass(frozen=True)
class CertificateInput:
    kind: str
    status: str
    grade: str = ""
    physical_type: str = ""


# --- Shared checks ----------------------------------------------------------------------------


def store_kana(value: str) -> str:
    """As typed, in full-width katakana: ﾔﾏﾀﾞ and やまだ are stored as ヤマダ."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = re.sub(r"\s+", " ", text)
    return str(jaconv.hira2kata(text))


def _certificate_errors(certificates: Iterable[CertificateInput]) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for cert in certificates:
        key = f"cert_{cert.kind}"
        if cert.kind not in CertificateKind.values:
            errors["certificates"] = _("手帳の種類が正しくありません。")
            continue
        label = CertificateKind(cert.kind).label
        if cert.kind in seen:
            errors["certificates"] = _("同じ種類の手帳は1つだけ登録できます。")
        seen.add(cert.kind)
        if cert.status not in CertificateStatus.values:
            errors[f"{key}_status"] = _("%(kind)sの状態（所持・申請中）を選んでください。") % {
                "kind": label
            }
            continue
        grades = CERTIFICATE_GRADES[cert.kind]
        if cert.grade and cert.grade not in grades:
            errors[f"{key}_grade"] = _("%(kind)sの等級・判定は %(grades)s のいずれかです。") % {
                "kind": label,
                "grades": "・".join(grades),
            }
        elif not cert.grade and cert.status == CertificateStatus.HELD:
            errors[f"{key}_grade"] = _("%(kind)sの等級・判定を選んでください。") % {"kind": label}
        if cert.physical_type:
            if cert.kind != CertificateKind.PHYSICAL:
                errors[f"{key}_grade"] = _("障害の種類は身体障害者手帳にのみ記録します。")
            elif cert.physical_type not in PhysicalDisabilityType.values:
                errors["cert_physical_type"] = _("障害の種類（身体）が正しくありません。")
    return errors


def person_errors(
    data: Mapping[str, Any], certificates: Iterable[CertificateInput] = ()
) -> dict[str, str]:
    """Every rule a person's data must follow, as {field: Japanese message}."""
    errors: dict[str, str] = {}
    for name, label in (
        ("family_name_kana", _("姓（カナ）")),
        ("given_name_kana", _("名（カナ）")),
    ):
        value = str(data.get(name) or "").strip()
        if not value:
            errors[name] = _("%(label)sを入力してください。") % {"label": label}
        elif not is_kana(value):
            errors[name] = _("%(label)sはカナ（ひらがな・カタカナ）で入力してください。") % {
                "label": label
            }
    birth_date = data.get("birth_date")
    if isinstance(birth_date, dt.date) and birth_date > timezone.localdate():
        errors["birth_date"] = _("生年月日が未来の日付になっています。")
    if data.get("sex", Sex.NO_ANSWER) not in Sex.values:
        errors["sex"] = _("性別が正しくありません。")
    if (data.get("support_category") or "") not in ("", *SupportCategory.values):
        errors["support_category"] = _("障害支援区分が正しくありません。")
    postal_code = str(data.get("postal_code") or "")
    if postal_code and not _POSTAL_CODE.match(postal_code):
        errors["postal_code"] = _("郵便番号は 123-4567 の形で入力してください。")
    phone = unicodedata.normalize("NFKC", str(data.get("phone") or ""))
    if phone and (not _PHONE.match(phone) or not 10 <= len(normalize_phone(phone)) <= 11):
        errors["phone"] = _("電話番号は 10〜11 桁の数字で入力してください（ハイフン可）。")
    categories = list(data.get("disability_categories") or [])
    if any(c not in DisabilityCategory.values for c in categories):
        errors["disability_categories"] = _("障害種別が正しくありません。")
    primary = data.get("primary_category") or ""
    if primary and primary not in categories:
        errors["primary_category"] = _(
            "主たる障害種別は、チェックした障害種別の中から選んでください。"
        )
    errors.update(_certificate_errors(certificates))
    return errors


def _person_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in PERSON_FIELDS if name in data}
    for name in ("family_name_kana", "given_name_kana"):
        if name in values:
            values[name] = store_kana(values[name])
    for name in ("family_name", "given_name", "phone", "postal_code", "address"):
        if name in values:
            values[name] = unicodedata.normalize("NFKC", values[name] or "").strip()
    for name in ("family_name", "given_name"):
        if name in values:
            # NFKC turns the ideographic space into an ASCII one; names keep no inner spaces.
            values[name] = re.sub(r"\s+", "", values[name])
    if "disability_categories" in values:
        values["disability_categories"] = [
            c for c in DisabilityCategory.values if c in (values["disability_categories"] or [])
        ]
    return values


def _derived(person: Person) -> None:
    person.kana_normalized = normalize_kana(person.family_name_kana + person.given_name_kana)
    person.name_folded = fold_name(person.family_name, person.given_name)
    person.phone_normalized = normalize_phone(person.phone)


def _save_certificates(person: Person, certificates: Iterable[CertificateInput]) -> None:
    wanted = {c.kind: c for c in certificates}
    person.certificates.exclude(kind__in=list(wanted)).delete()
    for kind, cert in wanted.items():
        row = person.certificates.filter(kind=kind).first() or DisabilityCertificate(
            person=person, kind=kind
        )
        row.status = cert.status
        row.grade = cert.grade
        row.physical_type = cert.physical_type if kind == CertificateKind.PHYSICAL else ""
        row.full_clean()
        row.save()


def certificate_inputs_of(person: Person) -> list[CertificateInput]:
    return [
        CertificateInput(kind=c.kind, status=c.status, grade=c.grade, physical_type=c.physical_type)
        for c in selectors.person_certificates(person=person)
    ]


# --- Persons ----------------------------------------------------------------------------------


def person_duplicate_check(
    actor: Actor, *, data: Mapping[str, Any], exclude_pk: int | None = None
) -> selectors.DuplicateCandidates:
    """Who may already be this person: candidates the actor may see, and (never shown to the
    actor) those it may not see, for the core center's queue."""
    candidates = selectors.person_duplicate_candidates(
        family_name_kana=str(data.get("family_name_kana") or ""),
        given_name_kana=str(data.get("given_name_kana") or ""),
        birth_date=data.get("birth_date"),
        phone=str(data.get("phone") or ""),
        exclude_pk=exclude_pk,
    )
    return selectors.split_duplicate_candidates(actor=actor, candidates=candidates)


def person_create(
    actor: Actor,
    *,
    data: Mapping[str, Any],
    certificates: Iterable[CertificateInput] = (),
    confirm_new: bool = False,
) -> Person:
    """Register a person for the acting organization.

    Raises FieldErrors for bad input and PossibleDuplicate when similar records exist and the
    user has not confirmed that this is someone else (`confirm_new`).
    """
    actor = audit.require_writer(actor, target_type="people.person")
    certificates = list(certificates)
    errors = person_errors(data, certificates)
    if errors:
        raise FieldErrors(errors)
    values = _person_values(data)
    duplicates = person_duplicate_check(actor=actor, data=values)
    # Only what the office may see: this row is on the person's "who looked" report, which the
    # registering office reads, so it must not tell whether a match exists elsewhere.
    check = {"candidates": len(duplicates.visible), "confirmed_new": confirm_new}
    if duplicates and not confirm_new:
        # Not inside the transaction below: the check's audit row stays when creation stops.
        audit.record(
            action=Action.RECORD_VIEWED,
            actor=actor,
            target_type="people.person",
            detail={"duplicate_check": check},
        )
        raise PossibleDuplicate(duplicates)
    with audit.atomic():
        person = Person(registered_by_organization=actor.organization, **values)
        _derived(person)
        person.full_clean()
        person.save()
        _save_certificates(person, certificates)
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target=person,
            detail={
                "fields": sorted(k for k, v in values.items() if v not in ("", None, [], False)),
                "certificates": sorted(c.kind for c in certificates),
                "duplicate_check": check,
            },
        )
        _queue_hidden_matches(actor=actor, person=person, hidden=duplicates.hidden)
    return person


def _queue_hidden_matches(
    actor: Actor,
    *,
    person: Person,
    hidden: Mapping[Person, list[str]],
) -> None:
    """Put the matches the office may not see on the core center's queue (DuplicateCandidate),
    each with its audit row, and tell the office nothing (DESIGN.md §5)."""
    for match, reasons in hidden.items():
        candidate, created = DuplicateCandidate.objects.get_or_create(
            person=person,
            match=match,
            defaults={"raised_by_organization": actor.organization, "matched_on": reasons},
        )
        if created:
            audit.record(
                action=Action.RECORD_CREATED,
                actor=actor,
                target=candidate,
                detail={"queue": "duplicates", "matched_on": reasons},
            )


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


def _versioned_update(
    obj: Person | Household, expected_version: int, values: dict[str, Any]
) -> None:
    """UPDATE … WHERE version = expected; nobody else's newer save is overwritten."""
    model = type(obj)
    now = timezone.now()
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=now
    )
    if updated == 0:
        raise Conflict(_(CONFLICT_MESSAGE))


# Changing one of these may make the person look like someone else already registered.
IDENTITY_FIELDS = ("family_name_kana", "given_name_kana", "birth_date", "phone")


def person_update(
    actor: Actor,
    *,
    person: Person,
    expected_version: int,
    changes: Mapping[str, Any],
    certificates: Iterable[CertificateInput] | None = None,
    check_duplicates: bool = False,
    confirm_new: bool = False,
) -> Person:
    """Apply `changes` (any of PERSON_FIELDS) if nobody saved the person since `expected_version`.

    `certificates`, when given, replaces the person's certificates.  The audit row names the
    changed fields, never their values.  With `check_duplicates`, a change of kana, birth date
    or phone that makes the person match someone else raises PossibleDuplicate (as on create);
    the caller sends it again with `confirm_new` once the user confirmed they are different.
    Matches the office may not see are never mentioned: they go to the core center's queue once
    the update is saved, exactly as on registration.
    """
    protection.check_contact_change(actor, person=person, changes=dict(changes))
    hidden: Mapping[Person, list[str]] = {}
    if check_duplicates:
        hidden = _person_update_duplicate_check(
            actor=actor, person=person, changes=changes, confirm_new=confirm_new
        )
    with audit.atomic():
        updated = _person_update(
            actor=actor,
            person=person,
            expected_version=expected_version,
            changes=changes,
            certificates=certificates,
        )
        _queue_hidden_matches(actor=actor, person=updated, hidden=hidden)
        return updated


def _person_update_duplicate_check(
    actor: Actor, *, person: Person, changes: Mapping[str, Any], confirm_new: bool
) -> dict[Person, list[str]]:
    """Outside the update's transaction: the check's audit row stays when the update stops.
    Raises PossibleDuplicate for candidates the actor may see (unless `confirm_new`); returns
    the others, for the queue."""
    audit.require_writer(actor, target_type="people.person", target_id=person.pk)
    merged = {name: getattr(person, name) for name in PERSON_FIELDS} | dict(changes)
    if person_errors(merged):
        return {}  # the update itself reports the bad input
    values = _person_values({k: v for k, v in changes.items() if k in IDENTITY_FIELDS})
    if not any(_comparable(getattr(person, k)) != _comparable(v) for k, v in values.items()):
        return {}
    identity = {name: getattr(person, name) for name in IDENTITY_FIELDS} | values
    duplicates = person_duplicate_check(actor=actor, data=identity, exclude_pk=person.pk)
    if duplicates and not confirm_new:
        audit.record(
            action=Action.RECORD_VIEWED,
            actor=actor,
            target=person,
            detail={
                "duplicate_check": {"candidates": len(duplicates.visible), "confirmed_new": False}
            },
        )
        raise PossibleDuplicate(duplicates)
    return duplicates.hidden


def _person_update(
    actor: Actor,
    *,
    person: Person,
    expected_version: int,
    changes: Mapping[str, Any],
    certificates: Iterable[CertificateInput] | None,
) -> Person:
    audit.require_writer(actor, target_type="people.person", target_id=person.pk)
    current_certificates = certificate_inputs_of(person)
    new_certificates = current_certificates if certificates is None else list(certificates)
    merged = {name: getattr(person, name) for name in PERSON_FIELDS} | dict(changes)
    errors = person_errors(merged, new_certificates)
    if errors:
        raise FieldErrors(errors)
    values = _person_values(changes)
    changed = sorted(
        name
        for name, value in values.items()
        if _comparable(getattr(person, name)) != _comparable(value)
    )
    certificates_changed = sorted(
        (c.kind, c.status, c.grade, c.physical_type) for c in new_certificates
    ) != sorted((c.kind, c.status, c.grade, c.physical_type) for c in current_certificates)
    if not changed and not certificates_changed:
        if person.version != expected_version:
            raise Conflict(_(CONFLICT_MESSAGE))
        return person
    for name in changed:
        setattr(person, name, values[name])
    _derived(person)
    person.full_clean()
    update = {name: getattr(person, name) for name in changed}
    update["kana_normalized"] = person.kana_normalized
    update["name_folded"] = person.name_folded
    update["phone_normalized"] = person.phone_normalized
    _versioned_update(person, expected_version, update)
    if certificates_changed:
        _save_certificates(person, new_certificates)
        changed.append("certificates")
    person.refresh_from_db()
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=person, detail={"fields": changed}
    )
    return person


# --- Consents ---------------------------------------------------------------------------------


def consent_errors(
    *,
    organizations: Iterable[Organization],
    purposes: Iterable[str],
    method: str,
    obtained_on: dt.date | None,
    expires_on: dt.date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not list(organizations):
        errors["organizations"] = _("共有先の機関を1つ以上選んでください。")
    purposes = list(purposes)
    if not purposes:
        errors["purposes"] = _("目的を1つ以上選んでください。")
    elif any(p not in ConsentPurpose.values for p in purposes):
        errors["purposes"] = _("目的が正しくありません。")
    if method not in ConsentMethod.values:
        errors["method"] = _("同意の方法（書面・口頭）を選んでください。")
    if obtained_on is None:
        errors["obtained_on"] = _("同意日を入力してください。")
    elif obtained_on > timezone.localdate():
        errors["obtained_on"] = _("同意日が未来の日付になっています。")
    elif expires_on is not None and expires_on < obtained_on:
        errors["expires_on"] = _("有効期限は同意日以降の日付にしてください。")
    return errors


def consent_record(
    actor: Actor,
    *,
    person: Person,
    organizations: Iterable[Organization],
    purposes: Iterable[str],
    method: str,
    obtained_on: dt.date,
    expires_on: dt.date | None = None,
    notes: str = "",
) -> Consent:
    actor = audit.require_writer(actor, target_type="people.consent")
    organizations = list(organizations)
    purposes = list(purposes)
    errors = consent_errors(
        organizations=organizations,
        purposes=purposes,
        method=method,
        obtained_on=obtained_on,
        expires_on=expires_on,
    )
    if errors:
        raise FieldErrors(errors)
    with audit.atomic():
        consent = Consent(
            person=person,
            purposes=[p for p in ConsentPurpose.values if p in purposes],
            method=method,
            obtained_on=obtained_on,
            expires_on=expires_on,
            notes=notes,
            obtained_by=actor.user,
            obtained_by_organization=actor.organization,
        )
        consent.full_clean()
        consent.save()
        consent.organizations.set(organizations)
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target=consent,
            detail={
                "person": person.pk,
                "organizations": sorted(o.pk for o in organizations),
                "purposes": consent.purposes,
            },
        )
    return consent


def consent_withdraw(actor: Actor, *, consent: Consent, reason: str = "") -> Consent:
    """Withdrawal takes effect at once: team memberships based on it stop sharing now."""
    audit.require_writer(actor, target_type="people.consent", target_id=consent.pk)
    if consent.withdrawn_at is not None:
        raise Invalid("この同意はすでに撤回されています。")
    with audit.atomic():
        consent.withdrawn_at = timezone.now()
        consent.withdrawal_reason = reason.strip()[:200]
        consent.full_clean()
        consent.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=consent,
            detail={"fields": ["withdrawn_at", "withdrawal_reason"], "withdrawn": True},
        )
    return consent


# --- Households -------------------------------------------------------------------------------


def household_errors(data: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = _("世帯名を入力してください。")
    if any(c not in HouseholdConcern.values for c in data.get("concerns") or []):
        errors["concerns"] = _("世帯の課題が正しくありません。")
    postal_code = str(data.get("postal_code") or "")
    if postal_code and not _POSTAL_CODE.match(postal_code):
        errors["postal_code"] = _("郵便番号は 123-4567 の形で入力してください。")
    return errors


def _household_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in HOUSEHOLD_FIELDS if name in data}
    for name in ("name", "postal_code", "address"):
        if name in values:
            values[name] = unicodedata.normalize("NFKC", values[name] or "").strip()
    if "concerns" in values:
        values["concerns"] = [c for c in HouseholdConcern.values if c in (values["concerns"] or [])]
    return values


def household_create(actor: Actor, *, data: Mapping[str, Any]) -> Household:
    actor = audit.require_writer(actor, target_type="people.household")
    errors = household_errors(data)
    if errors:
        raise FieldErrors(errors)
    values = _household_values(data)
    with audit.atomic():
        household = Household(registered_by_organization=actor.organization, **values)
        household.full_clean()
        household.save()
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target=household,
            detail={"fields": sorted(k for k, v in values.items() if v not in ("", None, []))},
        )
    return household


@audit.atomic_with_refusals
def household_update(
    actor: Actor,
    *,
    household: Household,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Household:
    audit.require_writer(actor, target_type="people.household", target_id=household.pk)
    if any(name in changes for name in protection.CONTACT_FIELDS) and (
        protection.protected_household_ids([household.pk])
    ):
        raise protection.contact_change_refused(actor, household)
    merged = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS} | dict(changes)
    errors = household_errors(merged)
    if errors:
        raise FieldErrors(errors)
    values = _household_values(changes)
    changed = sorted(
        name
        for name, value in values.items()
        if _comparable(getattr(household, name)) != _comparable(value)
    )
    if not changed:
        if household.version != expected_version:
            raise Conflict(_(CONFLICT_MESSAGE))
        return household
    for name in changed:
        setattr(household, name, values[name])
    household.full_clean()
    _versioned_update(household, expected_version, {name: values[name] for name in changed})
    household.refresh_from_db()
    audit.record(
        action=Action.RECORD_UPDATED, actor=actor, target=household, detail={"fields": changed}
    )
    return household


def household_member_add(
    actor: Actor,
    *,
    household: Household,
    person: Person,
    relationship: str,
    lives_together: bool = True,
    start_date: dt.date | None = None,
    notes: str = "",
) -> HouseholdMember:
    """Add a person to a household from `start_date`; a person may belong to several
    households over time, but to one household only once at a time."""
    audit.require_writer(actor, target_type="people.householdmember")
    errors: dict[str, str] = {}
    if relationship not in Relationship.values:
        errors["relationship"] = _("続柄を選んでください。")
    overlapping = [
        m
        for m in selectors.household_members(household=household).filter(person=person)
        if m.end_date is None or start_date is None or m.end_date >= start_date
    ]
    if overlapping:
        errors["person"] = _("この人はすでにこの世帯の世帯員です。")
    if errors:
        raise FieldErrors(errors)
    with audit.atomic():
        member = HouseholdMember(
            household=household,
            person=person,
            relationship=relationship,
            lives_together=lives_together,
            start_date=start_date,
            notes=notes.strip(),
        )
        member.full_clean()
        member.save()
        audit.record(
            action=Action.RECORD_CREATED,
            actor=actor,
            target=member,
            detail={"household": household.pk, "person": person.pk},
        )
    return member


def household_member_end(
    actor: Actor, *, member: HouseholdMember, end_date: dt.date
) -> HouseholdMember:
    """The member left the household on `end_date` (kept as history)."""
    audit.require_writer(actor, target_type="people.householdmember", target_id=member.pk)
    if member.end_date is not None:
        raise FieldErrors({"end_date": _("この世帯員はすでに世帯を離れています。")})
    if member.start_date is not None and end_date < member.start_date:
        raise FieldErrors(
            {"end_date": _("世帯を離れた日は、世帯に加わった日以降の日付にしてください。")}
        )
    with audit.atomic():
        member.end_date = end_date
        member.full_clean()
        member.save(update_fields=["end_date"])
        audit.record(
            action=Action.RECORD_UPDATED,
            actor=actor,
            target=member,
            detail={"fields": ["end_date"], "household": member.household_id},
        )
    return member
