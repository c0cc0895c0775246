/* cli_commands: the command table. One row per command: its name, entry
 * point, option rows (in its src/cmd_X.c), operands, help and exit
 * statuses; the parser, `smtplog --help`, `smtplog X --help`, the man page
 * test and the completion scripts all read it.
 *
 * To add a command:
 *  1. src/cmd_X.c: `const struct cli_option cmd_X_options[]` (shared rows are
 *     CLI_OPT_* in include/cli.h; a new value gets a field in struct
 *     cli_args) and `int cmd_X(struct cli_args *a)`; declare both in cli.h;
 *  2. a row below (the Makefile picks up every src file by itself);
 *  3. tests: its exit statuses and messages in tests/e2e*.sh;
 *  4. man/smtplog.1 (tests/e2e_man.sh compares it with --help), README; the
 *     bash and zsh completion read --help and need nothing.
 * To add an option to a command: a row in its cmd_X_options[].
 * SPDX-License-Identifier: MIT */
#include "cli.h"

/* Which exit statuses a command can end with (for its --help). */
const int cli_exits_analyze[] = {
	CLI_EXIT_OK, CLI_EXIT_PARTIAL, CLI_EXIT_FAIL_ON, CLI_EXIT_USAGE, CLI_EXIT_DATAERR,
	CLI_EXIT_NOINPUT, CLI_EXIT_SOFTWARE, CLI_EXIT_IOERR, CLI_EXIT_TEMPFAIL, -1,
};
const int cli_exits_db_read[] = {
	CLI_EXIT_OK, CLI_EXIT_USAGE, CLI_EXIT_DATAERR, CLI_EXIT_NOINPUT, CLI_EXIT_SOFTWARE,
	CLI_EXIT_IOERR, CLI_EXIT_TEMPFAIL, -1,
};
const int cli_exits_trace[] = {
	CLI_EXIT_OK, CLI_EXIT_PARTIAL, CLI_EXIT_USAGE, CLI_EXIT_DATAERR, CLI_EXIT_NOINPUT,
	CLI_EXIT_SOFTWARE, CLI_EXIT_IOERR, CLI_EXIT_TEMPFAIL, -1,
};
const int cli_exits_report[] = {
	CLI_EXIT_OK, CLI_EXIT_FAIL_ON, CLI_EXIT_USAGE, CLI_EXIT_DATAERR, CLI_EXIT_NOINPUT,
	CLI_EXIT_SOFTWARE, CLI_EXIT_IOERR, CLI_EXIT_TEMPFAIL, -1,
};
const int cli_exits_pure[] = { CLI_EXIT_OK, CLI_EXIT_USAGE, CLI_EXIT_SOFTWARE, CLI_EXIT_IOERR, -1 };

