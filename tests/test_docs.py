"""The complete example in docs/ruleset-format.md is a valid ruleset."""
import re
import tomllib
from decimal import Decimal
from pathlib import Path

from scoring.rules.ruleset import parse_ruleset

DOC = Path(__file__).resolve().parents[1] / "docs" / "ruleset-format.md"


def test_documented_example_is_valid():
    example = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[-1]
    ruleset = parse_ruleset(tomllib.loads(example, parse_float=Decimal), "docs")
    assert [i.code for i in ruleset.indicators] == ["A11", "A12", "A13"]
