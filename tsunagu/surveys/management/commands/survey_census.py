"""`manage.py survey_census --username city1 --deadline 2026-10-31`: create this fiscal year's
実態調査 of the designated planning offices from the standing template (surveys/census.py), as a
draft for the sender to check and send.  The same service the screen and the API call."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.core.dates import DateParseError, fiscal_year, parse_date
from tsunagu.core.errors import TsunaguError
from tsunagu.organizations.actors import actor_for
from tsunagu.surveys import census


class Command(BaseCommand):
    help = "今年度（または --fiscal-year の年度）の実態調査をひな形から作成します（作成中の状態）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="実施機関（基幹・市）の職員")
        parser.add_argument(
            "--deadline", required=True, help="回答期限（例: 2026-10-31、R8.10.31）"
        )
        parser.add_argument("--fiscal-year", type=int, default=None, help="年度（西暦）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("そのユーザーはいません。")
        try:
            deadline = parse_date(options["deadline"])
        except DateParseError as exc:
            raise CommandError(exc.message) from None
        year = options["fiscal_year"] or fiscal_year(timezone.localdate())
        actor = actor_for(user, origin=Origin.command("survey_census"))
        try:
            survey = census.census_create(actor, fiscal_year=year, deadline=deadline)
        except TsunaguError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"#{survey.pk} {survey.title}: 設問 {survey.questions.count()}問、"
            f"送付先 {survey.responses.count()}事業所（作成中。確かめてから送付してください）"
        )
