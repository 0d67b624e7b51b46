"""An argparse parser that speaks Chinese: usage line, help headings and every error message.

argparse looks its English strings up through the module's ``_`` and ``ngettext`` at the moment it uses
them; ``ChineseParser`` swaps in a catalogue for the duration of each of its own calls, so every parser
and sub-parser built from it is Chinese without patching each one, and other parsers stay untouched.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, Sequence

_CATALOGUE = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须提供以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "此选项不带值，多余的值 %r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要%s个值",
    "expected %s arguments": "需要%s个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
    "%(prog)s: error: %(message)s\n": "错误：%(message)s（%(prog)s -h 显示用法）\n",
}


def translate(message: str) -> str:
    """The Chinese for one of argparse's messages; any other text unchanged."""
    return _CATALOGUE.get(message, message)


def _plural(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


@contextmanager
def _chinese() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translate, _plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _in_chinese(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with _chinese():
            return method(*args, **kwargs)

    wrapped.__doc__ = method.__doc__
    return wrapped


class ChineseParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose usage, help and errors are Chinese (sub-parsers inherit the class)."""

    __init__ = _in_chinese(argparse.ArgumentParser.__init__)
    format_usage = _in_chinese(argparse.ArgumentParser.format_usage)
    format_help = _in_chinese(argparse.ArgumentParser.format_help)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        with _chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        with _chinese():
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        with _chinese():
            self.print_usage(sys.stderr)
            self.exit(2, translate("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})
