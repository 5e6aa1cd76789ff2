"""report/reasons.py: the read-error reasons of readers and scanner in French (session 8 fault
list: English reasons in the French HTML report). Expected French written by hand; one row per
form of reason made by the code (the module that makes it in the comment)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sentinelle.report.reasons import reason_text


@pytest.mark.parametrize("reason, french", [
    # readers/jsondoc.py: the json decoder's message, then what was read anyway
    ("invalid JSON: Expecting value (the records before it were read)",
     "JSON non valide : valeur attendue (les enregistrements précédents ont été lus)"),
    ("invalid JSON: Expecting ',' delimiter (the other lines were read)",
     "JSON non valide : séparateur « , » attendu (les autres lignes ont été lues)"),
    ("JSON nested too deeply", "JSON imbriqué trop profondément"),
    # readers/encoding.py
    ("binary content, not text", "contenu binaire, pas du texte"),
    ("invalid utf-8", "utf-8 non valide"),
    ("truncated UTF-16 sequence at end of file", "séquence UTF-16 tronquée en fin de fichier"),
    # scanner.py: the system's strerror translated (glibc's French)
    ("cannot read (Permission denied)", "lecture impossible (permission refusée)"),
    ("cannot access (No such file or directory)",
     "accès impossible (fichier ou dossier introuvable)"),
    ("permission denied", "permission refusée"),
    ("unsupported format", "format non pris en charge"),
    ("the worker process scanning it died (exit code -9)",
     "le processus qui l'analysait s'est arrêté (code de sortie -9)"),
    # readers/pdf.py: an exception name kept, a library's message marked as such
    ("corrupt PDF page (KeyError); the other pages were read",
     "page de PDF corrompue (KeyError) ; les autres pages ont été lues"),
    ("corrupt or truncated PDF (PdfStreamError: Stream has ended unexpectedly)",
     "PDF corrompu ou tronqué (détail technique en anglais : PdfStreamError: Stream has ended "
     "unexpectedly)"),
    ("encrypted PDF (password required)", "PDF chiffré (mot de passe requis)"),
    # readers/spreadsheet.py, readers/office.py
    ("encrypted workbook", "classeur chiffré (mot de passe requis)"),
    ("corrupt XLSX: neither a ZIP package nor an OLE2 compound file",
     "XLSX corrompu : ni un paquet ZIP ni un fichier composite OLE2"),
    ("corrupt or truncated DOCX (not a readable ZIP package)",
     "DOCX corrompu ou tronqué (paquet ZIP illisible)"),
    # readers/archive.py, scanner.py limits
    ("not a readable ZIP: central directory missing (truncated or corrupt archive)",
     "ZIP illisible : répertoire central absent (archive tronquée ou corrompue)"),
    ("truncated archive after member lab/a.csv", "archive tronquée après le membre lab/a.csv"),
    ("not a readable 7z archive (truncated archive: member data ends early)",
     "archive 7z illisible (archive tronquée : les données d'un membre s'arrêtent avant la fin)"),
    ("zip bomb suspected: member a.csv expands 2000:1 or more, limit 100:1",
     "bombe de décompression soupçonnée : le membre a.csv se décompresse à 2000:1 ou plus "
     "(limite 100:1)"),
    ("more than max_archive_members (10000) members: the rest not scanned",
     "plus de max_archive_members (10000) membres : le reste n'a pas été analysé"),
    # readers/delimited.py, readers/sqldump.py
    ("malformed delimited text: field larger than 131072 characters",
     "texte délimité mal formé : champ de plus de 131072 caractères"),
    ("truncated INSERT (the file ends inside it)", "INSERT tronqué (le fichier s'arrête au milieu)"),
    # a reason no rule knows: said to be English, never passed off as French
    ("a reason of a future reader", "motif en anglais : a reason of a future reader"),
])
def test_reason_in_french(reason: str, french: str):
    assert reason_text(reason, "fr") == french
    assert reason_text(reason, "en") == reason  # English outputs keep it


def test_reasons_of_real_bad_files_are_all_known(tmp_path: Path):
    """The reasons a scan gives for real damaged files (written by zipfile, pypdf, tarfile) all
    have a French rendering (none falls back to "motif en anglais")."""
    import tarfile

    import pypdf

    import sentinelle

    (tmp_path / "cut.json").write_text('[{"nom": "MARTIN"},\n', encoding="utf-8")
    (tmp_path / "bad.ndjson").write_text('{"a": 1}\n{"a": \n{"a": 2}\n', encoding="utf-8")
    (tmp_path / "bin.csv").write_bytes(b"nom;nir\x00\x01\x02\x03" * 200)
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("a.csv", "nom;nir\n" + "MARTIN;285072A00412338\n" * 200)
    (tmp_path / "cut.zip").write_bytes(b.getvalue()[: len(b.getvalue()) // 2])
    w = pypdf.PdfWriter()
    w.add_blank_page(width=200, height=200)
    b = io.BytesIO()
    w.write(b)
    (tmp_path / "cut.pdf").write_bytes(b.getvalue()[:300])
    b = io.BytesIO()
    data = ("nom;nir\n" + "MARTIN;285072A00412338\n" * 2000).encode()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        info = tarfile.TarInfo("a.csv")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    (tmp_path / "cut.tar.gz").write_bytes(b.getvalue()[: len(b.getvalue()) // 2])
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    issues = sentinelle.scan([tmp_path]).issues
    assert len(issues) >= 7
    for issue in issues:
        assert not reason_text(issue.reason, "fr").startswith("motif en anglais"), issue.reason
