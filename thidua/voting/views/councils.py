"""Councils, their dated roster, and the dated vote rules."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can, is_admin, unit_scope
from thidua.orgs.models import Unit
from thidua.voting import forms, selectors, services
from thidua.voting.models import CouncilMember
from thidua.voting.views.common import attempt, council_or_404


def _manageable_units(request: HttpRequest) -> object:
    scope = unit_scope(request.user, "ballot.manage")
    qs = Unit.objects.filter(valid_to__isnull=True).order_by("name")
    return qs if scope is None else qs.filter(pk__in=scope)


def _form_errors(request: HttpRequest, form: object) -> None:
    for errors in form.errors.values():  # type: ignore[attr-defined]
        for error in errors:
            messages.error(request, str(error))


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "voting/council_list.html",
        {"councils": selectors.councils_for_user(request.user), "can_create": can(request.user, "ballot.manage")},
    )


@require_http_methods(["GET", "POST"])
def council_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "ballot.manage"):
        raise Http404
    form = forms.CouncilForm(request.POST or None, units=_manageable_units(request))
    if request.method == "POST" and form.is_valid():
        council = attempt(
            request, lambda: services.council_create(actor=request.user, **form.cleaned_data), _("Đã tạo hội đồng.")
        )
        if council:
            return redirect("voting:council_detail", pk=council.pk)
    return render(request, "voting/form.html", {"form": form, "title": _("Hội đồng thi đua – khen thưởng mới")})


@require_GET
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_or_404(request, pk)
    manage = selectors.can_manage(request.user, council)
    day = _day(request)
    return render(
        request,
        "voting/council_detail.html",
        {
            "council": council,
            "manage": manage,
            "day": day,
            "roster": selectors.roster_on(council, day),
            "history": selectors.roster_history(council) if manage else [],
            "sessions": selectors.sessions_for_user(request.user, council=council),
            "member_form": forms.MemberForm(users=_eligible(council), initial={"valid_from": day}) if manage else None,
            "end_form": forms.MemberEndForm(initial={"valid_to": day}) if manage else None,
        },
    )


def _eligible(council: object) -> object:
    from thidua.accounts.models import User

    return User.objects.filter(pk__in=[u.pk for u in selectors.eligible_members(council)])  # type: ignore[arg-type]


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_or_404(request, pk, manage=True)
    form = forms.MemberForm(request.POST, users=_eligible(council))
    if form.is_valid():
        attempt(
            request,
            lambda: services.member_add(actor=request.user, council=council, **form.cleaned_data),
            _("Đã thêm thành viên."),
        )
    else:
        _form_errors(request, form)
    return redirect("voting:council_detail", pk=council.pk)


@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(CouncilMember.objects.select_related("council"), pk=pk)
    council_or_404(request, member.council_id, manage=True)
    form = forms.MemberEndForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.member_end(actor=request.user, member=member, valid_to=form.cleaned_data["valid_to"]),
            _("Đã cập nhật thời gian là thành viên."),
        )
    else:
        _form_errors(request, form)
    return redirect("voting:council_detail", pk=member.council_id)


@require_http_methods(["GET", "POST"])
def rule_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "ballot.manage"):
        raise Http404
    units = _manageable_units(request)
    form = forms.RuleForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid() and attempt(
            request,
            lambda: services.rule_create(actor=request.user, **form.cleaned_data),
            _("Đã thêm quy định. Quy định mới áp dụng cho các phiên họp từ ngày hiệu lực."),
        ):
            return redirect("voting:rule_list")
        _form_errors(request, form)
    context = {"rules": selectors.rules_for_user(request.user), "form": form, "is_admin": is_admin(request.user)}
    return render(request, "voting/rules.html", context)
