#!/usr/bin/env bash
# What `make installer-test` needs on Debian/Ubuntu: Wine with its 32-bit part (Inno Setup's compiler and
# the installers it writes are 32-bit Windows programs; the 64-bit part lets the 64-bit-only installer
# run), Xvfb (the installer creates its windows even when silent) and npm (fetches the compiler).
# Installs what is missing when we may (root or passwordless sudo); otherwise says what to run and
# exits 0, and the installer test then skips with that reason. Exits 1 only when an install failed.
set -u
[ "$(uname -s)" = "Linux" ] || { echo "安装程序测试只在 Linux（Wine）上运行；Windows 上由发布流程直接测试"; exit 0; }
command -v apt-get >/dev/null 2>&1 || { echo "非 Debian/Ubuntu 系统：请自行安装 Wine（含 32 位部分）、Xvfb 和 npm"; exit 0; }
pkgs="wine wine64 wine32:i386 xvfb"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "缺少安装程序测试所需的软件包：$missing"
  echo "请先运行：sudo dpkg --add-architecture i386 && sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "正在安装：$missing"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  $SUDO dpkg --add-architecture i386 || { echo "无法启用 i386 架构（Wine 的 32 位部分需要它）"; exit 1; }
fi
$SUDO apt-get update -qq >/dev/null 2>&1 || { echo "apt-get update 失败"; exit 1; }
# shellcheck disable=SC2086 # the package list is meant to split into words
$SUDO apt-get install -y -qq --no-install-recommends $missing >/tmp/ensure-wine.log 2>&1 || {
  tail -20 /tmp/ensure-wine.log; echo "自动安装失败：sudo apt-get install -y --no-install-recommends$missing"; exit 1; }
echo "已安装：$missing"
