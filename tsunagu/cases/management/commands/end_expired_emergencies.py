"""`manage.py end_expired_emergencies`: record the end of emergency bases past their end date.

Reading never waits for it: an emergency basis stops opening the case on the day after its end
date (`cases.access.active_team_members`).  The command writes what happened down (the row's
end and reason, one audit row each) and mails the member's worker, whoever added the member and
the named reviewer.  The background worker runs it every day (reports/periodic.py); it is
idempotent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand

from tsunagu.cases import services
from tsunagu.cases.models import CaseTeamMember
from tsunagu.core.http import site_url


def _addresses(member: CaseTeamMember) -> list[str]:
    people = (member.worker, member.added_by, member.reviewer)
    return sorted({p.email for p in people if p is not None and p.email})


class Command(BaseCommand):
    help = (
        "終了日を過ぎた緊急の共有の根拠（個人情報保護法27条1項2号）を終了として記録し、"
        "担当者・追加した人・確認者にメールで知らせます。閲覧は終了日の翌日から自動で止まります。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ended = services.emergency_bases_record_expired()
        for member in ended:
            addresses = _addresses(member)
            if addresses:
                send_mail(
                    "【つなぐ】緊急の根拠による共有が終了しました",
                    (
                        f"ケース #{member.case_id} への「{member.organization.name}」の共有は、"
                        f"緊急の根拠の終了日（{member.emergency_ends_on}）を過ぎ、同意または"
                        "支援会議の根拠に切り替えられなかったため終了しました。\n"
                        "引き続き支援に加わるには、主担当機関が本人の同意または支援会議を記録し、"
                        "支援チームに加え直してください。\n"
                        f"{site_url('/cases/')}"
                    ),
                    settings.DEFAULT_FROM_EMAIL,
                    addresses,
                )
            self.stdout.write(
                f"#{member.pk} ケース #{member.case_id} {member.organization.name}"
                f"（終了日 {member.emergency_ends_on}）"
            )
        self.stdout.write(f"終了を記録した緊急の共有: {len(ended)}件")
