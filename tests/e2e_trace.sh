#!/bin/bash
# End-to-end tests of `smtplog trace`: a message's events in time order with
# their file and line, across content-filter copies, .forward copies and
# bounce notifications; --raw reads the original lines again (also inside
# gzip) and says when a file no longer holds them. Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

db=$T/t.db
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" sample-logs/mail.log* || bad "analyze"

# ---- by queue ID: the content-filter copy comes along (sample-logs/mail.log, lines 1-14)
eq "trace queue ID" "$(run trace --db "$db" 3F2A11C0A12)" 0
out=$(cat "$T/out")
has "the original" "$out" "3F2A11C0A12 mx1 (postfix): from <jane.doe@gmail.com>, 5231 bytes"
has "its content-filter copy" "$out" "5B7C21C0A15 mx1 (postfix): content-filter of 3F2A11C0A12"
has "the hand-off, with its line" "$out" "hand-off to a content filter  [sample-logs/mail.log:11]"
has "the final delivery, with its line" "$out" "relay mail.example.org[private/dovecot-lmtp]  [sample-logs/mail.log:14]"
eq "events in time order" "$(grep -o '^20[0-9T:Z-]*' "$T/out" | sort -c && echo sorted)" sorted
eq "tracing the copy gives the same story" "$(run trace --db "$db" 5B7C21C0A15; cat "$T/out")" "0
$out"

# ---- a bounce: the notification and the message it is about (lines 18-27)
eq "trace a notification" "$(run trace --db "$db" 2C9F01C0B40)" 0
has "the bounced message" "$(cat "$T/out")" "551 5.1.6, relay mx.old-company.example[203.0.113.40]:25, forward to <dave@new-company.example>  [sample-logs/mail.log:21]"
has "the notification" "$(cat "$T/out")" "2C9F01C0B40 mx1 (postfix): notification of 8D14E1C0B31"
eq "--raw: the lines as logged" "$(run trace --db "$db" --raw 2C9F01C0B40; cat "$T/out")" "0
$(sed -n '18p;21p;22p;23p;27p' sample-logs/mail.log)"

# ---- a .forward copy leads back to the message it was made from
fwd=$(q "$db" "SELECT m.queue_id || ' ' || o.queue_id FROM messages m JOIN messages o ON o.id = m.origin_id WHERE m.origin = 'forward' ORDER BY m.id LIMIT 1")
eq "trace a forward copy" "$(run trace --db "$db" "${fwd%% *}")" 0
has "the forward copy's original" "$(cat "$T/out")" "${fwd%% *} mx1 (postfix): forward of ${fwd##* }"

# ---- by Message-ID (with or without <>), inside a gzip file (mail.log.2.gz lines 9, 64)
eq "trace Message-ID" "$(run trace --db "$db" '<20261121000000.FiqpQxxj@comcast.net>')" 0
has "Message-ID: its delivery" "$(cat "$T/out")" "[sample-logs/mail.log.2.gz:64]"
eq "without <>" "$(run trace --db "$db" 20261121000000.FiqpQxxj@comcast.net; grep -c 715834B891 "$T/out")" "0
3"
eq "--raw inside gzip" "$(run trace --db "$db" --raw 715834B891; cat "$T/out")" "0
$(zcat sample-logs/mail.log.2.gz | sed -n '9p;64p')"

# ---- by address: its messages and the rejects before any queue (line 34)
eq "trace address" "$(run trace --db "$db" bob@example.org)" 0
has "address: the reject" "$(cat "$T/out")" "NOQUEUE      rejected    to <bob@example.org> from <promo@deals.example>, 554 5.7.1"
has "address: a message" "$(cat "$T/out")" "3F2A11C0A12 mx1 (postfix)"
eq "address in another case" "$(run trace --db "$db" BOB@Example.ORG; grep -c NOQUEUE "$T/out")" "0
1"

# ---- nothing found, errors
eq "nothing matches" "$(run trace --db "$db" NOSUCHID)" 1
has "nothing matches: says so" "$(cat "$T/err")" "no message or event matches 'NOSUCHID'"
eq "no key" "$(run trace --db "$db")" 64
eq "no database" "$(run trace --db "$T/none.db" 3F2A11C0A12)" 66

# ---- --raw when the file is gone or holds other lines now
cp sample-logs/mail.log "$T/moved.log"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$T/m.db" "$T/moved.log"
eq "--raw, file there" "$(run trace --db "$T/m.db" --raw 8D14E1C0B31; wc -l < "$T/out")" "0
5"
sed -i '1s/^Nov/Dec/' "$T/moved.log"
eq "--raw, file changed" "$(run trace --db "$T/m.db" --raw 8D14E1C0B31)" 1
has "--raw, file changed: says so" "$(cat "$T/err")" "'$T/moved.log' no longer holds the lines that were read from it"
rm "$T/moved.log"
eq "--raw, file gone" "$(run trace --db "$T/m.db" --raw 8D14E1C0B31)" 1
has "--raw, file gone: says so" "$(cat "$T/err")" "cannot open '$T/moved.log'"
eq "without --raw the database is enough" "$(run trace --db "$T/m.db" 8D14E1C0B31)" 0

echo "e2e_trace: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
