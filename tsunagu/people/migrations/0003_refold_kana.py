"""Every person's `kana_normalized` again with today's `core.kana.normalize_kana` (long-vowel
hyphens, voiced marks typed on their own), and the new `name_folded` (`core.kana.fold_name`:
old and variant kanji).  Batched by primary key, only the rows that change are written: at
city scale (100,000 persons) some seconds."""

from typing import Any

from django.db import migrations, models

from tsunagu.core.kana import fold_name, normalize_kana

BATCH = 2_000


def refold(apps: Any, schema_editor: Any) -> None:
    person = apps.get_model("people", "Person")
    db = schema_editor.connection.alias
    rows = person.objects.using(db).order_by("pk")
    last = 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).only(
                "pk",
                "family_name",
                "given_name",
                "family_name_kana",
                "given_name_kana",
                "kana_normalized",
                "name_folded",
            )[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        changed = []
        for p in batch:
            kana = normalize_kana(p.family_name_kana + p.given_name_kana)
            name = fold_name(p.family_name, p.given_name)
            if (kana, name) != (p.kana_normalized, p.name_folded):
                p.kana_normalized, p.name_folded = kana, name
                changed.append(p)
        person.objects.using(db).bulk_update(changed, ["kana_normalized", "name_folded"])


class Migration(migrations.Migration):
    dependencies = [("people", "0002_duplicate_candidate")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_folded",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(refold, migrations.RunPython.noop, elidable=True),
    ]
