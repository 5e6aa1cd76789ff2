"""The one-line reasons why a file could not be read (``Issue.reason``, ``ReadError.reason``), in
the language of a French output (session 8 fault list: the HTML assessment report, French by
default, named unreadable files with English reasons).

Reasons are made in English by the readers and the scanner (:mod:`sentinelle.scanner`
``_issue_of``, the ``ReadError`` of each reader) and stay English in the JSON document, the
findings, the store and the command line. :func:`reason_text` renders one for a French
document: the fixed wording of every reason the readers make is translated by the rules of
:data:`_RULES` (a reason is a head, a detail in parentheses, and sometimes a tail saying what
was read anyway); the words a library gives as a detail (an exception class name such as
``KeyError``, a decoder's message) are kept as they are when they are names, and translated
when they are one of the fixed messages of Python's ``json`` decoder (CPython
``Modules/_json.c``, ``Lib/json/decoder.py``) or of the C library's ``strerror`` (glibc).
A reason no rule knows (a new reader's) is shown as ``motif en anglais : <reason>``, never
silently as English prose.

Why our own: a catalogue of our own messages (gettext would need a build step and a ``.mo``
file for one table of about 80 phrases).
"""

from __future__ import annotations

import re

#: Python's json decoder messages (``JSONDecodeError.msg``, position words removed by
#: readers/jsondoc.py ``_problem``)
_JSON_FR = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de propriété entre guillemets attendu",
    "Expecting ',' delimiter": "séparateur « , » attendu",
    "Expecting ':' delimiter": "séparateur « : » attendu",
    "Unterminated string": "chaîne non terminée",
    "Extra data": "données en trop après la fin du document",
    "Invalid control character": "caractère de contrôle interdit",
    "Invalid \\escape": "séquence d'échappement « \\ » non valide",
    "Invalid \\uXXXX escape": "séquence d'échappement « \\uXXXX » non valide",
    "Illegal trailing comma before end of object": "virgule en trop avant la fin d'un objet",
    "Illegal trailing comma before end of array": "virgule en trop avant la fin d'un tableau",
    "invalid": "non valide",
}

#: the C library's messages (``OSError.strerror``, glibc's English; French as glibc's fr.po)
_STRERROR_FR = {
    "Permission denied": "permission refusée",
    "No such file or directory": "fichier ou dossier introuvable",
    "Is a directory": "c'est un dossier",
    "Not a directory": "ce n'est pas un dossier",
    "Input/output error": "erreur d'entrée/sortie",
    "Too many levels of symbolic links": "trop de niveaux de liens symboliques",
    "File name too long": "nom de fichier trop long",
    "No space left on device": "plus de place sur le disque",
    "Stale file handle": "descripteur de fichier obsolète (partage réseau)",
    "Operation not permitted": "opération non permise",
    "Device or resource busy": "périphérique ou ressource occupé",
    "Resource temporarily unavailable": "ressource temporairement indisponible",
    "Connection timed out": "délai de connexion dépassé (partage réseau)",
    "Bad file descriptor": "descripteur de fichier non valide",
    "Cannot allocate memory": "mémoire insuffisante",
}

