"""Evidence keeps the content type detected at upload and is served with it.

Files stored before were checked as PDF or DOCX and stored under a random name ending in
the checked type's extension, so that extension gives their type; anything else is
served as application/octet-stream.
"""

from django.db import migrations, models

LEGACY_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def backfill_content_types(apps, schema_editor):
    DisputeEvent = apps.get_model("disputes", "DisputeEvent")
    with_file = DisputeEvent.objects.exclude(attachment="")
    for extension, content_type in LEGACY_TYPES.items():
        with_file.filter(attachment__iendswith=extension).update(
            attachment_content_type=content_type
        )
    with_file.filter(attachment_content_type="").update(
        attachment_content_type="application/octet-stream"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0003_dispute_created_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='disputeevent',
            name='attachment_content_type',
            field=models.CharField(blank=True, help_text='Detected from the content at upload; the file is always served with it.', max_length=100),
        ),
        migrations.AddField(
            model_name='historicaldisputeevent',
            name='attachment_content_type',
            field=models.CharField(blank=True, help_text='Detected from the content at upload; the file is always served with it.', max_length=100),
        ),
        migrations.RunPython(backfill_content_types, migrations.RunPython.noop),
    ]
