# Build the Windows bundle (dist\tingxie\: tingxie.exe for the window, tingxie-cli.exe for a
# terminal) and the installer (dist\tingxie-<version>-windows-x64-<flavour>-setup.exe) with
# Inno Setup 6.
#
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1 [-Cpu|-Cuda]
#       [-Python python] [-Iscc "C:\Program Files (x86)\Inno Setup 6\ISCC.exe"]
#
# -Cpu (default): the environment's torch must be the CPU build
#   (pip install torch --index-url https://download.pytorch.org/whl/cpu).
# -Cuda: bundle a CUDA torch (pip install torch --index-url https://download.pytorch.org/whl/cu128);
#   the installer is then split into setup.exe + .bin files (over 2 GB).
# The environment also needs the app and PyInstaller: pip install -e ".[installers]".
param(
    [switch]$Cpu,
    [switch]$Cuda,
    [string]$Python = "python",
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
$root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $root
if ($Cpu -and $Cuda) { throw "build.ps1: choose -Cpu or -Cuda, not both" }
$flavour = if ($Cuda) { "cuda" } else { "cpu" }

$cudaVersion = & $Python -c "import torch; print(torch.version.cuda or '')"
if ($LASTEXITCODE) { throw "build.ps1: $Python cannot import torch; install the $flavour torch first" }
if ($flavour -eq "cpu" -and $cudaVersion) {
    throw "build.ps1: -Cpu, but this torch is built for CUDA $cudaVersion. Install the CPU build (pip install torch --index-url https://download.pytorch.org/whl/cpu) or use -Cuda."
}
if ($flavour -eq "cuda" -and -not $cudaVersion) {
    throw "build.ps1: -Cuda, but this torch is the CPU build. Install a CUDA build (pip install torch --index-url https://download.pytorch.org/whl/cu128)."
}
& $Python -m PyInstaller --version | Out-Null
if ($LASTEXITCODE) { throw "build.ps1: PyInstaller is missing: $Python -m pip install -e `".[installers]`"" }

$env:PYTHONPATH = "$root\app"
$version = & $Python -c "import tingxie; print(tingxie.__version__)"
& $Python installers\make_icons.py build\icons
if ($LASTEXITCODE) { throw "build.ps1: the icons could not be rendered" }

$start = Get-Date
$env:TINGXIE_TORCH = $flavour
& $Python -m PyInstaller --noconfirm --log-level WARN --distpath dist `
    --workpath "build\pyinstaller-windows-$flavour" installers\tingxie.spec
if ($LASTEXITCODE) { throw "build.ps1: PyInstaller failed" }
$size = (Get-ChildItem dist\tingxie -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
Write-Host ("Bundle built in {0:N0} s: dist\tingxie ({1:N0} MB)" -f ((Get-Date) - $start).TotalSeconds, $size)

& dist\tingxie\tingxie-cli.exe --version
if ($LASTEXITCODE) { throw "build.ps1: the frozen tingxie-cli.exe does not start" }

if (-not $Iscc) {
    $found = Get-Command iscc.exe -ErrorAction SilentlyContinue
    $Iscc = if ($found) { $found.Source } else { "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
}
if (-not (Test-Path $Iscc)) {
    throw "build.ps1: Inno Setup's ISCC.exe not found (install Inno Setup 6 or pass -Iscc PATH); the bundle in dist\tingxie is ready"
}
& $Iscc "/DAppVersion=$version" "/DFlavour=$flavour" installers\windows\tingxie.iss
if ($LASTEXITCODE) { throw "build.ps1: Inno Setup failed" }
Write-Host "Installer: dist\tingxie-$version-windows-x64-$flavour-setup.exe"
