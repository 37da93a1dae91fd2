"""Sub-cases' item without an index of its own (``unique_subcase_item`` on application and item
serves every read by item that needs one): with it PostgreSQL crossed an item's million
sub-cases with a day's in the supervision pages filtered by item (docs/ARCHITECTURE.md,
"Supervision at scale"); without it each new sub-case also updates one index fewer.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_subcase_running_due_idx'),
        ('catalogue', '0010_card_point_field'),
    ]

    operations = [
        migrations.AlterField(
            model_name='subcase',
            name='item',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='subcases', to='catalogue.serviceitem', verbose_name='服务事项'),
        ),
    ]
