#!/bin/sh
# Fetches the source of the zlib that Debian installed (the version of
# zlib1g-dev) into DIR, so that `make fuzz` compiles zlib with the fuzzer's
# coverage instrumentation and libFuzzer counts inflate's branches as it does
# the reader's. It uses the machine's own apt sources as deb-src entries in a
# private list (the system's apt configuration is left alone), and needs
# dpkg-dev (part of build-essential) to unpack. Exits 1 when the source
# cannot be had; `make fuzz` then links the system zlib and says so.
set -eu
dir=$1
[ -f "$dir/inflate.c" ] && exit 0
version=$(dpkg-query -W -f='${source:Version}' zlib1g-dev 2>/dev/null) || version=
[ -n "$version" ] || { echo "zlib-source: zlib1g-dev is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
# The suites the installed version came from, as deb-src entries:
# "        500 http://mirror/debian bookworm/main amd64 Packages" under " *** VERSION"
apt-cache policy zlib1g-dev | awk '
	/^ \*\*\* / { inst = 1; next }
	/^     [^ ]/ { inst = 0 }
	inst && $NF == "Packages" && $3 ~ /\// { split($3, s, "/"); print "deb-src " $2 " " s[1] " " s[2] }
' > "$tmp/sources.list"
[ -s "$tmp/sources.list" ] || { echo "zlib-source: no apt sources found" >&2; exit 1; }
set -- -o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
	-o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp/cache" -o APT::Sandbox::User=root -qq
apt-get "$@" update >/dev/null 2>&1 || { echo "zlib-source: cannot read the source indexes" >&2; exit 1; }
(cd "$tmp" && apt-get "$@" source "zlib=$version" >/dev/null 2>&1) ||
	{ echo "zlib-source: cannot fetch zlib $version" >&2; exit 1; }
src=$(find "$tmp" -maxdepth 2 -name inflate.c -path '*/zlib-*' | head -n 1)
[ -n "$src" ] || { echo "zlib-source: zlib $version unpacked without inflate.c" >&2; exit 1; }
mkdir -p "$dir"
cp "$(dirname "$src")"/*.[ch] "$dir"/
echo "$version" > "$dir/VERSION"
echo "zlib-source: zlib $version in $dir" >&2
