#!/bin/sh
# Installs what smtplog needs to build, test and benchmark on Debian or
# Ubuntu; installs nothing that is already there. Uses sudo when not root.
set -eu
# systemd: `systemd-analyze verify` checks contrib/systemd in `make test`
# tcl: tclsh makes SQLite's amalgamation from Debian's source (tools/sqlite-source.sh)
need="build-essential pkg-config libpcre2-dev libsqlite3-dev zlib1g-dev libssl-dev libcmocka-dev sqlite3 python3 python3-jsonschema gzip tzdata systemd tcl"
for flag in "$@"; do
	case $flag in
	--bench) need="$need pflogsumm exim4-base time lnav" ;;
	# make fuzz: clang with libFuzzer (in libclang-rt-dev); dpkg-dev unpacks zlib's source
	--fuzz) need="$need clang libclang-rt-dev dpkg-dev" ;;
	# make test-clickhouse: Debian's ClickHouse (18.16 in Debian 12), run by the test itself
	--clickhouse) need="$need clickhouse-server clickhouse-client" ;;
	# tests/e2e_man.sh: mandoc -T lint and man -l on man/, zsh -n on the zsh completion
	--man) need="$need mandoc man-db zsh" ;;
	# make e2e-extras: headless Chromium renders the HTML report, promtool
	# checks the Prometheus output
	--ci-extras) need="$need chromium prometheus" ;;
	*) echo "setup-debian.sh: unknown option '$flag' (expected --bench, --fuzz, --clickhouse, --man or --ci-extras)" >&2; exit 64 ;;
	esac
done
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing$missing" >&2
$sudo apt-get update -qq
# exim4-base and clickhouse-server pull in daemons; policy-rc.d keeps them from starting
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
