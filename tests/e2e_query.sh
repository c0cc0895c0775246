#!/bin/bash
# End-to-end tests of `smtplog query`: SQL from arguments, -f and standard
# input, the output formats, SQLite's errors with a caret, and the lock-down:
# no statement changes the database or creates a file. Run by `make e2e`.
. "$(dirname "$0")/e2e_lib.sh"

db=$T/q/s.db
mkdir -p "$T/q"
"$SMTPLOG" analyze -q --no-report --year 2026 --db "$db" sample-logs/mail.log* || bad "analyze"

# ---- SQL from the command line, a file, standard input
eq "query exit" "$(run query --db "$db" "SELECT count(*) AS n FROM events WHERE kind = 'bounced'")" 0
eq "query tsv by default off a terminal" "$(cat "$T/out")" "n
9"
eq "words joined" "$(run query --db "$db" --no-header SELECT count\(\*\) FROM events WHERE smtp_code = 551; cat "$T/out")" "0
1"
printf "SELECT kind FROM events\n WHERE smtp_code = 551;\n" > "$T/one.sql"
eq "-f FILE" "$(run query --db "$db" --no-header -f "$T/one.sql"; cat "$T/out")" "0
bounced"
eq "standard input" "$(run query --db "$db" --no-header < "$T/one.sql"; cat "$T/out")" "0
bounced"
eq "'-' is standard input" "$(run query --db "$db" --no-header - < "$T/one.sql"; cat "$T/out")" "0
bounced"
eq "several statements" "$(run query --db "$db" --no-header "SELECT 1; SELECT 2"; cat "$T/out")" "0
1
2"
eq "-f missing" "$(run query --db "$db" -f "$T/none.sql")" 66
eq "-f and SQL" "$(run query --db "$db" -f "$T/one.sql" "SELECT 1")" 64
eq "empty SQL" "$(run query --db "$db" ";")" 64
eq "no database" "$(run query --db "$T/none.db" "SELECT 1")" 66
eq "no database: none made" "$([ -e "$T/none.db" ] && echo made || echo none)" none

# ---- formats
sel="SELECT 'a,b' AS x, 'say \"hi\"' AS y, NULL AS z, 2 AS n, 1.5 AS f, 'x|y' AS p"
eq "csv" "$(run query --db "$db" --format csv "$sel"; cat "$T/out")" '0
x,y,z,n,f,p
"a,b","say ""hi""",,2,1.5,x|y'
eq "tsv escapes" "$(run query --db "$db" --format tsv --no-header "SELECT 'a' || char(9) || 'b' || char(10) || 'c'"; cat "$T/out")" '0
a\tb\nc'
eq "json" "$(run query --db "$db" --format json "$sel"; python3 -c 'import json,sys; print(json.load(open(sys.argv[1])))' "$T/out")" \
	"0
[{'x': 'a,b', 'y': 'say \"hi\"', 'z': None, 'n': 2, 'f': 1.5, 'p': 'x|y'}]"
eq "json of no rows" "$(run query --db "$db" --format json "SELECT 1 WHERE 0"; cat "$T/out")" "0
[]"
eq "jsonl" "$(run query --db "$db" --format jsonl "SELECT kind, count(*) AS n FROM events WHERE kind IN ('bounced', 'expired') GROUP BY 1"; cat "$T/out")" \
	'0
{"kind":"bounced","n":9}
{"kind":"expired","n":1}'
eq "markdown" "$(run query --db "$db" --format markdown "$sel"; cat "$T/out")" '0
| x | y | z | n | f | p |
|---|---|---|---|---|---|
| a,b | say "hi" | NULL | 2 | 1.5 | x\|y |'
eq "table" "$(run query --db "$db" --format table "SELECT kind, count(*) AS n FROM events WHERE kind IN ('bounced', 'expired') GROUP BY 1"; cat "$T/out")" \
	'0
kind     n
-------  -
bounced  9
expired  1'
eq "table: wide characters" "$(run query --db "$db" --format table "SELECT '日本' AS a, 'x' AS b UNION ALL SELECT 'abcde', 'y'"; cat "$T/out")" \
	'0
