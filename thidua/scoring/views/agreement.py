"""Pages of a group-year: the list, the overview with downloads, the configuration, and the agreement
with its criteria table editor (copy from last year) and the members' signatures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can
from thidua.core.errors import DomainError
from thidua.scoring import documents as scoring_documents
from thidua.scoring import selectors, services
from thidua.scoring.forms import AgreementForm, ItemForm, SettingsForm, SignForm
from thidua.scoring.models import Agreement, CriteriaItem, ItemKind
from thidua.scoring.views.common import call, download, group_year_or_404, is_htmx, year_context


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    years = selectors.group_years_for_user(request.user)
    rows = [(gy, selectors.progress_of(gy)) for gy in years[:60]]
    return render(
        request,
        "scoring/index.html",
        {"rows": rows, "rounds": selectors.rounds_for_user(request.user)[:20]},
    )


@require_GET
def year(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    context = year_context(request, group_year, "overview")
    context["progress"] = selectors.progress_of(group_year)
    context["settings"] = services.settings_of(group_year)
    return render(request, "scoring/year.html", context)


@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = services.settings_of(group_year)
    if not can(request.user, "agreement.manage", group_year):
        raise PermissionDenied
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_from(current))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kwargs = form.service_kwargs()
            except DomainError as error:
                messages.error(request, error.message)
                kwargs = None
            if kwargs is not None:
                done, _errors = call(request, services.settings_update, group_year=group_year, **kwargs)
                if done is not None:
                    messages.success(request, _("Đã lưu cấu hình."))
                    return redirect("scoring:year", gy=group_year.pk)
        status = 400
    context = year_context(request, group_year, "settings")
    context["form"] = form
    return render(request, "scoring/settings.html", context, status=status)


def _agreement_context(request: HttpRequest, group_year: Any, agreement: Agreement | None) -> dict[str, Any]:
    context = year_context(request, group_year, "agreement")
    context["agreement"] = agreement
    if agreement is not None:
        view = selectors.agreement_view(agreement)
        context["view"] = view
        context["item_form"] = ItemForm(parents=_parents(agreement))
        signable = [
            u for u in selectors.own_member_units(request.user, "agreement.sign", group_year) if u in view.unsigned
        ]
        if can(request.user, "agreement.sign", group_year) and signable:
            context["sign_form"] = SignForm(units=signable)
        context["agreement_form"] = AgreementForm(
            initial={
                "title": agreement.title,
                "text": agreement.text,
                "max_points": agreement.max_points,
                "bonus_cap": agreement.bonus_cap,
                "penalty_cap": agreement.penalty_cap,
                "children_rule": agreement.children_rule,
                "place": agreement.place,
                "signed_on": agreement.signed_on,
            }
        )
    context["previous"] = services.previous_agreement(group_year)
    return context


def _parents(agreement: Agreement) -> list[tuple[str, str]]:
    return [
        (str(r.item.pk), f"{r.item.code}. {r.item.title[:60]}")
        for r in selectors.agreement_view(agreement).rows
        if r.item.kind == ItemKind.NODE and r.depth < 2
    ]


@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = selectors.agreement_of(group_year)
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if current is None:
                done, _e = call(
                    request,
                    services.agreement_create,
                    group_year=group_year,
                    title=data["title"],
                    text=data["text"],
                    max_points=data["max_points"],
                    bonus_cap=data["bonus_cap"],
                    penalty_cap=data["penalty_cap"],
                    children_rule=data["children_rule"],
                )
            else:
                fields = {
                    "title": data["title"],
                    "text": data["text"],
                    "place": data["place"],
                    "signed_on": data["signed_on"],
                }
                if not current.locked:
                    fields |= {k: data[k] for k in ("max_points", "bonus_cap", "penalty_cap", "children_rule")}
                done, _e = call(request, services.agreement_update, agreement=current, **fields)
            if done is not None:
                messages.success(request, _("Đã lưu giao ước."))
                return redirect("scoring:agreement", gy=group_year.pk)
        else:
            messages.error(request, _("Hãy kiểm tra lại các trường được đánh dấu."))
    context = _agreement_context(request, group_year, current)
    if current is None:
        context["agreement_form"] = AgreementForm(
            initial={
                "title": _("Giao ước thi đua năm %(y)s") % {"y": group_year.year},
                "max_points": "100",
                "bonus_cap": "0",
                "penalty_cap": "0",
            }
        )
    return render(request, "scoring/agreement.html", context, status=400 if request.method == "POST" else 200)


def _item_kwargs(agreement: Agreement, form: ItemForm) -> dict[str, Any]:
    data = form.cleaned_data
    parent = agreement.items.filter(pk=data["parent"]).first() if data["parent"] else None
    return {
        "code": data["code"],
        "title": data["title"],
        "max_points": data["max_points"],
        "kind": data["kind"],
        "parent": parent,
        "guidance": data["guidance"],
        "indicator_code": data["indicator_code"],
        "indicator_full_at": data["indicator_full_at"],
        "indicator_zero_below": data["indicator_zero_below"],
        "indicator_lower_is_better": data["indicator_lower_is_better"],
    }


def _table_response(request: HttpRequest, group_year: Any, agreement: Agreement, status: int = 200) -> HttpResponse:
    context = _agreement_context(request, group_year, agreement)
    template = "scoring/_criteria_table.html" if is_htmx(request) else "scoring/agreement.html"
    return render(request, template, context, status=status)


@require_POST
def item_add(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = get_object_or_404(Agreement, group_year=group_year)
    form = ItemForm(request.POST, parents=_parents(current))
    status = 400
    if form.is_valid():
        done, _e = call(request, services.criteria_item_save, agreement=current, **_item_kwargs(current, form))
        if done is not None:
            messages.success(request, _("Đã thêm mục %(c)s.") % {"c": done.code})
            status = 200
    else:
        messages.error(request, _("Hãy nhập mã, nội dung và điểm tối đa."))
    return _table_response(request, group_year, current, status)


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, gy: int, item: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = get_object_or_404(Agreement, group_year=group_year)
    target = get_object_or_404(CriteriaItem, pk=item, agreement=current)
    initial = {
        "code": target.code,
        "title": target.title,
        "max_points": target.max_points,
        "kind": target.kind,
        "parent": str(target.parent_id or ""),
        "guidance": target.guidance,
        "indicator_code": target.indicator_code,
        "indicator_full_at": target.indicator_full_at or "",
        "indicator_zero_below": target.indicator_zero_below or "",
        "indicator_lower_is_better": target.indicator_lower_is_better,
    }
    form = ItemForm(request.POST or None, initial=initial, parents=_parents(current))
    if request.method == "POST" and form.is_valid():
        done, _e = call(
            request, services.criteria_item_save, agreement=current, item=target, **_item_kwargs(current, form)
        )
        if done is not None:
            messages.success(request, _("Đã lưu mục %(c)s.") % {"c": done.code})
            return redirect("scoring:agreement", gy=group_year.pk)
    context = year_context(request, group_year, "agreement")
    context |= {"agreement": current, "item": target, "form": form}
    return render(request, "scoring/item_form.html", context, status=400 if request.method == "POST" else 200)


@require_POST
def item_delete(request: HttpRequest, gy: int, item: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = get_object_or_404(Agreement, group_year=group_year)
    target = get_object_or_404(CriteriaItem, pk=item, agreement=current)
    code = target.code
    _done, errors = call(request, services.criteria_item_delete, item=target)
    if not errors:
        messages.success(request, _("Đã xoá mục %(c)s và các mục con.") % {"c": code})
    return _table_response(request, group_year, current, 400 if errors else 200)


@require_POST
def agreement_copy(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = get_object_or_404(Agreement, group_year=group_year)
    source = services.previous_agreement(group_year)
    if source is None:
        raise Http404
    done, _e = call(request, services.agreement_copy_table, agreement=current, source=source)
    if done is not None:
        messages.success(request, _("Đã sao chép bảng tiêu chí năm %(y)s.") % {"y": source.group_year.year})
    return redirect("scoring:agreement", gy=group_year.pk)


@require_POST
def agreement_sign(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = get_object_or_404(Agreement, group_year=group_year)
    units = selectors.own_member_units(request.user, "agreement.sign", group_year)
    form = SignForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn đơn vị và ghi họ tên người ký."))
        return redirect("scoring:agreement", gy=group_year.pk)
    unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
    done, _e = call(
        request,
        services.agreement_sign,
        agreement=current,
        unit=unit,
        signer_name=form.cleaned_data["signer_name"],
        signer_position=form.cleaned_data["signer_position"],
    )
    if done is not None:
        messages.success(request, _("%(u)s đã ký giao ước.") % {"u": unit})
    return redirect("scoring:agreement", gy=group_year.pk)


@require_POST
def assign(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    done, _e = call(request, services.cross_assignments_generate, group_year=group_year)
    if done is not None:
        messages.success(request, _("Đã phân công %(n)s lượt chấm chéo.") % {"n": len(done)})
    return redirect("scoring:cross_list", gy=group_year.pk)


@require_GET
def document(request: HttpRequest, gy: int, kind: str, fmt: str) -> HttpResponse:
    """Minutes or score table in Word, PDF or Excel: built on request (about a second at most)."""
    group_year = group_year_or_404(request, gy)
    progress = selectors.progress_of(group_year)
    approved = progress.conference is not None and progress.conference.table_approved
    if not (
        approved
        or can(request.user, "score.moderate", group_year)
        or can(request.user, "conference.manage", group_year)
    ):
        raise PermissionDenied
    if progress.ranking is None:
        messages.error(request, _("Chưa có bảng xếp hạng để lập văn bản."))
        return redirect("scoring:year", gy=group_year.pk)
    try:
        content, content_type, name = scoring_documents.render(kind, fmt, group_year)
    except (LookupError, ValueError):
        raise Http404 from None
    return download(content, content_type, name)
