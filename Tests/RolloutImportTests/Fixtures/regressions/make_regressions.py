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