#: fixed reasons, whole
_FIXED_FR = {
    "permission denied": "permission refusée",
    "is a folder": "c'est un dossier",
    "no such file or folder": "fichier ou dossier introuvable",
    "not a regular file or folder": "ni un fichier ordinaire ni un dossier",
    "unsupported format": "format non pris en charge",
    "structure nested too deeply": "structure imbriquée trop profondément",
    "out of memory while reading": "mémoire épuisée pendant la lecture",
    "binary content, not text": "contenu binaire, pas du texte",
    "binary content, not RTF text": "contenu binaire, pas du texte RTF",
    "binary content, not HTML": "contenu binaire, pas du HTML",
    "JSON nested too deeply": "JSON imbriqué trop profondément",
    "RTF nested too deeply": "RTF imbriqué trop profondément",
    "DOCX XML nested too deeply": "XML du DOCX imbriqué trop profondément",
    "ODT XML nested too deeply": "XML de l'ODT imbriqué trop profondément",
    "not an archive": "pas une archive",
    "not a readable TAR archive": "archive TAR illisible",
    "not a readable 7z archive (truncated or corrupt)": "archive 7z illisible (tronquée ou corrompue)",
    "member has no data": "membre sans données",
    "member cannot be read": "membre illisible",
    "encrypted member, not scanned": "membre chiffré, non analysé",
    "encrypted workbook": "classeur chiffré (mot de passe requis)",
    "encrypted Parquet file": "fichier Parquet chiffré",
    "encrypted ODT (password required)": "ODT chiffré (mot de passe requis)",
    "encrypted PDF (password required)": "PDF chiffré (mot de passe requis)",
    "encrypted PDF (AES): install the cryptography package":
        "PDF chiffré (AES) : installer le paquet cryptography",
    "not a spreadsheet (no workbook found in the file)":
        "pas un tableur (aucun classeur dans le fichier)",
    "not a PDF (no %PDF- header in the first 1024 bytes)":
        "pas un PDF (pas d'en-tête %PDF- dans les 1024 premiers octets)",
    "not an RTF document (no {\\rtf header)": "pas un document RTF (pas d'en-tête {\\rtf)",
    "not a DOCX package (no [Content_Types].xml)": "pas un paquet DOCX (pas de [Content_Types].xml)",
    "not a DOCX package (no main document part)": "pas un paquet DOCX (pas de partie principale)",
    "not a DOCX package (main part is not a WordprocessingML document)":
        "pas un paquet DOCX (la partie principale n'est pas du WordprocessingML)",
    "not an ODT package (no OpenDocument text mimetype)":
        "pas un paquet ODT (pas de type MIME OpenDocument texte)",
    "not an ODT package (no content.xml)": "pas un paquet ODT (pas de content.xml)",
    "corrupt ODT (an XML part is not well-formed)": "ODT corrompu (une partie XML est mal formée)",
    "corrupt ODT (no text body)": "ODT corrompu (pas de corps de texte)",
    "truncated INSERT (the file ends inside it)": "INSERT tronqué (le fichier s'arrête au milieu)",
    "truncated COPY data (no \\. line before the end)":
        "données COPY tronquées (pas de ligne « \\. » avant la fin)",
    "HPRIM Santé record before the H record": "enregistrement HPRIM Santé avant l'enregistrement H",
    "unexpected member in a split file": "membre inattendu dans un fichier découpé",
    "corrupt member data (CRC mismatch)": "données du membre corrompues (CRC faux)",
    "truncated archive: member data ends early":
        "archive tronquée : les données d'un membre s'arrêtent avant la fin",
    "not a readable ZIP: central directory missing (truncated or corrupt archive)":
        "ZIP illisible : répertoire central absent (archive tronquée ou corrompue)",
    "central directory missing: members read from their local headers":
        "répertoire central absent : membres lus depuis leurs en-têtes locaux",
    "encrypted archive (7z header encryption), not scanned":
        "archive chiffrée (en-têtes 7z chiffrés), non analysée",
    "sheet too large for memory": "feuille trop grande pour la mémoire",
    "truncated archive": "archive tronquée",
    "corrupt archive": "archive corrompue",
}


def _json(detail: str) -> str:
    return _JSON_FR.get(detail, detail)


def _os(detail: str) -> str:
    return _STRERROR_FR.get(detail, detail)


