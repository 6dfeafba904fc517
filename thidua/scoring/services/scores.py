"""Self-scores with evidence, cross-scores by assignment, moderation and the ranking.

The maths is `calculation`'s: these services gather the marks, hand them over, and store the
outcome. Every change is refused as a whole (one `ScoringError` listing every problem) when any
mark is invalid, and is audited with the marks before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.core import audit, uploads
from thidua.core.errors import DomainError
from thidua.orgs.models import GroupYear, Unit
from thidua.scoring import calculation as calc
from thidua.scoring import config
from thidua.scoring.fetch import cross_marks_of_unit, final_marks, marks_of, plain, table_of
from thidua.scoring.models import (
    Agreement,
    CriteriaItem,
    CrossAssignment,
    CrossMode,
    Evidence,
    Mark,
    Moderation,
    ModerationLine,
    ModerationStatus,
    Ranking,
    RankingRow,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services._common import (
    clock,
    require_acting_for,
    require_before,
    require_member,
)
from thidua.scoring.services.agreement import settings_of


def signed_agreement(group_year: GroupYear) -> Agreement:
    agreement = Agreement.objects.filter(group_year=group_year).first()
    if agreement is None or not agreement.locked:
        raise DomainError(_("Giao ước của năm thi đua chưa được ký; chưa chấm điểm được."), code="not_signed")
    return agreement


def _require_not_approved(group_year: GroupYear) -> None:
    conference = getattr(group_year, "conference", None)
    if conference is not None and conference.table_approved:
        raise DomainError(_("Hội nghị đã thông qua bảng điểm; không thay đổi được."), code="approved")


# --------------------------------------------------------------------------- cross assignments


def _rotation_order(group_year: GroupYear) -> list[Unit]:
    members = {gm.unit_id: gm.unit for gm in group_year.memberships.select_related("unit")}
    order = [s.unit for s in group_year.group.rotation.select_related("unit") if s.unit_id in members]
    seen = {u.pk for u in order}
    order += sorted((u for pk, u in members.items() if pk not in seen), key=lambda u: u.code)
    return order


def planned_assignments(group_year: GroupYear, mode: str, peers: int) -> list[tuple[Unit, Unit]]:
    """(scorer, unit) pairs for a mode; never a unit scoring itself."""
    order = _rotation_order(group_year)
    if mode == CrossMode.HEAD:
        head = next((u for u in order if u.pk == group_year.head_id), None)
        if head is None:
            raise DomainError(_("Năm thi đua chưa có cụm/khối trưởng để chấm chéo."), field="head")
        pairs = [(head, u) for u in order if u.pk != head.pk]
        deputy = next((u for u in order if u.pk == group_year.deputy_id), None)
        if deputy is not None:
            pairs.append((deputy, head))  # the head's own score comes from the deputy
        return pairs
    if mode == CrossMode.ALL:
        return [(s, u) for u in order for s in order if s.pk != u.pk]
    k = min(peers, len(order) - 1)
    return [(order[(i + j) % len(order)], unit) for i, unit in enumerate(order) for j in range(1, k + 1)]


@transaction.atomic
def cross_assignments_generate(*, actor: Any, group_year: GroupYear) -> list[CrossAssignment]:
    """Assign cross-scorers by the configured mode (head, all, rotation), replacing any plan
    as long as no cross-score has been started."""
    if actor is not None:
        require(actor, "agreement.manage", group_year)
    if ScoreSheet.objects.filter(group_year=group_year, kind=SheetKind.CROSS).exists():
        raise DomainError(_("Đã có phiếu chấm chéo; không phân công lại được."), code="started")
    cfg = settings_of(group_year)
    pairs = planned_assignments(group_year, cfg.cross_mode, int(cfg.rotation_peers))
    CrossAssignment.objects.filter(group_year=group_year).delete()
    made = CrossAssignment.objects.bulk_create(
        CrossAssignment(group_year=group_year, scorer=s, unit=u) for s, u in pairs
    )
    audit.record(
        actor=actor,
        action="event",
        instance=group_year,
        unit_id=group_year.group.organiser_id,
        verb="score.assign",
        after={"mode": cfg.cross_mode, "pairs": [f"{s.code}>{u.code}" for s, u in pairs]},
    )
    return made


# --------------------------------------------------------------------------- marks


def _split_marks(
    table: calc.CriteriaTable, marks: Mapping[str, object]
) -> tuple[dict[str, object], set[str], list[calc.Problem]]:
    """Given marks → (to set, to clear); blank values clear a mark."""
    to_set: dict[str, object] = {}
    to_clear: set[str] = set()
    for code, raw in marks.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            to_clear.add(code)
        else:
            to_set[code] = raw
    _valid, problems = calc.validate_marks(table, to_set)
    caps = table.caps()
    problems += tuple(calc.Problem("mark.unknown_item", {"item": c}) for c in to_clear if c not in caps)
    return to_set, to_clear, list(problems)


def _indicator_points(
    table: calc.CriteriaTable, figures: Mapping[str, tuple[object, object]]
) -> tuple[dict[str, Decimal], dict[str, calc.IndicatorValue], list[calc.Problem]]:
    values: dict[str, calc.IndicatorValue] = {}
    problems: list[calc.Problem] = []
    for code, (actual, target) in figures.items():
        if actual in (None, "") and target in (None, ""):
            continue
        a, t = calc.parse_points(actual), calc.parse_points(target)
        if a is None or t is None:
            problems.append(calc.Problem("mark.not_number", {"item": code, "value": f"{actual} / {target}"}))
            continue
        values[code] = calc.IndicatorValue(a, t)
    if problems:
        return {}, values, problems
    try:
        return calc.indicator_marks(table, values), values, []
    except calc.ScoringError as error:
        return {}, values, list(error.problems)


def _store_marks(
    *,
    actor: Any,
    sheet: ScoreSheet,
    table: calc.CriteriaTable,
    marks: Mapping[str, object],
    notes: Mapping[str, str] | None,
    figures: Mapping[str, tuple[object, object]] | None,
    verb: str,
    unit_id: int,
) -> ScoreSheet:
    to_set, to_clear, problems = _split_marks(table, marks)
    computed, values, more = _indicator_points(table, figures or {})
    problems += more
    unknown_notes = [c for c in (notes or {}) if c not in table.caps()]
    problems += [calc.Problem("mark.unknown_item", {"item": c}) for c in unknown_notes]
    if problems:
        raise calc.ScoringError(problems)
    parsed, _none = calc.validate_marks(table, to_set)
    parsed.update(computed)
    items = {i.code: i for i in CriteriaItem.objects.filter(agreement__group_year_id=sheet.group_year_id)}
    before = {m.item.code: str(m.points) for m in sheet.marks.select_related("item")}
    existing = {m.item.code: m for m in sheet.marks.select_related("item")}
    for code in to_clear - set(computed):
        if code in existing:
            existing.pop(code).delete()
    for code, points in parsed.items():
        mark = existing.get(code) or Mark(sheet=sheet, item=items[code])
        mark.points = points
        if code in values:
            mark.actual, mark.target = values[code].actual, values[code].target
        if notes is not None and code in notes:
            mark.note = notes[code].strip()
        mark.save()
        existing[code] = mark
    for code, note in (notes or {}).items():
        if code in existing and code not in parsed:
            existing[code].note = note.strip()
            existing[code].save(update_fields=["note"])
    sheet.save(update_fields=["updated_at"])
    after = {code: str(m.points) for code, m in existing.items()}
    audit.record(
        actor=actor,
        action="update",
        instance=sheet,
        before={"marks": before},
        after={"marks": after},
        unit_id=unit_id,
        verb=verb,
    )
    return sheet


def _self_sheet(group_year: GroupYear, unit: Unit) -> ScoreSheet:
    sheet = ScoreSheet.objects.filter(group_year=group_year, unit=unit, scorer=unit, kind=SheetKind.SELF).first()
    return sheet or ScoreSheet(group_year=group_year, unit=unit, scorer=unit, kind=SheetKind.SELF)


def _require_draft(sheet: ScoreSheet) -> None:
    if sheet.submitted:
        raise DomainError(_("Phiếu chấm đã gửi; không sửa được."), code="submitted")


@transaction.atomic
def self_marks_save(
    *,
    actor: Any,
    group_year: GroupYear,
    unit: Unit,
    marks: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
    figures: Mapping[str, tuple[object, object]] | None = None,
    now: dt.datetime | None = None,
) -> ScoreSheet:
    """Save a unit's own marks item by item (blank clears), before the self-score deadline.

    `figures` (item code → (actual, target)) compute the points of indicator-linked items."""
    sheet = _self_sheet(group_year, unit)
    if actor is not None:
        require(actor, "score.self", sheet)
    require_member(group_year, unit)
    agreement = signed_agreement(group_year)
    require_before(settings_of(group_year).self_deadline, now, _("tự chấm điểm"))
    _require_draft(sheet)
    if sheet.pk is None:
        sheet.save()
        audit.record_create(actor, sheet, unit_id=unit.pk, verb="score.self_open")
    return _store_marks(
        actor=actor,
        sheet=sheet,
        table=table_of(agreement),
        marks=marks,
        notes=notes,
        figures=figures,
        verb="score.self_save",
        unit_id=unit.pk,
    )


def _cross_sheet(group_year: GroupYear, scorer: Unit, unit: Unit) -> ScoreSheet:
    if scorer.pk == unit.pk:
        raise DomainError(_("Một đơn vị không tự chấm chéo chính mình."), code="self_cross")
    if not CrossAssignment.objects.filter(group_year=group_year, scorer=scorer, unit=unit).exists():
        raise DomainError(
            _("%(s)s không được phân công chấm chéo %(u)s.") % {"s": scorer, "u": unit}, code="not_assigned"
        )
    sheet = ScoreSheet.objects.filter(group_year=group_year, unit=unit, scorer=scorer, kind=SheetKind.CROSS).first()
    return sheet or ScoreSheet(group_year=group_year, unit=unit, scorer=scorer, kind=SheetKind.CROSS)


@transaction.atomic
def cross_marks_save(
    *,
    actor: Any,
    group_year: GroupYear,
    scorer: Unit,
    unit: Unit,
    marks: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> ScoreSheet:
    """Save the marks `scorer` gives `unit` (assigned pairs only, never itself), before the deadline."""
    if actor is not None:
        require(actor, "score.cross", group_year)
        require_acting_for(actor, "score.cross", group_year, scorer)
    sheet = _cross_sheet(group_year, scorer, unit)
    agreement = signed_agreement(group_year)
    require_before(settings_of(group_year).cross_deadline, now, _("chấm chéo"))
    _require_not_approved(group_year)
    _require_draft(sheet)
    if sheet.pk is None:
        sheet.save()
        audit.record_create(actor, sheet, unit_id=scorer.pk, verb="score.cross_open")
    return _store_marks(
        actor=actor,
        sheet=sheet,
        table=table_of(agreement),
        marks=marks,
        notes=notes,
        figures=None,
        verb="score.cross_save",
        unit_id=scorer.pk,
    )


@transaction.atomic
def sheet_submit(*, actor: Any, sheet: ScoreSheet, now: dt.datetime | None = None) -> ScoreSheet:
    """Send a complete sheet; after that it cannot change, and a cross-scorer sees the others' marks."""
    gy = sheet.group_year
    cfg = settings_of(gy)
    if sheet.kind == SheetKind.SELF:
        if actor is not None:
            require(actor, "score.self", sheet)
        require_before(cfg.self_deadline, now, _("tự chấm điểm"))
    else:
        if actor is not None:
            require(actor, "score.cross", gy)
            require_acting_for(actor, "score.cross", gy, sheet.scorer)
        require_before(cfg.cross_deadline, now, _("chấm chéo"))
    _require_draft(sheet)
    calc.score_unit(table_of(signed_agreement(gy)), marks_of(sheet), require_complete=True)
    before = audit.snapshot(sheet)
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = clock(now)
    sheet.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    sheet.save()
    verb = "score.self_submit" if sheet.kind == SheetKind.SELF else "score.cross_submit"
    audit.record_update(actor, sheet, before, unit_id=sheet.permission_unit_ids()[0], verb=verb)
    return sheet


