"""Case conferences stand with the case (issue 14, item 3; ADR 0008).

A held statutory support meeting with its attendees' pledges is a lawful basis for sharing a
case, so `CaseConference` and `ConferenceAttendee` move from the meetings app to cases.  Only
Django's idea of where the models live changes: the tables keep their names
(`meetings_caseconference`, `meetings_conferenceattendee`) and every row, and the foreign keys
that point at them (here `CaseTeamMember.conference`; meetings 0004 for the community issues and
de-identification decisions) already point at those tables.  Nothing runs against the database.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_sharing_basis_constraints"),
        ("meetings", "0003_deidentification_decision"),
        ("organizations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CaseConference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='作成日時')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新日時')),
                        ('kind', models.CharField(choices=[('statutory_support_meeting', '支援会議（社会福祉法106条の6）'), ('case_conference', 'ケース会議'), ('multi_layer_support_meeting', '重層的支援会議'), ('joint_case_review', '合同ケースレビュー'), ('case_study_session', '事例検討会')], max_length=32, verbose_name='会議の種類')),
                        ('held_at', models.DateTimeField(verbose_name='開催日時')),
                        ('format', models.CharField(choices=[('in_person', '対面'), ('online', 'オンライン'), ('visit', '訪問'), ('hybrid', '併用')], default='in_person', max_length=16, verbose_name='開催形式')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='場所')),
                        ('purpose', models.TextField(blank=True, verbose_name='検討したいこと')),
                        ('discussion', models.TextField(blank=True, verbose_name='検討の内容')),
                        ('decisions', models.TextField(blank=True, verbose_name='決定事項・役割分担')),
                        ('supervisor_name', models.CharField(blank=True, max_length=100, verbose_name='SV（助言者）の氏名')),
                        ('supervisor_profession', models.CharField(blank=True, help_text='例: 精神科医、社会福祉士。', max_length=100, verbose_name='SVの職種')),
                        ('supervisor_advice', models.TextField(blank=True, verbose_name='SVの助言')),
                        ('summary', models.TextField(blank=True, help_text='事例検討会で共有するのはこの要約だけです。作成者が確認してから共有します。', verbose_name='事例の要約（匿名化）')),
                        ('summary_reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='要約の確認日時')),
                        ('body', models.ForeignKey(blank=True, help_text='実務者ネットワーク会議の中で行う事例検討など。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='conferences', to='meetings.meetingbody', verbose_name='開催した会議体')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='conferences', to='cases.case', verbose_name='支援ケース')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organizer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='主催機関')),
                        ('summary_reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'ケース会議',
                        'verbose_name_plural': 'ケース会議',
                        'db_table': 'meetings_caseconference',
                        'ordering': ['-held_at', '-pk'],
                    },
                ),
                migrations.AlterField(
                    model_name='caseteammember',
                    name='conference',
                    field=models.ForeignKey(blank=True, help_text='開催済みで、この機関が出席し守秘義務を誓約した支援会議（社会福祉法106条の6）。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='team_members', to='cases.caseconference', verbose_name='支援会議'),
                ),
                migrations.CreateModel(
                    name='ConferenceAttendee',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(blank=True, max_length=100, verbose_name='出席者名')),
                        ('pledged_at', models.DateTimeField(blank=True, help_text='支援会議（社会福祉法106条の6）では出席者ごとに誓約を記録します。', null=True, verbose_name='守秘義務の誓約日時')),
                        ('pledged_by_name', models.CharField(blank=True, max_length=100, verbose_name='誓約した人')),
                        ('conference', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendees', to='cases.caseconference')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='機関')),
                        ('pledge_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'ケース会議の出席者',
                        'verbose_name_plural': 'ケース会議の出席者',
                        'db_table': 'meetings_conferenceattendee',
                        'ordering': ['pk'],
                        'constraints': [models.UniqueConstraint(fields=('conference', 'organization'), name='one_attendee_row_per_organization')],
                    },
                ),
            ],
        ),
    ]
