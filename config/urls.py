from __future__ import annotations

import importlib.util

from django.urls import include, path, re_path

from config.api import api
from config.openapi import api_not_found
from thidua.orgs.views import home

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", api_not_found),
    path("accounts/", include("thidua.accounts.urls")),
    path("", home, name="home"),
    path("", include("thidua.core.urls")),
]

# Each domain app mounts its pages under its own prefix when it has a urls module.
for _app in ["orgs", "campaigns", "scoring", "voting", "awards", "reports"]:
    if importlib.util.find_spec(f"thidua.{_app}.urls") is not None:
        urlpatterns.append(path(f"{_app}/", include(f"thidua.{_app}.urls")))

handler400 = "thidua.core.views.bad_request"
handler403 = "thidua.core.views.permission_denied"
handler404 = "thidua.core.views.page_not_found"
handler500 = "thidua.core.views.server_error"
