"""Personal data in file and folder names: found, replaced in output names, masked in messages.

A lab export named ``CR_DUPONTEL_Mireille_2951099126111.txt`` names its patient even when its
content is redacted (new-user fault report, session 11). Every part of an output path (each
folder name and the file name) is analysed as a short text by the run's own pipeline
(:class:`~sentinelle.redact.scope.ScopedPipeline`: the detectors of the content), after the
separators ``_``, ``-`` and ``.`` are turned into spaces (one character for one, so offsets are
those of the name). The final extension of the file name (``.txt``, ``.csv``: 1-8 letters or
digits after the last dot) is not analysed and is kept.

Which findings of a name are replaced: those redaction replaces in content
(:func:`~sentinelle.redact.scope.in_scope`), and also a NIR written without its key
(:func:`~sentinelle.redact.scope.keyless_nir`, scored at least
:data:`~sentinelle.detectors.base.INVALID_SCORE`) with no cue word: a name has no room for the
cue ("N° SS") that content needs, a 13-digit number of the NIR shape (sex digit, month,
department, order number) beside a person's name in a file name is that person's NIR, and
replacing it costs only a name part.

Names are analysed with every detector at the default ``min_score`` (or the user's, when lower)
whatever the run's ``entities`` / ``min_score`` filters (:attr:`Run.name_pipeline
<sentinelle.redact.engine.Run.name_pipeline>`; Session 13 fault list: with ``entities =
["FR_NIR"]`` the output name kept ``DUPONTEL_Mireille``, with ``["PHONE_NUMBER"]`` the NIR):
the filters choose what content is replaced, and an output name is printed in the summary
and the report, where no raw identifier may stand.

Each finding is replaced as the policy replaces its entity in content
(:meth:`~sentinelle.redact.engine.Run.op`: a pseudonym token, a label ``<PERSON>``, a fake),
keyed by the person the name is about (:func:`~sentinelle.redact.engine.person_key` of the
whole path's findings), so ``CR_DUPONTEL_Mireille.txt`` becomes ``CR_person_xxxx.txt`` under
``research`` and ``CR_<PERSON>.txt`` under the default ``redact``; the rest of the name and
its extension are kept. Spaces in a replacement (a fake first and last name) become
``_``; a ``/`` or NUL in a replacement becomes ``_``; a part that would be
empty, ``.`` or ``..`` is prefixed with ``_``. Two inputs whose redacted paths are equal get
``_2``, ``_3``... before the extension of the later ones (:func:`unique`); a file whose output
path is a folder of another output (a file ``DUPONT_Jean`` and a folder ``DUPONT_Jean/`` once
both are ``<PERSON>``; a file argument and a folder argument of one name) gets the suffix too,
or the folder does when the file came first (:func:`distinct`, session 12 fault list: the run
failed with "Not a directory").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from sentinelle.finding import Finding, Location

#: the ``column`` of a finding made in a file or folder name (``Location.column``); its
#: ``start``/``end`` are offsets in that name (the path part, not the whole path)
FILE_NAME = "(file name)"

_SEPARATORS = str.maketrans({"_": " ", "-": " ", ".": " "})
#: an extension: lower case (``.csv``, ``.ndjson``, ``.hl7``) or all capitals (``.CSV``); a
#: capitalised word after the last dot is a name part ("DUPONTEL.Mireille": session 11 review)
_EXTENSION = re.compile(r"\.(?:[a-z0-9]{1,8}|[A-Z0-9]{1,5})$")
#: a word of capitals (4 letters or more) right before / after a PERSON finding of a name part,
#: separated by one space (a ``_`` or ``-`` of the name): the surname the detector left out
#: ("DUPONTEL_Mireille_CR": "Mireille CR" found; session 11 review)
_CAPS_BEFORE = re.compile(r"(?<![^\W\d_])([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’]{3,}) $")
_CAPS_AFTER = re.compile(r" ([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’]{3,})(?![^\W\d_])")


def split_extension(name: str) -> tuple[str, str]:
    """``("CR_X", ".txt")`` for ``"CR_X.txt"``; ``(name, "")`` when there is no extension (a
    name that is only an extension, ``.bashrc``, has none)."""
    m = _EXTENSION.search(name)
    if m is None or m.start() == 0:
        return name, ""
    return name[:m.start()], m.group()


def _in_name_scope(f: Finding, min_score: float) -> bool:
    from sentinelle.detectors.base import INVALID_SCORE
    from sentinelle.redact.scope import in_scope, keyless_nir

    return in_scope(f, min_score) or (keyless_nir(f) and f.score >= INVALID_SCORE)


def part_findings(pipeline, part: str, path: str, is_file: bool) -> list[Finding]:
    """The findings of one path part (a folder or file name) that a redaction replaces (module
    docstring); offsets in ``part``, ``location`` = ``Location(path, column=FILE_NAME)``.
    ``pipeline``: a :class:`~sentinelle.redact.scope.ScopedPipeline`."""
    stem = split_extension(part)[0] if is_file else part
    text = stem.translate(_SEPARATORS)
    if not text.strip():
        return []
    from sentinelle.redact.scope import with_far_cue

    inner = getattr(pipeline, "inner", pipeline)
    found = inner.analyze_text(text, Location(path, column=FILE_NAME), 0)
    nir = getattr(pipeline, "_nir", None)
    if nir is not None and found:
        found = with_far_cue(found, text, 0, nir)
    min_score = getattr(pipeline, "min_score", 0.0)
    return [_widened(f, text) for f in found if _in_name_scope(f, min_score)]


def _widened(f: Finding, text: str) -> Finding:
    """A PERSON finding of a name part with the word of capitals just before or after it
    (:data:`_CAPS_BEFORE`): in a file name a surname in capitals beside a first name is the
    person's, whatever the detector's lists say (replacing a word too many costs a file name
    nothing, leaving a surname leaks it)."""
    if f.entity_type != "PERSON":
        return f
    start, end = f.start, f.end
    m = _CAPS_BEFORE.search(text, 0, start)
    if m is not None and m.end() == start:
        start = m.start(1)
    m = _CAPS_AFTER.match(text, end)
    if m is not None:
        end = m.end(1)
    if (start, end) == (f.start, f.end):
        return f
    import dataclasses

    return dataclasses.replace(f, start=start, end=end, value=text[start:end],
                               normalized=text[start:end])


def _joined(replacement: str) -> str:
    """A replacement as a name part: its spaces (a fake "PERONNARD Christa") become ``_``."""
    return "_".join(replacement.split())


#: the longest file name most file systems take (ext4, APFS, NTFS: 255 bytes / characters)
_NAME_MAX = 255


def _safe_part(new: str, old: str) -> str:
    """``new`` as a path part: no ``/`` nor NUL, not empty nor a dot alone, not hidden unless
    ``old`` was, at most :data:`_NAME_MAX` UTF-8 bytes (pseudonyms are longer than the names
    they replace: a long name is cut before its extension and given a short digest of the
    whole replaced name, so two cut names stay apart; session 11 review)."""
    new = new.replace("/", "_").replace("\x00", "_")
    if new in ("", ".", "..") or (new.startswith(".") and not old.startswith(".")):
        new = "_" + new
    import os

    if len(os.fsencode(new)) > _NAME_MAX:  # fsencode: a non-UTF-8 name's bytes as written
        import hashlib

        stem, ext = split_extension(new)
        digest = "_" + hashlib.sha256(os.fsencode(new)).hexdigest()[:12]
        room = _NAME_MAX - len(os.fsencode(ext)) - len(digest)
        stem = os.fsencode(stem)[:max(room, 1)].decode("utf-8", "ignore")
        new = stem + digest + ext
    return new


def redact_path(run, rel: str, display: str) -> tuple[str, list[Finding]]:
    """``rel`` (a POSIX output path) with the personal data of each of its parts replaced by
    the policy, and the findings made (offsets in their part). A path without findings is
    returned unchanged."""
    from sentinelle.redact.engine import person_key

    parts = rel.split("/")
    pipeline = getattr(run, "names", run.pipeline)  # every detector (Run.name_pipeline)
    per_part = [part_findings(pipeline, p, display, i == len(parts) - 1)
                for i, p in enumerate(parts)]
    found = [f for fs in per_part for f in fs]
    if not found:
        return rel, []
    from sentinelle.redact.operators import replace_spans

    person = person_key(found)
    out = []
    for part, fs in zip(parts, per_part):
        if not fs:
            out.append(part)
            continue
        spaced = part.translate(_SEPARATORS)
        spans = []
        for f in fs:
            fn = run.op(f, person, (display, None, None))
            spans.append((f.start, f.end,
                          lambda _t, s=f.start, e=f.end, fn=fn: _joined(fn(spaced[s:e]))))
        out.append(_safe_part(replace_spans(part, spans), part))
    return "/".join(out), found


def mask_path(pipeline, text: str) -> str:
    """``text`` (a path, or a message naming one) with every finding of its parts replaced by
    its masked form (``Finding.masked``): how messages name a file whose output name is not
    known (a file refused before it is redacted). ``/`` also separates."""
    spaced = text.translate(_SEPARATORS).replace("/", " ")
    if not spaced.strip():
        return text
    from sentinelle.redact.operators import replace_spans

    inner = getattr(pipeline, "inner", pipeline)
    found = inner.analyze_text(spaced, Location(text, column=FILE_NAME), 0)
    min_score = getattr(pipeline, "min_score", 0.0)
    found = [_widened(f, spaced) for f in found if _in_name_scope(f, min_score)]
    if not found:
        return text
    return replace_spans(text, [(f.start, f.end, lambda _t, m=f.masked: m) for f in found])


def unique(rel: str, used: set[str]) -> str:
    """``rel``, or ``rel`` with ``_2``, ``_3``... before the extension of its last part, the
    first not in ``used``; added to ``used``."""
    if rel not in used:
        used.add(rel)
        return rel
    head, _, last = rel.rpartition("/")
    stem, ext = split_extension(last)
    n = 2
    while True:
        cand = (head + "/" if head else "") + f"{stem}_{n}{ext}"
        if cand not in used:
            used.add(cand)
            return cand
        n += 1


def rename(planned: Sequence, run) -> tuple[list, list[list[Finding]]]:
    """The :class:`~sentinelle.redact.engine.Planned` items with their ``rel`` redacted
    (:func:`redact_path`; its ``display`` too, so that what the run prints about it, such
    as its k-anonymity table, names the output), and the name findings of each item. Output
    paths stay distinct (:func:`distinct`): the paths left unchanged are kept, and a redacted
    path equal to one already taken gets a suffix (:func:`unique`), so no input's output
    replaces another's."""
    from sentinelle.readers.archive import printable_path

    results = [redact_path(run, item.rel, item.display) for item in planned]
    news = distinct([item.rel for item in planned], [new for new, _ in results])
    out = []
    for item, (new, _), final in zip(planned, results, news):
        if new != item.rel:  # findings, errors and the k-anonymity tables name it so too
            item = replace(item, rel=final, display=printable_path(final))
        elif final != item.rel:  # a name kept, moved off a folder of the same name
            item = replace(item, rel=final)
        out.append(item)
    return out, [found for _, found in results]


