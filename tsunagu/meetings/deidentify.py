"""De-identified summaries of a case for a case study session (事例検討会) and council views.

What is removed or generalised:
- names and kana of the person and every household member (→ 本人 / the relationship: 母, 兄 …);
- addresses, postal codes, phone numbers, e-mail addresses;
- exact dates (→ month and year: 2026年5月頃), the birth date (→ an age band: 40代);
- ages written as numbers (→ the decade), rare details from the difficulty factors are only
  named by their group.

`find_identifiers` is the check the author's reviewed text must pass before it is shared: it
names each identifier of the case that is still in the text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.models import DIFFICULTY_GROUPS, Case
from tsunagu.core.dates import era_of
from tsunagu.people.models import HouseholdMember, Person, Relationship, Sex
from tsunagu.records.models import Formulation

PHONE = re.compile(r"0\d{1,4}[-‐ー−(（]?\d{1,4}[-‐ー−)）]?\d{3,4}")
POSTAL = re.compile(r"〒?\s?\d{3}[-‐ー−]\d{4}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
JP_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
ERA_DATE = re.compile(r"(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日")
DAY_ONLY = re.compile(r"(\d{1,2})月(\d{1,2})日")
AGE = re.compile(r"(\d{1,3})歳")


@dataclass(frozen=True)
class Subject:
    person: Person
    label: str  # 本人, 母, 兄弟姉妹 …


def _subjects(case: Case) -> list[Subject]:
    subjects: list[Subject] = []
    seen: set[int] = set()
    if case.person_id is not None and case.person is not None:
        subjects.append(Subject(case.person, _("本人")))
        seen.add(case.person.pk)
    if case.household_id is not None:
        members = HouseholdMember.objects.filter(household_id=case.household_id).select_related(
            "person"
        )
        for member in members:
            if member.person_id in seen:
                continue
            seen.add(member.person_id)
            label = (
                _("本人")
                if member.relationship == Relationship.SELF and not subjects
                else str(Relationship(member.relationship).label)
            )
            subjects.append(Subject(member.person, label))
    return subjects


def _name_variants(person: Person) -> list[str]:
    parts = [
        person.family_name,
        person.given_name,
        person.family_name_kana,
        person.given_name_kana,
    ]
    full = [
        f"{person.family_name}{person.given_name}",
        f"{person.family_name} {person.given_name}",
        f"{person.family_name}　{person.given_name}",
        f"{person.family_name_kana}{person.given_name_kana}",
        f"{person.family_name_kana} {person.given_name_kana}",
        f"{person.family_name_kana}　{person.given_name_kana}",
        person.former_names,
    ]
    found = [v.strip() for v in full + parts + person.former_names.splitlines() if v and v.strip()]
    # Longest first, so that 佐藤花子 goes before 佐藤.
    return sorted(set(found), key=len, reverse=True)


def _date_variants(day: dt.date) -> list[str]:
    era, year = era_of(day)
    era_year = "元" if year == 1 else str(year)
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{era.name}{era_year}年{day.month}月{day.day}日",
        f"{era.abbreviation}{year}.{day.month}.{day.day}",
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def age_band(person: Person, on: dt.date) -> str:
    age = person.age_on(on)
    if age is None:
        return _("年齢不明")
    if age < 20:
        return _("10代以下")
    return _("%(decade)d代") % {"decade": age // 10 * 10}


def scrub(text: str, case: Case) -> str:
    """`text` with every identifier of the case's people replaced or generalised."""
    result = unicodedata.normalize("NFKC", text)
    subjects = _subjects(case)
    names: list[tuple[str, str]] = []
    for subject in subjects:
        person = subject.person
        if person.address:
            result = result.replace(unicodedata.normalize("NFKC", person.address), _("（住所）"))
        if person.phone:
            result = result.replace(unicodedata.normalize("NFKC", person.phone), _("（電話番号）"))
        if person.birth_date:
            for variant in _date_variants(person.birth_date):
                result = result.replace(variant, age_band(person, timezone.localdate()))
        names += [(unicodedata.normalize("NFKC", n), subject.label) for n in _name_variants(person)]
    # Longest first over everyone, so that 佐藤八重 goes before the shared family name 佐藤.
    for name, label in sorted(names, key=lambda pair: len(pair[0]), reverse=True):
        result = result.replace(f"{name}さん", label).replace(name, label)
    result = EMAIL.sub(_("（メール）"), result)
    result = PHONE.sub(_("（電話番号）"), result)
    result = POSTAL.sub("", result)
    result = ERA_DATE.sub(lambda m: f"{m.group(1)}{m.group(2)}年{m.group(3)}月頃", result)
    result = JP_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月頃", result)
    result = ISO_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月頃", result)
    result = DAY_ONLY.sub(lambda m: f"{int(m.group(1))}月頃", result)
    result = AGE.sub(lambda m: f"{int(m.group(1)) // 10 * 10}代", result)
    return result


