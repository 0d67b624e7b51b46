@echo off
rem Finds a python.org Python 3.10-3.13 and sets PY to its full path (empty if none).
rem The Microsoft Store build (a WindowsApps alias) is refused: it cannot host the xlwings COM server.
set "PY="
for %%V in (3.13 3.12 3.11 3.10) do (
  if not defined PY (
    for /f "delims=" %%P in ('py -%%V -c "import sys; print(sys.executable)" 2^>nul') do (
      echo %%P| findstr /i "\\WindowsApps\\" >nul || set "PY=%%P"
    )
  )
)
if not defined PY (
  for /f "delims=" %%P in ('where python 2^>nul') do (
    if not defined PY (
      echo %%P| findstr /i "\\WindowsApps\\" >nul || (
        "%%P" -c "import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1 && set "PY=%%P"
      )
    )
  )
)
exit /b 0
