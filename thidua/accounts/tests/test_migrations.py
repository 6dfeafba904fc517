"""The data migration gives tokens issued before expiry existed an expiry and a password stamp."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from thidua.accounts.models import ApiToken, password_stamp


@pytest.mark.django_db(transaction=True)
def test_old_tokens_get_an_expiry_and_the_stamp_of_the_current_password(settings):
    settings.THIDUA_API_TOKEN_DAYS = 30
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes()
    executor.migrate([("accounts", "0002_login_throttle")])
    old = executor.loader.project_state([("accounts", "0002_login_throttle")]).apps
    user = old.get_model("accounts", "User").objects.create(username="cu", password="md5$salt$hash")
    old.get_model("accounts", "ApiToken").objects.create(user=user, name="cũ", key_hash="h" * 64, prefix="abcdefgh")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(leaf)
        token = ApiToken.objects.select_related("user").get(name="cũ")
        assert token.password_stamp == password_stamp(token.user)
        days = (token.expires_at - timezone.now()).days
        assert 29 <= days <= 30
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
