"""Memory and time of the document readers (issue 4): PDF page by page, HTML fed in chunks,
RTF and DOCX whole.

Files are generated in a private temporary folder (removed at the end): a text PDF of
``--pages`` pages and a "scanned" PDF of ``--scanned`` pages (one distinct 600 x 800 noise image
per page, about 0.5 MB each, and one word of text) by fpdf2 (a test extra), an HTML page and an
RTF letter of about ``--mb`` MB, a DOCX of ``--paragraphs`` paragraphs by python-docx. Each is
read through its reader only (no detectors), twice: once timed, once under tracemalloc for the
peak traced Python memory (tracing slows Python down, so it is not timed). For the scanned PDF, a plain pypdf loop
that keeps pypdf's object cache is measured too: that cache holds every page's image bytes, so
its memory grows with the file; the reader empties it after each page.

    .venv/bin/python bench/documents_memory.py
    .venv/bin/python bench/documents_memory.py --pages 5000 --mb 50
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from sentinelle.readers.base import Source
from sentinelle.readers.htmldoc import HtmlReader
from sentinelle.readers.office import DocxReader
from sentinelle.readers.pdf import PdfReader
from sentinelle.readers.rtf import RtfReader

LINE = "Patiente : Mme Zoé Lefèvre, née le 01/02/1984, NIR 2 84 02 75 111 222 36. "


def source(path: Path) -> Source:
    return Source(path.name, path.stat().st_size, lambda: path.open("rb"), path)


def measure(label: str, run) -> dict:
    """Time of a plain run, then peak traced memory of a second, traced run."""
    start = time.perf_counter()
    chars = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    row = {"case": label, "seconds": round(seconds, 2), "peak_mib": round(peak / 2**20, 1),
           "chars": chars}
    print(f"{label:<44} {seconds:8.2f} s  peak {peak / 2**20:8.1f} MiB  {chars:>12,} chars")
    return row


def read_all(reader, path: Path) -> int:
    stats: dict = {}
    n = 0
    for unit in reader.read(source(path), stats):
        n += len(getattr(unit, "text", ""))
    return n


def pypdf_no_clear(path: Path) -> int:
    import pypdf

    with path.open("rb") as fh:  # a path would make pypdf read the whole file in memory
        reader = pypdf.PdfReader(fh)
        return sum(len(page.extract_text() or "") for page in reader.pages)


def make_pdf(path: Path, pages: int) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for i in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 4, f"Page {i + 1}\n" + (LINE * 4 + "\n") * 12)
    pdf.output(str(path))


def make_scanned_pdf(path: Path, pages: int) -> None:
    import os

    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for i in range(pages):
        pdf.add_page()
        pdf.image(Image.frombytes("L", (600, 800), os.urandom(600 * 800)), x=0, y=0, w=210)
        pdf.text(10, 10, f"Page {i + 1}")
    pdf.output(str(path))


def make_html(path: Path, mb: int) -> None:
    row = f"<tr><td>{LINE}</td><td>zoe.lefevre@example.fr</td></tr>\n"
    n = mb * 2**20 // len(row.encode())
    with path.open("w", encoding="utf-8") as out:
        out.write("<!DOCTYPE html><html><body><table>\n")
        for _ in range(n):
            out.write(row)
        out.write("</table></body></html>\n")


def make_rtf(path: Path, mb: int) -> None:
    para = "\\pard " + LINE.replace("é", "\\'e9").replace("è", "\\'e8") + "\\par\n"
    n = mb * 2**20 // len(para)
    with path.open("w", encoding="ascii") as out:
        out.write("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\n")
        for _ in range(n):
            out.write(para)
        out.write("}")


def make_docx(path: Path, paragraphs: int) -> None:
    import docx

    d = docx.Document()
    for _ in range(paragraphs):
        d.add_paragraph(LINE)
    d.save(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--scanned", type=int, default=60)
    parser.add_argument("--mb", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sentinelle-bench-"))
    rows = []
    try:
        pdf, html, rtf, docx_path = (folder / n for n in ("a.pdf", "a.html", "a.rtf", "a.docx"))
        scanned = folder / "scanned.pdf"
        make_pdf(pdf, args.pages)
        make_scanned_pdf(scanned, args.scanned)
        make_html(html, args.mb)
        make_rtf(rtf, args.mb)
        make_docx(docx_path, args.paragraphs)
        mib = {p.suffix: p.stat().st_size / 2**20 for p in (pdf, html, rtf, docx_path)}
        print(f"scanned PDF {scanned.stat().st_size / 2**20:.1f} MiB ({args.scanned} pages)")
        print(f"PDF {mib['.pdf']:.1f} MiB ({args.pages} pages), HTML {mib['.html']:.1f} MiB, "
              f"RTF {mib['.rtf']:.1f} MiB, DOCX {mib['.docx']:.1f} MiB ({args.paragraphs} "
              "paragraphs)")
        rows.append(measure(f"pdf reader ({args.pages} pages)", lambda: read_all(PdfReader(), pdf)))
        rows.append(measure(f"pdf reader, scanned ({args.scanned} pages)",
                            lambda: read_all(PdfReader(), scanned)))
        rows.append(measure("pypdf loop keeping its cache, scanned", lambda: pypdf_no_clear(scanned)))
        rows.append(measure(f"html reader ({args.mb} MB)", lambda: read_all(HtmlReader(), html)))
        rows.append(measure(f"rtf reader ({args.mb} MB)", lambda: read_all(RtfReader(), rtf)))
        rows.append(measure(f"docx reader ({args.paragraphs} paragraphs)",
                            lambda: read_all(DocxReader(), docx_path)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
