/* cmd_query: `smtplog query SQL`: ad-hoc SQL on the database through the
 * locked-down connection of the query module; SQL from the operands, a
 * file (-f) or standard input.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query.h"
#include "redact.h"

#define QUERY_DEFAULT_TIMEOUT 60

const struct cli_option cmd_query_options[] = {
	CLI_OPT_DB,
	{ .name = "file", .short_name = 'f', .arg = "FILE", .type = CLI_FILE_IN,
	  .off = CLI_ARG(sql_file), .help = "read the SQL from FILE ('-' or no SQL at all: from "
	                                    "standard input)" },
	{ .name = "format", .arg = "table|csv|tsv|json|jsonl|markdown", .type = CLI_CHOICE,
	  .off = CLI_ARG(format), .help = "output format (default: table on a terminal, else tsv)" },
	{ .name = "no-header", .type = CLI_FLAG, .off = CLI_ARG(no_header),
	  .help = "no line of column names (table, csv, tsv)" },
	{ .name = "timeout", .arg = "SECONDS", .type = CLI_LONG, .off = CLI_ARG(timeout), .min = 1,
	  .max = 86400, .help = "stop a query that runs longer (default 60)" },
	CLI_OPT_REDACT,
	CLI_OPT_REDACT_KEY,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* read_all - a whole stream into b; 0 or -1 (errno) */
static int read_all(FILE *f, struct sl_buf *b)
{
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sl_buf_add(b, chunk, n);
	return ferror(f) ? -1 : 0;
}

/* the SQL: operands joined by spaces, -f FILE, or standard input */
static int get_sql(struct cli_args *a, struct sl_buf *sql)
{
	bool from_stdin = (a->sql_file && strcmp(a->sql_file, "-") == 0) ||
	                  (a->noperands == 1 && strcmp(a->operands[0], "-") == 0);
	if (a->sql_file && a->noperands > 0)
		return cli_usage_error(a, "SQL given both with -f and on the command line");
	if (!a->sql_file && a->noperands == 0) {
		if (isatty(STDIN_FILENO))
			return cli_usage_error(a, "no SQL given (as an argument, with -f FILE, or on "
			                       "standard input)");
		from_stdin = true;
	}
	if (from_stdin) {
		if (read_all(stdin, sql))
			return cli_fail(a, CLI_EXIT_NOINPUT, "cannot read standard input: %s",
			                strerror(errno));
	} else if (a->sql_file) {
		FILE *f = fopen(a->sql_file, "r");
		if (!f || read_all(f, sql)) {
			int e = errno;
			if (f)
				fclose(f);
			return cli_fail(a, CLI_EXIT_NOINPUT, "cannot read '%s': %s", a->sql_file,
			                strerror(e));
		}
		fclose(f);
	} else {
		for (int i = 0; i < a->noperands; i++) {
			if (i)
				sl_buf_addc(sql, ' ');
			sl_buf_adds(sql, a->operands[i]);
		}
	}
	if (strspn(sql->data, " \t\r\n;") == sql->len)
		return cli_usage_error(a, "no SQL given (the text is empty)");
	return -1;
}

/* cmd_query - smtplog query [OPTIONS] SQL... */
int cmd_query(struct cli_args *a)
{
	struct sl_buf sql;
	sl_buf_init(&sql);
	int status = get_sql(a, &sql);
	if (status >= 0)
		goto out;
	char buf[PATH_MAX];
	status = CLI_EXIT_OK;
	const char *path = cli_existing_db(a, buf, sizeof buf, &status);
	if (!path)
		goto out;
	enum query_format fmt = a->format ? (enum query_format)query_format_parse(a->format)
	                        : isatty(STDOUT_FILENO) ? QUERY_TABLE : QUERY_TSV;
	long timeout = a->timeout ? a->timeout : QUERY_DEFAULT_TIMEOUT;
	struct sl_error err;
	sl_error_clear(&err);
	struct redact *r = cli_redact_open(a, path, &status);
	if (status != CLI_EXIT_OK)
		goto out;
	struct query *q = query_open(path, timeout * 1000, &err);
	if (!q) {
		status = err.code == SL_EIO ? cli_fail(a, CLI_EXIT_NOINPUT, "%s", err.msg)
		                            : cli_fail_err(a, &err);
		redact_free(r);
		goto out;
	}
	query_set_redact(q, r);
	if (query_run(q, sql.data, fmt, !a->no_header, stdout, &err))
		status = cli_fail_err(a, &err);
	query_free(q);
	redact_free(r);
out:
	sl_buf_release(&sql);
	return status;
}
