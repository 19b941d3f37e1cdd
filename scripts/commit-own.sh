#!/bin/bash
# Commits exactly the given paths, without touching anyone else's staged or unstaged work.
# usage: commit-own.sh "message" PATH[=FILE_WITH_CONTENT] ...
#   PATH          commit the working-tree content of PATH (or its deletion if it is gone)
#   PATH=FILE     commit FILE's content as PATH (e.g. a shared CMakeLists with only your lines)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
msg=$1; shift
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
GIT_INDEX_FILE=$idx git read-tree HEAD
paths=()
for arg in "$@"; do
  path=${arg%%=*}; src=$path
  [[ $arg == *=* ]] && src=${arg#*=}
  paths+=("$path")
  if [[ -e $src ]]; then
    mode=100644; [[ -x $src ]] && mode=100755
    GIT_INDEX_FILE=$idx git update-index --add --cacheinfo "$mode,$(git hash-object -w "$src"),$path"
  else
    GIT_INDEX_FILE=$idx git update-index --force-remove "$path"
  fi
done
GIT_INDEX_FILE=$idx git commit -q -m "$msg"
git reset -q -- "${paths[@]}" 2>/dev/null || true
git log --oneline -1