# --------------------------------------------------------------------------- evidence


def _evidence_snapshot(evidence: Evidence) -> dict[str, Any]:
    # core.audit.snapshot cannot read an empty FileField (a link-only evidence): name the file by hand.
    fields = [f.name for f in Evidence._meta.concrete_fields if f.name != "file"]
    return {**audit.snapshot(evidence, fields), "file": evidence.file.name or None}


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    sheet: ScoreSheet,
    title: str,
    file: UploadedFile[Any] | None = None,
    link: str = "",
    item_code: str = "",
    now: dt.datetime | None = None,
) -> Evidence:
    """Attach a file or a link to a self-score (the whole sheet or one item) while it is a draft."""
    if actor is not None:
        require(actor, "score.self", sheet)
    if sheet.kind != SheetKind.SELF:
        raise DomainError(_("Minh chứng chỉ kèm phiếu tự chấm điểm."))
    require_before(settings_of(sheet.group_year).self_deadline, now, _("tự chấm điểm"))
    _require_draft(sheet)
    if sheet.pk is None:
        raise DomainError(_("Hãy lưu phiếu tự chấm trước khi gửi minh chứng."))
    item = None
    if item_code:
        item = CriteriaItem.objects.filter(agreement__group_year_id=sheet.group_year_id, code=item_code).first()
        if item is None:
            raise DomainError(_("Mục %(c)s không có trong bảng tiêu chí.") % {"c": item_code}, field="item")
    link = (link or "").strip()
    if (file is None) == (not link):
        raise DomainError(_("Hãy gửi một tệp hoặc một đường dẫn (không cả hai)."), field="file")
    if link and not link.lower().startswith(("https://", "http://")):
        raise DomainError(_("Đường dẫn phải bắt đầu bằng http:// hoặc https://."), field="link")
    evidence = Evidence(sheet=sheet, item=item, link=link[:500])
    if file is not None:
        name = uploads.safe_name(file.name or "")
        limit = int(getattr(settings, "THIDUA_EVIDENCE_MAX_BYTES", uploads.DEFAULT_MAX_BYTES))
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
        # By content, not by the name: an .exe renamed .pdf is refused; the stored type is the extension's.
        verdict = uploads.check(name, data, max_bytes=limit)
        if not verdict.ok:
            raise DomainError(_(verdict.template) % (verdict.params or {}), field="file", code="bad_file")
        evidence.original_name = name[:255]
        evidence.content_type = verdict.content_type
        evidence.size = len(data)
        evidence.file.save(name, ContentFile(data), save=False)
    evidence.title = " ".join((title or "").split())[:255] or evidence.original_name or link[:255]
    evidence.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    evidence.save()
    audit.record(
        actor=actor,
        action="create",
        instance=evidence,
        after=_evidence_snapshot(evidence),
        unit_id=sheet.unit_id,
        verb="score.evidence_add",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: Evidence, now: dt.datetime | None = None) -> None:
    sheet = evidence.sheet
    if actor is not None:
        require(actor, "score.self", sheet)
    require_before(settings_of(sheet.group_year).self_deadline, now, _("tự chấm điểm"))
    _require_draft(sheet)
    audit.record(
        actor=actor,
        action="delete",
        instance=evidence,
        before=_evidence_snapshot(evidence),
        unit_id=sheet.unit_id,
        verb="score.evidence_remove",
    )
    if evidence.file:
        evidence.file.delete(save=False)
    evidence.delete()


