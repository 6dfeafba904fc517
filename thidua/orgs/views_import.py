"""The import page: choose what to import, upload, read the dry run, then confirm.

A file that passes the dry run is kept server-side under VAR_DIR/imports/ behind a random token
bound to the user (`_stash_*` below), so the confirmed apply reads exactly the file
that was checked, and checks it again."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
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
        stashed = _stash_load(user=request.user, token=token)
        if stashed is None:
            messages.error(request, _("Tệp đã kiểm tra không còn (hết hạn hoặc không hợp lệ); hãy tải lên lại."))
        else:
            result = imports.importer_for(stashed.kind).apply(request.user, stashed.data, filename=stashed.filename)
            _stash_drop(token)
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
                context["token"] = _stash_upload(user=request.user, kind=kind, filename=upload.name, data=upload.read())
    context["form"] = form
    return render(request, "orgs/import.html", context)


STASH_TTL_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _stash_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _sweep(directory: Path) -> None:
    cutoff = time.time() - STASH_TTL_SECONDS
    for item in directory.iterdir():
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
        except FileNotFoundError:
            continue


def _stash_upload(*, user: Any, kind: str, filename: str, data: bytes) -> str:
    """Keep a checked upload server-side until it is confirmed; the token is bound to the user."""
    directory = _stash_dir()
    _sweep(directory)
    token = secrets.token_urlsafe(24)
    meta = {
        "user": user.pk,
        "kind": kind,
        "filename": Path(filename).name[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "created": time.time(),
    }
    (directory / f"{token}.bin").write_bytes(data)
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    for suffix in (".bin", ".json"):
        (directory / f"{token}{suffix}").chmod(0o600)
    return token


@dataclass(frozen=True)
class _Stashed:
    kind: str
    filename: str
    data: bytes


def _stash_load(*, user: Any, token: str) -> _Stashed | None:
    """The stashed upload, if the token is well formed, the user's own, fresh and intact."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    directory = _stash_dir()
    try:
        meta = json.loads((directory / f"{token}.json").read_text(encoding="utf-8"))
        data = (directory / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    fresh = time.time() - float(meta.get("created", 0)) < STASH_TTL_SECONDS
    if meta.get("user") != user.pk or not fresh or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return None
    return _Stashed(kind=str(meta["kind"]), filename=str(meta["filename"]), data=data)


def _stash_drop(token: str) -> None:
    if not _TOKEN.fullmatch(token or ""):
        return
    for suffix in (".bin", ".json"):
        (_stash_dir() / f"{token}{suffix}").unlink(missing_ok=True)
