"""Hostile files built in code (no binary fixtures): for the reader's tests and the corpus that is
run through every import and upload path."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def _column(index: int) -> str:
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def xlsx_with_shared_strings(rows: list[list[str]], *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook whose every cell is a shared string, as Excel writes them (openpyxl
    writes inline strings and cuts them at 32,767 characters, so it cannot build these)."""
    strings: list[str] = []
    cells = []
    for r, row in enumerate(rows, start=1):
        parts = []
        for c, value in enumerate(row, start=1):
            strings.append(value)
            parts.append(f'<c r="{_column(c)}{r}" t="s"><v>{len(strings) - 1}</v></c>')
        cells.append(f'<row r="{r}">{"".join(parts)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    )
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buf.getvalue()


def huge_shared_string(rows: list[list[str]], *, megabytes: int = 150) -> bytes:
    """The testers' file: a small workbook whose shared-strings table expands to `megabytes` MB."""
    return xlsx_with_shared_strings([*rows, ["X", "x" * (megabytes * 1024 * 1024)]])


def zip_bomb(rows: list[list[str]], *, megabytes: int = 300) -> bytes:
    """A valid small workbook plus one part that expands a thousandfold."""
    return xlsx_with_shared_strings(rows, extra={"xl/media/image1.bin": b"\0" * (megabytes * 1024 * 1024)})


def truncated_zip(rows: list[list[str]]) -> bytes:
    data = xlsx_with_shared_strings(rows)
    return data[: len(data) // 2]


# --------------------------------------------------------------------------- the corpus

_TCVN3 = "§oµn Thanh niªn ViÖt Nam NguyÔn V¨n"
_VNI = "Ñoaøn Thanh nieân Vieät Nam Nguyeãn Vaên"


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _xlsx(rows: list[list[str]], *, formula_at: tuple[int, int] | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    if formula_at is not None:
        wb.active.cell(row=formula_at[0], column=formula_at[1]).value = '=HYPERLINK("http://x","y")'
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def corpus(headers: list[str], example: list[str], *, code_column: int | None) -> list[tuple[str, str, bytes]]:
    """(label, filename, content) of hostile files for an importer with these headers, built
    around its own good example row so that each is refused for its hostility alone. `code_column`
    is the index of a code column, for the look-alike codes (None: the importer has none first)."""
    good = [str(v) for v in example]

    def poisoned(value: str, column: int = 0) -> list[list[str]]:
        row = list(good)
        row[column] = value
        return [headers, row]

    files: list[tuple[str, str, bytes]] = [
        ("empty", "trong.csv", b""),
        ("only spaces", "trong.csv", b" \r\n \r\n"),
        ("header only", "tieu-de.csv", _csv([headers])),
        ("utf-16", "utf16.csv", "\r\n".join(",".join(r) for r in [headers, good]).encode("utf-16")),
        (
            "windows-1258",
            "cp1258.csv",
            unicodedata.normalize("NFD", "\r\n".join(",".join(r) for r in [headers, good])).encode("cp1258", "replace"),
        ),
        (
            "TCVN3 as latin-1",
            "tcvn3.csv",
            (",".join(headers) + "\r\n" + (_TCVN3 + "\r\n") * 3).encode("latin-1", "replace"),
        ),
        ("TCVN3 in xlsx", "tcvn3.xlsx", _xlsx([headers, good, *([_TCVN3] * 3 for _ in range(2))])),
        ("VNI in xlsx", "vni.xlsx", _xlsx([headers, good, [_VNI], [_VNI]])),
        ("formula =cmd", "cong-thuc.csv", _csv(poisoned("=cmd|' /C calc'!A0"))),
        ("formula +cmd", "cong-thuc.csv", _csv(poisoned("+cmd|' /C calc'!A0"))),
        ("formula -2+3+cmd", "cong-thuc.csv", _csv(poisoned("-2+3+cmd|' /C calc'!A0"))),
        ("formula @SUM", "cong-thuc.csv", _csv(poisoned("@SUM(1+1)*cmd|' /C calc'!A0"))),
        ("formula cell in xlsx", "cong-thuc.xlsx", _xlsx([headers, good], formula_at=(2, 1))),
        ("huge cell", "dai.csv", _csv(poisoned("x" * 200_000))),
        ("huge shared string", "chuoi.xlsx", huge_shared_string([headers, good], megabytes=3)),
        ("zip bomb", "bom.xlsx", zip_bomb([headers, good], megabytes=8)),
        ("truncated zip", "hong.xlsx", truncated_zip([headers, good])),
        ("exe named xlsx", "bang.xlsx", b"MZ\x90\x00\x03" + b"\0" * 200),
        ("exe named csv", "bang.csv", b"MZ\x90\x00\x03" + b"\0" * 200),
        ("pdf named csv", "bang.csv", b"%PDF-1.7\n" + b"x" * 100),
        ("html named csv", "bang.csv", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("html named xlsx", "bang.xlsx", b"<html><script>alert(1)</script></html>"),
        ("shell script", "../../../etc/cron.d/x.csv", b"#!/bin/sh\nrm -rf / --no-preserve-root\n"),
        ("path traversal name, bad body", "..\\..\\windows\\system32\\x.csv", b"\x00\x01\x02\x03" * 50),
        ("xls", "cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200),
        ("docx extension", "van-ban.docx", _csv([headers, good])),
        ("unclosed quote", "ngoac.csv", _csv([headers, good]) + b'"' + ",".join(good).encode() + b"\r\n"),
        (
            "swallowing quote",
            "ngoac.csv",
            _csv([headers]) + b'"' + b"\r\n".join(",".join(good).encode() for _ in range(3)) + b'"\r\n',
        ),
        ("unknown column", "cot.csv", _csv([[*headers, "Cột lạ"], [*good, "x"]])),
        ("data without header", "cot.csv", _csv([headers, [*good, "", "lạc"]])),
        ("far cell", "xa.xlsx", _xlsx_far([headers, good])),
        ("control character", "dieu-khien.csv", _csv(poisoned("A\x1bB", 1 if len(good) > 1 else 0))),
    ]
    if code_column is not None:
        for label, code in [("zero-width code", "LS\u200b"), ("cyrillic code", "L\u0405"), ("greek code", "\u039fK")]:
            files.append((label, "ma.csv", _csv(poisoned(code, code_column))))
    return files


def _xlsx_far(rows: list[list[str]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.active["XFD1048576"] = "xa"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
