"""E-mail (readers/mail.py): .eml and mbox, headers, bodies, attachments as members.

Messages are written with the standard library (``email.message.EmailMessage``, ``mailbox.mbox``),
as a mail client would write them. The NIR is python-stdnum's docstring example
``2 95 10 99 126 111 93`` (valid key 93), also used in tests/test_api.py; addresses are in
``example.org`` (RFC 2606).
"""

from __future__ import annotations

import io
import json
import mailbox
import os
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path

import py7zr
import pytest
import pyzipper

from sentinelle.config import Config
from sentinelle.readers.base import MemberUnit, Source, TextUnit
from sentinelle.readers.mail import MailReader, html_text
from sentinelle.scanner import scan

NIR = "2 95 10 99 126 111 93"
NIR_COMPACT = "295109912611193"
CSV = f"nom;prenom;nir\nMARTIN;Claire;{NIR_COMPACT}\n".encode()
BODY = f"Bonjour,\nPatiente née le 12/03/1985, NIR {NIR}.\n"


def message(subject: str = f"Résultats NIR {NIR}", body: str = BODY, html: str | None = None,
            attachment: tuple[str, bytes] | None = None, **content) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Claire Martin <claire.martin@example.org>"
    msg["To"] = "Laboratoire <secretariat@example.org>"
    msg["Subject"] = subject
    msg.set_content(body, **content)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if attachment is not None:
        name, data = attachment
        msg.add_attachment(data, maintype="text", subtype="csv", filename=name)
    return msg


def located(result, entity: str = "FR_NIR") -> list[tuple]:
    return [(f.location.path, f.location.sheet, f.location.column, f.location.row, f.start, f.end)
            for f in result.findings if f.entity_type == entity]


def test_eml_headers_bodies_attachment(tmp_path):
    msg = message(html=f"<p>Patiente <b>Zoé</b> NIR&nbsp;{NIR}</p>",
                  attachment=("résultats.csv", CSV), cte="quoted-printable")
    (tmp_path / "mail.eml").write_bytes(bytes(msg))
    result = scan(tmp_path)
    assert located(result) == [
        # Subject is RFC 2047 encoded on disk; offsets index the decoded "Résultats NIR ..."
        ("mail.eml", "headers", "Subject", None, 14, 35),
        # quoted-printable body ("n=C3=A9e" on disk): offsets index the decoded text
        ("mail.eml", "body", None, None, 41, 62),
        # the HTML alternative as shown: "Patiente Zoé NIR\xa0" is 18 characters
        ("mail.eml", "body.html", None, None, 18, 39),
        # RFC 2231 file name decoded; the attachment is a CSV member
        ("mail.eml!résultats.csv", None, "nir", 0, 0, 15),
    ]
    assert located(result, "EMAIL_ADDRESS") == [
        ("mail.eml", "headers", "From", None, 15, 40),   # "Claire Martin <" is 15 characters
        ("mail.eml", "headers", "To", None, 13, 36),     # "Laboratoire <" is 13
    ]
    assert [(f.path, f.reader) for f in result.files] == [("mail.eml!résultats.csv", "csv"),
                                                         ("mail.eml", "mail")]
    assert result.issues == []


def test_base64_latin1_body(tmp_path):
    msg = message(body=f"Né à Besançon, NIR {NIR}\n", charset="iso-8859-1", cte="base64")
    assert b"Besan" not in bytes(msg)                 # really base64 on disk
    (tmp_path / "m.eml").write_bytes(bytes(msg))
    assert ("m.eml", "body", None, None, 19, 40) in located(scan(tmp_path))


def test_attached_message_is_a_member(tmp_path):
    outer = message(subject="Transfert", body="Voir le message joint.\n")
    outer.add_attachment(message(body=f"NIR {NIR}\n"))  # message/rfc822, no file name
    (tmp_path / "fwd.eml").write_bytes(bytes(outer))
    result = scan(tmp_path)
    assert ("fwd.eml!attachment-1.eml", "body", None, None, 4, 25) in located(result)
    assert ("fwd.eml!attachment-1.eml", "headers", "Subject", None, 14, 35) in located(result)


def write_mbox(path: Path, messages: list[EmailMessage]) -> None:
    box = mailbox.mbox(path)
    try:
        for msg in messages:
            box.add(msg)
        box.flush()
    finally:
        box.close()


def test_mbox_messages_and_attachments(tmp_path):
    write_mbox(tmp_path / "boite.mbox", [
        message(subject="Bonjour", body="Rien ici.\n"),
        # a body line starting with "From " is quoted ">From " by mailbox: still one message
        message(subject="Compte rendu", body=f"From the lab:\nNIR {NIR}\n"),
        message(subject="Export", body="Ci-joint.\n", attachment=("resultats.csv", CSV)),
    ])
    result = scan(tmp_path)
    assert located(result) == [
        ("boite.mbox", "msg-2/body", None, None, 19, 40),   # ">From the lab:\n" is 15 characters
        ("boite.mbox!msg-3/resultats.csv", None, "nir", 0, 0, 15),
    ]
    senders = {(f.location.sheet, f.location.column) for f in result.findings
               if f.entity_type == "EMAIL_ADDRESS"}
    assert senders == {(f"msg-{i}/headers", c) for i in (1, 2, 3) for c in ("From", "To")}
    assert [f.path for f in result.files] == ["boite.mbox!msg-3/resultats.csv", "boite.mbox"]


