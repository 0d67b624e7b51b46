"""The Python UNO component behind the Basic module: ``SERVICE`` with the interface ``XFunctions``
(``XFunctions.idl``; its type library ``XFunctions.rdb`` is registered by the extension).

Runs inside LibreOffice's Python, loaded through the ``.oxt``'s root file (``COMPONENT_FILE``), which puts
the extension's ``pythonpath/`` first on ``sys.path``. Importing it imports only ``uno``, ``unohelper``,
``xladdin.functions`` and ``dispatch``; the scoring core is imported on the first worksheet call.
"""
from __future__ import annotations

import platform
from collections.abc import Sequence

import unohelper
from org.peeval.calc import XFunctions

from . import IMPLEMENTATION, SERVICE, dispatch

VERSION = "未知"  # the .oxt's root file sets the extension's version here


class Functions(unohelper.Base, XFunctions):
    """``compute(name, arguments)`` for the Basic module; ``about()`` for ``pe-eval calc status``."""

    def __init__(self, ctx: object) -> None:
        self.ctx = ctx

    def compute(self, name: str, arguments: Sequence[object]) -> float | str:
        return dispatch.compute(name, arguments)

    def about(self) -> str:
        core = "可用" if dispatch.core() is not None else f"不可用（{dispatch.core_problem()}）"
        return f"pe-eval 扩展 {VERSION}；Python {platform.python_version()}；计分核心{core}"


def create_instance(ctx: object) -> Functions:
    return Functions(ctx)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(create_instance, IMPLEMENTATION, (SERVICE,))
