"""API tokens stored as SHA-256 digests, with an expiry; rest_framework.authtoken removed.

Keys issued by DRF's authtoken (plain text in ``authtoken_token``) are carried over as
digests, so integrations keep working until the new expiry, and the plain-text table
is dropped: it must not outlive the change.
"""

import hashlib
from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def carry_over_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("vendorhub", "ApiToken")
    lifetime = getattr(settings, "API_TOKEN_LIFETIME", timedelta(days=30))
    now = django.utils.timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            digest=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            created_at=now,
            expires_at=now + lifetime,
        )
        for key, user_id in rows
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE authtoken_token")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")
    # Its content types and permissions are left to `manage.py remove_stale_contenttypes`.


class Migration(migrations.Migration):

    dependencies = [
        ('vendorhub', '0004_outbox_states_sweep_failures'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('prefix', models.CharField(editable=False, help_text="The key's first characters, to recognise it.", max_length=8)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'ordering': ['-created_at', '-id'],
            },
        ),
        # Not reversible in substance: plain keys cannot be recovered from digests.
        migrations.RunPython(carry_over_authtoken_keys, migrations.RunPython.noop),
    ]
