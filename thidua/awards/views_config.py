"""Configuration pages: dated values per scope, and provincial rule sets (``award.configure``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can, is_admin
from thidua.awards import selectors, services
from thidua.awards.forms import ConfigEntryForm, EndEntryForm, RuleSetForm
from thidua.awards.models import ConfigEntry
from thidua.core.errors import DomainError
from thidua.orgs.models import Unit


def _scope(request: HttpRequest) -> Unit | None:
    """The scope in the query string (?scope=<pk>); none means national."""
    raw = request.GET.get("scope") or request.POST.get("scope_pk")
    if not raw:
        return None
    try:
        unit = get_object_or_404(Unit, pk=int(raw))
    except ValueError:
        raise Http404 from None
    if not can(request.user, "award.view", unit):
        raise Http404
    return unit


def _may_configure(request: HttpRequest, scope: Unit | None) -> bool:
    return is_admin(request.user) if scope is None else can(request.user, "award.configure", scope)


@require_GET
def config(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    on = timezone.localdate()
    return render(
        request,
        "awards/config.html",
        {
            "scope": scope,
            "rows": selectors.config_overview(scope=scope, on=on),
            "on": on,
            "can_configure": _may_configure(request, scope),
            "scopes": selectors.units_for(request.user, "award.configure").filter(valid_to__isnull=True)[:200]
            if can(request.user, "award.configure")
            else [],
            "rulesets": selectors.rulesets_for_user(request.user),
        },
    )


def _back(scope: Unit | None) -> str:
    url = reverse("awards:config")
    return f"{url}?scope={scope.pk}" if scope is not None else url


@require_http_methods(["GET", "POST"])
def config_add(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if not _may_configure(request, scope):
        raise PermissionDenied
    form = ConfigEntryForm(request.POST or None, initial={"key": request.GET.get("key", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.config_entry_add(
                actor=request.user,
                key=data["key"],
                value=services.parse_value(data["value"]),
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                scope=scope,
                certainty=data["certainty"],
                source=data["source"],
                note=data["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã thêm giá trị cấu hình."))
            return redirect(_back(scope))
    return render(request, "awards/config_form.html", {"form": form, "scope": scope, "back": _back(scope)})


@require_http_methods(["GET", "POST"])
def config_end(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ConfigEntry, pk=pk)
    if not _may_configure(request, entry.scope):
        raise PermissionDenied if can(request.user, "award.view", entry.scope) or entry.scope is None else Http404
    form = EndEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.config_entry_end(actor=request.user, entry=entry, effective_to=form.cleaned_data["effective_to"])
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã kết thúc hiệu lực giá trị %(k)s.") % {"k": entry.key})
            return redirect(_back(entry.scope))
    return render(
        request,
        "awards/config_form.html",
        {"form": form, "scope": entry.scope, "entry": entry, "back": _back(entry.scope)},
    )


@require_POST
def config_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ConfigEntry, pk=pk)
    if not _may_configure(request, entry.scope):
        raise PermissionDenied
    scope = entry.scope
    services.config_entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("Đã xoá giá trị cấu hình."))
    return redirect(_back(scope))


@require_http_methods(["GET", "POST"])
def ruleset_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(selectors.rulesets_for_user(request.user), pk=pk) if pk is not None else None
    if not can(request.user, "award.configure"):
        raise PermissionDenied
    units = selectors.units_for(request.user, "award.configure")
    initial: dict[str, Any] = {"active": True, "text": EXAMPLE}
    if instance is not None:
        initial = {"scope": instance.scope, "text": instance.text, "active": instance.active}
    form = RuleSetForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.ruleset_save(
                actor=request.user, text=data["text"], scope=data["scope"], active=data["active"], instance=instance
            )
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã lưu bộ quy tắc “%(n)s”.") % {"n": saved.name})
            return redirect("awards:config")
    return render(request, "awards/ruleset_form.html", {"form": form, "instance": instance})


EXAMPLE = """# Điều kiện riêng của tỉnh, bổ sung vào quy định chung (ví dụ: Bắc Ninh 2025).
ruleset: bac-ninh-2025
name: {vi: "Quy định thi đua, khen thưởng tỉnh Bắc Ninh 2025", en: "Bac Ninh 2025 regulation"}
effective_from: 2025-01-01
rules:
  - code: TTLDTT
    subject: collective
    name: {vi: "Tập thể lao động tiên tiến", en: "Advanced labour collective"}
    cite: {vi: "Quy định tỉnh Bắc Ninh 2025", en: "Bac Ninh 2025 regulation"}
    when:
      all:
        - outstanding_achievement: {scope: unit}
          key: bn_movement
"""
