#!/usr/bin/env bash
# Wrap the PyInstaller folder bundle of the station into a Debian package for 信创 Linux (统信 UOS, 麒麟 Kylin,
# Debian, Ubuntu): packaging/deb/build.sh [BUNDLE_DIR [OUT_DIR]]
#   BUNDLE_DIR  default build/dist/daibantong-<version> (what `bash .ci/bundle` builds)
#   OUT_DIR     default build/deb
# Prints the path of the .deb. Installs as:
#   /opt/daibantong/                         the bundle (daibantong + _internal/)
#   /usr/bin/daibantong                      launcher
#   /usr/share/applications/daibantong.desktop   menu entry "代办通"
#   /usr/share/icons/hicolor/256x256/apps/daibantong.png
# The station's data stays in each user's folder (~/.local/share/daibantong, platformdirs): the package
# never writes there, and neither removing nor purging it touches the data.
# Depends: libc6 at least the newest GLIBC_ symbol version any file in the bundle asks for, plus the
# packages that provide the libraries the bundle takes from the system (found with ldd and dpkg -S here).
# DEB_COMPRESSION (default gzip, which every dpkg reads, also UOS 20's 1.19 that knows no zstd) and
# DEB_LEVEL (default 6, dpkg's own; CI passes 1: 20 s instead of 70 s here, 133 MB instead of 123 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(.venv/bin/python -c "import sync; print(sync.__version__)")
bundle="${1:-build/dist/daibantong-${version}}"
out="${2:-build/deb}"
compression="${DEB_COMPRESSION:-gzip}"
level="${DEB_LEVEL:-6}"
test -x "$bundle/daibantong" || { echo "no bundle at $bundle: run bash .ci/bundle first" >&2; exit 1; }
arch=$(dpkg --print-architecture)
root="$out/root"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt/daibantong" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/doc/daibantong"
cp -a "$bundle/." "$root/opt/daibantong/"

cat > "$root/usr/bin/daibantong" <<'LAUNCHER'
#!/bin/sh
# 代办通 station app; the data folder is the user's own (~/.local/share/daibantong), or --data-dir DIR.
exec /opt/daibantong/daibantong "$@"
LAUNCHER
chmod 0755 "$root/usr/bin/daibantong"

cat > "$root/usr/share/applications/daibantong.desktop" <<'DESKTOP'
[Desktop Entry]
Type=Application
Name=代办通
Name[zh_CN]=代办通
GenericName=Station case register
GenericName[zh_CN]=村（居）政务服务代办站
Comment=Offline case register and forms of a village service station
Comment[zh_CN]=代办站离线办件、打印表单、与镇为民服务中心同步
Exec=/usr/bin/daibantong
Icon=daibantong
Terminal=false
Categories=Office;
Keywords=代办;政务;办件;
StartupNotify=true
DESKTOP
install -m 0644 resources/icons/app.png "$root/usr/share/icons/hicolor/256x256/apps/daibantong.png"
cat > "$root/usr/share/doc/daibantong/copyright" <<'COPYRIGHT'
代办通 station app. The bundled fonts' licenses are in /opt/daibantong/_internal/resources/fonts/.
COPYRIGHT

# The newest glibc symbol version the bundle asks for (objdump -T over every ELF file).
glibc=$(find "$root/opt/daibantong" -type f \( -name '*.so*' -o -name daibantong \) -print0 \
        | xargs -0 objdump -T 2>/dev/null | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sort -uV | tail -1 | cut -d_ -f2)
# The Debian packages of the libraries the bundle takes from the system (libc6 is named with its version).
system_libs=$(find "$root/opt/daibantong/_internal" -type f -name '*.so*' -print0 \
              | { LD_LIBRARY_PATH="$root/opt/daibantong/_internal" xargs -0 ldd 2>/dev/null || true; } \
              | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
depends="libc6 (>= $glibc)"
for pkg in $(for lib in $system_libs; do dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null; done \
             | cut -d: -f1 | sort -u); do
    [ "$pkg" = libc6 ] || depends="$depends, $pkg"
done
size_kb=$(du -sk "$root" --exclude=DEBIAN | cut -f1)

cat > "$root/DEBIAN/control" <<CONTROL
Package: daibantong
Version: $version
Architecture: $arch
Maintainer: 代办通 <daibantong@example.invalid>
Installed-Size: $size_kb
Depends: $depends
Section: misc
Priority: optional
Description: 代办通 village service station app (村（居）政务服务代办站)
 Offline-first case register for a village service station: records entrustments,
 prints the forms, syncs with the town service center when the link is up.
 Needs glibc $glibc or newer (built on $(. /etc/os-release && echo "$PRETTY_NAME")).
CONTROL
# Menus and icon caches refresh themselves on most desktops; refresh them now where the tools exist.
for script in postinst postrm; do
    cat > "$root/DEBIAN/$script" <<'SCRIPT'
#!/bin/sh
set -e
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -f /usr/share/icons/hicolor || true; fi
exit 0
SCRIPT
    chmod 0755 "$root/DEBIAN/$script"
done

deb="$out/daibantong_${version}_${arch}.deb"
rm -f "$deb"
dpkg-deb --root-owner-group -Z"$compression" -z"$level" --build "$root" "$deb" >/dev/null
rm -rf "$root"
echo "$deb"
