"""Campaign setup: list, create, edit, participants, indicators, rules, deadlines, targets."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import Scope, can, unit_scope
from thidua.campaigns import forms, selectors, services
from thidua.campaigns.models import Campaign, Target
from thidua.campaigns.views.common import attempt, visible
from thidua.orgs.models import GroupYear, Unit
from thidua.orgs.selectors import groups_for_user


def _units(request: HttpRequest, action: str, scopes: tuple[Scope, ...] = (Scope.SUBTREE,)) -> object:
    scope = unit_scope(request.user, action, scopes)
    qs = Unit.objects.filter(valid_to__isnull=True).order_by("name")
    return qs if scope is None else qs.filter(pk__in=scope)


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": selectors.campaign_search(user=request.user, query=query),
            "q": query,
            "can_create": can(request.user, "campaign.manage"),
            "to_approve": selectors.reports_to_approve(request.user)[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "campaign.manage"):
        raise Http404
    form = forms.CampaignForm(request.POST or None, units=_units(request, "campaign.manage"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = attempt(
            request,
            lambda: services.campaign_create(actor=request.user, **data),
            _("Đã tạo phong trào."),
        )
        if campaign:
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": _("Phong trào, cuộc vận động mới")})


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.manage", via=lambda c: c.organiser)
    initial = {
        f: getattr(campaign, f)
        for f in ("code", "name", "kind", "start_date", "end_date", "deadline_days", "description")
    }
    initial["organiser"] = campaign.organiser
    form = forms.CampaignForm(
        request.POST or None, initial=initial, units=Unit.objects.filter(pk=campaign.organiser_id)
    )
    form.fields["code"].disabled = True
    form.fields["organiser"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"code", "organiser"}}
        if attempt(
            request, lambda: services.campaign_update(actor=request.user, campaign=campaign, **data), _("Đã lưu.")
        ):
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": campaign.name})


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view", select=("organiser",))
    manage = can(request.user, "campaign.manage", campaign.organiser)
    participants = selectors.participants(campaign)
    group_years = (
        GroupYear.objects.filter(group__in=groups_for_user(request.user))
        .select_related("group")
        .order_by("group__name", "-year")
    )
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "indicators": campaign.indicators.select_related("numerator", "denominator"),
            "rules": campaign.rules.select_related("left", "right"),
            "deadlines": campaign.deadlines.order_by("period"),
            "participants": participants,
            "reportable": selectors.reportable_units(request.user, campaign),
            "periods": selectors.campaign_periods(campaign),
            "reports": selectors.reports_for_user(request.user, campaign=campaign)[:50],
            "group_years": [
                gy for gy in group_years if gy.year in range(campaign.start_date.year, campaign.end_date.year + 1)
            ],
            "manage": manage,
            "can_import": can(request.user, "import.run"),
            "indicator_form": forms.IndicatorForm(campaign=campaign) if manage else None,
            "rule_form": forms.RuleForm(campaign=campaign) if manage else None,
        },
    )


@require_http_methods(["GET", "POST"])
def participants_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.manage", via=lambda c: c.organiser)
    units = _units(request, "campaign.manage")
    form = forms.ParticipantsForm(
        request.POST or None, units=units, initial={"units": [u.pk for u in selectors.participants(campaign)]}
    )
    if request.method == "POST" and form.is_valid():
        # Units outside the user's scope stay as they were: the form only shows the user's own.
        outside = [u for u in selectors.participants(campaign) if not units.filter(pk=u.pk).exists()]  # type: ignore[attr-defined]
        chosen = [*outside, *form.cleaned_data["units"]]
        if attempt(
            request,
            lambda: services.campaign_set_participants(actor=request.user, campaign=campaign, units=chosen),
            _("Đã lưu danh sách đơn vị tham gia."),
        ):
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(
        request, "campaigns/form.html", {"form": form, "title": _("Đơn vị tham gia: %(c)s") % {"c": campaign.name}}
    )


@require_POST
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.manage", via=lambda c: c.organiser)
    form = forms.IndicatorForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.indicator_create(actor=request.user, campaign=campaign, **data),
            _("Đã thêm chỉ tiêu."),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_POST
def rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.manage", via=lambda c: c.organiser)
    form = forms.RuleForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.rule_create(actor=request.user, campaign=campaign, **data),
            _("Đã thêm quy tắc kiểm tra."),
        )
    else:
        messages.error(request, _("Quy tắc chưa hợp lệ."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_POST
def deadline_set(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.manage", via=lambda c: c.organiser)
    try:
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        messages.error(request, _("Ngày không hợp lệ."))
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    period = request.POST.get("period", "")
    attempt(
        request,
        lambda: services.deadline_set(actor=request.user, campaign=campaign, period=period, due_on=due_on),
        _("Đã đặt hạn nộp."),
    )
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view", select=("organiser",))
    units = _units(request, "target.register").filter(campaign_participations__campaign=campaign)  # type: ignore[attr-defined]
    form = forms.TargetForm(request.POST or None, campaign=campaign, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.target_register(actor=request.user, **data), _("Đã đăng ký chỉ tiêu.")):
            return redirect("campaigns:targets", pk=campaign.pk)
    rows = list(selectors.targets_for_user(request.user, campaign=campaign))
    return render(
        request,
        "campaigns/targets.html",
        {
            "campaign": campaign,
            "form": form if units.exists() else None,
            "targets": rows,
            "approvable": {t.pk for t in rows if can(request.user, "target.approve", t)},
        },
    )


@require_POST
def target_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    target = visible(request, Target, pk, "target.approve", select=("indicator", "unit"))
    user = request.user
    if action == "approve":
        attempt(
            request,
            lambda: services.target_approve(actor=user, target=target, lock="lock" in request.POST),
            _("Đã duyệt chỉ tiêu."),
        )
    elif action == "lock":
        attempt(request, lambda: services.target_lock(actor=user, target=target), _("Đã khoá chỉ tiêu."))
    elif action == "change":
        value, reason = request.POST.get("value", ""), request.POST.get("reason", "")
        attempt(
            request,
            lambda: services.target_change_locked(actor=user, target=target, value=value, reason=reason),
            _("Đã điều chỉnh chỉ tiêu."),
        )
    else:
        raise Http404
    return redirect("campaigns:targets", pk=target.indicator.campaign_id)
