"""Reading text files in any common encoding, and JATS XML, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import IngestError, ingest_bytes, ingest_file
from pipeline.segment import segment

TEXT = "Case 1\n\nPrednisone 15 mg qd was given to a 9-year-old girl in März 2021.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1"])
def test_text_in_each_encoding_reads_the_same(tmp_path, encoding):
    path = tmp_path / f"report_{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    doc = ingest_file(path)
    assert doc.source_text == TEXT
    assert doc.doc_id == f"report_{encoding}"
    assert len(doc.sha256) == 64


def test_empty_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty\.txt: empty file"):
        ingest_file(path)


def test_binary_file_named_txt_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(IngestError, match=r"image\.txt: binary content"):
        ingest_file(path)


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    with pytest.raises(IngestError, match=r"big\.txt: file is 5,000 bytes, over the limit of 1,000"):
        ingest_file(path, max_bytes=1000)


JATS = b"""<?xml version="1.0"?>
<article><front><article-meta>
<article-id pub-id-type="doi">10.0000/example.1</article-id>
<title-group><article-title>Tofacitinib in a child with JIA</article-title></title-group>
<abstract><sec><title>Background</title><p>JAK inhibitors are used in JIA.</p></sec>
<sec><title>Case presentation</title><p>A 9-year-old girl received tofacitinib 5 mg bid.</p></sec></abstract>
</article-meta></front>
<body><sec><title>Case presentation</title><p>She had a JADAS-10 of 18.5 in <italic>May 2021</italic>.</p>
<table-wrap><label>Table 1</label><caption><p>Laboratory values</p></caption>
<table><thead><tr><th>Test</th><th>Baseline</th></tr></thead>
<tbody><tr><td>CRP (mg/L)</td><td>34</td></tr><tr><td>ESR (mm/h)</td><td>52</td></tr></tbody></table>
</table-wrap></sec>
<sec><title>Discussion</title><p>Tofacitinib worked.</p></sec></body>
<back><ref-list><ref><mixed-citation>Doe J. A study. 2020.</mixed-citation></ref></ref-list></back>
</article>"""


def test_jats_is_laid_out_with_sections_and_table_cells():
    doc = ingest_bytes(JATS, Path("case.xml"))
    assert doc.format == "jats"
    assert doc.title == "Tofacitinib in a child with JIA"
    assert "She had a JADAS-10 of 18.5 in May 2021." in doc.source_text
    [table] = doc.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["Test", "Baseline"], ["CRP (mg/L)", "34"], ["ESR (mm/h)", "52"]
    ]
    for row in table.rows:
        for cell in row:
            assert doc.source_text[cell.start:cell.end] == cell.text
    seg = segment(doc.clean_text)
    kinds = [s.kind for s in seg.sections]
    assert kinds == ["front", "abstract", "abstract", "abstract", "case_presentation", "table",
                     "discussion", "references"]
    [seg_table] = seg.tables
    assert [r.key for r in seg_table.rows] == ["CRP (mg/L)", "ESR (mm/h)"]


def test_malformed_jats_names_the_file():
    with pytest.raises(IngestError, match=r"broken\.xml: XML is not well-formed"):
        ingest_bytes(b"<article><body><p>unclosed</body>", Path("broken.xml"))


def test_jats_with_entity_expansion_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;">]><article><body><p>&lol2;</p></body></article>')
    with pytest.raises(IngestError, match=r"bomb\.xml: unsafe XML refused"):
        ingest_bytes(bomb, Path("bomb.xml"))
