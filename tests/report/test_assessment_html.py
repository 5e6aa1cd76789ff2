"""The HTML assessment report (sentinelle.report.assessment), on the hand-built document of
tests/report/conftest.py, read as text and rendered by a real headless Chromium (Debian's
``chromium``; .ci/run installs it; these tests fail, never skip, without it).

Expected figures come from the fixture by hand: 19874 persons is written ``19 874`` in French
(CLDR ``fr`` groups with U+202F) and ``19,874`` in English; the categories chart has 6 bars (7
categories, the organisation one has 0 persons), the sources chart 8 (8 sources), the months
chart 71 (2015-01..2020-12 without 2017-03).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from sentinelle.report import assessment
from sentinelle.report.assessment import (fmt_bytes, fmt_date, fmt_int, fmt_num, fmt_pct,
                                          month_range, nice_ticks, render_html)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
NN = "\u202f"  # narrow no-break space (CLDR fr grouping and percent spacing)
BARS = {"chart-categories": 6, "chart-sources": 8, "chart-months": 71}


# ---------------------------------------------------------------------------- formatting

@pytest.mark.parametrize("value, lang, expected", [
    (19874, "fr", f"19{NN}874"),        # CLDR fr: grouping with U+202F
    (19874, "en", "19,874"),            # CLDR en: comma grouping
    (491840, "fr", f"491{NN}840"),
    (999, "fr", "999"),                 # no separator under 1000
    (0, "en", "0"),
    (None, "fr", "—"),                  # missing figure
    (1234567, "en", "1,234,567"),
])
def test_fmt_int(value, lang, expected):
    assert fmt_int(value, lang) == expected


@pytest.mark.parametrize("value, lang, expected", [
    (4.5, "fr", "4,5"),                 # decimal comma in French
    (4.5, "en", "4.5"),
    (1.0, "fr", "1"),                   # trailing zeros dropped
    (0.25, "fr", "0,25"),
    (0, "en", "0"),
    (10.0, "en", "10"),                 # a zero before the point is kept
])
def test_fmt_num(value, lang, expected):
    assert fmt_num(value, lang) == expected


@pytest.mark.parametrize("ratio, lang, expected", [
    (0.87, "fr", f"87{NN}%"),           # CLDR fr percent pattern "#,##0 %" with U+202F
    (0.87, "en", "87%"),
    (0.0037, "fr", f"0,4{NN}%"),        # one decimal below 10 %
    (19800 / 19874, "en", "99.6%"),     # 99.63 %: not rounded up to "100%"
    (0.99999, "en", "99.9%"),           # a part never reads 100 %: truncated, not rounded up
    (0.00001, "fr", f"<0,1{NN}%"),      # nor 0 %
    (1.0, "en", "100%"),
    (0.0, "en", "0%"),
])
def test_fmt_pct(ratio, lang, expected):
    assert fmt_pct(ratio, lang) == expected


@pytest.mark.parametrize("iso, lang, expected", [
    ("2015-01-03", "fr", "3 janvier 2015"),
    ("2020-12-01", "fr", "1er décembre 2020"),   # French ordinal for the first day
    ("2020-12-28", "en", "28 December 2020"),
    ("2026-10-02T09:00:00+00:00", "fr", "2 octobre 2026"),  # the date part of a timestamp
    ("not a date", "en", "not a date"),
    (None, "fr", "—"),
])
def test_fmt_date(iso, lang, expected):
    assert fmt_date(iso, lang) == expected


@pytest.mark.parametrize("n, lang, expected", [
    (46123456, "fr", f"46,1{NN}Mo"),
    (46123456, "en", "46.1 MB"),
    (2048, "en", "2 kB"),               # below 1 MB: kilobytes (10^3)
])
def test_fmt_bytes(n, lang, expected):
    assert fmt_bytes(n, lang) == expected


@pytest.mark.parametrize("vmax, expected", [
    (2050, [0, 1000, 2000, 3000]),      # step 1000 (raw 512 -> 1000), reaches the maximum
    (4000, [0, 1000, 2000, 3000, 4000]),
    (7, [0, 2, 4, 6, 8]),               # raw 1.75 -> 2
    (3, [0, 1, 2, 3]),                  # never a step below 1 for counts
    (0, [0, 1]),
])
def test_nice_ticks(vmax, expected):
    assert nice_ticks(vmax) == expected


def test_month_range_crosses_years():
    assert month_range("2019-11", "2020-02") == ["2019-11", "2019-12", "2020-01", "2020-02"]


# ---------------------------------------------------------------------------- the HTML text

def _render(doc, tmp_path, lang="fr") -> str:
    out = tmp_path / f"report.{lang}.html"
    render_html(doc, out, lang=lang)
    return out.read_text("utf-8")


@pytest.mark.parametrize("lang, expected", [
    ("fr", ['<html lang="fr"', "Synthèse", "Graphiques", "Détails",
            "Personnes concernées (uniques)", f"19{NN}874", f"intervalle 19{NN}790 – 19{NN}960",
            f"107{NN}695", "Très élevée", "SE = DPC × EI + CB = 4 × 1 + 0,5 = 4,5",
            f"87{NN}% de ses personnes figurent déjà dans la fuite connue « lab-leak-2021 »",
            "3 janvier 2015 au 28 décembre 2020", "Professionnels de santé", "Données de santé",
            "Personnes par catégorie de données", "Personnes par source",
            "Enregistrements par mois", "Copies (même fuite republiée)",
            "Recoupement avec des fuites connues", "Justification de la gravité",
            "nom + date de naissance + NIR + adresse", f"46,1{NN}Mo"]),
    ("en", ['<html lang="en"', "Summary", "Charts", "Details", "Persons concerned (unique)",
            "19,874", "interval 19,790 – 19,960", "107,695", "Very high",
            "SE = DPC × EI + CB = 4 × 1 + 0.5 = 4.5",
            "87% of its persons are already in the known leak “lab-leak-2021”",
            "3 January 2015 to 28 December 2020", "Health professionals", "Health data",
            "Persons per data category", "Persons per source", "Records per month",
            "Copies (the same leak re-released)", "Overlap with known leaks",
            "Severity rationale", "name + birth date + NIR + address", "46.1 MB"]),
])
def test_report_shows_the_document(leak_doc, tmp_path, lang, expected):
    html = _render(leak_doc, tmp_path, lang)
    assert html.startswith("<!DOCTYPE html>")
    missing = [e for e in expected if e not in html]
    assert not missing


def test_summary_comes_first_then_charts_then_tables(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    order = [html.index(f'id="{i}"') for i in
             ("summary", "kpi-unique", "severity", "most-sensitive", "charts", "chart-categories",
              "chart-sources", "chart-months", "details", "t-categories", "t-combinations",
              "t-entities", "t-sources", "t-copies", "t-known", "t-rationale", "t-method")]
    assert order == sorted(order)


def test_most_sensitive_lists_health_first(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    block = html[html.index('id="most-sensitive"'):]
    block = block[:block.index("</ul>")]
    items = re.findall(r"<strong>(.*?)</strong>", block)
    # special category first, then ENISA's order: financial (DPC 3) before simple data (1)
    assert items == ["Données de santé", "Données bancaires ou financières",
                     "Identifiant national (NIR, RPPS…)", "Identité (état civil)"]
    assert f"15{NN}000 personnes (75{NN}%)" in block


def test_charts_have_one_bar_per_value(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    for chart, n in BARS.items():
        svg = html[html.index(f'id="{chart}"'):]
        svg = svg[:svg.index("</svg>")]
        assert svg.count('<rect class="bar') == n, chart
        assert f'data-bars="{n}"' in svg
    # the special category is highlighted; its bar is the longest health value's
    cats = html[html.index('id="chart-categories"'):]
    assert '<rect class="bar hl"' in cats[:cats.index("</svg>")]


def test_month_chart_keeps_the_gap(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    months = html[html.index('id="chart-months"'):]
    months = months[:months.index("</svg>")]
    titles = re.findall(r"<title>(.*?)</title>", months)
    assert "février 2017: 1" in " ".join(titles) and not any("mars 2017" in t for t in titles)
    assert [y for y in re.findall(r'class="year"[^>]*>(\d{4})<', months)] == [
        "2015", "2016", "2017", "2018", "2019", "2020"]


@pytest.mark.parametrize("month", ["2017-13", "2017-00", "2017-3", "", "march"])
def test_month_chart_ignores_malformed_months(month):
    chart = assessment.month_chart([{"month": "2017-01", "records": 5},
                                    {"month": month, "records": 9}], "en")
    assert [b["value"] for b in chart["bars"]] == [5] and chart["months"] == 1


def test_no_external_resource(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"\ssrc\s*=", html)                       # no image, script or frame src
    assert set(re.findall(r'href="([^"]*)"', html)) == {"#summary", "#charts", "#details"}
    assert "url(" not in html and "@import" not in html


def test_csp_forbids_loads_and_pins_inline_code(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    for text, directive in ((style, "style-src"), (script, "script-src")):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp.replace("&#39;", "'")


def test_masked_values_only(leak_doc, tmp_path):
    html = _render(leak_doc, tmp_path)
    assert "75*****12" in html                # masked FINESS shown as masked
    assert "9f1c0a" not in html               # keyed hashes are not shown
    visible = re.sub(r"<(style|script)>.*?</\1>|<meta[^>]*>|data-[a-z]+=\"[^\"]*\"", "", html,
                     flags=re.S)
    assert not re.findall(r"\d{6,}", visible)  # every figure is grouped; no identifier-like run


def test_document_text_is_escaped(leak_doc, tmp_path):
    leak_doc["sources"][0]["path"] = "<script>alert(1)</script>/"
    leak_doc["copies"]["known_leaks"][0]["name"] = 'x" onmouseover="y'
    html = _render(leak_doc, tmp_path)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;/" in html
    assert 'onmouseover="y' not in html
    assert html.count("<script>") == 1        # ours only


def test_engine_extras_are_shown(leak_doc, tmp_path):
    """Fields the engine adds beyond docs/assess-schema.md: several exact-key rules (a list),
    the EI level name, the number of minors."""
    leak_doc["subjects"]["method"]["exact_key"] = [
        {"rule": "NIR + birth date", "links": 132}, {"rule": "NIR + first name", "links": 97}]
    leak_doc["severity"]["ei"]["level"] = "maximum"
    leak_doc["severity"]["minors"] = 40
    html = _render(leak_doc, tmp_path)
    assert "Liens par clé exacte (NIR + birth date)\u00a0: 132 liens" in html
    assert "Liens par clé exacte (NIR + first name)\u00a0: 97 liens" in html
    assert "Facilité d&#39;identification (EI)</strong> · maximale" in html
    assert "intervalle 19\u202f790 – 19\u202f960 · dont 40 mineurs" in html


def test_empty_assessment_renders(empty_doc, tmp_path):
    html = _render(empty_doc, tmp_path)
    assert html.count("Aucune donnée à représenter.") == 3
    assert "aucune date d&#39;enregistrement trouvée" in html   # autoescaped apostrophe
    assert '<rect class="bar' not in html
    assert "Faible" in html


def test_many_sources_chart_shows_the_largest(leak_doc, tmp_path):
    leak_doc["sources"] = [{"path": f"lab_{i:02d}/", "files": 1, "records": 10 * i,
                            "subjects": 5 * i, "organisations": []} for i in range(1, 21)]
    html = _render(leak_doc, tmp_path)
    svg = html[html.index('id="chart-sources"'):]
    svg = svg[:svg.index("</svg>")]
    assert svg.count('<rect class="bar') == 15
    assert "lab_20/" in svg and "lab_05/" not in svg   # the 15 largest: lab_20 .. lab_06
    assert "15 sources sur 20 (les plus importantes)" in html


@pytest.mark.parametrize("lang", ["de", "FR", ""])
def test_unsupported_language(leak_doc, tmp_path, lang):
    with pytest.raises(ValueError, match="unsupported language"):
        render_html(leak_doc, tmp_path / "r.html", lang=lang)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("schema", ["sentinelle-scan-summary/1", "sentinelle-assessment/2", None])
def test_other_schema_refused(leak_doc, tmp_path, schema):
    leak_doc["schema"] = schema
    with pytest.raises(ValueError, match="sentinelle-assessment/1"):
        render_html(leak_doc, tmp_path / "r.html")
    assert not list(tmp_path.iterdir())


def test_written_atomically(leak_doc, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old report", "utf-8")
    render_html(leak_doc, out)
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]   # no temporary file left
    with pytest.raises(FileNotFoundError):
        render_html(leak_doc, tmp_path / "missing" / "report.html")


def test_failed_write_keeps_the_old_file(leak_doc, tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("old report", "utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(assessment.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        render_html(leak_doc, out)
    assert out.read_text("utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_strings_have_the_same_keys_in_both_languages():
    assert set(assessment.strings("fr")) == set(assessment.strings("en"))


# ---------------------------------------------------------------------------- real Chromium

def _chromium() -> str:
    exe = shutil.which("chromium")
    assert exe, "Debian's chromium is required (apt-get install chromium; .ci/run installs it)"
    return exe


def _run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HOME": str(profile)})


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of an 8-bit PNG (PNG spec, section 9 filters)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = bytes(line)
        rows.append(bytes(line) if bpp == 3 else
                    b"".join(line[j:j + 3] for j in range(0, stride, bpp)))
    return width, height, rows


def _count_colour(rows: list[bytes], rgb: tuple[int, int, int]) -> int:
    needle = bytes(rgb)
    return sum(sum(1 for j in range(0, len(r), 3) if r[j:j + 3] == needle) for r in rows)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_chromium_renders_and_draws_the_charts(leak_doc, tmp_path, lang):
    report = tmp_path / f"assessment.{lang}.html"
    render_html(leak_doc, report, lang=lang)
    proc = _run_chromium(["--virtual-time-budget=5000", "--dump-dom", report.as_uri()],
                         tmp_path / "profile")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # the inline script ran (CSP allowed it by hash) and found every bar laid out
    assert f'data-ready="{sum(BARS.values())}"' in dom
    for chart, n in BARS.items():
        tag = re.search(rf'<svg[^>]*id="{chart}"[^>]*>', dom).group(0)
        assert f'data-drawn="{n}"' in tag, tag
    assert "Content Security Policy" not in proc.stderr   # no blocked inline code


def test_chromium_screenshot_looks_like_the_report(leak_doc, tmp_path):
    """Keeps tests/artifacts/assessment-fr.png (1280 x 2000) for a person to look at, and checks
    its pixels: the navy header band, the health bar in the art. 9 colour, the other bars."""
    report = tmp_path / "assessment.fr.html"
    render_html(leak_doc, report)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "assessment-fr.png"
    shot.unlink(missing_ok=True)
    proc = _run_chromium(["--virtual-time-budget=5000", f"--screenshot={shot}",
                          "--window-size=1280,2000", "--hide-scrollbars", report.as_uri()],
                         tmp_path / "profile")
    assert proc.returncode == 0, proc.stderr[-2000:]
    shutil.copyfile(report, ARTIFACTS / "assessment-fr.html")
    print(f"screenshot: {shot}")
    width, height, rows = _png_pixels(shot)
    assert (width, height) == (1280, 2000)
    assert rows[20][:3] == bytes((0x1D, 0x2B, 0x4F))          # header band (--navy) at top-left
    assert _count_colour(rows, (0xA3, 0x19, 0x5B)) > 5_000    # health bar, art. 9 badges
    assert _count_colour(rows, (0x3B, 0x5B, 0x92)) > 40_000   # the other bars
    assert _count_colour(rows, (0x9B, 0x11, 0x11)) > 1_000    # "very high" severity badge


def test_chromium_prints_summary_charts_and_details_on_their_own_pages(leak_doc, tmp_path):
    from pypdf import PdfReader

    report = tmp_path / "assessment.fr.html"
    render_html(leak_doc, report)
    pdf = tmp_path / "assessment.pdf"
    proc = _run_chromium(["--virtual-time-budget=5000", "--no-pdf-header-footer",
                          f"--print-to-pdf={pdf}", report.as_uri()], tmp_path / "profile")
    assert proc.returncode == 0, proc.stderr[-2000:]
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) >= 3
    first = pages[0]
    assert "Synthèse" in first and "Très élevée" in first
    assert "Enregistrements par mois" not in first            # charts start a new page (print CSS)
    charts = next(i for i, p in enumerate(pages) if "Personnes par catégorie de données" in p)
    details = next(i for i, p in enumerate(pages) if "Catégories de données (RGPD)" in p)
    assert 0 < charts < details
    assert "Sommaire" not in "".join(pages)                   # the on-screen contents is not printed
