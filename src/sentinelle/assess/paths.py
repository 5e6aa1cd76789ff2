"""Personal data in the file and folder names that an assessment shows or stores, masked.

A lab export named ``CR_DUPONTEL_Mireille_2951099126111.txt`` names its patient (new-user
fault report, session 11); the README promises no raw identifier in any ``assess`` artefact
(the JSON document, the HTML report, the notification drafts, the store). Every path the
assessment writes (``roots``, ``sources[].path`` and ``file_list[].path``, ``copies`` members,
the store's ``scans.roots``, ``sources.path`` and ``assess_files.path``, the reports given to
the ``on_file`` callback) goes through :class:`PathMasker`.

Detection is redaction's (:func:`sentinelle.redact.names.part_findings`: each folder name and
the file name analysed by the detectors of the content, separators ``_ - .`` read as spaces,
the file's extension kept; findings in the scope of a redaction, and a keyless NIR). Each
finding is masked as the findings of the document are (:func:`sentinelle.privacy.mask`, the
``masked`` field), applied to the characters of the name, so separators stay:
``fn/CR_DUPONTEL_Mireille_2951099126111.txt`` -> ``fn/CR_D*******_******le_2**********11.txt``.
A name without personal data (``labo_lyon/export.csv``) is unchanged.

Grouping (folders of ``sources``, copies) is done on the paths as read; they are masked when
written (two folders whose masked names are equal stay two entries).
"""

from __future__ import annotations

from sentinelle.config import Config
from sentinelle.privacy import mask


class PathMasker:
    """``masker(path)`` -> ``path`` with the personal data of its parts masked (module
    docstring); ``path`` is POSIX (``/`` separates the parts). ``detectors``: the run's built
    detectors (:func:`sentinelle.detectors.build`); ``config``: the run's (its ``min_score``
    decides the scope, as in redaction). Results are memoised per path."""

    def __init__(self, detectors, config: Config):
        from sentinelle.redact.scope import ScopedPipeline

        self._pipeline = ScopedPipeline(detectors, config)
        self._memo: dict[tuple[str, bool], str] = {}

    def __call__(self, path: str, is_file: bool = True) -> str:
        if not path:
            return path
        got = self._memo.get((path, is_file))
        if got is not None:
            return got
        from sentinelle.redact.names import part_findings

        parts = path.split("/")
        last = len(parts) - 1
        out = [_masked(p, part_findings(self._pipeline, p, path, is_file and i == last))
               for i, p in enumerate(parts)]
        got = self._memo[(path, is_file)] = "/".join(out)
        return got

    def folder(self, path: str) -> str:
        """A folder's path (its last part has no extension to keep)."""
        return self(path, is_file=False)

    def in_text(self, text: str, path: str) -> str:
        """``text`` (a message) with each occurrence of ``path`` masked."""
        if not text or not path or path not in text:
            return text
        return text.replace(path, self(path))


def _masked(part: str, found) -> str:
    """``part`` with the span of each finding replaced by its mask (overlaps: the first)."""
    if not found:
        return part
    out, at = [], 0
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if f.start < at or not 0 <= f.start < f.end <= len(part):
            continue
        out.append(part[at:f.start])
        out.append(mask(part[f.start:f.end], f.entity_type))
        at = f.end
    out.append(part[at:])
    return "".join(out)
