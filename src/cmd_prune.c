/* cmd_prune: `smtplog prune --older-than AGE`: retention. Events and
 * messages older than AGE go (messages still open that old are closed
 * first, the newer ones keep their rows), the file is compacted, sources
 * stay (a pruned rotated file is not read again). See store_prune.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "correlate.h"
#include "store.h"
#include "util_time.h"

const struct cli_option cmd_prune_options[] = {
	CLI_OPT_DB,
	{ .name = "older-than", .arg = "TIME", .type = CLI_TIME, .off = CLI_ARG(older_than_arg),
	  .help = "delete events and messages before TIME: an age such as 90d or 2160h, a date, "
	          "or ISO 8601" },
	CLI_OPT_WAIT,
	CLI_OPT_QUIET,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* cmd_prune - smtplog prune --older-than AGE */
int cmd_prune(struct cli_args *a)
{
	if (a->noperands)
		return cli_usage_error(a, "unexpected argument '%s'", a->operands[0]);
	if (!a->older_than_arg)
		return cli_usage_error(a, "give --older-than, e.g. --older-than 90d");
	char before[40];
	if (!cli_parse_when(a->older_than_arg, before, sizeof before))
		return cli_usage_error(a, "bad --older-than '%s'", a->older_than_arg);
	char buf[PATH_MAX];
	int status = CLI_EXIT_OK;
	const char *path = cli_existing_db(a, buf, sizeof buf, &status);
	if (!path)
		return status;
	struct store *st = cli_open_store(a, path, &status);
	if (!st)
		return status;
	struct sl_error err;
	sl_error_clear(&err);
	/* Messages still open at the last run's end whose last line is older
	 * are closed (as when their idle window passes) and pruned with the
	 * rest; the newer ones keep the rows a later run goes on with. */
	struct sl_time cut;
	if (sl_time_parse_iso(before, strlen(before), &cut) != 0)
		return cli_close_store(a, st, cli_usage_error(a, "bad --older-than '%s'",
		                                              a->older_than_arg));
	struct sl_buf state, pruned;
	sl_buf_init(&state);
	sl_buf_init(&pruned);
	int64_t *ids = NULL;
	struct store_prune_keep keep = { 0 };
	int rc = store_load_state(st, &state, &err);
	if (rc == 0 && state.len &&
	    (rc = correlate_state_prune(state.data, state.len, cut.sec, &pruned, &keep.open_messages,
	                                &ids, &keep.nids, &err)) == 0) {
		keep.ids = ids;
		keep.state = pruned.data;
		keep.state_len = pruned.len;
	}
	struct store_prune_stats ps;
	if (rc == 0)
		rc = store_prune(st, before, &keep, &ps, &err);
	sl_buf_release(&state);
	sl_buf_release(&pruned);
	free(ids);
	if (rc)
		return cli_close_store(a, st, cli_fail_err(a, &err));
	status = cli_close_store(a, st, CLI_EXIT_OK);
	if (status == CLI_EXIT_OK && !a->quiet) {
		int64_t after = store_file_size(path);
		fprintf(stderr, "smtplog: pruned what is older than %s: %lld events, %lld messages; "
		        "the file went from %.1f MB to %.1f MB\n", before, (long long)ps.events,
		        (long long)ps.messages, (double)ps.bytes_before / 1e6,
		        after >= 0 ? (double)after / 1e6 : 0.0);
	}
	return status;
}