def find_identifiers(text: str, case: Case) -> list[str]:
    """Which kinds of identifier of the case's people are still in `text` (for the check
    before sharing).  The values themselves are not echoed back."""
    normal = unicodedata.normalize("NFKC", text)
    digits = _digits(normal)
    found: list[str] = []
    for subject in _subjects(case):
        person = subject.person
        if any(unicodedata.normalize("NFKC", n) in normal for n in _name_variants(person)):
            found.append(_("%(who)sの氏名・ふりがな") % {"who": subject.label})
        if person.address and unicodedata.normalize("NFKC", person.address) in normal:
            found.append(_("%(who)sの住所") % {"who": subject.label})
        phone = _digits(person.phone)
        if len(phone) >= 6 and phone in digits:
            found.append(_("%(who)sの電話番号") % {"who": subject.label})
        if person.birth_date and any(v in normal for v in _date_variants(person.birth_date)):
            found.append(_("%(who)sの生年月日") % {"who": subject.label})
    if PHONE.search(normal):
        found.append(_("電話番号のような数字"))
    if ISO_DATE.search(normal) or JP_DATE.search(normal) or ERA_DATE.search(normal):
        found.append(_("日付（年月までにしてください）"))
    return sorted(set(found))


def _household_line(case: Case, on: dt.date) -> str:
    subjects = _subjects(case)
    if not subjects:
        return ""
    parts = []
    for subject in subjects:
        person = subject.person
        sex = "" if person.sex in (Sex.NO_ANSWER, Sex.OTHER) else str(Sex(person.sex).label)
        parts.append(f"{subject.label}（{age_band(person, on)}{'・' + sex if sex else ''}）")
    return "、".join(parts)


def _relative_month(day: dt.date, on: dt.date) -> str:
    months = (on.year - day.year) * 12 + on.month - day.month
    if months <= 0:
        return _("今月")
    if months < 12:
        return _("約%(n)dか月前") % {"n": months}
    return _("約%(n)d年前") % {"n": months // 12}


def generate_summary(case: Case, *, on: dt.date | None = None) -> str:
    """A first draft of the de-identified summary, for the author to review and edit."""
    day = on or timezone.localdate()
    lines = [
        _("【世帯の構成】") + (_household_line(case, day) or _("不明")),
        _("【支援の開始】") + _relative_month(case.opened_on, day),
    ]
    if case.difficulty_factors:
        groups = [
            str(label)
            for prefix, label in DIFFICULTY_GROUPS
            if any(str(f).startswith(prefix) for f in case.difficulty_factors)
        ]
        lines.append(_("【困難さの領域】") + "、".join(groups))
    formulation = Formulation.objects.filter(case=case).order_by("-revision").first()
    if formulation is not None:
        lines += [
            _("【状況】") + scrub(formulation.situation_summary, case),
            _("【背景要因】") + scrub(formulation.background_factors or "—", case),
            _("【見立て】") + scrub(formulation.hypothesis, case),
            _("【支援方針】") + scrub(formulation.support_policy, case),
        ]
    lines.append(_("【検討したいこと】"))
    return "\n".join(lines)
