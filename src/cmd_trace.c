/* cmd_trace: `smtplog trace KEY...`: the story of the messages a queue ID,
 * Message-ID or address names (the trace module), or their original lines.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "trace.h"

const struct cli_option cmd_trace_options[] = {
	CLI_OPT_DB,
	{ .name = "raw", .type = CLI_FLAG, .off = CLI_ARG(raw),
	  .help = "print the original log lines, read again from their files" },
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* cmd_trace - smtplog trace [OPTIONS] KEY... */
int cmd_trace(struct cli_args *a)
{
	if (a->noperands == 0)
		return cli_usage_error(a, "expected a queue ID, a Message-ID or an address");
	char buf[PATH_MAX];
	int status = CLI_EXIT_OK;
	const char *path = cli_existing_db(a, buf, sizeof buf, &status);
	if (!path)
		return status;
	struct sl_error err;
	sl_error_clear(&err);
	struct query *q = query_open(path, 0, &err);   /* the read-only, locked-down connection */
	if (!q)
		return err.code == SL_EIO ? cli_fail(a, CLI_EXIT_NOINPUT, "%s", err.msg)
		                          : cli_fail_err(a, &err);
	struct sl_buf out, missing;
	sl_buf_init(&out);
	sl_buf_init(&missing);
	for (int i = 0; i < a->noperands && status != CLI_EXIT_DATAERR; i++) {
		struct trace t;
		if (trace_find(query_db(q), a->operands[i], &t, &err)) {
			status = cli_fail_err(a, &err);
			break;
		}
		if (t.nitems == 0) {
			cli_fail(a, CLI_EXIT_PARTIAL, "no message or event matches '%s'", a->operands[i]);
			status = CLI_EXIT_PARTIAL;
		} else if (a->raw) {
			if (trace_read_raw(query_db(q), &t, &missing))
				status = CLI_EXIT_PARTIAL;
			for (size_t k = 0; k < t.nitems; k++)
				if (t.items[k].raw && (k == 0 || !t.items[k - 1].raw ||
				                       t.items[k - 1].offset != t.items[k].offset ||
				                       t.items[k - 1].source_id != t.items[k].source_id))
					sl_buf_addf(&out, "%s\n", t.items[k].raw);   /* a line once */
		} else {
			if (i)
				sl_buf_addc(&out, '\n');
			trace_format(&t, &out);
		}
		trace_release(&t);
	}
	query_free(q);
	if (missing.len) {
		fprintf(stderr, "smtplog trace: some lines could not be read again:\n%s", missing.data);
	}
	int w = cli_write_out(a, &out);
	if (w != CLI_EXIT_OK)
		status = w;
	sl_buf_release(&out);
	sl_buf_release(&missing);
	return status;
}
