#!/bin/sh
# debian-source.sh PACKAGE SOURCE VERSION DIR: unpacks Debian's source package
# SOURCE at VERSION (that of the installed binary PACKAGE) under DIR, which
# must exist. The apt sources are the machine's own, as deb-src entries in a
# private list under DIR: the system's apt configuration is left alone. On
# failure prints why on standard error and exits 1. Used by
# tools/sqlite-source.sh and tests/fuzz/zlib-source.sh.
set -eu
pkg=$1 source=$2 version=$3 dir=$4
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
# The suites the installed version came from, as deb-src entries:
# "        500 http://mirror/debian bookworm/main amd64 Packages" under " *** VERSION"
apt-cache policy "$pkg" | awk '
	/^ \*\*\* / { inst = 1; next }
	/^     [^ ]/ { inst = 0 }
	inst && $NF == "Packages" && $3 ~ /\// { split($3, s, "/"); print "deb-src " $2 " " s[1] " " s[2] }
' > "$dir/apt/sources.list"
[ -s "$dir/apt/sources.list" ] || { echo "no apt source for $pkg $version" >&2; exit 1; }
set -- -o Dir::Etc::SourceList="$dir/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
	-o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache" -o APT::Sandbox::User=root -qq
apt-get "$@" update >/dev/null 2>&1 || { echo "cannot read the source indexes" >&2; exit 1; }
(cd "$dir" && apt-get "$@" source "$source=$version" >/dev/null 2>&1) ||
	{ echo "cannot fetch Debian's $source $version" >&2; exit 1; }
