"""Plain text written back: the text reader's chunks (which concatenated give the decoded file
back, line ends untouched), each finding's span replaced, encoded in the input's encoding with
its byte-order mark.

Dates are shifted per report: every date of one report (the stretch between two cut lines, as
the scan's sections cut a file of reports) moves by the same keyed number of days, keyed by the
report's person (its NIR, else the patient's name) so the same person gets the same shift in
every file (:func:`sentinelle.redact.engine.section_persons`). A report cut in two by the
reader's chunking keeps the key of its first part.
"""

from __future__ import annotations

from sentinelle.readers.base import TextUnit
from sentinelle.redact.engine import section_persons
from sentinelle.redact.writers.encoding import output_encoding


class TextWriter:
    def write(self, source, reader, stats, out, tmp, run, result) -> None:
        enc = output_encoding(source.fs_path)
        out.write(enc.bom)
        units = reader.read(source, stats)
        carry = ""  # the person key of the report the previous chunk ended in
        try:
            for unit in units:
                if not isinstance(unit, TextUnit):
                    continue
                found = run.pipeline.analyze_text(unit.text, unit.location, unit.offset)
                text = unit.text
                local = [_local(f, unit.offset) for f in found]
                persons, carry = section_persons(text, local, carry)
                if found:
                    run.note(found)
                    result.findings += len(found)
                    text = _redact(text, local, persons, run, source.display)
                    result.replaced += len(found)
                out.write(enc.encode(text))
        finally:
            units.close()


def _local(f, offset: int):
    from dataclasses import replace

    return replace(f, start=f.start - offset, end=f.end - offset)


def _redact(text: str, found, persons, run, display: str) -> str:
    from sentinelle.redact.operators import replace_spans

    spans = []
    for f, person in zip(found, persons):
        if text[f.start:f.end] != f.value:
            from sentinelle.redact.engine import Unplaced
            raise Unplaced
        spans.append((f.start, f.end, run.op(f, person, (display, None, None))))
    return replace_spans(text, spans)