#: (regex matched against the whole reason, French template): ``{r}`` groups are reasons
#: translated again, ``{j}`` a json decoder message, ``{o}`` a strerror, ``{d}`` a library's
#: detail (:func:`_detail`), other groups as they are (numbers, labels such as UTF-8 or XLSX,
#: exception class names, member names)
_RULES: list[tuple[re.Pattern, str]] = [(re.compile(p, re.S), t) for p, t in [
    # what was read anyway, after a reason
    (r"(?P<r>.+) \(the records before it were read\)", "{r} (les enregistrements précédents ont été lus)"),
    (r"(?P<r>.+) \(the other lines were read\)", "{r} (les autres lignes ont été lues)"),
    (r"(?P<r>.+) \(and (?P<n>\d[\d,]*) more\)", "{r} (et {n} autres)"),
    (r"(?P<r>.+); the rest not scanned", "{r} ; le reste n'a pas été analysé"),
    (r"(?P<r>.+); the other pages were read", "{r} ; les autres pages ont été lues"),
    # scanner
    (r"cannot read \((?P<o>[^)]*)\)", "lecture impossible ({o})"),
    (r"cannot access \((?P<o>[^)]*)\)", "accès impossible ({o})"),
    (r"cannot access folder \((?P<o>[^)]*)\)", "accès au dossier impossible ({o})"),
    (r"cannot decode text \((?P<x>[^)]*)\)", "texte indécodable ({x})"),
    (r"internal error in reader \((?P<x>[^)]*)\)", "erreur interne du lecteur ({x})"),
    (r"cannot extract member \((?P<x>[^)]*)\)", "extraction du membre impossible ({x})"),
    (r"the worker process scanning it died \(exit code (?P<x>[^)]*)\)",
     "le processus qui l'analysait s'est arrêté (code de sortie {x})"),
    (r"larger than max_file_bytes \((?P<n>\d+) bytes\)", "plus grand que max_file_bytes ({n} octets)"),
    (r"archive nesting deeper than max_depth \((?P<n>\d+)\): members not opened",
     "archives imbriquées au-delà de max_depth ({n}) : membres non ouverts"),
    (r"max_archive_bytes \((?P<n>\d+) bytes\) reached: the rest not scanned",
     "max_archive_bytes ({n} octets) atteint : le reste n'a pas été analysé"),
    (r"more than max_archive_members \((?P<n>\d+)\) members: the rest not scanned",
     "plus de max_archive_members ({n}) membres : le reste n'a pas été analysé"),
    (r"member (?P<x>.+) larger than max_member_bytes \((?P<n>\d+) bytes\)",
     "membre {x} plus grand que max_member_bytes ({n} octets)"),
    (r"archive expands beyond max_archive_bytes \((?P<n>\d+) bytes\) at member (?P<x>.+)",
     "l'archive décompressée dépasse max_archive_bytes ({n} octets) au membre {x}"),
    (r"zip bomb suspected: member (?P<x>.+) expands (?P<n>\d+):1 or more, limit (?P<m>\d+):1",
     "bombe de décompression soupçonnée : le membre {x} se décompresse à {n}:1 ou plus "
     "(limite {m}:1)"),
    (r"zip bomb suspected: archive expands (?P<n>\d+):1 or more at member (?P<x>.+), "
     r"limit (?P<m>\d+):1", "bombe de décompression soupçonnée : l'archive se décompresse à "
     "{n}:1 ou plus au membre {x} (limite {m}:1)"),
    # text and encodings
    (r"invalid (?P<x>[\w-]+)", "{x} non valide"),
    (r"truncated (?P<x>[\w-]+) sequence at end of file", "séquence {x} tronquée en fin de fichier"),
    (r"malformed delimited text: field larger than (?P<n>\d+) characters",
     "texte délimité mal formé : champ de plus de {n} caractères"),
    (r"malformed delimited text: (?P<d>.*)", "texte délimité mal formé ({d})"),
    # JSON
    (r"invalid JSON: (?P<j>.*)", "JSON non valide : {j}"),
    (r"JSON document too large to load \((?P<n>\d+) MiB\); use NDJSON",
     "document JSON trop grand pour être chargé ({n} Mio) ; utiliser NDJSON"),
    # documents
    (r"RTF file too large \((?P<x>[^)]*)\)", "fichier RTF trop grand ({x})"),
    (r"corrupt RTF \((?P<x>[^)]*)\)", "RTF corrompu ({x})"),
    (r"truncated RTF \((?P<n>\d+) groups not closed at end of file\)",
     "RTF tronqué ({n} groupes non fermés en fin de fichier)"),
    (r"truncated RTF \((?P<x>.*)\)", "RTF tronqué ({x})"),
    (r"corrupt or truncated (?P<k>[\w ]+) \(not a readable ZIP package\)",
     "{k} corrompu ou tronqué (paquet ZIP illisible)"),
    (r"corrupt or truncated PDF \((?P<d>.*)\)", "PDF corrompu ou tronqué ({d})"),
    (r"corrupt or truncated (?P<k>[\w ]+) \((?P<x>[^)]*)\)", "{k} corrompu ou tronqué ({x})"),
    (r"(?P<k>[\w ]+) XML parts too large once uncompressed(?P<x>.*)",
     "parties XML du {k} trop grandes une fois décompressées{x}"),
    (r"password-protected or legacy Word file \(OLE2 container(?P<x>.*)",
     "fichier Word protégé par mot de passe ou ancien format (conteneur OLE2{x}"),
    (r"corrupt (?P<k>DOCX|ODT) \((?P<x>[^)]*)\)", "{k} corrompu ({x})"),
    (r"malformed HTML \((?P<x>[^)]*)\)", "HTML mal formé ({x})"),
    (r"corrupt PDF, page tree unreadable \((?P<d>.*)\)",
     "PDF corrompu, arbre des pages illisible ({d})"),
    (r"corrupt PDF page \((?P<d>[^)]*)\)(?P<y>.*)", "page de PDF corrompue ({d}){y}"),
    (r"encrypted PDF, encryption unreadable \((?P<d>.*)\)",
     "PDF chiffré, chiffrement illisible ({d})"),
    # tables and databases
    (r"corrupt (?P<k>[\w ]+): neither a ZIP package nor an OLE2 compound file",
     "{k} corrompu : ni un paquet ZIP ni un fichier composite OLE2"),
    (r"corrupt SQLite database: (?P<d>.*)", "base SQLite corrompue ({d})"),
    (r"corrupt (?P<k>Parquet|Arrow|Feather|Arrow IPC)(?: file)?: (?P<d>.*)", "{k} corrompu ({d})"),
    (r"corrupt (?P<k>XLSX|XLS|XLSB|ODS|workbook): (?P<d>.*)", "{k} corrompu ({d})"),
    (r"(?P<x>.+) longer than (?P<n>\d+) Mi characters", "{x} de plus de {n} Mi caractères"),
    (r"not an HL7 v2 message: (?P<x>.*)", "pas un message HL7 v2 : {x}"),
    (r"HL7 message too large \((?P<n>\d+) MiB\)", "message HL7 trop grand ({n} Mio)"),
    (r"message larger than (?P<n>\d+) (?P<x>.*)", "message plus grand que {n} {x}"),
    # archives
    (r"(?P<r>truncated archive|corrupt archive) after member (?P<x>.+)", "{r} après le membre {x}"),
    (r"corrupt (?P<k>XLSX|XLSB|XLS|ODS) or sheet too large for memory \(reader process ended by "
     r"(?P<x>.*)\)", "{k} corrompu ou feuille trop grande pour la mémoire (lecteur arrêté par {x})"),
    (r"not a readable ZIP: (?P<x>.*)", "ZIP illisible : {x}"),
    (r"encrypted archive \(7z header encryption\)(?P<x>.*)",
     "archive chiffrée (en-têtes 7z chiffrés){x}"),
    (r"not a readable 7z archive \((?P<r>.*)\)", "archive 7z illisible ({r})"),
    (r"corrupt archive after (?P<n>\d+) members \((?P<r>.*)\)",
     "archive corrompue après {n} membres ({r})"),
    (r"corrupt member data \((?P<x>[^)]*)\)", "données du membre corrompues ({x})"),
]]

