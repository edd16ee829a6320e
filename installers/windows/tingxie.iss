; Inno Setup script for Tingxie: installs the PyInstaller bundle (dist\tingxie), a Start-menu
; entry, the .tingxie file association, "Open with" for media, and an uninstaller.
; build.ps1 runs it:  ISCC.exe /DAppVersion=0.1.0 /DFlavour=cpu installers\windows\tingxie.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Flavour
  #define Flavour "cpu"
#endif
#define Root "..\.."

[Setup]
AppId={{6E1B2C52-8F0D-4B7A-9C1E-5A3D7F2B9E41}
AppName=Tingxie
AppVerName=Tingxie {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Tingxie
DefaultDirName={autopf}\Tingxie
DefaultGroupName=Tingxie
DisableProgramGroupPage=yes
; Per-user install without administrator rights, or for everyone when the user picks it.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=tingxie-{#AppVersion}-windows-x64-{#Flavour}-setup
SetupIconFile={#Root}\build\icons\tingxie.ico
UninstallDisplayIcon={app}\tingxie.exe
UninstallDisplayName=Tingxie {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
#if Flavour == "cuda"
; The CUDA bundle is over 2 GB: split into setup.exe plus .bin files kept beside it.
DiskSpanning=yes
DiskSliceSize=max
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open .tingxie projects with Tingxie"; GroupDescription: "File types:"

[Files]
Source: "{#Root}\dist\tingxie\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; Models copied here are found without a download (offline machines): models\Qwen3-ASR-0.6B-hf
Name: "{app}\models"

[Icons]
Name: "{group}\Tingxie"; Filename: "{app}\tingxie.exe"
Name: "{group}\Uninstall Tingxie"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Tingxie"; Filename: "{app}\tingxie.exe"; Tasks: desktopicon

[Registry]
; .tingxie -> Tingxie.Project (HKA: the current user's or the machine's classes, by install mode)
Root: HKA; Subkey: "Software\Classes\.tingxie"; ValueType: string; ValueName: ""; ValueData: "Tingxie.Project"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.tingxie\OpenWithProgids"; ValueType: string; ValueName: "Tingxie.Project"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Tingxie.Project"; ValueType: string; ValueName: ""; ValueData: "Tingxie project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Tingxie.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\tingxie.exe,0"
Root: HKA; Subkey: "Software\Classes\Tingxie.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\tingxie.exe"" ""%1"""
; "Open with > Tingxie" for recordings and videos (not the default player).
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "Tingxie"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\tingxie.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".wav"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".mp3"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".m4a"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".flac"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".ogg"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".mp4"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".mkv"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".mov"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tingxie.exe\SupportedTypes"; ValueType: string; ValueName: ".tingxie"; ValueData: ""

[Run]
Filename: "{app}\tingxie.exe"; Description: "{cm:LaunchProgram,Tingxie}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python writes nothing into {app}; an empty models folder goes too (a filled one stays).
Type: dirifempty; Name: "{app}\models"
