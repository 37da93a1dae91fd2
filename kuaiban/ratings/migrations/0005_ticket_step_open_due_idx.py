"""The open rectification steps by deadline (`TicketStep.Meta`, ``ticket_step_open_due_idx``):
the supervision list of the steps past due reads them in order, a page at a time."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0010_card_point_field'),
        ('ratings', '0004_ticket_rated_case_columns'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ticketstep',
            index=models.Index(condition=models.Q(('done_at__isnull', True)), fields=['due_at', 'id'], name='ticket_step_open_due_idx'),
        ),
    ]
