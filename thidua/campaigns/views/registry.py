"""The registry of Skilled Mass Mobilization models: list with roll-up counts, register, advance."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can, unit_scope
from thidua.campaigns import forms, selectors, services
from thidua.campaigns.models import MobilizationModel, ModelField, ModelStatus
from thidua.campaigns.views.common import attempt, visible
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import Unit


@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    query, status, field = request.GET.get("q", "").strip(), request.GET.get("status", ""), request.GET.get("field", "")
    qs = selectors.models_for_user(request.user, query=query, status=status, field=field).order_by("unit__name", "name")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    scope = unit_scope(request.user, "campaign.view")
    graph = unit_graph()
    if scope is None:
        roots = [u for u, p in graph.parent.items() if p is None]
    else:
        roots = [u for u in scope if graph.parent.get(u) not in scope]
    root_units = list(Unit.objects.filter(pk__in=roots).order_by("name")[:50])
    buckets = {u.pk: graph.subtree([u.pk]) for u in root_units}
    by_status = selectors.model_counts(buckets=buckets, by="status")
    by_field = selectors.model_counts(buckets=buckets, by="field")
    summary = [
        {
            "unit": u,
            "status": [(label, by_status.get((value, u.pk), 0)) for value, label in ModelStatus.choices],
            "field": [(label, by_field.get((value, u.pk), 0)) for value, label in ModelField.choices],
            "total": sum(by_status.get((value, u.pk), 0) for value in ModelStatus.values),
        }
        for u in root_units
    ]
    return render(
        request,
        "campaigns/model_list.html",
        {
            "page": page,
            "q": query,
            "status": status,
            "field": field,
            "statuses": ModelStatus.choices,
            "fields": ModelField.choices,
            "summary": summary,
            "can_register": can(request.user, "model.register"),
        },
    )


@require_http_methods(["GET", "POST"])
def model_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "model.register"):
        raise Http404
    scope = unit_scope(request.user, "model.register")
    units = Unit.objects.filter(valid_to__isnull=True).order_by("name")
    units = units if scope is None else units.filter(pk__in=scope)
    form = forms.ModelForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        model = attempt(request, lambda: services.model_register(actor=request.user, **data), _("Đã đăng ký mô hình."))
        if model:
            return redirect("campaigns:model_detail", pk=model.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": _("Đăng ký mô hình “Dân vận khéo”")})


@require_GET
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = visible(request, MobilizationModel, pk, "campaign.view", "model.assess", select=("unit",))
    can_assess = can(request.user, "model.assess", model)
    labels = dict(ModelStatus.choices)
    return render(
        request,
        "campaigns/model_detail.html",
        {
            "model": model,
            "events": model.events.all(),
            "next_steps": [(s, labels[s]) for s in sorted(services.TRANSITIONS[model.status])] if can_assess else [],
            "labels": labels,
        },
    )


@require_POST
def model_advance(request: HttpRequest, pk: int) -> HttpResponse:
    model = visible(request, MobilizationModel, pk, "model.assess")
    to_status, note = request.POST.get("to_status", ""), request.POST.get("note", "")
    attempt(
        request,
        lambda: services.model_advance(actor=request.user, model=model, to_status=to_status, note=note),
        _("Đã cập nhật trạng thái mô hình."),
    )
    return redirect("campaigns:model_detail", pk=model.pk)
