"""The resource development log moves here from the directory (issue 14.3): the model's state
moves, its table (`directory_resourcedevelopment`) and rows stay.  directory 0004 removes the
model from the directory's state after this one; the content type follows the model, so the
permissions named after it stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if content_type.objects.using(db).filter(app_label=new, model="resourcedevelopment").exists():
        return  # a content type of the new app already (post_migrate made it): leave both
    content_type.objects.using(db).filter(app_label=old, model="resourcedevelopment").update(
        app_label=new
    )


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "directory", "meetings")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "meetings", "directory")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0003_development_sources"),
        ("meetings", "0003_deidentification_decision"),
        ("organizations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ResourceDevelopment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="作成日時")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新日時")),
                        ("kind", models.CharField(choices=[("top_up", "上乗せ"), ("sideways", "横出し"), ("repurpose", "再資源化"), ("system_change", "制度・要綱の変更")], max_length=20, verbose_name="種類")),
                        ("title", models.CharField(help_text="例: 生活介護の開所時間を15時から16時まで延長", max_length=200, verbose_name="変わったこと")),
                        ("description", models.TextField(blank=True, verbose_name="詳しい内容")),
                        ("beneficiaries", models.TextField(help_text="個人が特定できない書き方で。例: 放課後に家族の迎えが間に合わない利用者", verbose_name="誰のために")),
                        ("occurred_on", models.DateField(verbose_name="実現した日")),
                        ("source_note", models.TextField(blank=True, help_text="例: 東区地域部会の支援会議で、家族の就労と送迎時間が課題になった", verbose_name="きっかけ")),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        ("area", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organizations.area", verbose_name="地域")),
                        ("community_issue", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="resource_developments", to="meetings.communityissue", verbose_name="もとの地域課題")),
                        ("meeting", models.ForeignKey(blank=True, help_text="あなたが閲覧できる会議から選びます。", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="resource_developments", to="meetings.meeting", verbose_name="きっかけの会議")),
                        ("recorded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="記録者")),
                        ("recorded_by_organization", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organizations.organization", verbose_name="記録者の所属")),
                        ("resource", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="developments", to="directory.socialresource", verbose_name="関係する社会資源")),
                    ],
                    options={
                        "verbose_name": "資源開発",
                        "verbose_name_plural": "資源開発",
                        "db_table": "directory_resourcedevelopment",
                        "ordering": ["-occurred_on", "-pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
