@echo off
rem Windows installer: see README (Windows section). Full implementation tracked in the Windows delivery issue.
echo 安装程序尚未完成，请参阅 README.md。
exit /b 1
