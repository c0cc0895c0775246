# e2e_lib: what every tests/e2e*.sh sources: the binary, a temporary
# directory removed at exit, a fixed zone and locale, and the checks.
set -uo pipefail
cd "$(dirname "$0")/.."
SMTPLOG=${SMTPLOG:-$PWD/build/smtplog}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SMTPLOG_DB SMTPLOG_LANG SMTPLOG_TZ SMTPLOG_TOP SMTPLOG_PATTERNS SMTPLOG_REDACT_KEY
# no config file of the machine or of the user running the tests
export SMTPLOG_SYSCONFDIR=$T/etc XDG_CONFIG_HOME=$T/config
# the time a report says it was made: the same in every run
export SOURCE_DATE_EPOCH=1790000000
pass=0 fail=0

ok()    { pass=$((pass + 1)); }
bad()   { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
eq()    { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
has()   { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: output lacks '$3'"; fi; }
lacks() { if grep -qF -- "$3" <<<"$2"; then bad "$1: output has '$3'"; else ok; fi; }
q()     { sqlite3 -batch -noheader "$1" "$2"; }
run()   { "$SMTPLOG" "$@" >"$T/out" 2>"$T/err"; echo $?; }
