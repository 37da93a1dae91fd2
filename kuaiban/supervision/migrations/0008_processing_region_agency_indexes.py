"""The processing-time roll-up's rows of one region or one agency, by month and day.

A city's, a district's or an agency's 12-month histogram read every region's month rows by
day and kept its own: 1.3 M rows read for a city at 10 M sub-cases (225 ms), 164 ms for an
agency. With these indexes 98 and 61 ms (docs/ARCHITECTURE.md, "Supervision at scale").
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bundles', '0008_provision_scope'),
        ('catalogue', '0010_card_point_field'),
        ('supervision', '0007_instant_province_month'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='processingdaily',
            index=models.Index(fields=['region', 'whole_month', 'day'], name='sup_procdaily_region'),
        ),
        migrations.AddIndex(
            model_name='processingdaily',
            index=models.Index(fields=['agency', 'whole_month', 'day'], name='sup_procdaily_agency'),
        ),
    ]
