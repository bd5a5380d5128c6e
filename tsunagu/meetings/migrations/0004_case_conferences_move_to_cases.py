"""Case conferences now stand with the case (cases 0006): the meetings app lets go of
`CaseConference` and `ConferenceAttendee`, and its own foreign keys to a conference (a community
issue's source, a de-identification decision) point at `cases.CaseConference`.  The tables, rows
and constraints stay as they are; nothing runs against the database.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_conferences_stand_with_cases"),
        ("meetings", "0003_deidentification_decision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="deidentificationdecision",
                    name="conference",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deidentification_decisions",
                        to="cases.caseconference",
                    ),
                ),
                migrations.AlterField(
                    model_name="communityissue",
                    name="source_conference",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="community_issues",
                        to="cases.caseconference",
                        verbose_name="もとのケース会議",
                    ),
                ),
                migrations.DeleteModel(name="ConferenceAttendee"),
                migrations.DeleteModel(name="CaseConference"),
            ],
        ),
    ]
