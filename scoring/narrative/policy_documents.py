"""National performance-evaluation documents (policy_documents.toml): 文号, title, in force or superseded.

A citation is matched by its 文号 with the brackets and spaces people type (财预[2011]285号,
财预（2011）285 号 …) or by its exact title (spaces aside).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

TABLE = Path(__file__).with_name("policy_documents.toml")
Status = Literal["in force", "superseded"]
_OPEN, _CLOSE = "〔[(（【", "〕])）】"
# The issuer before a 文号's year: only its last characters matter (issuer prefixes are short), and a bounded
# run keeps the search linear in a long text without brackets (an unbounded one retried the run at every start).
NUMBER = re.compile(rf"(?P<prefix>[\u4e00-\u9fff]{{1,40}})\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*"
                    rf"[{re.escape(_CLOSE)}]\s*(?P<serial>\d+)\s*号")


@dataclass(frozen=True)
class Source:
    url: str
    title: str


@dataclass(frozen=True)
class PolicyDocument:
    number: str  # as issued: 财预〔2020〕10号
    title: str
    issuer: str
    status: Status
    sources: tuple[Source, ...]
    superseded_by: str | None = None
    date: dt.date | None = None
    note: str = ""

    @functools.cached_property
    def key(self) -> tuple[str, int, int]:
        return _key(self.number)

    @property
    def year(self) -> int:
        return self.key[1]

    def cited(self) -> str:
        """《title》（文号）"""
        return f"《{self.title}》（{self.number}）"


def number_key(text: str) -> tuple[str, int, int] | None:
    """(issuer prefix, year, serial) of a whole 文号: 财预[2011]285号 → ("财预", 2011, 285); None if not one."""
    match = NUMBER.fullmatch(text.strip())
    return None if match is None else (match["prefix"], int(match["year"]), int(match["serial"]))


def title_key(title: str) -> str:
    """A title without its spaces (中共中央 国务院… and 中共中央国务院… are one title)."""
    return re.sub(r"\s+", "", title)


def _key(number: str) -> tuple[str, int, int]:
    key = number_key(number)
    if key is None:
        raise ValueError(f"{TABLE.name}: not a 文号: {number}")
    return key


class PolicyTable:
    """The documents by 文号 and by title; ``current`` follows ``superseded_by`` to the document in force."""

    def __init__(self, documents: list[PolicyDocument]):
        self.documents = documents
        self.by_number = {doc.key: doc for doc in documents}
        self.by_title: dict[str, list[PolicyDocument]] = {}  # by ``title_key``
        for doc in documents:
            self.by_title.setdefault(title_key(doc.title), []).append(doc)
        self.prefixes = sorted({doc.key[0] for doc in documents}, key=len, reverse=True)

    def current(self, doc: PolicyDocument) -> PolicyDocument:
        seen = {doc.key}
        while doc.superseded_by:
            doc = self.by_number[_key(doc.superseded_by)]
            if doc.key in seen:
                raise ValueError(f"{TABLE.name}: superseded_by forms a cycle at {doc.number}")
            seen.add(doc.key)
        return doc


def parse_table(text: str) -> PolicyTable:
    """The table from TOML text; ValueError naming the entry for a missing field, a bad 文号 or replacement."""
    documents = []
    for entry in tomllib.loads(text).get("document", []):
        try:
            doc = PolicyDocument(
                number=entry["number"], title=entry["title"], issuer=entry["issuer"], status=entry["status"],
                sources=tuple(Source(s["url"], s["title"]) for s in entry["sources"]),
                superseded_by=entry.get("superseded_by"), date=entry.get("date"), note=entry.get("note", ""),
            )
        except KeyError as exc:
            raise ValueError(f"{TABLE.name}: {entry.get('number', entry)} lacks {exc.args[0]}") from None
        if doc.status not in ("in force", "superseded") or not doc.sources:
            raise ValueError(f"{TABLE.name}: {doc.number}: status must be \"in force\" or \"superseded\", "
                             "with at least one source")
        _key(doc.number)  # a 文号, or ValueError
        if (doc.status == "superseded") != (doc.superseded_by is not None):
            raise ValueError(f"{TABLE.name}: {doc.number}: superseded_by goes with status = \"superseded\"")
        documents.append(doc)
    table = PolicyTable(documents)
    for doc in documents:
        if doc.superseded_by and _key(doc.superseded_by) not in table.by_number:
            raise ValueError(f"{TABLE.name}: {doc.number} is superseded by {doc.superseded_by}, which has no entry")
        table.current(doc)
    return table


@functools.cache
def policy_documents() -> PolicyTable:
    """The shipped table (read once)."""
    return parse_table(TABLE.read_text(encoding="utf-8"))