# --------------------------------------------------------------------------- moderation


def aggregated_cross(group_year: GroupYear, unit: Unit) -> dict[str, Decimal]:
    cfg = settings_of(group_year)
    by_scorer = cross_marks_of_unit(group_year.pk, unit.pk)
    if not by_scorer:
        return {}
    method = calc.Aggregation(cfg.aggregation)
    aggregated = calc.aggregate_marks(by_scorer, method=method, trim_share=Decimal(cfg.trim_share))
    return {code: plain(value) for code, value in aggregated.items()}


def self_marks(group_year: GroupYear, unit: Unit) -> dict[str, Decimal]:
    sheet = ScoreSheet.objects.filter(
        group_year=group_year, unit=unit, kind=SheetKind.SELF, status=SheetStatus.SUBMITTED
    ).first()
    return marks_of(sheet) if sheet is not None else {}


@transaction.atomic
def moderation_save(
    *,
    actor: Any,
    group_year: GroupYear,
    unit: Unit,
    overrides: Mapping[str, object],
    reasons: Mapping[str, str],
    publish: bool = False,
    now: dt.datetime | None = None,
) -> Moderation:
    """Set a unit's final marks: the moderator's where given, else the aggregated cross-score, else
    the self-score. Every change from the self-score needs a reason; publishing needs every item."""
    if actor is not None:
        require(actor, "score.moderate", group_year)
    require_member(group_year, unit)
    _require_not_approved(group_year)
    table = table_of(signed_agreement(group_year))
    given = {c: v for c, v in overrides.items() if not (v is None or (isinstance(v, str) and not v.strip()))}
    result = calc.moderate(
        table,
        self_marks=self_marks(group_year, unit),
        aggregated=aggregated_cross(group_year, unit),
        overrides=given,
        reasons={c: r for c, r in reasons.items() if r and r.strip()},
    )
    if publish:
        calc.score_unit(table, result.final, require_complete=True)
    own, cross = self_marks(group_year, unit), aggregated_cross(group_year, unit)
    moderation = Moderation.objects.filter(group_year=group_year, unit=unit).first()
    before = (
        {ln.item.code: [str(ln.final), ln.reason] for ln in moderation.lines.select_related("item")}
        if moderation is not None
        else {}
    )
    moderation = moderation or Moderation(group_year=group_year, unit=unit)
    moderation.moderated_by = actor if getattr(actor, "is_authenticated", False) else None
    moderation.moderated_at = clock(now)
    if publish:
        moderation.status = ModerationStatus.PUBLISHED
        moderation.published_at = clock(now)
    moderation.save()
    moderation.lines.all().delete()
    items = {i.code: i for i in CriteriaItem.objects.filter(agreement__group_year=group_year)}
    parsed_overrides, _p = calc.validate_marks(table, given)
    reason_of = {c.item: c.reason for c in result.changes}
    ModerationLine.objects.bulk_create(
        ModerationLine(
            moderation=moderation,
            item=items[code],
            self_points=own.get(code),
            cross_points=cross.get(code),
            override=parsed_overrides.get(code),
            final=final,
            reason=reason_of.get(code, (reasons.get(code) or "").strip()),
        )
        for code, final in result.final.items()
    )
    after = {code: [str(final), reason_of.get(code, "")] for code, final in result.final.items()}
    audit.record(
        actor=actor,
        action="update",
        instance=moderation,
        before={"lines": before},
        after={"lines": after, "status": moderation.status},
        unit_id=unit.pk,
        verb="score.moderate_publish" if publish else "score.moderate",
    )
    return moderation


