"""`manage.py referrals_escalate`: raise requests not acknowledged in time to the managers.

The background worker runs it every morning (reports/periodic.py).  It is idempotent: a
request is escalated once, however often the command runs; the screens highlight overdue
requests on their own.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tsunagu.referrals import deadlines, services


class Command(BaseCommand):
    help = (
        "受付の期限（%(days)s営業日）を過ぎても受け付けられていない依頼を、依頼先の機関の"
        "管理者に通知します（記録・監査ログ・メール）。同じ依頼を二度通知することはありません。"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = self.help % {"days": deadlines.ack_business_days()}
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="通知せず、対象の依頼を表示するだけにします。"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        escalations = services.referrals_escalate(dry_run=dry_run)
        for escalation in escalations:
            referral = escalation.referral
            self.stdout.write(
                f"#{referral.pk} {referral.get_kind_display()} "
                f"{referral.requesting_organization.name} → {referral.receiving_organization.name}"
                f"（期限 {escalation.due_on.isoformat()}）"
            )
        verb = "通知の対象" if dry_run else "通知しました"
        self.stdout.write(f"受付期限を過ぎた依頼: {len(escalations)}件（{verb}）")
