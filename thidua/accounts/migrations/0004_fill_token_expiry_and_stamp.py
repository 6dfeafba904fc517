"""Existing API tokens: an expiry (THIDUA_API_TOKEN_DAYS from now, so nobody is cut off at deploy) and
the stamp of their user's current password (the formula of `models.password_stamp` at this time)."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=getattr(settings, "THIDUA_API_TOKEN_DAYS", 90))
    for token in ApiToken.objects.select_related("user"):
        token.password_stamp = hashlib.sha256(f"thidua.api_token:{token.user.password}".encode()).hexdigest()
        if token.expires_at is None:
            token.expires_at = expires
        token.save(update_fields=["password_stamp", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_token_password_stamp")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