#: words left in English inside a rule's free detail (``{x}``), translated when whole
_DETAIL_FR = {
    "truncated or corrupt": "tronquée ou corrompue",
    "the other members were read": "les autres membres ont été lus",
}


#: a library's detail that is a name (``KeyError``, ``PdfReadError``), not English prose
_NAME = re.compile(r"[A-Za-z_][\w.]*")


def _detail(value: str) -> str:
    """A library's detail (pypdf, calamine, pyarrow, SQLite, the csv module): an exception name
    as it is, a message marked as the library's English words."""
    if _NAME.fullmatch(value):
        return value
    return f"détail technique en anglais : {value}"


def reason_text(reason: str | None, lang: str) -> str:
    """``reason`` (an English read-error reason, one line) in ``lang`` (``fr`` or ``en``).
    English is returned unchanged; see the module docstring for French."""
    if not reason or lang == "en":
        return reason or ""
    out = _fr(reason)
    return out if out is not None else f"motif en anglais : {reason}"


def _fr(reason: str) -> str | None:
    """The French of ``reason``, or None when no rule knows it."""
    fixed = _FIXED_FR.get(reason)
    if fixed is not None:
        return fixed
    for rx, template in _RULES:
        m = rx.fullmatch(reason)
        if m is None:
            continue
        parts = {}
        for name, value in m.groupdict().items():
            if name == "r":
                inner = _fr(value)
                if inner is None:
                    break  # a tail rule whose head no rule knows: try the next rules
                parts[name] = inner
            elif name == "j":
                parts[name] = _json(value)
            elif name == "o":
                parts[name] = _os(value)
            elif name == "d":
                parts[name] = _detail(value)
            else:
                parts[name] = _DETAIL_FR.get(value.strip(" ()"), value)
        else:
            return template.format(**parts)
    return None
