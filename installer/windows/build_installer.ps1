<#
.SYNOPSIS
  Build the Svyazka Windows installer (Inno Setup 6) from the one-folder app in dist\Svyazka.

.DESCRIPTION
  Run `python build_scripts\build.py` first. This script reads the version from app\__init__.py (or takes
  -Version), finds ISCC.exe (PATH, then the usual install folders; with -InstallInnoSetup it installs
  Inno Setup through Chocolatey when missing) and compiles installer\windows\svyazka.iss.
  Output: dist\installer\Svyazka-<version>-setup.exe

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\windows\build_installer.ps1
  powershell -ExecutionPolicy Bypass -File installer\windows\build_installer.ps1 -InstallInnoSetup
#>
[CmdletBinding()]
param(
  [string]$Version = "",
  [string]$BuildDir = "",
  [switch]$InstallInnoSetup
)

$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
$Script = Join-Path $PSScriptRoot "svyazka.iss"

function Fail([string]$Message) {
  Write-Host "INSTALLER FAILED: $Message"
  exit 1
}

function Get-AppVersion {
  $init = Get-Content -Raw -Encoding UTF8 (Join-Path $Root "app\__init__.py")
  $match = [regex]::Match($init, '(?m)^__version__\s*=\s*["'']([^"'']+)["'']')
  if (-not $match.Success) { Fail "app\__init__.py has no __version__ line" }
  return $match.Groups[1].Value
}

function Get-NumericVersion([string]$Text) {
  # "1.2.3rc1" -> "1.2.3": Windows version resources take up to four plain numbers.
  $numbers = @()
  foreach ($part in $Text.Split(".")) {
    $digits = [regex]::Match($part, '^\d+')
    if (-not $digits.Success) { break }
    $numbers += $digits.Value
    if ($numbers.Count -eq 4) { break }
  }
  if ($numbers.Count -eq 0) { return "0.0.0" }
  return ($numbers -join ".")
}

function Find-Iscc {
  $command = Get-Command "iscc.exe" -ErrorAction SilentlyContinue
  if ($command) { return $command.Source }
  $candidates = @(
    (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
    (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
    (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
  )
  foreach ($candidate in $candidates) {
    if ($candidate -and (Test-Path $candidate)) { return $candidate }
  }
  return $null
}

if (-not $Version) { $Version = Get-AppVersion }
$NumericVersion = Get-NumericVersion $Version
if (-not $BuildDir) { $BuildDir = Join-Path $Root "dist\Svyazka" }
if (-not (Test-Path (Join-Path $BuildDir "Svyazka.exe"))) {
  Fail "$BuildDir\Svyazka.exe not found; run 'python build_scripts\build.py' first"
}

$iscc = Find-Iscc
if (-not $iscc -and $InstallInnoSetup) {
  if (-not (Get-Command "choco" -ErrorAction SilentlyContinue)) { Fail "Inno Setup is missing and Chocolatey is not available to install it" }
  Write-Host "Installing Inno Setup with Chocolatey..."
  choco install innosetup --yes --no-progress | Out-Host
  if ($LASTEXITCODE -ne 0) { Fail "choco install innosetup failed (exit code $LASTEXITCODE)" }
  $iscc = Find-Iscc
}
if (-not $iscc) { Fail "ISCC.exe (Inno Setup 6) not found; install it from https://jrsoftware.org/isdl.php or pass -InstallInnoSetup" }

Write-Host "Building the installer for Svyazka $Version with $iscc"
& $iscc "/DAppVersion=$Version" "/DNumericVersion=$NumericVersion" "/DBuildDir=$BuildDir" $Script
if ($LASTEXITCODE -ne 0) { Fail "ISCC failed (exit code $LASTEXITCODE)" }

$output = Join-Path $Root "dist\installer\Svyazka-$Version-setup.exe"
if (-not (Test-Path $output)) { Fail "ISCC finished but $output is missing" }
$sizeMb = [math]::Round((Get-Item $output).Length / 1MB, 1)
Write-Host "INSTALLER OK: $output ($sizeMb MB)"
