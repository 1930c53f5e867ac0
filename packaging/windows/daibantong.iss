; 代办通 station installer for Windows (Inno Setup 6): per-user, no administrator needed.
; Built by .github/workflows/windows.yml from the PyInstaller folder build.spec makes:
;   iscc /DMyAppVersion=0.1.0 /DBundleDir=build\dist\daibantong-0.1.0 packaging\windows\daibantong.iss
; -> build\installer\daibantong-setup-<version>.exe
; The station's data (%LOCALAPPDATA%\daibantong, from platformdirs) is never installed, replaced or removed
; by this script: uninstalling leaves it, and a newer version installs over an older one in place
; (same AppId), closing a running 代办通 first (Restart Manager) so no file is replaced while open.
; Saved as UTF-8 with a BOM: Inno Setup reads the Chinese names correctly only so.

#ifndef MyAppVersion
  #define MyAppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\dist\daibantong-" + MyAppVersion
#endif
#define MyAppName "代办通"
#define MyAppExe "daibantong.exe"

[Setup]
; Never change the AppId: upgrades find the installed version by it.
AppId={{CCF96980-22A0-44BE-9DAE-76D09CB52BB3}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher=代办通
VersionInfoVersion={#MyAppVersion}
; Per-user: {autopf} is %LOCALAPPDATA%\Programs when not elevated; no UAC prompt.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#MyAppName}
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\installer
OutputBaseFilename=daibantong-setup-{#MyAppVersion}
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#MyAppExe}
UninstallDisplayName={#MyAppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=no

[Languages]
; Inno Setup ships the Simplified Chinese messages in some releases only; fall back to English wizard
; texts (the shortcuts and app name stay Chinese) where the runner's Inno Setup lacks them.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "zh"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; GroupDescription: "快捷方式："

[InstallDelete]
; An upgrade replaces the whole program folder: files a newer build no longer has must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; WorkingDir: "{app}"; Comment: "村（居）政务服务代办站"
Name: "{group}\卸载{#MyAppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#MyAppExe}"; Description: "启动{#MyAppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder. The station's data in %LOCALAPPDATA%\daibantong stays for a reinstall.
Type: filesandordirs; Name: "{app}\_internal"
