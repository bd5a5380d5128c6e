"""`manage.py surveys_remind`: remind the recipients that have not submitted a survey, a few
days before its deadline and the day after it.

The background worker runs it every morning (reports/periodic.py).  It is idempotent within a
day: a survey whose recipients were reminded today is not reminded again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagu.surveys import services


class Command(BaseCommand):
    help = (
        f"回答期限の{services.REMIND_BEFORE_DAYS}日前と{services.REMIND_AFTER_DAYS}日後に、未提出の送付先の職員へ督促を通知します"
        "（記録・監査ログ）。同じ日に二度は通知しません。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = services.surveys_remind_due()
        for survey in reminded:
            self.stdout.write(f"#{survey.pk} {survey.title}（期限 {survey.deadline.isoformat()}）")
        self.stdout.write(f"督促した調査: {len(reminded)}件")
