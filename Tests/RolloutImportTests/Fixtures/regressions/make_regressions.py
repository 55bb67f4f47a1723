"""Writes the workbooks that once crashed the importer (kept as regression cases; run from this folder).

Each is a minimal valid workbook around one hostile structure. The suite imports every file in this
folder and expects an answer (exit 1, nothing written), never a crash.
"""
import struct
import zipfile

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>site_code</t></is></c><c r="B1" t="inlineStr"><is><t>operator</t></is></c><c r="C1" t="inlineStr"><is><t>stage</t></is></c><c r="D1" t="inlineStr"><is><t>occurred_at</t></is></c></row>'


def workbook(name, sheet_rows, shared=None, extra=None):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {NS}><sheetData>{HEADER}{sheet_rows}</sheetData></worksheet>')
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        for path, data in (extra or {}).items():
            z.writestr(path, data)


SST = f'<?xml version="1.0"?><sst {NS} count="1"><si><t>x</t></si></sst>'
workbook("shared-string-index-minus-one.xlsx", '<row r="2"><c r="A2" t="s"><v>-1</v></c></row>', SST)
workbook("shared-string-index-past-the-end.xlsx", '<row r="2"><c r="A2" t="s"><v>1</v></c></row>', SST)
workbook("cell-reference-ZZZZZZZ1.xlsx", '<row r="2"><c r="ZZZZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>')
workbook("cell-reference-16-letters.xlsx", '<row r="2"><c r="AAAAAAAAAAAAAAAA2" t="inlineStr"><is><t>x</t></is></c></row>')
workbook("row-int64-max-then-one-more.xlsx", '<row r="9223372036854775807"><c t="inlineStr"><is><t>x</t></is></c></row><row><c t="inlineStr"><is><t>y</t></is></c></row>')
laughs = "".join(f'<!ENTITY l{i} "{"".join(f"&l{i-1};" for _ in range(10))}">' for i in range(1, 10))
workbook("shared-strings-entity-bomb.xlsx", '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
         f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">{laughs}]><sst {NS} count="1"><si><t>&l9;</t></si></sst>')

# A sheet entry whose central directory marks it a symbolic link with a 4 GB compressed size:
# ZIPFoundation reads a link's bytes whole, by the size the header claims.
workbook("sheet-as-symlink.xlsx", '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>')
data = bytearray(open("sheet-as-symlink.xlsx", "rb").read())
i = data.find(b"PK\x01\x02" + b"\x00" * 0)
while i != -1:
    name_len = struct.unpack_from("<H", data, i + 28)[0]
    name = bytes(data[i + 46:i + 46 + name_len])
    if name == b"xl/worksheets/sheet1.xml":
        struct.pack_into("<H", data, i + 4, 0x0314)           # made by Unix
        struct.pack_into("<I", data, i + 38, 0xA1FF0000)      # S_IFLNK | 0777
        struct.pack_into("<I", data, i + 20, 0xFFFFFFF0)      # compressed size
    i = data.find(b"PK\x01\x02", i + 4)
open("sheet-as-symlink.xlsx", "wb").write(bytes(data))

# Found in review (2026-12-05) — each once hung the import or grew memory without bound:
# a deflate stream cut short (ZIPFoundation's Linux inflate looped for ever at the end of the file);
workbook("sheet-deflate-cut-short.xlsx", "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>WZ-{i:06d}</t></is></c></row>' for i in range(2, 3000)))
data = bytearray(open("sheet-deflate-cut-short.xlsx", "rb").read())
z = zipfile.ZipFile("sheet-deflate-cut-short.xlsx")
info = z.getinfo("xl/worksheets/sheet1.xml")
half = info.compress_size // 2
lh = info.header_offset
struct.pack_into("<I", data, lh + 18, half)
i = data.find(b"PK\x01\x02")
while i != -1:
    n = struct.unpack_from("<H", data, i + 28)[0]
    if bytes(data[i + 46:i + 46 + n]) == b"xl/worksheets/sheet1.xml":
        struct.pack_into("<I", data, i + 20, half)
    i = data.find(b"PK\x01\x02", i + 4)
open("sheet-deflate-cut-short.xlsx", "wb").write(bytes(data))
# rows of one cell at XFD (16,384 cells each once read);
workbook("wide-rows-at-XFD.xlsx", "".join(f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>' for i in range(2, 20002)))
# a sheet in UTF-16 without a byte-order mark (valid UTF-8 byte by byte, decoded as UTF-16 by the parser);
workbook("sheet-utf16-without-bom.xlsx", "", extra={})
with zipfile.ZipFile("sheet-utf16-without-bom.xlsx") as src, zipfile.ZipFile("sheet-utf16.tmp", "w", zipfile.ZIP_DEFLATED) as z:
    for name in src.namelist():
        if name != "xl/worksheets/sheet1.xml":
            z.writestr(name, src.read(name))
    z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x "y">]><worksheet {NS}><sheetData>{HEADER}</sheetData></worksheet>'.encode("utf-16-le"))
import os
os.replace("sheet-utf16.tmp", "sheet-utf16-without-bom.xlsx")
# formula cells all showing one long shared string.
workbook("formula-cells-of-a-long-shared-string.xlsx",
         '<row r="2">' + "".join('<c t="s"><f>A1</f><v>0</v></c>' for _ in range(16000)) + "</row>",
         f'<?xml version="1.0"?><sst {NS} count="1"><si><t>{"x" * 30000}</t></si></sst>')
