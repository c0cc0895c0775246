#!/bin/sh
# Fetches the source of the zlib that Debian installed (the version of
# zlib1g-dev) into DIR, so that `make fuzz` compiles zlib with the fuzzer's
# coverage instrumentation and libFuzzer counts inflate's branches as it does
# the reader's. tools/debian-source.sh fetches it (the system's apt
# configuration is left alone); dpkg-dev (part of build-essential) unpacks it. Exits 1 when the source
# cannot be had; `make fuzz` then links the system zlib and says so.
set -eu
dir=$1
[ -f "$dir/inflate.c" ] && exit 0
version=$(dpkg-query -W -f='${source:Version}' zlib1g-dev 2>/dev/null) || version=
[ -n "$version" ] || { echo "zlib-source: zlib1g-dev is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/../../tools/debian-source.sh" zlib1g-dev zlib "$version" "$tmp" 2>&1 |
	sed 's/^/zlib-source: /' >&2
src=$(find "$tmp" -maxdepth 2 -name inflate.c -path '*/zlib-*' | head -n 1)
[ -n "$src" ] || { echo "zlib-source: zlib $version unpacked without inflate.c" >&2; exit 1; }
mkdir -p "$dir"
cp "$(dirname "$src")"/*.[ch] "$dir"/
echo "$version" > "$dir/VERSION"
echo "zlib-source: zlib $version in $dir" >&2
