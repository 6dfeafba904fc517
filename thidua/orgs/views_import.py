"""The import page: choose what to import, upload, read the dry run, then confirm.

A file that passes the dry run is kept server-side under VAR_DIR/imports/ behind a random token
bound to the user (thidua.orgs.imports.stash_*), so the confirmed apply reads exactly the file
that was checked, and checks it again."""

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
from thidua.core.exports import export_response
from thidua.orgs import imports


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"))
    file = forms.FileField(
        label=gettext_lazy("Tệp .xlsx hoặc .csv (UTF-8)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
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
        token = request.POST["token"]
        stashed = imports.stash_load(user=request.user, token=token)
        if stashed is None:
            messages.error(request, _("Tệp đã kiểm tra không còn (hết hạn hoặc không hợp lệ); hãy tải lên lại."))
        else:
            result = imports.importer_for(stashed.kind).apply(request.user, stashed.data, filename=stashed.filename)
            imports.stash_drop(token)
            context.update(result=result, kind=stashed.kind, filename=stashed.filename)
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
            result = imports.importer_for(kind).dry_run(request.user, upload, filename=upload.name)
            context.update(result=result, kind=kind, filename=upload.name)
            if result.ok:
                upload.seek(0)
                context["token"] = imports.stash_upload(
                    user=request.user, kind=kind, filename=upload.name, data=upload.read()
                )
    context["form"] = form
    return render(request, "orgs/import.html", context)