a      b
-----  -
日本   x
abcde  y'
eq "bad format" "$(run query --db "$db" --format xml "SELECT 1")" 64
if command -v script >/dev/null; then
	script -qc "$SMTPLOG query --db $db 'SELECT 1 AS one'" /dev/null > "$T/tty" 2>&1
	has "a table on a terminal" "$(cat "$T/tty")" "---"
fi

# ---- errors: SQLite's message, the place it points at
eq "syntax error" "$(run query --db "$db" "SELECT kind FROM events WHERE kind = 'x' ORDER BY kind LIMT 3")" 64
eq "syntax error message" "$(cat "$T/err")" "smtplog query: SQL error: near \"LIMT\": syntax error
  SELECT kind FROM events WHERE kind = 'x' ORDER BY kind LIMT 3
                                                         ^"
printf "SELECT ts,\n       nosuch\n  FROM events;\n" > "$T/two.sql"
eq "unknown column in a file" "$(run query --db "$db" -f "$T/two.sql")" 64
eq "unknown column: its line" "$(cat "$T/err")" "smtplog query: SQL error: no such column: nosuch
         nosuch
         ^"
eq "time limit" "$(run query --db "$db" --timeout 1 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")" 64
has "time limit message" "$(cat "$T/err")" "ran longer than the time limit (1 s)"
eq "bad --timeout" "$(run query --db "$db" --timeout 0 "SELECT 1")" 64

# ---- nothing changes, nothing is created
sum=$(md5sum < "$db")
nevents=$(q "$db" "SELECT count(*) FROM events")
files=$(ls -a "$T/q")
cd "$T/q"
for sql in \
	"DELETE FROM events" "UPDATE events SET kind = 'x'" "INSERT INTO sources(path) VALUES ('x')" \
	"DROP TABLE events" "DROP VIEW v_deliveries" "CREATE TABLE t(x)" "CREATE INDEX i ON events(kind)" \
	"CREATE TEMP TABLE t(x)" "CREATE TEMP VIEW v AS SELECT 1" "CREATE TEMP TRIGGER tr AFTER INSERT ON events BEGIN SELECT 1; END" \
	"ATTACH 'new.db' AS n" "ATTACH 'file:new2.db?mode=rwc' AS n" "ATTACH ':memory:' AS m" "DETACH main" \
	"PRAGMA user_version = 5" "PRAGMA journal_mode = DELETE" "PRAGMA journal_mode" "PRAGMA writable_schema = 1" \
	"PRAGMA query_only = 0" "PRAGMA temp_store_directory = '.'" "PRAGMA table_info(events)" \
	"SELECT load_extension('./x.so')" "SELECT writefile('w.txt', 'x')" \
	"VACUUM" "VACUUM INTO 'vac.db'" "REINDEX" "ANALYZE" "BEGIN" "SAVEPOINT s" \
	"REPLACE INTO sources(id, path) VALUES (1, 'x')" \
	"WITH x AS (SELECT 1) DELETE FROM events" \
	"SELECT 1; DELETE FROM events"; do
	eq "refused: $sql" "$("$SMTPLOG" query --db "$db" "$sql" 2>/dev/null >/dev/null; echo $?)" 64
done
cd - >/dev/null
eq "refused: the message says why" "$(run query --db "$db" "DELETE FROM events"; cat "$T/err")" \
	"64
smtplog query: SQL error: not authorized (smtplog query only reads: no writes, ATTACH, PRAGMA that sets anything, temporary tables or extensions)"
eq "reads still work: PRAGMA user_version" "$(run query --db "$db" --no-header "PRAGMA user_version"; cat "$T/out")" "0
$(q "$db" "PRAGMA user_version")"
eq "reads still work: recursive CTE" "$(run query --db "$db" --no-header "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4) SELECT sum(x) FROM c"; cat "$T/out")" "0
10"
eq "the database did not change" "$(md5sum < "$db")" "$sum"
eq "no file was created" "$(ls -a "$T/q")" "$files"
eq "events all there" "$(q "$db" "SELECT count(*) FROM events")" "$nevents"

echo "e2e_query: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
