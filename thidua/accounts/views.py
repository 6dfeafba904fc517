from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from thidua.accounts import services
from thidua.accounts.models import ApiToken


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

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user)
        messages.success(self.request, gettext_lazy("Đã đổi mật khẩu."))
        return response


def profile(request: HttpRequest) -> HttpResponse:
    raw = request.session.pop("new_token", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": request.user.roles.select_related("unit"),
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "new_token": raw,
        },
    )


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = (request.POST.get("name") or "").strip() or _("Khoá API")
    _token, raw = services.api_token_issue(actor=request.user, name=name[:100])
    request.session["new_token"] = raw
    return redirect("accounts:profile")


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi khoá API."))
    return redirect("accounts:profile")