def distinct(olds: Sequence[str], news: Sequence[str]) -> list[str]:
    """Final output paths for the input paths ``olds`` (POSIX, relative) redacted to ``news``
    (same number of parts): no two equal, and no file path equal to a folder of another
    (session 12 fault list: a file ``DUPONT_Jean`` and a folder ``Dupont-Jean/`` both redacted
    to ``<PERSON>`` failed with "Not a directory"; so did a file argument and a folder
    argument of the same name). The unchanged paths are placed first, then the redacted
    ones, each in input order; a file that would clash gets ``_2``, ``_3``... before its
    extension (:func:`unique`), a folder that would clash with a file gets the suffix at
    its end, the same one for every file of that input folder. Folders with the same
    redacted name are merged (their files stay apart by :func:`unique`)."""
    files: set[str] = set()
    folders: set[str] = set()
    folder_of: dict[str, str] = {}  # input folder path -> output folder path
    final: list[str | None] = [None] * len(olds)
    order = ([i for i in range(len(olds)) if news[i] == olds[i]]
             + [i for i in range(len(olds)) if news[i] != olds[i]])
    for i in order:
        old_parts, new_parts = olds[i].split("/"), news[i].split("/")
        if len(old_parts) != len(new_parts):  # not made by redact_path: taken as it is
            old_parts = new_parts
        head = ""
        for n in range(len(new_parts) - 1):
            key = "/".join(old_parts[:n + 1])
            got = folder_of.get(key)
            if got is None:
                cand = (head + "/" if head else "") + new_parts[n]
                base, k = cand, 2
                while cand in files:
                    cand = f"{base}_{k}"
                    k += 1
                got = folder_of[key] = cand
                folders.add(cand)
            head = got
        cand = (head + "/" if head else "") + new_parts[-1]
        taken = files | folders  # a file may take neither a file's nor a folder's path
        final[i] = unique(cand, taken)
        files.add(final[i])
    return [f for f in final]  # type: ignore[misc]


def output_name_findings(pipeline, rel: str, path: str) -> list[Finding]:
    """The findings of the parts of an output path ``rel`` (re-scan of the output names by
    :func:`sentinelle.redact.risk.assess`), located at ``Location(path, column=FILE_NAME)``."""
    parts = rel.split("/")
    return [f for i, p in enumerate(parts)
            for f in part_findings(pipeline, p, path, i == len(parts) - 1)]
