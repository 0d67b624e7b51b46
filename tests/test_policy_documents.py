"""The table of national performance-evaluation documents: every entry sourced, 文号 matched as people type them."""
from __future__ import annotations

import pytest

from scoring.narrative.policy_documents import number_key, parse_table, policy_documents, title_key

ENTRY = '''
[[document]]
number = "财预〔2011〕285号"
title = "财政支出绩效评价管理暂行办法"
issuer = "财政部"
status = "{status}"
{extra}
sources = [{{ url = "https://example.org/a", title = "a" }}]
'''


def entry(status: str = "in force", extra: str = "", number: str = "财预〔2011〕285号") -> str:
    return ENTRY.format(status=status, extra=extra).replace("财预〔2011〕285号", number)


def test_the_shipped_table_has_sources_and_resolves_replacements():
    table = policy_documents()
    assert {doc.number for doc in table.documents} >= {"财预〔2011〕285号", "财预〔2020〕10号", "财预〔2013〕53号"}
    for doc in table.documents:
        assert doc.sources and all(s.url.startswith("http") and s.title for s in doc.sources), doc.number
    old = table.by_number[("财预", 2011, 285)]
    assert old.status == "superseded" and table.current(old).title == "项目支出绩效评价管理办法"
    assert table.current(table.by_number[("财预", 2020, 10)]).number == "财预〔2020〕10号"
    assert [d.number for d in table.by_title[title_key("中共中央国务院关于全面实施预算绩效管理的意见")]] == ["中发〔2018〕34号"]


@pytest.mark.parametrize("text", ["财预〔2011〕285号", "财预[2011]285号", "财预（2011）285号", "财预(2011)285号",
                                  "财预【2011】285号", " 财预 〔 2011 〕 285 号 "])
def test_number_key_ignores_bracket_kind_and_spaces(text):
    assert number_key(text) == ("财预", 2011, 285)


@pytest.mark.parametrize("text", ["财预2011285号", "〔2011〕285号", "财预〔11〕285号", "财预〔2011〕285"])
def test_number_key_refuses_what_is_not_a_whole_number(text):
    assert number_key(text) is None


@pytest.mark.parametrize("text, problem", [
    (entry(status="superseded"), "superseded_by goes with"),
    (entry(extra='superseded_by = "财预〔2020〕10号"'), "superseded_by goes with"),
    (entry(status="superseded", extra='superseded_by = "财预〔2020〕10号"'), "which has no entry"),
    (entry(status="repealed"), "status must be"),
    (entry(number="财预2011年285号"), "not a 文号"),
    (entry().replace('issuer = "财政部"\n', ""), "lacks issuer"),
    (entry(status="superseded", extra='superseded_by = "财预〔2020〕10号"')
     + entry(status="superseded", extra='superseded_by = "财预〔2011〕285号"', number="财预〔2020〕10号"), "cycle"),
])
def test_a_bad_entry_is_refused_by_name(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_table(text)
