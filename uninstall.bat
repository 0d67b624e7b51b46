@echo off
chcp 65001 >nul
setlocal EnableExtensions
rem Removes the pe-eval environments and the xlwings add-in. Workbooks in Documents are kept.
call "%~dp0tools\find_python.cmd"
if not defined PY (
  echo 未找到 Python，无法自动卸载。可手动删除 %%LOCALAPPDATA%%\pe-eval 文件夹。
  pause
  exit /b 1
)
"%PY%" "%~dp0xladdin\excel\windows_setup.py" uninstall
pause
exit /b 0
