# The issue's own date (提起日).  Existing issues take the date of their first step, which
# issue_raise dated with the day raised; without one, the Tokyo date they were saved.

from __future__ import annotations

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def raised_dates(apps: Any, schema_editor: Any) -> None:
    CommunityIssue = apps.get_model("meetings", "CommunityIssue")
    IssueStep = apps.get_model("meetings", "IssueStep")
    for issue in CommunityIssue.objects.only("pk", "created_at").iterator():
        first = (
            IssueStep.objects.filter(issue_id=issue.pk)
            .order_by("recorded_at", "pk")
            .values_list("occurred_on", flat=True)
            .first()
        )
        day = first or django.utils.timezone.localtime(issue.created_at).date()
        CommunityIssue.objects.filter(pk=issue.pk).update(raised_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_merge_conferences_and_developments"),
    ]

    operations = [
        migrations.AddField(
            model_name="communityissue",
            name="raised_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="提起日"),
        ),
        migrations.RunPython(raised_dates, migrations.RunPython.noop),
    ]
