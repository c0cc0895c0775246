/* cmd_export: `smtplog export`: the stored events and messages as JSON Lines
 * or CSV on standard output (docs/export.md), optionally redacted and
 * incremental per destination.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "redact.h"
#include "store.h"

const struct cli_option cmd_export_options[] = {
	CLI_OPT_DB,
	{ .name = "format", .arg = "jsonl|csv", .type = CLI_CHOICE, .off = CLI_ARG(format),
	  .help = "JSON Lines, one object per row, or CSV (RFC 4180) (default: jsonl)" },
	{ .name = "since", .arg = "TIME", .type = CLI_TIME, .off = CLI_ARG(since_arg),
	  .help = "events at or after TIME, and the messages with lines since then: ISO 8601, "
	          "a date, 'today', 'yesterday', or an age such as 24h or 7d" },
	{ .name = "until", .arg = "TIME", .type = CLI_TIME, .off = CLI_ARG(until_arg),
	  .help = "events before TIME (same forms as --since; not with --incremental)" },
	CLI_OPT_TZ,
	{ .name = "incremental", .arg = "NAME", .type = CLI_STR, .off = CLI_ARG(incremental),
	  .help = "only what was not yet exported to the destination NAME, then remember it "
	          "(in the database)" },
	CLI_OPT_REDACT,
	CLI_OPT_REDACT_KEY,
	CLI_OPT_QUIET,
	CLI_OPT_VERBOSE,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* cmd_export - smtplog export [OPTIONS] */
int cmd_export(struct cli_args *a)
{
	if (a->noperands > 0)
		return cli_usage_error(a, "unexpected argument '%s'", a->operands[0]);
	if (a->incremental && a->until[0])
		return cli_usage_error(a, "--until cannot be combined with --incremental (what lies "
		                          "after it would count as exported)");
	char buf[PATH_MAX];
	int status = CLI_EXIT_OK;
	const char *path = cli_existing_db(a, buf, sizeof buf, &status);
	if (!path)
		return status;
	struct sl_error err;
	sl_error_clear(&err);
	struct redact *r = cli_redact_open(a, path, &status);
	if (status != CLI_EXIT_OK)
		return status;
	/* only an incremental export writes (where the destination got to) */
	struct store *st = a->incremental ? cli_open_store(a, path, &status)
	                                  : cli_open_store_readonly(a, path, &status);
	if (!st) {
		redact_free(r);
		return status;
	}
	struct export_options o = {
		.format = a->format && strcmp(a->format, "csv") == 0 ? EXPORT_CSV : EXPORT_JSONL,
		.since = a->since[0] ? a->since : NULL,
		.until = a->until[0] ? a->until : NULL,
		.destination = a->incremental,
		.redact = r,
	};
	struct export_stats stats;
	double t0 = now();
	if (export_run(store_db(st), &o, stdout, &stats, &err))
		status = cli_fail_err(a, &err);
	double secs = now() - t0;
	if (status == CLI_EXIT_OK && a->verbose) {
		uint64_t rows = stats.events + stats.messages;
		fprintf(stderr, "smtplog export: %llu events, %llu messages (%llu sent again while open)"
		        " in %.2f s, %.0f rows/s\n", (unsigned long long)stats.events,
		        (unsigned long long)stats.messages, (unsigned long long)stats.resent, secs,
		        secs > 0 ? (double)rows / secs : 0.0);
	}
	redact_free(r);
	return cli_close_store(a, st, status);
}
