#!/usr/bin/env python3
"""Makes the import test fixtures: the same sites and progress tables as CSV (UTF-8 with BOM and
CRLF, GB18030) and as XLSX written by openpyxl and by LibreOffice. Run it from this folder; the
outputs are committed, so the tests need neither openpyxl nor LibreOffice.
Requires: pip install openpyxl; apt-get install libreoffice-calc-nogui."""
import csv, datetime, io, os, subprocess, tempfile
import openpyxl

SITES_HEADER = ["站址编码", "运营商", "区县代码", "站名", "纬度", "经度", "站型", "频段", "承载", "计划开通日期"]
SITES = [
    ["WZ-001", "移动", "500101", '万州"江南"新区,一号站', 30.810, 108.376, "宏站", "n41", "new_tower", "2020-06-30"],
    ["WZ-002", "cmcc", "500101", "万州\n二号站", 30.800, 108.380, "micro", "", "street_lamp", ""],
    ["YZ-001", "电信", "500103", "渝中解放碑", 29.557, 106.577, "indoor", "n78", "indoor_system", "2020/6/1"],
    ["LJ-001", "联通", "509901", "两江新区礼嘉", 29.650, 106.520, "macro", "n78", "", ""],
]
PROGRESS_HEADER = ["site_code", "operator", "stage", "occurred_at", "note", "rollback_reason"]
PROGRESS = [
    ["WZ-001", "cmcc", "选址落实", "2020-04-20", "", ""],
    ["WZ-001", "cmcc", "installed", "2020/5/20", "设备到货, 已安装", ""],
    ["WZ-001", "cmcc", "civil_done", "2020-05-22T10:00:00+08:00", "", "设备返厂"],
    ["WZ-001", "cmcc", "开通", "2020-06-01", "", ""],
    ["YZ-001", "ctcc", "on_air", "2020-05-30", "", ""],
]

def write_csv(path, header, rows, encoding, bom):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding)
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data)

def write_openpyxl(path, header, rows, date_columns):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        out = []
        for i, v in enumerate(r):
            if i in date_columns and v and len(v) == 10 and v[4] == "-":
                out.append(datetime.date.fromisoformat(v))  # stored as a serial number with a date style
            else:
                out.append(v if v != "" else None)          # empty cells are skipped in the XML
        ws.append(out)
    wb.save(path)

for name, header, rows, dates in [("sites", SITES_HEADER, SITES, {9}), ("progress", PROGRESS_HEADER, PROGRESS, {3})]:
    write_csv(f"{name}-utf8-bom-crlf.csv", header, rows, "utf-8", True)
    write_csv(f"{name}-gb18030.csv", header, rows, "gb18030", False)
    write_openpyxl(f"{name}-openpyxl.xlsx", header, rows, dates)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, f"{name}-libreoffice.csv")
        write_csv(src, header, rows, "utf-8", False)
        subprocess.run(["soffice", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", ".", src],
                       check=True, capture_output=True)

# A workbook with a formula in a cell.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(SITES_HEADER)
ws.append(["F-001", "cmcc", "500101", "=CONCAT(\"a\",\"b\")", 30.81, 108.376, "macro", None, None, None])
wb.save("sites-formula.xlsx")
