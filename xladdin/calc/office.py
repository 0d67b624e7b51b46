"""A headless LibreOffice on one user profile, driven over a UNO pipe, answering JSON commands.

Runs under LibreOffice's Python (the one that has ``uno``: the system ``python3`` on Debian, ``program/python``
in LibreOffice's own builds), never under pe-eval's; it imports only the standard library and ``uno``.
``python -I office.py SOFFICE PROFILE`` starts SOFFICE on PROFILE (in this process's group, so the
caller can end both at once), then reads one JSON command per line on stdin and writes one JSON answer per
line: ``{"ok": true, "result": …}`` or ``{"ok": false, "error": …}``; the first answer, ``"ready"``, comes
once soffice accepts the pipe.

    {"op": "new"} / {"op": "open", "path": P}            → a document id
    {"op": "calculate", "doc": D}                         → seconds taken by calculateAll()
    {"op": "set", "doc": D, "cell": "Sheet!B4", "value": V, "formula": bool}
    {"op": "cells", "doc": D, "cells": [...]}             → {cell: value}; errors as "#ERR<code>"
    {"op": "formulas", "doc": D, "contains": "PE_"}       → {cell: [formula, value]} of matching formula cells
    {"op": "errors", "doc": D}                            → cells whose formula gives an error
    {"op": "save", "doc": D, "path": P, "filter": F} / {"op": "close", "doc": D}
    {"op": "quit"}

The pe-eval side (``install``, the tests, the benchmark) talks to it through ``OfficeSession`` in ``install``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

START_TIMEOUT = 90  # seconds for soffice to accept the pipe (a first start builds the profile)
ERROR_RESULT = 4  # com.sun.star.sheet.FormulaResult.ERROR


def _environment() -> dict[str, str]:
    """soffice's environment with this Python first on PATH (see ``profile.office_environment``, which the caller
    already applied; repeated here because this file is also run on its own)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONSAFEPATH")}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return env


def _props(**values: object) -> tuple[Any, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class Office:
    """soffice --headless on ``profile`` (the folder given as -env:UserInstallation)."""

    def __init__(self, soffice: str, profile: str) -> None:
        self.pipe = "pe" + uuid.uuid4().hex[:12]
        self.process = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation={uno.systemPathToFileUrl(os.path.abspath(profile))}",
             f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log(),
            env=_environment())
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        started = time.monotonic()
        while True:
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.process.poll() is not None or time.monotonic() - started > START_TIMEOUT:
                    self.kill()
                    raise RuntimeError("LibreOffice 未能启动") from None
                time.sleep(0.1)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        self.docs: dict[int, Any] = {}
        self.opened = 0

    @staticmethod
    def _log() -> Any:
        """soffice's own messages: to the file named by PE_EVAL_SOFFICE_LOG (for debugging), else nowhere."""
        path = os.environ.get("PE_EVAL_SOFFICE_LOG")
        return open(path, "ab") if path else subprocess.DEVNULL  # noqa: SIM115 - inherited by soffice

    def kill(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        self.process.wait()

    def close(self) -> None:
        for doc in self.docs.values():
            try:
                doc.close(True)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        try:
            self.desktop.terminate()
        except Exception:  # noqa: BLE001 - the pipe closes as soffice exits
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    # ── commands ──
    def _doc(self, command: dict[str, Any]) -> Any:
        return self.docs[int(command["doc"])]

    def _add(self, doc: Any) -> int:
        if doc is None:
            raise RuntimeError("文件未能打开")
        self.opened += 1
        self.docs[self.opened] = doc
        return self.opened

    def _cell(self, doc: Any, ref: str) -> Any:
        sheet, address = ref.rsplit("!", 1)
        return doc.Sheets.getByName(sheet.strip("'")).getCellRangeByName(address)

    @staticmethod
    def _shown(cell: Any) -> object:
        if cell.getError():
            return f"#ERR{cell.getError()}"
        if cell.getType().value == "EMPTY":
            return None
        if cell.getType().value == "FORMULA":
            return cell.getValue() if cell.FormulaResultType2 == 1 else cell.getString()
        return cell.getValue() if cell.getType().value == "VALUE" else cell.getString()

    def run(self, command: dict[str, Any]) -> object:
        op = command["op"]
        if op == "new":
            return self._add(self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, _props(Hidden=True)))
        if op == "open":
            url = uno.systemPathToFileUrl(os.path.abspath(command["path"]))
            return self._add(self.desktop.loadComponentFromURL(url, "_blank", 0, _props(Hidden=True)))
        if op == "calculate":
            started = time.perf_counter()
            self._doc(command).calculateAll()
            return time.perf_counter() - started
        if op == "set":
            cell = self._cell(self._doc(command), command["cell"])
            value = command["value"]
            if command.get("formula"):
                cell.setFormula(value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.setValue(value)
            elif value is None:
                cell.setString("")
            else:
                cell.setString(str(value))
            return None
        if op == "cells":
            doc = self._doc(command)
            return {ref: self._shown(self._cell(doc, ref)) for ref in command["cells"]}
        if op == "formulas":
            return self._formulas(self._doc(command), str(command.get("contains", "")))
        if op == "errors":
            return self._errors(self._doc(command))
        if op == "save":
            url = uno.systemPathToFileUrl(os.path.abspath(command["path"]))
            self._doc(command).storeToURL(url, _props(FilterName=command["filter"], Overwrite=True))
            return None
        if op == "close":
            self.docs.pop(int(command["doc"])).close(True)
            return None
        raise ValueError(f"unknown command {op!r}")

    def _formulas(self, doc: Any, contains: str) -> dict[str, list[object]]:
        found: dict[str, list[object]] = {}
        for sheet in doc.Sheets:
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.getRangeAddress()
            area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
            formulas, data = area.getFormulaArray(), area.getDataArray()
            for row, (formula_row, data_row) in enumerate(zip(formulas, data)):
                for column, (formula, value) in enumerate(zip(formula_row, data_row)):
                    if formula.startswith("=") and contains.upper() in formula.upper():
                        ref = f"{sheet.Name}!{column_name(column)}{row + 1}"
                        cell = sheet.getCellByPosition(column, row)
                        found[ref] = [formula, f"#ERR{cell.getError()}" if cell.getError() else value]
        return found

    def _errors(self, doc: Any) -> list[str]:
        refs: list[str] = []
        for sheet in doc.Sheets:
            ranges = sheet.queryFormulaCells(ERROR_RESULT)
            for address in ranges.getRangeAddresses():
                for row in range(address.StartRow, address.EndRow + 1):
                    for column in range(address.StartColumn, address.EndColumn + 1):
                        refs.append(f"{sheet.Name}!{column_name(column)}{row + 1}")
        return refs


def serve(office: Office, lines: Any, out: Any) -> None:
    for line in lines:
        if not line.strip():
            continue
        command = json.loads(line)
        if command.get("op") == "quit":
            break
        try:
            answer: dict[str, object] = {"ok": True, "result": office.run(command)}
        except Exception as exc:  # noqa: BLE001 - the caller decides; this process keeps serving
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


def main(argv: list[str]) -> int:
    soffice, profile = argv
    try:
        office = Office(soffice, profile)
    except Exception as exc:  # noqa: BLE001 - reported to the caller as the first answer
        sys.stdout.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False) + "\n")
        return 1
    sys.stdout.write(json.dumps({"ok": True, "result": "ready"}) + "\n")
    sys.stdout.flush()
    try:
        serve(office, sys.stdin, sys.stdout)
    finally:
        office.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
