"""The source documents (``../shared/seeds``) and how a page cites them: title, edition, section.

Pages, PDFs and exports name a source by its title and edition, never by its file name
(the file name is for the tests that check a cited section exists in the seed).
"""

from __future__ import annotations

# key -> file in ../shared/seeds, title, and the edition the content is drawn from
SEEDS: dict[str, dict[str, str]] = {
    "000": {
        "file": "000_a61fd95bbd9ebc67.txt",
        "title": "Samenvattingskaart Zorgstandaard Ervaringsdeskundigheid",
        "edition": "Zorgstandaard",
    },
    "001": {
        "file": "001_ff6c0d47da2b4219.txt",
        "title": "Hoe word ik ervaringsdeskundige? (PsychoseNet)",
        "edition": "webpagina",
    },
    "002": {
        "file": "002_63a3ba9f06dc7a13.txt",
        "title": "Basiscurriculum Ervaringsdeskundigheid",
        "edition": "2015",
    },
    "003": {
        "file": "003_a8d87148f8c5ac85.txt",
        "title": "Vernieuwende inzet van ervaringsdeskundigheid (LIVE-evaluatie)",
        "edition": "2012",
    },
    "004": {
        "file": "004_74087e4844279a5c.txt",
        "title": "Referentiekader Inzet van ervaringsdeskundigheid en dialogische werkvormen",
        "edition": "2026",
    },
}

_BY_FILE = {seed["file"]: seed for seed in SEEDS.values()}


def cite(document: str, section: str) -> str:
    """'Title (edition), section' for a seed file; an unknown document is named as it is."""
    seed = _BY_FILE.get(document)
    if seed is None:
        return f"{document}, {section}"
    return f"{seed['title']} ({seed['edition']}), {section}"
