"""Plumbing of the published API description: who may read it, and the error answers it documents."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from thidua.accounts.models import TokenRefused

# Every operation may answer these besides its own successes; the bodies are those of config/api.py's
# exception handlers (400, 403, 404) and of django-ninja itself (401, 405, 422).
ERROR_RESPONSES: dict[int, str] = {
    400: "Yêu cầu trái quy tắc nghiệp vụ",
    401: "Chưa đăng nhập hoặc khoá API không hợp lệ",
    403: "Không có quyền",
    404: "Không tìm thấy hoặc ngoài phạm vi của người dùng",
    422: "Dữ liệu gửi lên sai kiểu hoặc ngoài giới hạn",
}
ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]},
        "code": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["detail"],
}


def with_error_responses(schema: Any) -> Any:
    """Document the error answers on every operation, so a generated client can read them."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                declared = responses.get(status) or responses.get(str(status))
                if declared is None:
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                    }
                    continue
                # An operation that answers this status with a body of its own (an import refused with its
                # problems: 422) still gets the framework's error body for the same status (a path value
                # out of range): both shapes are documented.
                content = declared.setdefault("content", {}).setdefault("application/json", {})
                own = content.get("schema")
                error_ref = {"$ref": "#/components/schemas/ErrorOut"}
                if own is not None and own != error_ref and "anyOf" not in own:
                    content["schema"] = {"anyOf": [own, error_ref]}
    return schema


def signed_in_or_token(authenticators: Callable[[], list[Any]]) -> Callable[[Any], Any]:
    """The docs and the OpenAPI document are for users of the API: a signed-in session or a token.

    They list every operation and field of the data model, so they are not published anonymously;
    an anonymous browser is sent to the login page, an anonymous client gets 401."""

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                allowed = request.user.is_authenticated or any(auth(request) for auth in authenticators())
            except TokenRefused:  # a token presented and refused (unknown, expired, revoked)
                allowed = False
            if allowed:
                response: HttpResponse = view(request, *args, **kwargs)
                return response
            if request.path.endswith(".json"):
                return JsonResponse({"detail": gettext("Cần đăng nhập hoặc khoá API.")}, status=401)
            return redirect_to_login(request.get_full_path())

        return wrapped

    return decorator


@csrf_exempt  # like the API's own views: no cookie-based auth here, and the answer is the same for all
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under the API that no route matches (an id that is not a number, say): JSON, as documented."""
    return JsonResponse({"detail": gettext("Không tìm thấy."), "code": "not_found"}, status=404)
