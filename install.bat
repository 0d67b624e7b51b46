@echo off
chcp 65001 >nul
setlocal EnableExtensions
rem pe-eval installer for Windows: double-click. Safe to run again (idempotent).
call "%~dp0tools\find_python.cmd"
if not defined PY (
  echo.
  echo 未找到可用的 Python（需要 3.10 至 3.13，python.org 版本）。
  echo 请从 https://www.python.org/downloads/windows/ 下载 64 位 Python 3.12 安装程序，
  echo 安装时勾选“Add python.exe to PATH”，然后重新双击 install.bat。
  echo 不要使用 Microsoft Store 中的 Python。
  echo.
  pause
  exit /b 1
)
echo 使用 Python：%PY%
"%PY%" "%~dp0xladdin\windows_setup.py" bootstrap --source "%~dp0."
if errorlevel 1 (
  echo.
  echo 安装未完成。请把本窗口中的信息截图发给技术支持；常见问题见 README.md“Windows 故障排除”。
  pause
  exit /b 1
)
echo.
pause
exit /b 0
