; Inno Setup script: the per-user Windows installer of 职称申报材料助手.
;
; Built by scripts/build_installer.py (which passes the version from pyproject.toml, the payload folder
; and the icon it draws); by hand on Windows:
;   python scripts\build_installer.py            (after the PyInstaller build: dist\zhicheng\)
;
; What it does to the computer (README “下载与安装”):
; - copies the one-folder build to %LOCALAPPDATA%\Programs\zhicheng (no administrator rights, nothing
;   outside the user's own profile), with zhicheng.exe (the window) and zhicheng-cli.exe side by side;
; - a Start-menu entry and, if chosen, a desktop shortcut, both named 职称申报材料助手;
; - an entry under Settings → Apps for uninstalling.
; It never touches the data folder (%LOCALAPPDATA%\zhicheng) or any backup: upgrading replaces the
; program folder only, and the uninstaller removes only what this installer put there.

#ifndef AppVersion
  #error Pass the version: /DAppVersion=... (scripts/build_installer.py reads it from pyproject.toml)
#endif
#ifndef NumericVersion
  #error Pass the four-part version: /DNumericVersion=a.b.c.d
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\zhicheng"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\installer\app.ico"
#endif
#ifdef WizardSmallImage
  #define WizardSmallSetting "WizardSmallImageFile=" + WizardSmallImage
#else
  #define WizardSmallSetting ""
#endif
#ifdef WizardImage
  #define WizardImageSetting "WizardImageFile=" + WizardImage
#else
  #define WizardImageSetting ""
#endif
#ifndef Compression
  #define Compression "lzma2/max"
#endif
#define AppName "职称申报材料助手"
#define AppExe "zhicheng.exe"

[Setup]
; The AppId ties every version together: an upgrade finds the earlier install and its folder. Never change it.
AppId={{A9143AA2-0D2F-4CA8-946F-E66C79A9E352}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#NumericVersion}
VersionInfoProductVersion={#NumericVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoTextVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
VersionInfoProductName={#AppName}
; Per user, without administrator rights: the user's own programs folder, HKCU, the user's Start menu.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\zhicheng
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; Qt 6 runs on 64-bit Windows 10 and later only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=zhicheng-setup-{#AppVersion}
SetupIconFile={#IconFile}
{#WizardSmallSetting}
{#WizardImageSetting}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression={#Compression}
SolidCompression=yes
WizardStyle=modern
; The welcome page says what the installer changes and that the data is kept.
DisableWelcomePage=no
ShowLanguageDialog=no
; Closes a running copy (Restart Manager) instead of failing on files in use.
CloseApplications=yes
SetupLogging=yes

[Languages]
Name: "zh"; MessagesFile: "compiler:Default.isl,ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade starts from a clean bundle: libraries of the older version must not be loaded by the newer one.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "昆明市职称评审申报材料的填写、检查、打印和备份"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
