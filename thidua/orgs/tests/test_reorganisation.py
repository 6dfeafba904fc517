import datetime as dt

import pytest

from thidua.core.errors import DomainError
from thidua.core.models import AuditEntry
from thidua.orgs import selectors, services
from thidua.orgs.models import Unit, UnitType


def _names(nodes):
    out = []
    for n in nodes:
        out.append(n.name)
        out.extend(_names(n.children))
    return out


@pytest.fixture
def provinces(db):
    start = dt.date(2020, 1, 1)
    root = services.unit_create(actor=None, code="TW", name="Trung ương", type=UnitType.CENTRAL_FRONT, valid_from=start)
    hg = services.unit_create(
        actor=None,
        code="HG",
        name="Ủy ban MTTQ tỉnh Hà Giang",
        parent=root,
        type=UnitType.PROVINCE_FRONT,
        valid_from=start,
    )
    tq = services.unit_create(
        actor=None,
        code="TQ",
        name="Ủy ban MTTQ tỉnh Tuyên Quang",
        parent=root,
        type=UnitType.PROVINCE_FRONT,
        valid_from=start,
    )
    hg_commune = services.unit_create(
        actor=None,
        code="HG-X1",
        name="Ủy ban MTTQ xã Lũng Cú",
        parent=hg,
        type=UnitType.COMMUNE_FRONT,
        valid_from=start,
    )
    return root, hg, tq, hg_commune


def test_merge_into_existing_unit_keeps_history_and_as_of_tree(provinces, make_user):
    root, hg, tq, hg_commune = provinces
    admin = make_user("admin")
    services.units_merge(
        actor=admin,
        predecessors=[hg, tq],
        into=tq,
        effective_date=dt.date(2025, 7, 1),
        decision_ref="Nghị quyết 202/2025/QH15",
    )
    hg.refresh_from_db()
    hg_commune.refresh_from_db()
    assert hg.valid_to == dt.date(2025, 7, 1)
    assert hg_commune.parent_id == tq.pk

    before = _names(selectors.unit_tree_as_of(user=admin, day=dt.date(2025, 6, 30)))
    after = _names(selectors.unit_tree_as_of(user=admin, day=dt.date(2025, 7, 1)))
    assert "Ủy ban MTTQ tỉnh Hà Giang" in before
    assert "Ủy ban MTTQ tỉnh Hà Giang" not in after
    # The commune sat under Hà Giang before the merge and under Tuyên Quang after it.
    tree_before = {
        n.name: [c.name for c in n.children]
        for n in selectors.unit_tree_as_of(user=admin, day=dt.date(2025, 6, 30))[0].children
    }
    assert tree_before["Ủy ban MTTQ tỉnh Hà Giang"] == ["Ủy ban MTTQ xã Lũng Cú"]
    assert selectors.lineage_ids(tq.pk) == {tq.pk, hg.pk}
    assert AuditEntry.objects.filter(verb="unit.merge", object_id=str(hg.pk)).exists()


def test_merge_into_new_unit(provinces):
    root, hg, tq, _ = provinces
    new = services.units_merge(
        actor=None,
        predecessors=[hg, tq],
        effective_date=dt.date(2025, 7, 1),
        new_unit=services.NewUnit(code="TQ2", name="Ủy ban MTTQ tỉnh Tuyên Quang (mới)"),
    )
    assert new.parent_id == root.pk
    assert selectors.lineage_ids(new.pk) == {new.pk, hg.pk, tq.pk}
    assert not Unit.objects.get(pk=tq.pk).is_active_on(dt.date(2025, 7, 1))


def test_rename_shows_old_name_as_of_earlier_date(provinces):
    root, hg, tq, _ = provinces
    services.unit_rename(
        actor=None, unit=tq, name="Ủy ban MTTQ Việt Nam tỉnh Tuyên Quang", effective_date=dt.date(2024, 1, 1)
    )
    assert selectors.unit_state_on(tq, dt.date(2023, 12, 31)).name == "Ủy ban MTTQ tỉnh Tuyên Quang"
    assert selectors.unit_state_on(tq, dt.date(2024, 1, 1)).name == "Ủy ban MTTQ Việt Nam tỉnh Tuyên Quang"


def test_split_and_dissolve(provinces):
    root, hg, tq, hg_commune = provinces
    a, b = services.unit_split(
        actor=None,
        unit=hg_commune,
        effective_date=dt.date(2024, 1, 1),
        into=[services.NewUnit("HG-X2", "Xã A"), services.NewUnit("HG-X3", "Xã B")],
    )
    assert {u.pk for u in Unit.objects.filter(predecessor_links__predecessor=hg_commune)} == {a.pk, b.pk}
    services.unit_dissolve(actor=None, unit=a, effective_date=dt.date(2025, 1, 1))
    a.refresh_from_db()
    assert a.valid_to == dt.date(2025, 1, 1)


def test_events_out_of_order_and_bad_input_change_nothing(provinces):
    root, hg, tq, hg_commune = provinces
    services.unit_rename(actor=None, unit=tq, name="Tên mới", effective_date=dt.date(2025, 1, 1))
    with pytest.raises(DomainError):
        services.unit_rename(actor=None, unit=tq, name="Tên khác", effective_date=dt.date(2024, 1, 1))
    with pytest.raises(DomainError):
        services.units_merge(actor=None, predecessors=[hg], into=hg, effective_date=dt.date(2025, 7, 1))
    with pytest.raises(DomainError):
        services.unit_dissolve(actor=None, unit=hg, effective_date=dt.date(2025, 7, 1))  # has an active child
    with pytest.raises(DomainError):
        services.unit_move(actor=None, unit=hg, new_parent=hg_commune, effective_date=dt.date(2025, 1, 1))
    hg.refresh_from_db()
    assert hg.valid_to is None and hg.parent_id == root.pk
