"""``pe-eval calc install | uninstall | status [--profile DIR] [--shared]`` and the line for ``pe-eval doctor``.

The CLI wires ``add_parser(subparsers)``; the parsed arguments carry ``func=run``. Every failure is a
Chinese message on stderr with exit status 2, never a traceback; ``status`` exits 1 when something is
missing or the test formula does not compute.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scoring import UserError

from . import install, programs, status
from .profile import default_profile, profile_dir

OK, WARN, FAIL, ABSENT = "✓", "!", "✗", "○"
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
HELP = "在 LibreOffice Calc 中实时计算 PE_ 公式：安装、卸载或检查 pe-eval 扩展和 Basic 模块"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``calc`` with its three actions, on the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser("calc", help=HELP, description=HELP)
    parser.add_argument("action", choices=("install", "uninstall", "status"),
                        help="install 安装（重复运行即更新）；uninstall 卸载；status 检查安装并计算一个测试公式")
    parser.add_argument("--profile", metavar="DIR",
                        help=f"LibreOffice 用户配置文件夹（默认 {default_profile()}；"
                             "即启动参数 -env:UserInstallation 所指的文件夹）")
    parser.add_argument("--shared", action="store_true",
                        help="扩展为本机所有用户安装（unopkg --shared，需要管理员权限；以 root 运行时自动使用）；"
                             "Basic 模块仍写入 --profile 指定的配置")
    parser.set_defaults(func=run)
    return parser


def _say(text: str) -> None:
    print(text, flush=True)


def status_lines(profile: str | Path | None = None, run_probe: bool = True) -> list[str]:
    """``status`` as text lines (``✓ …`` / ``! …`` / ``✗ …``, each fix indented below)."""
    lines = []
    for line in status.status(profile_dir(profile), run_probe=run_probe):
        lines.append(f"{line.status} {line.text}")
        if line.fix:
            lines.append(f"    处理：{line.fix}")
    return lines


def doctor_check(profile: str | Path | None = None, run_probe: bool = False) -> tuple[str, str, str]:
    """One step for ``pe-eval doctor``: (✓/!/✗/○, what was found, the fix or ""). Never raises.

    LibreOffice not installed is "○": live cells in LibreOffice are optional. ``run_probe`` also computes a test
    formula in a headless LibreOffice (a few seconds; ``pe-eval doctor --calc``)."""
    try:
        found = status.status(profile_dir(profile), run_probe=run_probe)
    except Exception as exc:  # noqa: BLE001 - a diagnosis reports, it does not fail
        return FAIL, f"检查时出错（{type(exc).__name__}：{exc}）", "请把诊断文件发给技术支持。"
    if programs.located() is None:
        return ABSENT, "未找到 LibreOffice（只在 Excel 中使用时不需要）", ""
    missing = [line for line in found if line.text.startswith((status.EXTENSION_MISSING, status.MODULE_MISSING))]
    if len(missing) == 2 and all(line.status != FAIL for line in found if line not in missing):
        return ABSENT, "LibreOffice 已安装，未安装 pe-eval 扩展（只在 Excel 中使用时不需要；需要时运行 pe-eval calc install）", ""
    worst = FAIL if any(line.status == FAIL for line in found) else WARN if any(
        line.status == WARN for line in found) else OK
    detail = "；".join(line.text for line in found)
    fix = "；".join(dict.fromkeys(line.fix for line in found if line.fix))
    return worst, detail, fix


def run(args: argparse.Namespace) -> int:
    """The action; 0 done (status: nothing ✗), 1 status found something missing or not computing, 2 it failed."""
    try:
        profile = profile_dir(args.profile)
        if args.action == "install":
            install.install(profile, shared=args.shared, say=_say)
            return 0
        if args.action == "uninstall":
            install.uninstall(profile, shared=args.shared, say=_say)
            return 0
        lines = status.status(profile)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a defect of ours: a message, never a traceback
        print(f"错误：程序内部错误（{type(exc).__name__}：{str(exc)[:200]}）。请将此信息告知维护人员", file=sys.stderr)
        return EXIT_USAGE
    for line in lines:
        _say(f"{line.status} {line.text}")
        if line.fix:
            _say(f"    处理：{line.fix}")
    return EXIT_PROBLEMS if any(line.status == FAIL for line in lines) else 0
