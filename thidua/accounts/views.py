from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts import services
from thidua.accounts.models import ApiToken, User
from thidua.accounts.permissions import can
from thidua.accounts.selectors import audit_for_user
from thidua.core.models import AuditEntry


class LockoutAuthenticationForm(AuthenticationForm):
    """Says plainly when the account is locked, without telling whether the password was right."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "thidua_locked", False):
                raise forms.ValidationError(
                    _("Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau."), code="locked"
                ) from None
            raise


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    @method_decorator(transaction.atomic)
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user)
        messages.success(self.request, gettext_lazy("Đã đổi mật khẩu. Các khoá API cũ đã bị thu hồi."))
        return response


def _user(request: HttpRequest) -> User:
    # LoginRequiredMiddleware guarantees a signed-in user on every page below.
    assert isinstance(request.user, User)
    return request.user


def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    raw = request.session.pop("new_token", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": user.roles.select_related("unit"),
            "tokens": user.api_tokens.order_by("-created_at"),
            "new_token": raw,
            "now": timezone.now(),
            "token_days": settings.THIDUA_API_TOKEN_DAYS,
        },
    )


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = (request.POST.get("name") or "").strip() or _("Khoá API")
    _token, raw = services.api_token_issue(actor=_user(request), name=name[:100])
    request.session["new_token"] = raw
    return redirect("accounts:profile")


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=_user(request), token=token)
    messages.success(request, _("Đã thu hồi khoá API."))
    return redirect("accounts:profile")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, filterable, per object when object_type and object_id are given. Read-only."""
    if not can(request.user, "audit.view"):
        raise PermissionDenied
    keys = ("object_type", "object_id", "action", "actor", "date_from", "date_to")
    filters = {k: request.GET.get(k, "") for k in keys}
    qs = audit_for_user(
        request.user,
        object_type=filters["object_type"],
        object_id=filters["object_id"],
        action=filters["action"],
        actor=filters["actor"],
        date_from=_date(filters["date_from"]),
        date_to=_date(filters["date_to"]),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    types = audit_for_user(request.user).values_list("object_type", flat=True).distinct().order_by("object_type")
    return render(
        request,
        "accounts/audit_list.html",
        {
            "page": page,
            "filters": filters,
            "actions": AuditEntry.Action.choices,
            "object_types": list(types),
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
            "object_label": page.object_list[0].object_repr if filters["object_id"] and page.object_list else "",
        },
    )
