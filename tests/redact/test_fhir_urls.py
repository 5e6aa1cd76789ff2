"""``sentinelle redact`` keeps the FHIR elements that name a standard byte for byte (Coding /
Identifier / Quantity ``system``, Extension ``url``, ``meta.profile``, the XHTML namespace of the
narrative) and still replaces the URLs that may be a person's (ContactPoint of system ``url``,
Attachment.url, a URL in a note or in the narrative) and the INS in ``Identifier.value``.

Rule source: HL7 FHIR R4 (4.0.1) datatypes (Coding.system, Identifier.system, Extension.url:
``uri``; Meta.profile: ``canonical``; Attachment.url: ``url``; Narrative.div: XHTML with the
``http://www.w3.org/1999/xhtml`` namespace). Corpus: ../shared/corpus/fhir/
cdc_trusted_intermediary (CDC trusted-intermediary, CC0; see its SOURCE.md).
"""

from __future__ import annotations

import json
from collections import Counter

from tests.readers.test_fhir_urls import (BUNDLE, DIV_URL, NIR, NOTE_URL, PERSONAL_SITE,
                                          PHOTO_URL, REPORT_URL)

#: the keys whose values name a standard in BUNDLE (Attachment.url excepted: see _standard_lines)
KEYS = ('"system"', '"url"', '"profile"')


def _standard_lines(text: str) -> dict[int, str]:
    """``{line number: line}`` of an ``indent=2`` dump of BUNDLE that hold a standard's name: a
    ``system`` or ``url`` key's scalar (not the Attachment urls nor the telecom's value), and
    the items of ``profile`` arrays (every ``"http`` line that is not a personal URL). The
    writer keeps the layout, so the same line numbers hold them in the redacted copy."""
    personal = (PERSONAL_SITE, PHOTO_URL, REPORT_URL, NOTE_URL, DIV_URL)
    lines = {}
    for i, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if any(p in line for p in personal):
            continue
        if stripped.startswith(KEYS) or stripped.startswith(('"http', '"urn:')):
            lines[i] = line
    return lines


def test_synthetic_bundle_standards_kept_personal_replaced(do_redact):
    text = json.dumps(BUNDLE, ensure_ascii=False, indent=2)
    kept = _standard_lines(text)
    # by hand: 5 "system" (identifier, its type coding, LOINC x2, UCUM) + 2 telecom codes,
    # 1 extension url, 3 profiles
    assert sum(line.strip().startswith('"system"') for line in kept.values()) == 7
    assert sum(line.strip().startswith('"url"') for line in kept.values()) == 1
    assert sum("StructureDefinition" in line for line in kept.values()) == 4
    out, result = do_redact({"bundle.json": text}, "share")
    new_text = (out / "bundle.json").read_text("utf-8")
    new_lines = new_text.splitlines()
    assert len(new_lines) == len(text.splitlines())
    assert {i: new_lines[i] for i in kept} == kept                  # byte for byte
    new = json.loads(new_text)
    patient = new["entry"][0]["resource"]
    assert patient["extension"][0]["url"] == (
        "http://hl7.org/fhir/StructureDefinition/patient-birthPlace")
    assert patient["identifier"][0]["system"] == "urn:oid:1.2.250.1.213.1.4.8"
    assert patient["identifier"][0]["value"] != NIR                  # the INS is replaced
    assert patient["telecom"][1]["system"] == "url"
    assert patient["telecom"][1]["value"] != PERSONAL_SITE
    assert patient["photo"][0]["url"] != PHOTO_URL
    div = patient["text"]["div"]
    assert div.startswith('<div xmlns="http://www.w3.org/1999/xhtml">') and DIV_URL not in div
    obs = new["entry"][1]["resource"]
    assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
    assert obs["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    assert NOTE_URL not in obs["note"][0]["text"]
    report = new["entry"][2]["resource"]
    assert report["presentedForm"][0]["url"] != REPORT_URL
    assert result.risk.leak_count == 0


def test_corpus_bundle_standards_kept(do_redact, shared):
    # CA/002: every "system" and "url" key holds a code system or an extension's definition
    # (read by hand; no Attachment in the file)
    path = (shared / "corpus" / "fhir" / "cdc_trusted_intermediary" / "CA"
            / "002_CA_ORU_R01_initial_translation.fhir")
    text = path.read_text("utf-8")
    out, _ = do_redact({path.name: text}, "share")
    new_text = (out / path.name).read_text("utf-8")

    def standards(t: str) -> Counter:
        return Counter(line for line in t.splitlines()
                       if line.strip().startswith(('"system"', '"url"', '"policy"', '"http')))

    before = standards(text)
    assert sum(before.values()) > 0
    assert standards(new_text) == before
    assert new_text != text                                          # personal data replaced
