#!/bin/sh
# Installs what smtplog needs to build, test and benchmark on Debian or
# Ubuntu; installs nothing that is already there. Uses sudo when not root.
set -eu
need="build-essential pkg-config libpcre2-dev libsqlite3-dev zlib1g-dev libssl-dev libcmocka-dev sqlite3 python3 gzip tzdata"
if [ "${1:-}" = "--bench" ]; then
	need="$need pflogsumm exim4-base time lnav"
fi
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing$missing" >&2
$sudo apt-get update -qq
# exim4-base pulls in a daemon; policy-rc.d keeps it from starting
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
