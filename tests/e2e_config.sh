#!/bin/bash
# End-to-end tests of the config file: the system file, the user file,
# $SMTPLOG_NAME variables and options, in that order of precedence;
# --config FILE; errors that name the file and line. Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

db=$T/c.db
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" sample-logs/mail.log || bad "analyze"
mkdir -p "$T/etc" "$T/config/smtplog"
sys=$T/etc/smtplog.conf user=$T/config/smtplog/config
title() { run report "$@" >/dev/null; head -1 "$T/out"; }
en=$(title --db "$db" --lang en) ja=$(title --db "$db" --lang ja)
ko=$(title --db "$db" --lang ko) zh=$(title --db "$db" --lang zh)

# ---- precedence: option > environment > user file > system file
printf '# smtplog system settings\ndb = %s\nlang = ja\n' "$db" > "$sys"
eq "system file: db and lang" "$(title)" "$ja"
printf 'lang = "ko"   \n' > "$user"
eq "user file over system file" "$(title)" "$ko"
eq "environment over user file" "$(SMTPLOG_LANG=zh title)" "$zh"
eq "option over environment" "$(SMTPLOG_LANG=zh title --lang en)" "$en"
eq "the locale only after the files" "$(env LC_ALL=zh_CN.UTF-8 "$SMTPLOG" report 2>/dev/null | head -1)" "$ko"
rm "$user"
eq "no user file: the system file" "$(title)" "$ja"
eq "SMTPLOG_DB over the system file" "$(SMTPLOG_DB=$T/none.db run report)" 66

# ---- --config FILE instead of both files
printf 'lang = en\ndb = %s\n' "$db" > "$T/own.conf"
printf 'lang = ko\n' > "$user"
eq "--config instead of the files" "$(title --config "$T/own.conf")" "$en"
eq "--config anywhere, as --config=FILE" "$(title --lang zh --config="$T/own.conf")" "$zh"
eq "--config missing" "$(run report --config "$T/none.conf")" 66
has "--config missing named" "$(cat "$T/err")" "$T/none.conf"
rm "$user"

# ---- tz and patterns from the file
printf 'db = %s\ntz = Asia/Tokyo\n' "$T/tz.db" > "$sys"
eq "tz from the file" "$(run analyze -q --no-report --year 2026 sample-logs/mail.log; q "$T/tz.db" "SELECT ts FROM events WHERE smtp_code = 551")" "0
2026-11-23T01:02:13Z"
eq "--tz over the file" "$(run analyze -q --no-report --year 2026 --db "$T/tz2.db" --tz UTC sample-logs/mail.log; q "$T/tz2.db" "SELECT ts FROM events WHERE smtp_code = 551")" "0
2026-11-23T10:02:13Z"
mkdir -p "$T/pat"
printf 'id: local.policyd\nmta: postfix\nprograms: smtpd\nkind: action\nprefilter: policyd says\nregex: ^(?<queue_id>NOQUEUE): (?<action>reject): policyd says (?<reply>5\\d\\d .*) to=<(?<recipient>[^>]*)>$\n' > "$T/pat/local.pat"
echo 'Nov 23 12:00:00 mx1 postfix/smtpd[7]: NOQUEUE: reject: policyd says 550 5.7.1 quota exceeded to=<x@example.org>' > "$T/custom.log"
printf 'db = %s\npatterns = %s\n' "$T/p.db" "$T/pat" > "$sys"
eq "patterns from the file" "$(run analyze -q --no-report "$T/custom.log"; q "$T/p.db" "SELECT kind, smtp_code FROM events")" "0
rejected|550"

# ---- errors name the file and the line
printf 'db = %s\n\ncolour = blue\n' "$db" > "$sys"
eq "unknown key" "$(run report)" 64
has "unknown key: file and line" "$(cat "$T/err")" "smtplog report: $sys:3: unknown key 'colour' (known: db"
printf 'lang = fr\n' > "$sys"
eq "bad value" "$(run report --db "$db")" 64
has "bad value: file and line" "$(cat "$T/err")" "$sys:1: unknown language 'fr'"
printf 'tz = Mars/Olympus\n' > "$sys"
eq "bad tz" "$(run report --db "$db")" 64
has "bad tz: file and line" "$(cat "$T/err")" "$sys:1: unknown time zone 'Mars/Olympus'"
printf 'patterns = %s\n' "$T/nowhere" > "$sys"
eq "a key of another command is checked too" "$(run report --db "$db")" 66
printf 'just words\n' > "$sys"
eq "not key = value" "$(run report --db "$db")" 64
has "not key = value: file and line" "$(cat "$T/err")" "$sys:1: expected 'key = value'"
printf 'lang = ja\n' > "$sys"
eq "bad environment value" "$(SMTPLOG_TOP=lots run report --db "$db")" 64
has "bad environment value named" "$(cat "$T/err")" "\$SMTPLOG_TOP: bad --top 'lots'"
chmod 000 "$sys"
if [ "$(id -u)" -ne 0 ]; then
	eq "unreadable system file" "$(run report --db "$db")" 66
fi
chmod 644 "$sys"
eq "--help does not read the files" "$(printf 'colour = x\n' > "$sys"; run report --help)" 0
rm "$sys"

# ---- the redaction key file of export: from the file without --redact is no error
printf 'redact-key = %s\n' "$T/k.key" > "$sys"
eq "redact-key from the file" "$(run export --db "$db" --format csv)" 0
eq "--redact-key without --redact" "$(run export --db "$db" --redact-key "$T/k.key")" 64
rm "$sys"

echo "e2e_config: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
