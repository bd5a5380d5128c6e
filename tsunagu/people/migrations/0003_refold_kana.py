"""Every person's `kana_normalized` again with today's `core.kana.normalize_kana` (long-vowel
hyphens, voiced marks typed on their own).  Batched by primary key, only the rows that change
are written: at city scale (100,000 persons) a few seconds."""

from typing import Any

from django.db import migrations

from tsunagu.core.kana import normalize_kana

BATCH = 2_000


def refold(apps: Any, schema_editor: Any) -> None:
    person = apps.get_model("people", "Person")
    db = schema_editor.connection.alias
    rows = person.objects.using(db).order_by("pk")
    last = 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).only(
                "pk", "family_name_kana", "given_name_kana", "kana_normalized"
            )[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        changed = []
        for p in batch:
            kana = normalize_kana(p.family_name_kana + p.given_name_kana)
            if kana != p.kana_normalized:
                p.kana_normalized = kana
                changed.append(p)
        person.objects.using(db).bulk_update(changed, ["kana_normalized"])


class Migration(migrations.Migration):
    dependencies = [("people", "0002_duplicate_candidate")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
