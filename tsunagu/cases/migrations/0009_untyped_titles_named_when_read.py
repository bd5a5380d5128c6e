"""Titles the system wrote (「佐藤 花子さんの支援」, a household's name) are cleared, so that the
case is named when read, in the reader's language (Case.default_title; issue 16 item 13).
Titles people typed stay as they are."""

from django.db import migrations


def clear_generated_titles(apps, schema_editor):
    case_model = apps.get_model("cases", "Case")
    cleared = []
    for case in (
        case_model.objects.select_related("person", "household").exclude(title="").iterator()
    ):
        generated = set()
        if case.person is not None:
            kanji = f"{case.person.family_name} {case.person.given_name}".strip()
            kana = f"{case.person.family_name_kana} {case.person.given_name_kana}".strip()
            generated |= {f"{kanji or kana}さんの支援"}
        elif case.household is not None:
            generated.add(case.household.name)
        if case.title in generated:
            cleared.append(case.pk)
    for start in range(0, len(cleared), 500):
        case_model.objects.filter(pk__in=cleared[start : start + 500]).update(title="")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_lead_periods"),
    ]

    operations = [
        migrations.RunPython(clear_generated_titles, migrations.RunPython.noop),
    ]
