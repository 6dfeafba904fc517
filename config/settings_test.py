"""Settings for the test suite: the production settings with a development key and plain static storage.

Tests run with DEBUG off (pytest-django forces it) but must not need a secret key from the environment or a
collected static manifest; the server processes that tests start inherit THIDUA_DEBUG=1 from here.
"""

import os

os.environ.setdefault("THIDUA_DEBUG", "1")

from config.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
