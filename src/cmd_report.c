/* cmd_report: `smtplog report`: the report of the whole database or of a
 * time range, read from an existing database.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <limits.h>
#include <string.h>

#include "report.h"
#include "store.h"

const struct cli_option cmd_report_options[] = {
	CLI_OPT_DB,
	CLI_OPT_SINCE,
	CLI_OPT_UNTIL,
	CLI_OPT_TZ,
	CLI_OPT_LANG,
	CLI_OPT_FORMAT,
	CLI_OPT_TOP,
	CLI_OPT_WAIT,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* cmd_report_options_from - see cli.h */
void cmd_report_options_from(const struct cli_args *a, struct report_options *ro)
{
	memset(ro, 0, sizeof *ro);
	ro->lang = (enum codes_lang)a->lang;
	ro->format = !a->format || strcmp(a->format, "text") == 0 ? REPORT_TEXT
	             : strcmp(a->format, "markdown") == 0      ? REPORT_MARKDOWN
	                                                       : REPORT_JSON;
	ro->top = (int)a->top;
	ro->since = a->since[0] ? a->since : NULL;
	ro->until = a->until[0] ? a->until : NULL;
}

/* cmd_report - smtplog report [OPTIONS] */
int cmd_report(struct cli_args *a)
{
	if (a->noperands > 0)
		return cli_usage_error(a, "unexpected argument '%s' (to read logs, use 'smtplog analyze')",
		                       a->operands[0]);
	char buf[PATH_MAX];
	int status = CLI_EXIT_OK;
	const char *path = cli_existing_db(a, buf, sizeof buf, &status);
	if (!path)
		return status;
	struct store *st = cli_open_store_readonly(a, path, &status);
	if (!st)
		return status;
	struct report_options ro;
	cmd_report_options_from(a, &ro);
	struct sl_error err;
	sl_error_clear(&err);
	struct sl_buf out;
	sl_buf_init(&out);
	if (report_write(store_db(st), &ro, &out, &err))
		status = cli_fail_err(a, &err);
	else
		status = cli_write_out(a, &out);
	sl_buf_release(&out);
	return cli_close_store(a, st, status);
}
