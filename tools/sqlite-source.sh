#!/bin/sh
# Makes SQLite's amalgamation (sqlite3.c, sqlite3.h) in DIR from Debian's own
# source package of the installed libsqlite3-0 (same version, Debian's patches
# applied), for the Makefile's SQLITE=static: smtplog then compiles SQLite
# with the speed options of docs/performance.md into its own binary. Writes
# DIR/sqlite.mk, which the Makefile includes: SQLITE_AMALGAMATION names the
# amalgamation, or is empty when it cannot be made (no network, no deb-src,
# no tclsh, which SQLite's own amalgamation script needs), and smtplog is
# then linked against the shared libsqlite3 instead. A failure is
# remembered for that version (make clean retries); nothing is done while
# DIR matches the installed version, so the Makefile runs this every time
# and an upgraded libsqlite3-0 brings its own source.
#
# tools/debian-source.sh fetches the source; the system's apt configuration
# is left alone.
set -eu
dir=$1
mk=$dir/sqlite.mk
version=$(dpkg-query -W -f='${source:Version}' libsqlite3-0 2>/dev/null) || version=
mkdir -p "$dir"

# write_mk AMALGAMATION: the Makefile's view, rewritten only when it changes
# (a new file makes make read the Makefile again)
write_mk() {
	new="# made by tools/sqlite-source.sh for libsqlite3-0 $version
SQLITE_AMALGAMATION := $1"
	[ -f "$mk" ] && [ "$(cat "$mk")" = "$new" ] && return 0
	printf '%s\n' "$new" > "$mk.tmp" && mv "$mk.tmp" "$mk"
}
fail() {
	echo "sqlite-source: $*; linking the shared libsqlite3 (make SQLITE=system)" >&2
	echo "$version" > "$dir/FAILED"
	write_mk ""
	exit 0
}

if [ -f "$dir/sqlite3.c" ] && [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$version" ]; then
	write_mk "$dir/sqlite3.c"
	exit 0
fi
if [ "$(cat "$dir/FAILED" 2>/dev/null)" = "$version" ]; then
	write_mk ""
	exit 0
fi
[ -n "$version" ] || fail "libsqlite3-0 is not installed"
command -v tclsh >/dev/null || fail "tclsh not found (tools/setup-debian.sh installs tcl)"
command -v dpkg-source >/dev/null || fail "dpkg-source not found (Debian package dpkg-dev)"
echo "sqlite-source: making SQLite's amalgamation from Debian's sqlite3 $version" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
why=$(sh "$(dirname "$0")/debian-source.sh" libsqlite3-0 sqlite3 "$version" "$tmp" 2>&1) ||
	fail "$why"
src=$(find "$tmp" -maxdepth 2 -name configure -path '*/sqlite3-*' | head -n 1)
[ -n "$src" ] || fail "sqlite3 $version unpacked without its configure script"
src=$(dirname "$src")
# SQLite's own rule for the amalgamation: generated parser and opcodes, then
# tool/mksqlite3c.tcl; no compile options are baked in at this step
# (a clean make: the variables of the make that runs this script are not SQLite's)
(cd "$src" && ./configure --disable-tcl >/dev/null 2>&1 &&
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make sqlite3.c >/dev/null 2>&1) ||
	fail "cannot make the amalgamation of sqlite3 $version"
cp "$src/sqlite3.c" "$src/sqlite3.h" "$dir/"
echo "$version" > "$dir/VERSION"
rm -f "$dir/FAILED"
write_mk "$dir/sqlite3.c"
echo "sqlite-source: SQLite $version in $dir" >&2
