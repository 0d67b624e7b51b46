"""Report charts: optional matplotlib, and Chinese fonts found and registered independently of its cache."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from xladdin.cli import main
from xladdin.report import build_report, charts, fonts
from xladdin.report.fonts import FONT_ENV, cjk_font_files, folder_fonts, font_folders, rank_fontconfig

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def fresh_font_lookup(monkeypatch):
    """No configured font from the host, and the per-process font lookup redone in each test."""
    monkeypatch.delenv(FONT_ENV, raising=False)
    charts.cjk_font.cache_clear()
    yield
    charts.cjk_font.cache_clear()


@pytest.fixture
def no_matplotlib(monkeypatch):
    """matplotlib not installed (``pip install .`` without the charts extra)."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def drawings(path: Path) -> int:
    return sum(bool(p._p.xpath(".//w:drawing")) for p in Document(path).paragraphs)


def texts(path: Path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def machine_cjk_font() -> Path:
    found = next(cjk_font_files(environ={}), None)
    if found is None:
        pytest.skip("no Chinese font file on this machine (Debian: apt-get install fonts-noto-cjk)")
    return found


def test_report_without_matplotlib_has_no_charts_and_says_how_to_get_them(no_matplotlib, seed_assessment, tmp_path):
    out = tmp_path / "报告.docx"
    result = build_report(seed_assessment, out)
    assert out.exists() and drawings(out) == 0
    assert "图1" not in texts(out) and "（三）指标得分分析" in texts(out)
    (finding,) = [f for f in result.findings if f.code.startswith("RPT-CHART")]
    assert (finding.severity, finding.code) == ("warning", "RPT-CHARTS")
    assert 'pip install "pe-eval[charts]"' in finding.message


def test_demo_without_matplotlib_succeeds(no_matplotlib, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("xladdin.files.pdf_convert.find_converter", lambda: None)
    assert main(["demo", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "matplotlib" not in err
    (report,) = tmp_path.glob("xundian-2024-sample*.docx")
    assert drawings(report) == 0


def test_report_with_matplotlib_has_both_charts(seed_assessment, tmp_path):
    machine_cjk_font()
    result = build_report(seed_assessment, tmp_path / "报告.docx")
    assert drawings(result.docx_path) == 2
    assert not [f for f in result.findings if f.code.startswith("RPT-CHART")]


def test_lookup_order_configured_then_fontconfig_then_known_files_in_folders(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b" / "sub"
    second.mkdir(parents=True)
    first.mkdir()
    for path in (first / "simsun.ttc", first / "unknown.ttf", first / "readme.txt", second / "MSYH.TTC"):
        path.write_bytes(b"")
    configured = tmp_path / "我的字体.otf"
    configured.write_bytes(b"")
    from_fc = Path("/fc/font.ttc")
    found = list(cjk_font_files({FONT_ENV: f' "{configured}" '}, lambda: [from_fc], [first, tmp_path / "b"]))
    assert found == [configured, from_fc, second / "MSYH.TTC", first / "simsun.ttc"]


def test_lookup_is_lazy_and_ignores_unusable_settings(tmp_path):
    configured = tmp_path / "font.ttf"
    configured.write_bytes(b"")

    def fontconfig():
        raise AssertionError("fc-list run although the configured font came first")

    assert next(cjk_font_files({FONT_ENV: str(configured)}, fontconfig, [])) == configured
    (tmp_path / "font.txt").write_bytes(b"")
    for setting in ("", str(tmp_path / "missing.ttf"), str(tmp_path / "font.txt"), str(tmp_path)):
        assert list(cjk_font_files({FONT_ENV: setting}, lambda: [], [])) == []


def test_fontconfig_listing_ranked_by_family_then_regular_weight():
    listing = "\n".join([
        "Some Font\t80\t/x/some.ttf",
        "Noto Sans CJK JP,Noto Sans CJK SC\t200\t/x/NotoSansCJK-Bold.ttc",
        "Noto Sans CJK SC\t80\t/x/NotoSansCJK-Regular.ttc",
        "Noto Sans CJK JP\t80\t/x/NotoSansCJK-Regular.ttc",
        "AR PL UMing CN\t50\t/x/uming.ttc",
        "Variable\t[0 210]\t/x/var.ttf",
        "Bitmap\t80\t/x/font.pcf.gz",
        "garbage",
    ])
    assert rank_fontconfig(listing) == [Path(p) for p in (
        "/x/NotoSansCJK-Regular.ttc", "/x/NotoSansCJK-Bold.ttc", "/x/uming.ttc", "/x/some.ttf", "/x/var.ttf")]


def test_font_folders_per_platform():
    home = Path.home()
    windows = font_folders({"WINDIR": r"D:\Win", "LOCALAPPDATA": r"C:\Users\张三\AppData\Local"}, "win32")
    assert windows == [Path(r"D:\Win") / "Fonts", Path(r"C:\Users\张三\AppData\Local") / "Microsoft" / "Windows" / "Fonts"]
    assert font_folders({}, "win32") == [Path(r"C:\Windows") / "Fonts"]
    assert Path("/System/Library/Fonts") in font_folders({}, "darwin")
    assert {Path("/usr/share/fonts"), home / ".fonts", home / ".local" / "share" / "fonts"} <= set(font_folders({}, "linux"))


def test_known_file_names_best_first(tmp_path):
    for name in ("simkai.ttf", "simhei.ttf", "simsun.ttc"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in folder_fonts([tmp_path, tmp_path / "missing"])] == ["simhei.ttf", "simsun.ttc", "simkai.ttf"]


def test_configured_font_is_registered_and_used(monkeypatch):
    machine_cjk_font()
    chosen = list(cjk_font_files(environ={}))[-1]  # not the one chosen by default
    monkeypatch.setenv(FONT_ENV, str(chosen))
    font = charts.cjk_font()
    assert font is not None and font.path == chosen
    from matplotlib import font_manager

    assert font_manager.findfont(font_manager.FontProperties(family=font.family), fallback_to_default=False) == str(chosen)


def test_unusable_configured_font_is_reported(monkeypatch, seed_assessment, tmp_path):
    bad = tmp_path / "坏字体.ttf"
    bad.write_text("not a font")
    monkeypatch.setenv(FONT_ENV, str(bad))
    monkeypatch.setattr(charts, "cjk_font_files", lambda: fonts.cjk_font_files(fontconfig=list, folders=[]))
    result = build_report(seed_assessment, tmp_path / "报告.docx")
    found = {(f.severity, f.code): f.message for f in result.findings if f.code.startswith("RPT-CHART")}
    assert str(bad) in found["warning", "RPT-CHART-FONT"]
    assert "apt-get install fonts-noto-cjk" in found["info", "RPT-CHART-FONT"]
    assert FONT_ENV in found["info", "RPT-CHART-FONT"]
    assert drawings(result.docx_path) == 2


STALE_CACHE = """
from pathlib import Path
import matplotlib
from matplotlib import font_manager as fm
bundled = Path(matplotlib.get_data_path())
fm.fontManager.ttflist = [e for e in fm.fontManager.ttflist if Path(e.fname).is_relative_to(bundled)]
fm.json_dump(fm.fontManager, Path(matplotlib.get_cachedir()) / f"fontlist-v{fm.FontManager.__version__}.json")
"""

CHART_WITH_STALE_CACHE = """
import json, warnings
from matplotlib import font_manager as fm
from scoring import assess, load_ruleset, sample_evaluation
from xladdin.report import charts
before = {e.name for e in fm.fontManager.ttflist}
font = charts.cjk_font()
evaluation = sample_evaluation()
assessment = assess(evaluation, load_ruleset(evaluation.ruleset))
with warnings.catch_warnings():
    warnings.simplefilter("error")  # a missing glyph warns
    charts.score_chart(assessment.ruleset, assessment.scorecard)
found = fm.findfont(fm.FontProperties(family=font.family), fallback_to_default=False)
print(json.dumps({"stale": font.family not in before, "family": font.family, "file": str(found)}))
"""


def test_chinese_labels_despite_a_stale_matplotlib_font_cache(tmp_path):
    machine_cjk_font()
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    env.pop(FONT_ENV, None)
    run = {"capture_output": True, "text": True, "check": True, "cwd": ROOT, "env": env}
    subprocess.run([sys.executable, "-c", STALE_CACHE], **run)
    result = json.loads(subprocess.run([sys.executable, "-c", CHART_WITH_STALE_CACHE], **run).stdout)
    assert result["stale"], "the cache still listed the Chinese font: the test did not make it stale"
    assert Path(result["file"]) == next(cjk_font_files(environ={}))
