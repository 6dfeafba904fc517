"""Dated configuration values and provincial rule sets: adjustable by an administrator (national)
or a board officer (their province's sub-tree, ``award.configure``), checked against the engine
before saving, and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from thidua.accounts.permissions import is_admin, require
from thidua.awards import engine
from thidua.awards.models import Certainty, ConfigEntry, RuleSet, Title
from thidua.awards.rules import Config, ConfigError, ConfigValue, RuleError
from thidua.awards.rules.config import KEY_PATTERN
from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.models import Unit

Scalar = int | float | str | bool


def _require_scope(actor: Any, scope: Unit | None) -> None:
    if actor is None:
        return
    if scope is None:
        if not is_admin(actor):
            raise PermissionDeniedError(
                _("Chỉ quản trị hệ thống được đổi cấu hình toàn quốc."), action="award.configure"
            )
    else:
        require(actor, "award.configure", scope)


def parse_value(text: str) -> Scalar:
    """A value typed in a form: a number (Vietnamese or plain decimals), true/false, or text."""
    raw = text.strip()
    if not raw:
        raise DomainError(_("Giá trị không được để trống."), field="value")
    lowered = raw.lower()
    if lowered in {"true", "có", "co", "đúng"}:
        return True
    if lowered in {"false", "không", "khong", "sai"}:
        return False
    candidate = raw.replace(" ", "").replace("\u00a0", "")
    if candidate.count(",") == 1 and "." not in candidate:
        candidate = candidate.replace(",", ".")
    elif candidate.count(".") > 1 or ("." in candidate and "," in candidate):
        candidate = candidate.replace(".", "").replace(",", ".")
    try:
        number = float(candidate)
    except ValueError:
        return raw
    return int(number) if number.is_integer() and "." not in candidate else number


def _check_type(key: str, value: Scalar, on: dt.date) -> None:
    default = engine.defaults().find(key, on) or next((e for e in engine.defaults().entries() if e.key == key), None)
    if default is None:
        return
    expected_number = isinstance(default.value, int | float) and not isinstance(default.value, bool)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if expected_number != is_number or (isinstance(default.value, bool) != isinstance(value, bool)):
        raise DomainError(
            _("Giá trị của “%(key)s” phải cùng kiểu với giá trị mặc định (%(d)s).") % {"key": key, "d": default.value},
            field="value",
        )
    if isinstance(default.value, int) and not isinstance(default.value, bool) and isinstance(value, float):
        raise DomainError(_("Giá trị của “%(key)s” phải là số nguyên.") % {"key": key}, field="value")


def _overlapping(key: str, scope: Unit | None, start: dt.date, end: dt.date | None, exclude: int | None) -> Any:
    qs = ConfigEntry.objects.filter(key=key, scope=scope).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    if end is not None:
        qs = qs.filter(effective_from__lte=end)
    return qs.exclude(pk=exclude).first() if exclude else qs.first()


def _check_resolves(scope: Unit | None, entry: ConfigEntry) -> None:
    """The rules in force at the start of the value must still resolve with it."""
    chain = engine.chain_of(scope.pk, engine.scope_unit_ids() | {scope.pk}) if scope is not None else ()
    base = engine.config_for(chain)
    value = ConfigValue(
        key=entry.key,
        value=entry.value,
        effective_from=entry.effective_from,
        effective_to=entry.effective_to,
    )
    try:
        config = base.overlay(Config([value]))
        engine.rulebook_for(chain, entry.effective_from).in_force(entry.effective_from, config)
    except (RuleError, ConfigError) as exc:
        raise DomainError(_("Giá trị này làm quy tắc không áp dụng được: %(e)s") % {"e": exc}, field="value") from exc


@transaction.atomic
def config_entry_add(
    *,
    actor: Any,
    key: str,
    value: Scalar,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    scope: Unit | None = None,
    certainty: str = Certainty.UNCONFIRMED,
    source: str = "",
    note: str = "",
) -> ConfigEntry:
    """Add a dated value for a key (national or for a unit's sub-tree); periods may not overlap."""
    _require_scope(actor, scope)
    key = key.strip()
    if not KEY_PATTERN.match(key):
        raise DomainError(_("Khoá “%(k)s” không hợp lệ (dạng a.b_c).") % {"k": key}, field="key")
    if effective_to is not None and effective_to < effective_from:
        raise DomainError(_("Ngày hết hiệu lực phải sau ngày bắt đầu."), field="effective_to")
    if certainty not in Certainty.values:
        raise DomainError(_("Độ tin cậy không hợp lệ."), field="certainty")
    if not source.strip():
        raise DomainError(_("Cần ghi căn cứ (văn bản, nguồn) của giá trị."), field="source")
    _check_type(key, value, effective_from)
    clash = _overlapping(key, scope, effective_from, effective_to, None)
    if clash is not None:
        raise DomainError(
            _("Trùng thời gian hiệu lực với giá trị %(v)s từ %(a)s đến %(b)s; hãy kết thúc giá trị cũ trước.")
            % {
                "v": clash.value,
                "a": clash.effective_from.strftime("%d/%m/%Y"),
                "b": clash.effective_to.strftime("%d/%m/%Y") if clash.effective_to else "…",
            },
            field="effective_from",
        )
    entry = ConfigEntry(
        key=key,
        value=value,
        scope=scope,
        effective_from=effective_from,
        effective_to=effective_to,
        certainty=certainty,
        source=source.strip(),
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check_resolves(scope, entry)
    entry.save()
    audit.record_create(actor, entry, unit_id=scope.pk if scope else None, verb="award.config")
    return entry


@transaction.atomic
def config_entry_end(*, actor: Any, entry: ConfigEntry, effective_to: dt.date) -> ConfigEntry:
    """Close a value's period (inclusive last day), e.g. before adding its successor."""
    _require_scope(actor, entry.scope)
    if effective_to < entry.effective_from:
        raise DomainError(_("Ngày hết hiệu lực phải sau ngày bắt đầu."), field="effective_to")
    before = audit.snapshot(entry)
    entry.effective_to = effective_to
    entry.save(update_fields=["effective_to"])
    audit.record_update(actor, entry, before, unit_id=entry.scope_id, verb="award.config")
    return entry


@transaction.atomic
def config_entry_delete(*, actor: Any, entry: ConfigEntry) -> None:
    _require_scope(actor, entry.scope)
    audit.record_delete(actor, entry, unit_id=entry.scope_id, verb="award.config")
    entry.delete()


@transaction.atomic
def ruleset_save(
    *, actor: Any, text: str, scope: Unit | None, active: bool = True, instance: RuleSet | None = None
) -> RuleSet:
    """Create or replace a rule set after validating it as it would be composed for its scope."""
    _require_scope(actor, scope)
    if instance is not None:
        _require_scope(actor, instance.scope)
    chain = engine.chain_of(scope.pk, engine.scope_unit_ids() | {scope.pk}) if scope is not None else ()
    document, book = engine.validate_ruleset(text, chain)
    ruleset_id = str(document["ruleset"])
    clash = RuleSet.objects.filter(ruleset=ruleset_id)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise DomainError(_("Mã bộ quy tắc “%(r)s” đã được dùng.") % {"r": ruleset_id}, field="text")
    name = document.get("name") or {}
    before = audit.snapshot(instance) if instance is not None else None
    obj = instance or RuleSet()
    obj.ruleset = ruleset_id
    obj.name = str(name.get("vi") if isinstance(name, dict) else name)[:255] or ruleset_id
    obj.scope = scope
    obj.text = text
    obj.effective_from = engine.book_start(document)
    to = document.get("effective_to")
    obj.effective_to = to if isinstance(to, dt.date) or to is None else dt.date.fromisoformat(str(to))
    obj.active = active
    obj.save()
    _catalogue_new_codes(book, document)
    if before is None:
        audit.record_create(actor, obj, unit_id=scope.pk if scope else None, verb="award.ruleset")
    else:
        audit.record_update(actor, obj, before, unit_id=scope.pk if scope else None, verb="award.ruleset")
    return obj


def _catalogue_new_codes(book: Any, document: dict[str, Any]) -> None:
    for rule in document.get("rules") or []:
        code, subject = rule.get("code"), rule.get("subject")
        if not code or Title.objects.filter(code=code).exists():
            continue
        name = book.titles.get(code)
        Title.objects.create(
            code=code,
            name=name.vi if name else code,
            name_en=name.en if name else code,
            kind="title",
            for_individual=subject == "individual",
            for_collective=subject == "collective",
            order=500,
        )


@transaction.atomic
def ruleset_set_active(*, actor: Any, ruleset: RuleSet, active: bool) -> RuleSet:
    _require_scope(actor, ruleset.scope)
    before = audit.snapshot(ruleset)
    ruleset.active = active
    ruleset.save(update_fields=["active", "updated_at"])
    audit.record_update(actor, ruleset, before, unit_id=ruleset.scope_id, verb="award.ruleset")
    return ruleset
