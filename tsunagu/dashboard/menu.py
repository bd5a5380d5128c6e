"""The main menu: its entries in groups, each shown to whom its screen opens for.

Who may open a screen is the app's own rule, read here, never written again: an app's access
predicate (`trainings.access.may_view`, `abuse.access.may_view`, ...) is the one its view is
gated with, so the menu cannot offer a link that answers 403/404, nor hide one that opens.
Screens with no role gate (their rows are scoped to the actor instead) are open to every
signed-in actor (`everyone`).  `dashboard/tests/test_menu.py` opens every link as every persona
and checks both directions.

The surveys and the self-evaluation stand above the dashboard (pyproject.toml): they answer
for their own entries through `answer()`, from their `AppConfig.ready`; an entry nobody answers
for is not shown (fails closed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tsunagu.abuse import access as abuse_access
from tsunagu.accounts.decorators import may_administer, may_open_admin_site
from tsunagu.cases.selectors import is_break_glass_reviewer
from tsunagu.core.actor import Actor
from tsunagu.curricula import access as curricula_access
from tsunagu.expertise import selectors as expertise_selectors
from tsunagu.grouphomes import access as grouphomes_access
from tsunagu.hearings import access as hearings_access
from tsunagu.organizations.management import may_manage
from tsunagu.people.duplicates import is_core_center
from tsunagu.rights import access as rights_access
from tsunagu.trainings import access as trainings_access

Rule = Callable[[Actor], bool]


def everyone(actor: Actor) -> bool:
    """A screen without a role gate: every signed-in actor opens it and sees the rows its
    selector gives them (the person search, the cases, the tasks, the directory...)."""
    return True


# The rules of the apps above the dashboard, by the entry's URL name (see `answer`).
_ANSWERED: dict[str, Rule] = {}


def answer(url_name: str, rule: Rule) -> None:
    """An app above the dashboard says who opens its entry (called from its `ready`)."""
    _ANSWERED[url_name] = rule


def _answered(url_name: str) -> Rule:
    def rule(actor: Actor) -> bool:
        answered = _ANSWERED.get(url_name)
        return answered is not None and answered(actor)

    return rule


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    may_open: Rule


@dataclass(frozen=True)
class Group:
    key: str  # the id of the group's label in the page
    label: str | Promise
    entries: tuple[Entry, ...]


# The order is the reading and keyboard order of the menu.
MENU: tuple[Group, ...] = (
    Group(
        "daily",
        _("日々の支援"),
        (
            Entry("dashboard:home", _("ホーム"), everyone),
            Entry("people:person_search", _("本人・世帯"), everyone),
            Entry("cases:consultation_list", _("相談受付"), everyone),
            Entry("cases:list", pgettext_lazy("menu", "支援ケース"), everyone),
            Entry("referrals:list", _("紹介・依頼"), everyone),
            Entry("plans:task_list", _("タスク"), everyone),
            Entry("agenda:agenda", _("カレンダー"), everyone),
            Entry("search:search", _("記録の検索"), everyone),
        ),
    ),
    Group(
        "network",
        _("ネットワーク"),
        (
            Entry("meetings:body_list", _("会議"), everyone),
            Entry("organizations:list", _("関係機関"), everyone),
            Entry("directory:resource_list", _("社会資源"), everyone),
            Entry("organizations:areas", _("地域"), everyone),
            # Every organization logs its own; the city and the core center read all.
            Entry("community:home", _("地域活動"), everyone),
            # Every member reads the hub's functions; its requests are scoped in lifehub/access.
            Entry("lifehub:hub", _("地域生活支援拠点"), everyone),
            Entry("expertise:directory", _("専門性の一覧"), expertise_selectors.may_view),
        ),
    ),
    Group(
        "learning",
        _("人材育成・評価"),
        (
            Entry("trainings:event_list", _("研修"), trainings_access.may_view),
            Entry("curricula:list", _("研修カリキュラム"), curricula_access.may_view),
            # The core center's and the city's hearings of the offices (seed 003): their
            # findings go to the council's evaluation and training work.
            Entry("hearings:round_list", _("ヒアリング"), hearings_access.may_view),
            Entry("selfevaluations:home", _("自己評価"), _answered("selfevaluations:home")),
            Entry("grouphomes:evaluation_list", _("GH評価"), grouphomes_access.may_list),
            Entry("surveys:survey_list", _("調査"), _answered("surveys:survey_list")),
        ),
    ),
    Group(
        "rights",
        _("権利擁護・防災"),
        (
            Entry("rights:index", _("権利擁護"), rights_access.is_oversight),
            Entry("abuse:report_list", _("虐待対応"), abuse_access.may_view),
            Entry("disaster:register", _("避難支援・安否確認"), everyone),
        ),
    ),
    Group(
        "admin",
        _("管理"),
        (
            Entry("organizations:manage", _("機関とアカウントの管理"), may_manage),
            Entry("people:duplicate_queue", _("重複の可能性の確認"), is_core_center),
            Entry(
                "cases:break_glass_list",
                _("緊急アクセス・緊急共有の確認"),
                is_break_glass_reviewer,
            ),
            Entry("accounts:user_list", _("アカウント管理"), may_administer),
            Entry("audit:list", _("監査ログ"), may_administer),
            Entry("admin:index", _("基本データ管理"), may_open_admin_site),
        ),
    ),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise
    current: bool


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str | Promise
    links: tuple[Link, ...]


# The entries' URLs take no argument: each is reversed once per URLconf and script prefix,
# not on every page (thirty `reverse()` calls a page otherwise, issue 15).
_URLS: dict[tuple[str, str], dict[str, str]] = {}


def _reversed() -> dict[str, str]:
    """The entries' URLs reversed so far under the URLconf and script prefix in use."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    found = _URLS.get(key)
    if found is None:
        found = _URLS[key] = {}
    return found


def menu_key(groups: Iterable[ShownGroup]) -> tuple[object, ...]:
    """What the menu's markup depends on: the groups and entries shown (an entry's URL names
    it: no two share one), the one marked current, and the language of the labels."""
    return (
        get_language(),
        tuple(
            (group.key, tuple((link.url, link.current) for link in group.links)) for group in groups
        ),
    )


def menu_for(actor: Actor, *, path: str = "") -> list[ShownGroup]:
    """The groups with at least one entry `actor` may open, the page at `path` marked."""
    shown = []
    urls = _reversed()
    for group in MENU:
        links = []
        for entry in group.entries:
            if entry.may_open(actor):
                url = urls.get(entry.url_name)
                if url is None:
                    url = urls[entry.url_name] = reverse(entry.url_name)
                links.append(Link(url=url, label=entry.label, current=url == path))
        if links:
            shown.append(ShownGroup(key=group.key, label=group.label, links=tuple(links)))
    return shown
