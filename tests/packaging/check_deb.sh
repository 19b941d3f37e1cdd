#!/usr/bin/env bash
# Builds the .deb from a configured build directory, checks its metadata and contents, unpacks
# it into a scratch root and runs the installed binary from there.
#   check_deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/out/obslab_*.deb)
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# Every shared library the binary needs must come from a package named in Depends, and the
# run-time plugins (SVG icon engine, xcb platform) too.
# (No early-exiting readers on pipes here: with pipefail a SIGPIPE'd writer fails the script.)
ldcache=$(ldconfig -p)
needed=$(objdump -p "$build/bin/obslab")
for lib in $(awk '/NEEDED/ {print $2}' <<<"$needed"); do
    path=$(awk -v l="$lib" '$1 == l && /x86-64/ && !found {print $NF; found = 1}' <<<"$ldcache")
    [[ -n "$path" ]] || fail "cannot resolve $lib"
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true)
    pkg=$(awk -F: 'NR == 1 {print $1}' <<<"$owner")
    [[ -n "$pkg" ]] || fail "no package owns $path (for $lib)"
    [[ "$depends" == *"$pkg"* ]] || fail "Depends lacks $pkg (for $lib)"
done
for pkg in libqt6svg6 libqt6gui6 libqt6webenginecore6-bin; do
    [[ "$depends" == *"$pkg"* ]] || fail "Depends lacks $pkg"
done
[[ "$(dpkg-deb -f "$deb" Recommends)" == *kubernetes-client* ]] || fail "Recommends lacks kubernetes-client"

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/obslab \
         ./usr/share/applications/io.github.obslab.ObsLab.desktop \
         ./usr/share/metainfo/io.github.obslab.ObsLab.metainfo.xml \
         ./usr/share/man/man1/obslab.1.gz \
         ./usr/share/icons/hicolor/scalable/apps/io.github.obslab.ObsLab.svg \
         ./usr/share/icons/hicolor/48x48/apps/io.github.obslab.ObsLab.png \
         ./usr/share/icons/hicolor/256x256/apps/io.github.obslab.ObsLab.png; do
    grep -qF " $f" <<<"$contents" || fail "package lacks $f"
done
# Every built-in lab and sample log of the source tree is installed.
for dir in labs samples; do
    [[ -d "$source/resources/$dir" ]] || continue
    while IFS= read -r f; do
        rel=${f#"$source/resources/"}
        grep -qF " ./usr/share/obslab/$rel" <<<"$contents" || fail "package lacks share/obslab/$rel"
    done < <(find "$source/resources/$dir" -type f)
done

root="$work/root"
dpkg -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/io.github.obslab.ObsLab.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.obslab.ObsLab.metainfo.xml" >/dev/null
# (grep -c reads to the end: with pipefail, grep -q could SIGPIPE zcat and fail the pipeline)
manpage=$(zcat "$root/usr/share/man/man1/obslab.1.gz")
[[ "$(grep -c '^\.TH OBSLAB 1' <<<"$manpage")" == 1 ]] || fail "man page header missing"
for sub in logs trace "kube check" follow doctor "lab list" "lab lint" "lab run" rehearse; do
    grep -q "^\.B $sub" <<<"$manpage" || fail "man page does not cover '$sub'"
done

# The desktop entry's "Start Tracing Lab" action names a lab the installed binary knows.
lab_id=$(sed -n 's/^Exec=obslab --lab \([a-z0-9-]*\)$/\1/p' "$root/usr/share/applications/io.github.obslab.ObsLab.desktop")
[[ -n "$lab_id" ]] || fail "the desktop entry has no Start Tracing Lab action"

version=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/obslab" --version)
[[ "$version" =~ ^obslab\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "installed obslab --version printed '$version'"
echo "installed binary: $version"

# The built-in labs are found beside the installed binary (<prefix>/bin/../share/obslab/labs),
# not in the source tree this package was built from, and they lint clean there.
builtin_lab=${lab_id:-tracing-jaeger}
labs=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/obslab" lab list) || fail "obslab lab list failed"
echo "$labs"
grep -q "^$builtin_lab  " <<<"$labs" || fail "obslab lab list does not list the lab '$builtin_lab'"
grep -qF "$root/usr/share/obslab/labs/$builtin_lab/lab.yaml" <<<"$labs" || fail "the lab was not found in the installed tree"
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/obslab" lab lint "$root/usr/share/obslab/labs/$builtin_lab/lab.yaml" >/dev/null \
    || fail "the installed lab does not lint clean"
echo "package ok"
