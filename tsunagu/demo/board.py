"""Team message boards for the demo city (`manage.py seed_demo`, after the referrals).

On three of office_a1's (相談支援センター あおば) open cases with the core center on the team, the
team talks on the board as it would in the last fortnight: office_a1 asks, mentioning core1
(佐藤 直子, 基幹相談支援センター), and core1 answers in the thread; one thread waits for an answer.
The mentions reach core1's bell, so that signing in as core1 shows them.

Deterministic (fixed texts and dates) and idempotent (nothing when any board message exists).
Written with the ORM, like the other apps' demo data; no audit row of its own.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.notifications.models import Notification, NotificationKind
from tsunagu.organizations.models import Organization
from tsunagu.records.models import BoardMessage

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 11, 20)  # the casework runs to this day

# (days before DAY, hour, who: "lead" or "core", text); the first of each thread starts it.
THREADS: tuple[tuple[tuple[int, int, str, str], ...], ...] = (
    (
        (
            12,
            10,
            "lead",
            "@core1 来週の担当者会議、ご本人がお母さまの入院の件を話したいそうです。"
            "病院の医療相談室にも声をかけてよいでしょうか。",
        ),
        (12, 15, "core", "はい、お願いします。MSWの方の連絡先は私から共有します。"),
        (11, 9, "lead", "ありがとうございます。会議は25日14時、区役所の会議室で確定しました。"),
    ),
    (
        (
            6,
            11,
            "lead",
            "@core1 グループホームの体験利用、空きが出たと事業所から連絡がありました。"
            "費用の件で一度ご相談させてください。",
        ),
        (5, 17, "core", "承知しました。生活福祉課の担当にも確認しておきます。"),
    ),
    (
        (
            2,
            16,
            "lead",
            "@core1 ご本人から「最近眠れない」との話がありました。"
            "主治医への情報提供をどう進めるか、明日お電話してもよいですか。",
        ),
    ),
)


def _at(days_before: int, hour: int) -> dt.datetime:
    day = DAY - dt.timedelta(days=days_before)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TOKYO)


@transaction.atomic
def seed_board() -> int:
    """Post the threads; the number of messages written (0 when any already exists)."""
    if BoardMessage.objects.exists():
        return 0
    core = Organization.objects.filter(code="core-center").first()
    core1 = User.objects.filter(username="core1").first()
    if core is None or core1 is None:
        return 0
    cases = list(
        Case.objects.filter(
            lead_organization__code="office-aoba",
            lead_worker__username="office_a1",
            team__organization=core,
            team__left_on__isnull=True,
        )
        .exclude(status=CaseStatus.CLOSED)
        .select_related("lead_worker", "lead_organization")
        .distinct()
        .order_by("pk")[: len(THREADS)]
    )
    written = 0
    for case, thread in zip(cases, THREADS, strict=False):
        parent: BoardMessage | None = None
        assert case.lead_worker is not None  # noqa: S101  # the filter asked for office_a1
        for days_before, hour, who, text in thread:
            lead = who == "lead"
            at = _at(days_before, hour)
            message = BoardMessage.objects.create(
                case=case,
                parent=parent,
                author=case.lead_worker if lead else core1,
                author_organization=case.lead_organization if lead else core,
                text=text,
            )
            BoardMessage.objects.filter(pk=message.pk).update(created_at=at, updated_at=at)
            if "@core1" in text:
                message.mentions.add(core1)
                Notification.objects.create(
                    recipient=core1,
                    kind=NotificationKind.BOARD_MENTION,
                    target_type="records.boardmessage",
                    target_id=message.pk,
                    caused_by=case.lead_worker,
                    created_at=at,
                )
            parent = parent or message
            written += 1
    return written


def seed_and_summarise() -> str:
    """For `manage.py seed_demo`: seed, and the line it prints."""
    written = seed_board()
    if not written:
        return "掲示板: 作成済みのため、新たに作成したものはありません。"
    return f"掲示板: メッセージ {written}件（あおばのケース、基幹の佐藤さんへのメンションつき）"
