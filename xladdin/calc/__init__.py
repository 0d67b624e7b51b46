"""Live ``PE_`` cells in LibreOffice Calc: a Basic module in the user's *My Macros › Standard* whose
functions carry the Excel names and call a Python UNO component shipped in an ``.oxt`` extension.

Why this shape (see issue 23): Basic functions in *Standard* are the only LibreOffice functions that an
``.xlsx`` written by Excel or openpyxl resolves by their plain names (``PE_SCORE(``), recalculates and
saves back unchanged; the component calls ``scoring.cells`` exactly like the xlwings UDFs.

Modules:
    ``basic``      the Basic module's text, generated from ``xladdin.functions.FUNCTIONS``
    ``dispatch``   LibreOffice values → what xlwings hands over, and the call into ``scoring.cells``
    ``component``  the UNO component (runs inside LibreOffice's Python; imports ``uno``)
    ``extension``  builds the ``.oxt`` (description, manifest, type library, ``pythonpath/``)
    ``profile``    where LibreOffice and its user profile are; the Basic module in the profile's files
    ``programs``   LibreOffice's programs run the right way (environment, user), and ``OfficeSession``
    ``office``     a headless LibreOffice driven over a UNO pipe, as a script run by LibreOffice's Python
    ``install``    install / uninstall: ``unopkg`` and the Basic module
    ``status``     what is installed, and a test formula computed in a headless LibreOffice
    ``command``    ``pe-eval calc install | uninstall | status``; ``status_lines`` and ``doctor_check`` for doctor
    ``XFunctions.idl`` / ``XFunctions.rdb``  the component's UNO interface and its committed type library

May import: the standard library, ``scoring`` public names and ``scoring.cells``, ``xladdin.functions``;
nothing else of ``xladdin``. ``component`` (with ``dispatch``) and ``office`` run under LibreOffice's Python,
where only the standard library, ``uno`` and (for ``component``) the extension's ``pythonpath/`` exist; this
file therefore imports nothing.
"""
from __future__ import annotations

EXTENSION_ID = "org.peeval.calc"  # description.xml identifier; what `unopkg remove` takes
SERVICE = "org.peeval.calc.Functions"  # what the Basic module creates (CreateUnoService)
IMPLEMENTATION = "org.peeval.calc.PeFunctions"
INTERFACE = "org.peeval.calc.XFunctions"  # XFunctions.idl → XFunctions.rdb (committed)
BASIC_MODULE = "PeEvalFunctions"  # the module's name in My Macros › Standard
OXT_NAME = "pe-eval-calc.oxt"
COMPONENT_FILE = "pe_eval_calc.py"  # the component's file at the root of the .oxt
MISSING_CORE = "pe-eval 扩展未安装或不完整：请运行 pe-eval calc install 后重新打开工作簿"
