"""What ``sentinelle redact`` prints and writes: the files, the re-scan and the anonymity of the
output (presentation only; the figures come from :mod:`sentinelle.redact.risk`)."""

from __future__ import annotations

from sentinelle import __version__


def exit_code(result) -> int:
    """2 when a file could not be redacted or when no file was written (every input skipped:
    unsupported format, a format not written back, too large), 1 when the residual-risk check
    failed, else 0. Session 10 fault: every input skipped exited 0 ("NOTHING WRITTEN")."""
    if result.errors:
        return 2
    if result.files and not any(f.status == "written" for f in result.files):
        return 2
    if result.risk is not None and not result.risk.ok:
        return 1
    return 0


def verdict(risk, failed: int = 0, written: int | None = None) -> str:
    """The last line of the summary, in agreement with every figure above it.

    ``failed``: files that could not be redacted (status ``error``, exit code 2); ``written``:
    files written (None: not counted). Files that failed come first: "FAILED: no file written"
    when none was written, else "INCOMPLETE: N files not redacted" followed by the verdict of
    the files written; "NOTHING WRITTEN" when no file was written and none failed (every
    input skipped). Session 8 fault: every file failed (exit 2) and the last line said "OK".

    "OK" only when no original value and no validated identifier is left and the records are
    not unique on their quasi-identifiers: without ``--k`` a k-anonymity of 1 is reported (it
    does not change the exit code, as documented) but never called "no residual risk"; a
    k-anonymity of 1 means some record is alone in its class, re-identifiable by linkage
    with any source holding the same birth date, postcode and sex (Sweeney 2002)."""
    if failed:
        n = _count(failed, "file")
        if not written:
            return f"FAILED: no file written; {n} could not be redacted (see the errors above)"
        return (f"INCOMPLETE: {n} could not be redacted and {'was' if failed == 1 else 'were'} "
                f"not written (see the errors above); the {_count(written, 'written file')}: "
                + verdict(risk))
    if written == 0:
        return "NOTHING WRITTEN: no input file could be redacted (see above)"
    if risk is None:
        return "not checked"
    if not risk.ok:
        return "RESIDUAL RISK: see above"
    clean = "no original value or validated identifier left"
    a = risk.anonymity
    k = a.k_min if a is not None else None
    if k is None:
        return f"OK: {clean} (no quasi-identifier to measure k-anonymity on)"
    if a.k_target:
        return f"OK: {clean}; k-anonymity {k} >= {a.k_target}"
    if k < 2:
        qi = sorted({q for t in a.tables if t.k < 2 for q in t.quasi_identifiers})
        return (f"PSEUDONYMISED, NOT ANONYMOUS: {clean}, but k-anonymity is 1: some records are "
                f"unique on ({', '.join(qi)}) and can be re-identified by linkage "
                "(--k 5 generalises them)")
    return f"OK: {clean}; k-anonymity {k} (no --k target given)"


def rescan_line(risk, written: int) -> str:
    """The re-scan line: the output's findings, then every one of them by entity, grouped by
    what the policy does to that entity: shifted (dates moved per person), faked, kept,
    replacements written by this run (a pseudonym, label or fake found again: ours, not
    personal data; Session 13) and ``other`` (an entity the policy replaces: an original value
    left, a validated identifier, or a value the input scan did not find; the lines below tell
    which). The groups add up to the total."""
    other = dict(risk.by_entity)
    for group in (risk.shifted, risk.faked, risk.kept, risk.ours):
        for e, n in group.items():
            other[e] = other.get(e, 0) - n
    parts = [f"{', '.join(f'{e} {n:,}' for e, n in sorted(group.items()) if n)} {label}"
             for group, label in ((risk.shifted, "shifted by policy"),
                                  (risk.faked, "faked by policy"),
                                  (risk.kept, "kept by policy"),
                                  (risk.ours, "replacements written by this run"),
                                  (other, "other"))
             if any(group.values())]
    return (f"re-scan of {_count(written, 'written file')}: "
            f"{_count(risk.output_findings, 'finding')}"
            + (": " + "; ".join(parts) if parts else ""))


def _tally(result) -> tuple[int, int]:
    """(files that could not be redacted, files written) of a redaction result."""
    return (sum(1 for f in result.files if f.status == "error"),
            sum(1 for f in result.files if f.status == "written"))


