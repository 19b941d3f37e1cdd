#!/usr/bin/env bash
# Installs the Debian 12 packages ObsLab needs, only those that are missing.
#   scripts/install-deps.sh          to build and run the app
#   scripts/install-deps.sh --test   also what the tests need (Xvfb, clang + sanitizers, python3)
set -euo pipefail

build_pkgs=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-webengine-dev qt6-webengine-dev-tools qt6-svg-dev
    qt6-qpa-plugins libgl-dev libyaml-cpp-dev zlib1g-dev
    fonts-dejavu-core
)
test_pkgs=(
    xvfb xauth python3 clang libclang-rt-14-dev
    dpkg-dev file desktop-file-utils appstream
)

pkgs=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
    pkgs+=("${test_pkgs[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
# ObsLab drives the user's kubectl; install Debian's only when there is none at all.
if ! command -v kubectl >/dev/null 2>&1; then
    missing+=(kubernetes-client)
fi

if ((${#missing[@]} == 0)); then
    exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "install-deps: these packages are missing and I am not root (no sudo): ${missing[*]}" >&2
        exit 1
    fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
