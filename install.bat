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
"%PY%" "%~dp0xladdin\excel\windows_setup.py" bootstrap --source "%~dp0."
if errorlevel 1 (
  echo.
  echo 安装未完成。请把本窗口中的信息截图发给技术支持；常见问题见 README.md“Windows 故障排除”。
  pause
  exit /b 1
)
echo.
echo 检查安装结果（pe-eval doctor）：
rem Same home as windows_setup.home_dir: under LOCALAPPDATA, or under SystemDrive for non-ASCII user names.
set "PE_HOME=%LOCALAPPDATA%\pe-eval"
if not exist "%PE_HOME%\venv\Scripts\pe-eval.exe" set "PE_HOME=%SystemDrive%\pe-eval"
"%PE_HOME%\venv\Scripts\pe-eval.exe" doctor --out "%~dp0pe-eval诊断.txt"
if errorlevel 1 (
  echo.
  echo 安装已完成，但诊断发现问题：请按上面“处理：”的说明操作，或把诊断文件发给技术支持。
)
echo.
pause
exit /b 0