const struct cli_command cli_commands[] = {
	{
		.name = "analyze",
		.run = cmd_analyze,
		.options = cmd_analyze_options,
		.operands = "FILE...",
		.summary = "read logs, store them, print the report of those logs",
		.description = "Read mail logs (plain or gzip; '-' is standard input), store their "
		               "messages and events in the database, and print the report of what was "
		               "read. Rotated generations of one log are read oldest first.",
		.exits = cli_exits_analyze,
		.examples = (const char *const[]){
			"smtplog analyze /var/log/mail.log* --lang ja",
			"journalctl -u postfix -o json | smtplog analyze -",
			"smtplog analyze -q --no-report /var/log/mail.log.1", NULL },
	},
	{
		.name = "report",
		.run = cmd_report,
		.options = cmd_report_options,
		.summary = "print the report of the database (or of a time range)",
		.description = "Print the report of everything in the database, or of the events "
		               "between --since and --until.",
		.exits = cli_exits_report,
		.examples = (const char *const[]){
			"smtplog report --since yesterday --until today",
			"smtplog report --since 2026-11-22 --format markdown", NULL },
	},
	{
		.name = "query",
		.run = cmd_query,
		.options = cmd_query_options,
		.operands = "[SQL...]",
		.summary = "run read-only SQL on the database",
		.description = "Run SQL on the database and print the rows: an aligned table on a "
		               "terminal, else tab-separated values, or --format. The database is "
		               "opened read-only and locked down: no statement can change or create "
		               "anything (no writes, ATTACH, PRAGMA changes, temporary tables or "
		               "extensions). The tables and views are in smtplog(5) and docs/schema.md.",
		.exits = cli_exits_db_read,
		.examples = (const char *const[]){
			"smtplog query 'SELECT kind, count(*) FROM events GROUP BY 1'",
			"smtplog query --format csv -f failures.sql > failures.csv",
			"echo 'SELECT * FROM v_daily_summary' | smtplog query --format json", NULL },
	},
	{
		.name = "trace",
		.run = cmd_trace,
		.options = cmd_trace_options,
		.operands = "QUEUE-ID | MESSAGE-ID | ADDRESS...",
		.summary = "every line of a message, its copies and its bounces, in time order",
		.description = "Show every event of the messages a queue ID, a Message-ID header or "
		               "an address names, in time order, following content-filter copies, "
		               ".forward copies and bounce notifications, each with the file and line "
		               "it came from. --raw prints the original log lines instead (read again "
		               "from the files, also inside gzip, when they are still there). Exit "
		               "status 1: nothing matched, or some lines could not be read again.",
		.exits = cli_exits_trace,
		.examples = (const char *const[]){
			"smtplog trace 3F2A11C0A12",
			"smtplog trace '<20261123100000.ABC@example.org>'",
			"smtplog trace bob@example.net --raw", NULL },
	},
	{
		.name = "explain",
		.run = cmd_explain,
		.options = cmd_explain_options,
		.operands = "CODE... | REPLY-TEXT",
		.summary = "explain reply codes and enhanced status codes",
		.description = "Explain SMTP reply codes (550) and enhanced status codes (5.1.1), or "
		               "the codes and the reason in a reply pasted from a log or a bounce.",
		.exits = cli_exits_pure,
		.examples = (const char *const[]){
			"smtplog explain 451 4.7.1",
			"smtplog explain '550 5.1.1 <bob@example.com>: User unknown'",
			"smtplog explain 550 --lang ja --format markdown", NULL },
	},
	{
		.name = "compare",
		.run = cmd_compare,
		.options = cmd_compare_options,
		.operands = "CODE CODE",
		.summary = "compare two codes side by side",
		.description = "Compare two codes: their classes, meaning, when you see them, how to "
		               "fix them, the key differences and when each applies.",
		.exits = cli_exits_pure,
		.examples = (const char *const[]){
			"smtplog compare 251 551 --lang ja",
			"smtplog compare 4.2.2 5.2.2 --format json", NULL },
	},
	{
		.name = "codes",
		.run = cmd_codes,
		.options = cmd_codes_options,
		.operands = "[PREFIX...]",
		.summary = "list the reply-code knowledge base",
		.description = "List the code table, or the codes that start with a prefix (55, 5.7).",
		.exits = cli_exits_pure,
		.examples = (const char *const[]){ "smtplog codes", "smtplog codes 5.7 --lang zh", NULL },
	},
	{
		.name = "export",
		.run = cmd_export,
		.options = cmd_export_options,
		.summary = "write the stored events and messages as JSON Lines or CSV",
		.description = "Write the stored events and messages to standard output, one row per "
		               "line, each with a de-duplication key (docs/export.md), for ClickHouse "
		               "(clickhouse/) or any log shipper. --incremental NAME sends only what "
		               "NAME has not had yet.",
		.exits = cli_exits_db_read,
		.examples = (const char *const[]){
			"smtplog export --since yesterday --until today --format csv > day.csv",
			"smtplog export --incremental central --redact > new.jsonl", NULL },
	},
	{
		.name = "merge",
		.run = cmd_merge,
		.options = cmd_merge_options,
		.operands = "SOURCE.db...",
		.summary = "merge other hosts' databases into this one",
		.description = "Copy the rows of other smtplog databases (one per mail host) into the "
		               "database, so that report works across hosts. Merging the same database "
		               "again adds nothing; a later copy adds what is new.",
		.exits = cli_exits_db_read,
		.examples = (const char *const[]){
			"smtplog merge --db site.db mx1.db mx2.db relay.db", NULL },
	},
	{
		.name = "follow",
		.run = cmd_follow,
		.options = cmd_follow_options,
		.operands = "FILE...",
		.summary = "keep storing lines as the logs grow, like tail -F",
		.description = "Store what is new in the files every second, as the logs grow: "
		               "rotation by rename and by copytruncate is followed, a line is stored "
		               "once its newline is written, and what is read is committed at once, so "
		               "a report works meanwhile. SIGTERM or SIGINT stops it cleanly.",
		.exits = cli_exits_analyze,
		.examples = (const char *const[]){
			"smtplog follow -q /var/log/mail.log", NULL },
	},
	{
		.name = "prune",
		.run = cmd_prune,
		.options = cmd_prune_options,
		.summary = "delete events and messages older than an age, give the space back",
		.description = "Delete the events and messages older than --older-than and compact "
		               "the file. The record of which files were read stays, so a rotated "
		               "file that shows up again is not read again.",
		.exits = cli_exits_db_read,
		.examples = (const char *const[]){
			"smtplog prune --older-than 90d", NULL },
	},
	{ .name = NULL },
};
