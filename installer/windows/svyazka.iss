; Inno Setup 6 script for the Svyazka Windows installer.
; Saved as UTF-8 *with a BOM*: that is how ISCC knows to read the Russian messages as UTF-8, not ANSI.
;
; Build it with build_installer.ps1 (which passes the version), after `python build_scripts/build.py`:
;   powershell -ExecutionPolicy Bypass -File installer\windows\build_installer.ps1
; or by hand:
;   iscc /DAppVersion=0.1.0 installer\windows\svyazka.iss
; Output: dist\installer\Svyazka-<version>-setup.exe
;
; User data (database, logs, settings) is NOT in {app}: the app keeps it in the per-user platformdirs folder
; %LOCALAPPDATA%\Svyazka\Svyazka. Upgrades (same AppId) install over {app} and never touch it; uninstall
; keeps it unless the user agrees to remove it (see [Code]). API keys are in Windows Credential Manager.

#ifndef AppVersion
  #error AppVersion is not defined. Build with build_installer.ps1, or pass /DAppVersion=x.y.z to iscc.
#endif
#ifndef NumericVersion
  ; VersionInfoVersion accepts only up to four numbers; build_installer.ps1 passes the numeric part.
  #define NumericVersion AppVersion
#endif
#ifndef BuildDir
  ; The one-folder app from build_scripts/build.py, relative to this script's folder.
  #define BuildDir "..\..\dist\Svyazka"
#endif

#define AppName "Svyazka"
#define AppExeName "Svyazka.exe"
#define AppPublisher "Svyazka"
; The folder the app keeps its data in, under %LOCALAPPDATA% (platformdirs: <author>\<app>).
#define UserDataFolder "Svyazka"

[Setup]
; The AppId identifies the app to Windows and to later installers: it must NEVER change, or upgrades would
; install side by side instead of in place. ("{{" is how a literal "{" is written in Inno Setup.)
AppId={{383F6A21-626D-4946-B2AB-C8823F79190E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#NumericVersion}
VersionInfoProductName={#AppName}
; {autopf} is "Program Files" for an all-users install and %LOCALAPPDATA%\Programs for a per-user one.
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Install for the current user without asking for admin rights; the dialog still offers "all users".
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; The bundle is 64-bit only (PySide6 ships no 32-bit Windows wheels).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 or later.
MinVersion=10.0
WizardStyle=modern
; Offer to close a running Svyazka (via the Restart Manager) before its files are replaced.
CloseApplications=yes
SetupIconFile=..\..\app\resources\icons\svyazka.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist\installer
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
; Show the language dialog only when the system language is neither of ours.
ShowLanguageDialog=auto

[Languages]
; Russian first: it is the default when Windows' UI language doesn't match either entry.
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
russian.RemoveUserDataPrompt=Удалить также данные Связки (базу, журнал и настройки) из папки%n%1?%n%nВыберите «Нет», если собираетесь установить Связку снова: всё сохранится. Ключи API хранятся отдельно, в диспетчере учётных данных Windows.
english.RemoveUserDataPrompt=Also delete Svyazka's data (database, log and settings) from%n%1?%n%nChoose "No" if you plan to install Svyazka again: everything will be kept. API keys are stored separately, in Windows Credential Manager.
russian.RemoveUserDataFailed=Не удалось удалить все файлы из папки %1. Удалите её вручную.
english.RemoveUserDataFailed=Some files in %1 could not be deleted. Please delete the folder yourself.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundled libraries as a whole, so files a newer build no longer has cannot linger
; and be loaded by mistake. Only the app's own folder: user data lives elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; {autoprograms}/{autodesktop} follow the install mode: the user's own Start menu/desktop, or everyone's.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent

[Code]
// Uninstall keeps the user's data by default. After the program files are gone, ask (default button: No)
// whether to delete the data folder too. A silent uninstall never deletes it.

// {localappdata} is the account running the uninstaller: the user's own for a per-user install. For an
// all-users install started elevated from another account it is that account's, so nothing of the
// original user's is touched; their data stays, which is the safe direction.
function UserDataDir: String;
begin
  Result := ExpandConstant('{localappdata}\{#UserDataFolder}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := UserDataDir;
  if UninstallSilent or not DirExists(DataDir) then
    Exit;
  if MsgBox(FmtMessage(CustomMessage('RemoveUserDataPrompt'), [DataDir]),
            mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    if not DelTree(DataDir, True, True, True) then
      MsgBox(FmtMessage(CustomMessage('RemoveUserDataFailed'), [DataDir]), mbError, MB_OK);
  end;
end;