# --------------------------------------------------------------------------- ranking


def unit_facts(unit: Unit, score: calc.UnitScore) -> dict[str, Decimal]:
    """The facts a tie-break may use (scoring.config.FACTS)."""
    women = unit.female_share is not None and Decimal(unit.female_share) >= Decimal("0.7")
    return {
        "FEMALE_70": Decimal(1 if women else 0),
        "LESS_PENALTY": -score.penalty,
        "BONUS": score.bonus,
        "BASE": score.base,
    }


@transaction.atomic
def ranking_compute(
    *, actor: Any, group_year: GroupYear, ballot_order: Sequence[str] = (), now: dt.datetime | None = None
) -> Ranking:
    """Rank the members on their published final marks, with the configured tie-breaks and bands.

    Units the rules cannot separate share a rank and are marked for a ballot; `ballot_order` (unit
    codes, best first), once the ballot is held, records its outcome."""
    if actor is not None:
        require(actor, "score.moderate", group_year)
    _require_not_approved(group_year)
    agreement = signed_agreement(group_year)
    table = table_of(agreement)
    cfg = settings_of(group_year)
    members = {gm.unit.code: gm.unit for gm in group_year.memberships.select_related("unit")}
    finals = final_marks(group_year.pk)
    waiting = sorted(u.name for u in members.values() if u.pk not in finals)
    if waiting:
        raise DomainError(
            _("Chưa công bố kết quả thẩm định của: %(u)s") % {"u": "; ".join(waiting)}, code="not_moderated"
        )
    unknown = [c for c in ballot_order if c not in members]
    if unknown or len(set(ballot_order)) != len(ballot_order):
        raise DomainError(_("Kết quả bỏ phiếu nêu đơn vị không hợp lệ: %(u)s") % {"u": ", ".join(unknown) or "—"})
    scores = {code: calc.score_unit(table, finals[unit.pk]) for code, unit in sorted(members.items())}
    facts = {code: unit_facts(members[code], score) for code, score in scores.items()}
    entries = calc.rank_units(
        scores, tie_breaks=list(cfg.tie_breaks or []), facts=facts, ballot_order=list(ballot_order)
    )
    bands = config.bands_of(cfg.bands)
    ranking = Ranking.objects.filter(group_year=group_year).first() or Ranking(group_year=group_year)
    before = {r.unit.code: [r.rank, str(r.total)] for r in ranking.rows.select_related("unit")} if ranking.pk else {}
    ranking.computed_at = clock(now)
    ranking.computed_by = actor if getattr(actor, "is_authenticated", False) else None
    ranking.ballot_order = list(ballot_order)
    ranking.max_points = agreement.max_points
    ranking.save()
    ranking.rows.all().delete()
    rows = []
    for position, entry in enumerate(entries, start=1):
        score = scores[entry.unit]
        band = calc.classify(score.total, max_points=table.max_points, scheme=bands.scheme)
        rows.append(
            RankingRow(
                ranking=ranking,
                unit=members[entry.unit],
                position=position,
                rank=entry.rank,
                base=score.base,
                bonus=score.bonus,
                penalty=score.penalty,
                total=score.total,
                band=band,
                band_label=bands.label(band),
                needs_ballot=entry.needs_ballot,
                by_ballot=entry.by_ballot,
                tied_with=list(entry.tied_with),
                node_points={c: str(n.points) for c, n in score.nodes.items()},
                notes=[p.message() for p in score.notes],
            )
        )
    RankingRow.objects.bulk_create(rows)
    after = {r.unit.code: [r.rank, str(r.total)] for r in rows}
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=ranking,
        before={"rows": before} if before else None,
        after={"rows": after, "ballot_order": list(ballot_order)},
        unit_id=group_year.group.organiser_id,
        verb="score.rank",
    )
    return ranking
