#!/usr/bin/env bash
# Install the Debian packages the application and its tests need (uses apt-get; needs root or sudo).
# Idempotent: packages already present are not downloaded again.
set -euo pipefail
PKGS=(
  # Qt (PySide6 wheels) on X11/Xvfb and offscreen
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0
  libxcb-xkb1 libxcb-cursor0 libxcb-shape0 libxcb-randr0 libxcb-xfixes0
  xvfb xauth
  # coordination database (tests start a real server)
  postgresql
  # slips and reports: rendering checks, fonts
  poppler-utils fonts-dejavu-core
  # scanning: the OCR-B font (training), ZBar (second barcode backend), Tesseract (benchmark anchor)
  fonts-ocr-b libzbar0 tesseract-ocr
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "Installing system packages with apt-get: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
