<#
.SYNOPSIS
  Install Svyazka silently for the current user into a folder whose path has Cyrillic and spaces, and check it.

.DESCRIPTION
  The Windows test job runs this after build_installer.ps1 (issue: "Cyrillic and spaces in the install path";
  per-user installs live under C:\Users\Имя\...). It installs dist\installer\Svyazka-*-setup.exe with
  /VERYSILENT /CURRENTUSER into "%LOCALAPPDATA%\Мои программы\Связка Svyazka", then runs the installed CLI:
  --self-check with the GUI part on (Qt plugins and the Russian translations load from that path) and
  --demo status --json redirected into a file, which must read back as UTF-8 JSON. Run it with pwsh (PowerShell 7
  reads this file as UTF-8).
#>
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")

function Fail([string]$Message) {
  Write-Host "INSTALL CHECK FAILED: $Message"
  exit 1
}

$Setup = Get-ChildItem (Join-Path $Root "dist\installer") -Filter "Svyazka-*-setup.exe" | Select-Object -First 1
if (-not $Setup) { Fail "no dist\installer\Svyazka-*-setup.exe: run build_installer.ps1 first" }
$Target = Join-Path $env:LOCALAPPDATA "Мои программы\Связка Svyazka"
$Log = Join-Path $env:RUNNER_TEMP "svyazka-install.log"
$Process = Start-Process -FilePath $Setup.FullName -Wait -PassThru -ArgumentList @(
  "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/DIR=`"$Target`"", "/LOG=`"$Log`""
)
if ($Process.ExitCode -ne 0) { Fail "the installer exited with $($Process.ExitCode) (log: $Log)" }
$Cli = Join-Path $Target "svyazka-cli.exe"
if (-not (Test-Path $Cli)) { Fail "svyazka-cli.exe is not in $Target" }

$env:QT_QPA_PLATFORM = "offscreen"
$env:SVYAZKA_SELF_CHECK_GUI = "1"
$env:SVYAZKA_DATA_DIR = Join-Path $env:RUNNER_TEMP "данные Связки"
& $Cli --self-check
if ($LASTEXITCODE -ne 0) { Fail "--self-check from $Target exited with $LASTEXITCODE" }

# cmd's redirection writes the program's bytes as they are: the file must be UTF-8 whatever the code page
$Out = Join-Path $env:RUNNER_TEMP "status.json"
cmd /c "`"$Cli`" --demo status --json > `"$Out`""
if ($LASTEXITCODE -ne 0) { Fail "--demo status --json exited with $LASTEXITCODE" }
$Text = [System.IO.File]::ReadAllText($Out, (New-Object System.Text.UTF8Encoding($false, $true)))
$Status = $Text | ConvertFrom-Json
if ($Status.profile -ne "Демо-магазин") { Fail "the JSON did not read back as UTF-8: $Text" }
Write-Host "INSTALL CHECK OK: $Target"
