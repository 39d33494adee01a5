#!/usr/bin/env bash
# Qt's wheels need a few system libraries that a bare Debian/Ubuntu lacks.
# Installs them when missing and we may (root or passwordless sudo); otherwise says what to run.
set -u
[ "$(uname -s)" = "Linux" ] || exit 0
command -v apt-get >/dev/null 2>&1 || { echo "非 Debian/Ubuntu 系统：请自行安装 Qt 所需的 libGL、libEGL、fontconfig、glib、dbus、xkbcommon 库"; exit 0; }
pkgs="libgl1 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 qpdf poppler-utils zip"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "缺少系统库：$missing"
  echo "请先运行：sudo apt-get install -y$missing"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
  echo "自动安装系统库失败，请手动运行：sudo apt-get install -y$missing"; exit 0; }