def test_mail_inside_archives(tmp_path):
    eml = bytes(message(attachment=("r.csv", CSV)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("boite/m.eml", eml)
    (tmp_path / "a.zip").write_bytes(out.getvalue())
    result = scan(tmp_path)
    assert ("a.zip!boite/m.eml!r.csv", None, "nir", 0, 0, 15) in located(result)
    assert ("a.zip!boite/m.eml", "body", None, None, 41, 62) in located(result)


def test_attachment_depth_counts(tmp_path):
    # a mail is a container: its attachments are one level deeper
    (tmp_path / "m.eml").write_bytes(bytes(message(attachment=("r.csv", CSV))))
    result = scan(tmp_path, Config(max_depth=0))
    assert [(i.path, i.reason) for i in result.issues] == [
        ("m.eml", "archive nesting deeper than max_depth (0): members not opened")]
    assert ("m.eml", "body", None, None, 41, 62) in located(result)   # the body is still read


@pytest.mark.parametrize("head, path, claimed", [
    (bytes(message()), "x", True),                      # From, To, Subject, MIME-Version
    (bytes(message()), "x.eml", True),
    (b"Received: from mx.example.org\r\n\tby mx2\r\nSubject: x\r\n\r\nbody", "a.eml", True),
    (b"From MAILER-DAEMON Thu Jan  1 00:00:00 2024\nFrom: a@example.org\nSubject: x\n\nb",
     "inbox", True),                                    # mbox: From_ line then headers
    (b"Subject: notes de reunion\n\nRien.\n", "notes.txt", False),  # one header is not a mail
    (b"From the start of the project we kept notes.\nSecond line.\n", "x", False),
    (b"nom;prenom;nir\nMARTIN;Claire;1\n", "a.csv", False),
    (b"MSH|^~\\&|LAB|HOPITAL|DPI|HOPITAL|202411050830||ADT^A01|1|P|2.5\r", "a.hl7", False),
    (b"Date: 2024-01-01\nAuteur: X\n\nTexte", "cr.txt", False),
])
def test_sniff(head, path, claimed):
    assert MailReader().sniff(head, path) is claimed


def test_message_too_large_is_one_issue_and_the_mailbox_goes_on(tmp_path):
    path = tmp_path / "b.mbox"
    write_mbox(path, [message(subject="un", body="court\n"),
                      message(subject="deux", body="x" * 5000 + "\n"),
                      message(subject="trois", body=f"NIR {NIR}\n")])
    source = Source("b.mbox", path.stat().st_size, lambda: path.open("rb"), path)
    units = list(MailReader(max_message_bytes=2000).read(source, {}))
    problems = [(u.name, u.problem) for u in units if isinstance(u, MemberUnit)]
    assert problems == [("msg-2", "message larger than 2000 bytes, not scanned")]
    assert {u.location.sheet for u in units if isinstance(u, TextUnit)} == {
        "msg-1/headers", "msg-1/body", "msg-3/headers", "msg-3/body"}


@pytest.mark.parametrize("markup, text", [
    ("<p>Zoé&nbsp;Lefèvre</p>", "\nZoé\xa0Lefèvre\n"),
    ("<div>a<br>b</div>", "\na\nb\n"),
    ("<style>p{}</style><script>var x=1;</script>vu", "vu"),   # never shown: not scanned
    ("<table><tr><td>nom</td><td>Martin</td></tr></table>", "\n\n\tnom\tMartin\n\n"),
    ("&lt;claire@example.org&gt;", "<claire@example.org>"),
])
def test_html_text(markup, text):
    assert html_text(markup) == text


# -- the command line on a folder mixing containers ---------------------------------------------

BIN = Path(sys.executable).with_name("sentinelle")


def run(*args, cwd: Path):
    import subprocess
    env = {**os.environ, "SENTINELLE_KEY": "test-key"}
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_folder_of_containers(tmp_path):
    d = tmp_path / "leak"
    d.mkdir()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("lab/patients.csv", CSV)
    (d / "export.zip").write_bytes(out.getvalue())
    with py7zr.SevenZipFile(d / "archive.7z", "w") as s:
        s.writestr(CSV, "old/patients.csv")
    (d / "mail.eml").write_bytes(bytes(message(attachment=("r.csv", CSV))))
    with pyzipper.AESZipFile(d / "secret.zip", "w", compression=pyzipper.ZIP_DEFLATED) as z:
        z.setpassword(b"not-secret")
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        z.writestr("x.csv", CSV)
    r = run("scan", d, "--no-db", "--format", "json", "--findings", tmp_path / "f.jsonl",
            cwd=tmp_path)
    assert r.returncode == 1, r.stderr                   # personal data found
    summary = json.loads(r.stdout)
    paths = {rec["path"] for rec in map(json.loads, (tmp_path / "f.jsonl").read_text().splitlines())
             if rec["entity_type"] == "FR_NIR"}
    assert paths == {"export.zip!lab/patients.csv", "archive.7z!old/patients.csv",
                     "mail.eml", "mail.eml!r.csv"}
    assert [(i["path"], i["kind"], i["reason"]) for i in summary["issues"]] == [
        ("secret.zip!x.csv", "error", "encrypted member, not scanned")]
    assert r.stderr.strip() == "sentinelle: error: secret.zip!x.csv: encrypted member, not scanned"
    assert NIR_COMPACT not in r.stdout + r.stderr and "Martin" not in r.stdout + r.stderr
    # only what cannot be read: exit 2; archives not opened (--max-depth 0): skipped, exit 0
    r = run("scan", d / "secret.zip", "--no-db", cwd=tmp_path)
    assert r.returncode == 2
    r = run("scan", d / "export.zip", "--no-db", "--max-depth", "0", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
