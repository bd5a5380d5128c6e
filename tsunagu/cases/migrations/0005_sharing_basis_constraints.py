"""The constraints that make a basis for sharing a checked fact (after 0004 fixed old rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_sharing_basis_existing_rows"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='caseteammember',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('basis', 'statutory_meeting'), _negated=True), ('conference__isnull', False), ('basis_ended_at__isnull', False), _connector='OR'), name='meeting_basis_names_the_meeting'),
        ),
        migrations.AddConstraint(
            model_name='caseteammember',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('basis', 'emergency'), _negated=True), models.Q(('emergency_ends_on__isnull', False), ('reviewer__isnull', False)), ('basis_ended_at__isnull', False), _connector='OR'), name='emergency_basis_has_end_and_reviewer'),
        ),
        migrations.AddConstraint(
            model_name='caseteammember',
            constraint=models.CheckConstraint(condition=models.Q(('basis_ended_at__isnull', True), models.Q(('basis_end_reason', ''), _negated=True), _connector='OR'), name='ended_basis_says_why'),
        ),
    ]