def _count(n: int, noun: str) -> str:
    """``1 written file``, ``0 findings``, ``1,234 findings``: English number agreement (the
    singular for exactly one)."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def report_dict(result) -> dict:
    """The ``--report`` JSON document (schema ``sentinelle-redact-report/1``)."""
    doc = result.risk.to_dict() if result.risk is not None else {
        "schema": "sentinelle-redact-report/1", "ok": None}
    doc["version"] = __version__
    doc["policy"] = result.policy.name if result.policy is not None else None
    doc["generalised_for_k"] = result.levels
    doc["passes"] = result.passes
    doc["exit_code"] = exit_code(result)
    failed, written = _tally(result)
    doc["files_failed"], doc["files_written"] = failed, written
    if failed or not written:  # "ok" never stands beside a file that was not redacted
        doc["ok"] = False
    doc["verdict"] = verdict(result.risk, *_tally(result))
    doc["outputs"] = [{"path": f.path, "reader": f.reader, "status": f.status,
                       "reason": f.reason or None, "position": f.position,
                       "findings_replaced": f.replaced,
                       "rows": f.rows, "columns": f.columns, "encoding": f.encoding}
                      for f in result.files]
    return doc


def print_summary(result, console=None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from sentinelle.redact import TABLE_READERS, kinds_phrase

    console = console or Console()
    table = Table(title=f"sentinelle redact (policy {result.policy.name})")
    for col, just in (("file", "left"), ("reader", "left"), ("status", "left"),
                      ("replaced", "right"), ("rows", "right")):
        table.add_column(col, justify=just, overflow="fold")
    for f in result.files[:500]:  # escaped: "[1]" in a name is not Rich markup
        where = f"{f.position}: " if f.position else ""
        table.add_row(escape(f.path), f.reader or "-", f.status if f.status == "written"
                      else escape(f"{f.status}: {where}{f.reason}"), f"{f.replaced:,}",
                      f"{f.rows:,}" if f.rows else "")
    console.print(table)
    risk = result.risk
    if risk is None:
        return
    written = sum(1 for f in result.files if f.status == "written")
    console.print(rescan_line(risk, written))
    console.print(f"original values left: {risk.leak_count}"
                  + "".join(f"\n  {l.path} row {l.row} {l.column or ''} {l.entity} {l.masked}"
                            for l in risk.leaks[:10]))
    if risk.makes_fakes:
        console.print(f"fake values equal to some input value (by chance): {risk.fake_collisions}")
    console.print(f"validated identifiers left (not faked by policy): {risk.validated_count}"
                  + "".join(f"\n  {l.path} row {l.row} {l.column or ''} {l.entity} {l.masked}"
                            for l in risk.validated_left[:10]))
    if risk.unexplained_count:
        console.print(f"found in the output, not replaced by this run (not found in the input): "
                      f"{risk.unexplained_count}"
                      + "".join(f"\n  {l.path} row {l.row} {l.column or ''} {l.entity} {l.masked}"
                                for l in risk.unexplained[:10]))
    for issue in risk.issues:
        console.print(issue)
    a = risk.anonymity
    if a is not None:
        if not a.tables:
            console.print(f"k-anonymity: {a.note or 'no quasi-identifier found'}")
        for t in a.tables:
            l = f", l-diversity {t.l}" if t.l is not None else ""
            console.print(f"{t.table}: k-anonymity {t.k}{l} over ({', '.join(t.quasi_identifiers)}), "
                          f"{t.classes:,} {'class' if t.classes == 1 else 'classes'} of {_count(t.rows, 'record')}"
                          + (f" ({t.suppressed:,} suppressed)" if t.suppressed else "") + "; smallest:")
            for c in t.smallest:
                values = ", ".join(f"{k}={v}" for k, v in c.items() if k != "records")
                console.print(f"  {c['records']} x {values}")
        kinds: dict[str, int] = {}
        for f in result.files:
            if f.status == "written" and f.reader is not None and f.reader not in TABLE_READERS:
                kinds[f.reader] = kinds.get(f.reader, 0) + 1
        if a.k_target and kinds:
            console.print(f"k-anonymity counted on tables only: {kinds_phrase(kinds)} redacted by "
                          "the policy, not counted")
        if a.not_counted:
            n = len(a.not_counted)
            console.print(escape(
                f"k-anonymity counted on the written files only; not counted, "
                f"{_count(n, 'file')} not written: "
                + "; ".join(_not_counted_phrase(n) for n in a.not_counted[:20])
                + (f"; and {n - 20:,} more" if n > 20 else "")))
        if a.levels:
            console.print("generalised for --k: " + ", ".join(f"{e} level {n}" for e, n in a.levels.items()))
        if a.k_target and a.k_min is not None and a.k_min < a.k_target:
            console.print(f"k={a.k_min} < {a.k_target}: {a.note or 'not reached'}")
    console.print(verdict(risk, *_tally(result)))


def _not_counted_phrase(n) -> str:
    """``bad.csv (error at line 8: unbalanced quote...)`` for a file not written
    (:class:`~sentinelle.redact.risk.NotCounted`)."""
    where = f" at {n.position}" if n.position else ""
    why = f": {n.reason}" if n.reason else ""
    return f"{n.path} ({n.status}{where}{why})"
