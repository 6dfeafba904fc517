"""Units import benchmark: a file of N units (a province every 100 rows, its communes below it,
parents in the same file) imported into a fresh SQLite database, against a floor measured in the
same run.

    .venv/bin/python -m bench orgs run --rows 100000
    .venv/bin/python -m bench orgs run --rows 10000 --database-url postgres://thidua:thidua@127.0.0.1:5432/orgs_bench

- **floor**: read the same CSV with `csv.reader` and `bulk_create` the bare units (no checks, no
  history rows, no audit), rolled back: the least any import of these rows must do;
- **dry run**: `UnitImport.dry_run` (read, check, create and roll back: what the preview costs);
- **apply**: `UnitImport.apply` (the same, committed: units, their dated states, the create
  events and one audit row per unit).

The database is flushed first (a PostgreSQL database's name must contain "bench"). Results are
printed and written to bench/out/orgs/rows-<N>.json. Target: 100,000 rows applied in < 60 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "out" / "orgs"
HEADER = ["Mã đơn vị", "Tên đơn vị", "Tên tiếng Anh", "Loại đơn vị", "Mã đơn vị cấp trên", "Hiệu lực từ"]


def units_csv(rows: int, *, root: str = "TW") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    province = ""
    for i in range(rows):
        if i % 100 == 0:
            province = f"P{i // 100:04}"
            writer.writerow([province, f"Ủy ban MTTQ tỉnh {i // 100}", "", "", root, "01/01/2025"])
        else:
            writer.writerow([f"{province}-X{i:06}", f"Ủy ban MTTQ xã {i}", "", "", province, "01/01/2025"])
    return buf.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        if "bench" not in args.database_url.rsplit("/", 1)[-1]:
            parser.error("the database name must contain 'bench' (it is flushed)")
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = OUT / "bench.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("THIDUA_DEBUG", "1")
    os.environ["THIDUA_IMPORT_MAX_BYTES"] = str(64 * 1024 * 1024)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from thidua.accounts.models import Role, RoleAssignment, User
    from thidua.orgs import imports, services
    from thidua.orgs.models import Unit, UnitType

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    root = services.unit_create(actor=None, code="TW", name="Ủy ban Trung ương", type=UnitType.CENTRAL_FRONT)
    admin = User.objects.create(username="bench-admin")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, unit=root)
    data = units_csv(args.rows)

    def floor() -> None:
        with transaction.atomic():
            reader = csv.reader(io.StringIO(data.decode("utf-8")))
            next(reader)
            Unit.objects.bulk_create(
                [Unit(code=r[0], name=r[1], type=UnitType.OTHER, parent=root) for r in reader], batch_size=500
            )
            transaction.set_rollback(True)

    results: dict[str, object] = {"rows": args.rows, "vendor": connection.vendor, "bytes": len(data)}
    for name, run in (
        ("floor", floor),
        ("dry_run", lambda: imports.IMPORTERS["units"].dry_run(admin, data, filename="u.csv")),
        ("apply", lambda: imports.IMPORTERS["units"].apply(admin, data, filename="u.csv")),
    ):
        started = time.perf_counter()
        outcome = run()
        results[name] = round(time.perf_counter() - started, 2)
        if outcome is not None:
            assert outcome.ok, [str(p) for p in outcome.problems[:5]]
    assert Unit.objects.count() == args.rows + 1
    floor_s = float(results["floor"])  # type: ignore[arg-type]
    for name in ("dry_run", "apply"):
        results[f"{name}_x_floor"] = round(float(results[name]) / floor_s, 1)  # type: ignore[arg-type]
    print(f"{args.rows:,} rows ({len(data) / 1e6:.1f} MB) on {connection.vendor}:")
    for name in ("floor", "dry_run", "apply"):
        ratio = f" ({results[name + '_x_floor']} × floor)" if name != "floor" else ""
        print(f"  {name:8} {results[name]:>7} s{ratio}")
    (OUT / f"rows-{args.rows}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0
