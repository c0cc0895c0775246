#!/bin/bash
# The documentation's example queries, run against a database of
# sample-logs/: every SQL statement in a ```sql block of README.md and
# docs/*.md (but schema listings, which begin with CREATE), and every
# `smtplog query "..."`, `smtplog trace ...` and `sqlite3 ... "..."` line of
# their ```sh blocks, must succeed and print rows, so the examples cannot
# rot. Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

db=$T/docs.db
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" sample-logs/mail.log* sample-logs/exim/mainlog \
	sample-logs/sendmail/maillog || bad "analyze"

# one example per record: TOOL <tab> FILE:LINE <tab> SQL (newlines as \n)
python3 - README.md docs/*.md > "$T/examples" <<'PY'
import re, shlex, sqlite3, sys
for path in sys.argv[1:]:
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^```(\w*)\s*$', lines[i])
        if not m:
            i += 1
            continue
        lang, start, body = m.group(1), i + 1, []
        i += 1
        while i < len(lines) and not lines[i].startswith('```'):
            body.append(lines[i])
            i += 1
        i += 1
        if lang == 'sql':
            stmt, first = '', start
            for k, l in enumerate(body):
                if not stmt.strip():
                    first = start + k + 1
                stmt += l + '\n'
                if sqlite3.complete_statement(stmt):
                    text = '\n'.join(x for x in stmt.split('\n') if not x.strip().startswith('--')).strip()
                    if text and not re.match(r'(?i)create\b', text):
                        print('query\t%s:%d\t%s' % (path, first, text.replace('\n', '\\n')))
                    stmt = ''
        elif lang in ('sh', 'bash', 'console'):
            joined, first = '', start
            for k, l in enumerate(body):
                if not joined:
                    first = start + k
                joined += l.rstrip('\\') + ' ' if l.endswith('\\') else l
                if l.endswith('\\'):
                    continue
                cmd = re.sub(r'^\$ ', '', joined.strip())
                joined = ''
                try:
                    words = shlex.split(cmd, comments=True)
                except ValueError:
                    continue
                if len(words) >= 3 and words[0] == 'smtplog' and words[1] == 'trace':
                    print('trace\t%s:%d\t%s' % (path, first, '\x1f'.join(words[2:])))
                elif len(words) >= 3 and words[0] == 'smtplog' and words[1] == 'query':
                    print('query\t%s:%d\t%s' % (path, first, words[-1].replace('\n', '\\n')))
                elif words and words[0] == 'sqlite3' and len(words) >= 3 and words[-1].lstrip().upper().startswith('SELECT'):
                    print('sqlite3\t%s:%d\t%s' % (path, first, words[-1].replace('\n', '\\n')))
PY
n=0
while IFS=$'\t' read -r tool where sql; do
	sql=${sql//\\n/$'\n'}
	n=$((n + 1))
	if [ "$tool" = query ]; then
		"$SMTPLOG" query --db "$db" --format tsv --no-header "$sql" >"$T/out" 2>"$T/err"
	elif [ "$tool" = trace ]; then
		IFS=$'\x1f' read -r -a args <<<"$sql"
		"$SMTPLOG" trace --db "$db" "${args[@]}" >"$T/out" 2>"$T/err"
	else
		sqlite3 -readonly -batch "$db" "$sql" >"$T/out" 2>"$T/err"
	fi
	st=$?
	if [ "$st" -ne 0 ]; then
		bad "$where ($tool): exit $st: $(cat "$T/err")"
	elif [ ! -s "$T/out" ]; then
		bad "$where ($tool): no rows"
	else
		ok
	fi
done < "$T/examples"
eq "examples found" "$([ "$n" -ge 15 ] && echo many || echo "$n")" many
eq "README examples found" "$(grep -c '^[a-z0-9]*	README.md' "$T/examples" | awk '{ print ($1 >= 2) ? "yes" : $1 }')" yes

echo "e2e_docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
