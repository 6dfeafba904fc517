"""The summary conference page: details, attendance and quorum, approval of the score table, the
leading unit, nominations within quota, next year's head and deputy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from thidua.accounts.permissions import can
from thidua.core.errors import DomainError
from thidua.core.text import sort_key
from thidua.scoring import config, selectors, services
from thidua.scoring.forms import ConferenceForm, NextHeadForm
from thidua.scoring.models import Conference
from thidua.scoring.views.common import call, group_year_or_404, year_context


def _conference_or_redirect(request: HttpRequest, group_year: Any) -> Conference:
    if not can(request.user, "conference.manage", group_year):
        raise PermissionDenied
    conference = selectors.conference_of(group_year)
    if conference is None:
        raise Http404
    return conference


@require_http_methods(["GET", "POST"])
def conference(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = selectors.conference_of(group_year)
    manage = can(request.user, "conference.manage", group_year)
    if current is None and not manage:
        raise Http404
    status = 200
    initial = {}
    if current is not None:
        initial = {f: getattr(current, f) for f in ConferenceForm.base_fields}
    form = ConferenceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            done, _e = call(request, services.conference_save, group_year=group_year, **form.cleaned_data)
            if done is not None:
                messages.success(request, _("Đã lưu thông tin hội nghị."))
                return redirect("scoring:conference", gy=group_year.pk)
        status = 400
    context = year_context(request, group_year, "conference")
    context |= {"conference": current, "form": form, "manage": manage}
    if current is not None:
        members = selectors.members_of(group_year)
        context["attendance"] = sorted(current.attendance.select_related("unit"), key=lambda a: sort_key(a.unit.name))
        context["quorum"] = services.quorum_of(current)
        context["rows"] = selectors.ranking_rows(group_year)
        context["ranking"] = selectors.progress_of(group_year).ranking
        context["next_form"] = NextHeadForm(
            units=members,
            initial={
                "by": current.next_by or "election",
                "head": current.next_head_id,
                "deputy": current.next_deputy_id,
                "election_note": current.election_note,
            },
        )
        quotas = config.quotas_of(services.settings_of(group_year).quotas)
        chosen: dict[str, set[int]] = {}
        for n in current.nominations.all():
            chosen.setdefault(n.award, set()).add(n.unit_id)
        suggested: dict[str, Any] = {}
        try:
            suggested = {o.award: o for o in services.proposed_nominations(current)}
        except DomainError:
            suggested = {}
        context["awards"] = [
            {
                "award": q.award,
                "label": quotas.labels[q.award],
                "rule": config.describe_quota(q),
                "shared": q.share is not None,
                "chosen": chosen.get(q.award, set()),
                "suggested": suggested.get(q.award),
            }
            for q in quotas.quotas
        ]
        context["members"] = members
        context["has_nominations"] = bool(chosen)
    return render(request, "scoring/conference.html", context, status=status)


@require_POST
def attendance(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = _conference_or_redirect(request, group_year)
    rows = {
        a.unit_id: {
            "present": request.POST.get(f"present_{a.unit_id}") == "on",
            "representative": request.POST.get(f"rep_{a.unit_id}", ""),
            "position": request.POST.get(f"pos_{a.unit_id}", ""),
        }
        for a in current.attendance.all()
    }
    quorum, _e = call(request, services.attendance_set, conference=current, rows=rows)
    if quorum is not None:
        if quorum.met:
            messages.success(
                request,
                _("Đã điểm danh: %(p)s/%(m)s đơn vị, đủ số đại biểu.") % {"p": quorum.present, "m": quorum.members},
            )
        else:
            messages.warning(
                request,
                _("Đã điểm danh: %(p)s/%(m)s đơn vị, chưa đủ (cần %(r)s).")
                % {"p": quorum.present, "m": quorum.members, "r": quorum.required},
            )
    return redirect("scoring:conference", gy=group_year.pk)


@require_POST
def approve(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = _conference_or_redirect(request, group_year)
    done, _e = call(request, services.conference_approve_table, conference=current)
    if done is not None:
        messages.success(request, _("Hội nghị đã thông qua bảng điểm."))
    return redirect("scoring:conference", gy=group_year.pk)


@require_POST
def leading(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = _conference_or_redirect(request, group_year)
    done, _e = call(request, services.conference_leading_unit, conference=current, title=request.POST.get("title", ""))
    if done is not None:
        messages.success(request, _("Đã suy tôn %(u)s.") % {"u": done.leading_unit})
    return redirect("scoring:conference", gy=group_year.pk)


@require_POST
def nominations(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = _conference_or_redirect(request, group_year)
    members = {str(u.pk): u for u in selectors.members_of(group_year)}
    quotas = config.quotas_of(services.settings_of(group_year).quotas)
    requested = {
        q.award: [members[pk] for pk in request.POST.getlist(f"award_{q.award}") if pk in members]
        for q in quotas.quotas
    }
    done, _e = call(request, services.conference_nominations_set, conference=current, requested=requested)
    if done is not None:
        messages.success(request, _("Đã ghi danh sách đề nghị khen thưởng (%(n)s đơn vị).") % {"n": len(done)})
    return redirect("scoring:conference", gy=group_year.pk)


@require_POST
def next_head(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    current = _conference_or_redirect(request, group_year)
    members = selectors.members_of(group_year)
    form = NextHeadForm(request.POST, units=members)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn cách chọn và đơn vị hợp lệ."))
        return redirect("scoring:conference", gy=group_year.pk)
    by_pk = {str(u.pk): u for u in members}
    data = form.cleaned_data
    done, _e = call(
        request,
        services.conference_next_head,
        conference=current,
        by=data["by"],
        head=by_pk.get(data["head"]),
        deputy=by_pk.get(data["deputy"]),
        election_note=data["election_note"],
        record_handover=data["record_handover"],
    )
    if done is not None:
        messages.success(request, _("Đã xác định cụm/khối trưởng năm %(y)s: %(h)s.") % {"y": done.year, "h": done.head})
    return redirect("scoring:conference", gy=group_year.pk)
