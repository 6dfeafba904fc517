"""The import page: choose what to import, upload, read the dry run, then confirm.

A file that passes the dry run is kept server-side (`thidua.core.stash`) behind a random token
bound to the user, so the confirmed apply reads exactly the file that was checked, and checks it
again; it is deleted when read and swept when abandoned."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from thidua.accounts.permissions import can
from thidua.core import stash
from thidua.core.exports import export_response
from thidua.orgs import imports


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"))
    file = forms.FileField(
        label=gettext_lazy("Tệp .xlsx hoặc .csv (UTF-8)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    confirm_shrink = forms.BooleanField(
        label=gettext_lazy("Đồng ý thay cả danh sách thành viên cụm, khối, kể cả khi bớt quá nửa"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, i.label) for k, i in imports.IMPORTERS.items()]  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "import.run"):
        raise PermissionDenied
    template_kind = request.GET.get("template", "")
    if template_kind in imports.IMPORTERS:
        headers, rows = imports.template_rows(template_kind)
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        return export_response(headers, rows, fmt, filename=f"mau-nhap-{template_kind}")

    form = ImportForm()
    context: dict[str, Any] = {
        "kinds": [(k, i.label, i.spec().columns) for k, i in imports.IMPORTERS.items()],
        "max_size": filesizeformat(settings.THIDUA_IMPORT_MAX_BYTES),
    }
    if request.method == "POST" and "token" in request.POST:
        stashed = stash.take(user=request.user, token=request.POST["token"])
        kind = str(stashed.meta.get("kind", "")) if stashed is not None else ""
        if stashed is None or kind not in imports.IMPORTERS:
            messages.error(request, _("Tệp đã kiểm tra không còn (hết hạn hoặc không hợp lệ); hãy tải lên lại."))
        else:
            result = imports.importer_for(kind).apply(
                request.user,
                stashed.data,
                filename=stashed.filename,
                confirm_shrink=bool(stashed.meta.get("confirm_shrink")),
            )
            context.update(result=result, kind=kind, filename=stashed.filename)
            if result.applied:
                messages.success(
                    request,
                    _("Đã nhập xong “%(name)s”: %(created)s mục mới, %(updated)s mục cập nhật.")
                    % {"name": stashed.filename, "created": result.created, "updated": result.updated},
                )
            else:
                messages.error(request, _("Không ghi gì vào hệ thống: dữ liệu đã thay đổi kể từ lần chạy thử."))
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
            confirm = form.cleaned_data["confirm_shrink"]
            result = imports.importer_for(kind).dry_run(
                request.user, upload, filename=upload.name, confirm_shrink=confirm
            )
            context.update(result=result, kind=kind, filename=upload.name)
            if result.ok:
                upload.seek(0)
                data = upload.read(int(settings.THIDUA_IMPORT_MAX_BYTES) + 1)
                meta = {"kind": kind, "confirm_shrink": confirm}
                context["token"] = stash.put(user=request.user, filename=upload.name, data=data, meta=meta)
    context["form"] = form
    return render(request, "orgs/import.html", context)
