# The plan's own date (計画作成日).  Existing plans take the Tokyo date they were saved, which is
# what the forms printed as 計画作成日 until now.

from __future__ import annotations

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def saved_dates(apps: Any, schema_editor: Any) -> None:
    SupportPlan = apps.get_model("plans", "SupportPlan")
    for plan in SupportPlan.objects.only("pk", "created_at").iterator():
        day = django.utils.timezone.localtime(plan.created_at).date()
        SupportPlan.objects.filter(pk=plan.pk).update(drafted_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportplan",
            name="drafted_on",
            field=models.DateField(
                default=django.utils.timezone.localdate, verbose_name="計画作成日"
            ),
        ),
        migrations.RunPython(saved_dates, migrations.RunPython.noop),
    ]
