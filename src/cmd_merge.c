/* cmd_merge: `smtplog merge --db TARGET SOURCE.db...`: per-host databases
 * combined into one (src/merge.c), so report, query and trace read across
 * hosts.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "merge.h"
#include "store.h"

const struct cli_option cmd_merge_options[] = {
	CLI_OPT_DB,
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

/* cmd_merge - smtplog merge [--db TARGET] SOURCE.db... */
int cmd_merge(struct cli_args *a)
{
	if (a->noperands == 0)
		return cli_usage_error(a, "no database to merge (give SOURCE.db...)");
	for (int i = 0; i < a->noperands; i++)
		if (access(a->operands[i], R_OK) != 0)
			return cli_fail(a, CLI_EXIT_NOINPUT, "cannot read '%s': %s", a->operands[i],
			                strerror(errno));
	char buf[PATH_MAX];
	const char *path = cli_db_path(a, buf, sizeof buf, true);
	bool existed = strcmp(path, ":memory:") == 0 || access(path, F_OK) == 0;
	int status = CLI_EXIT_OK;
	struct store *st = cli_open_store(a, path, &status);
	if (!st)
		return status;
	struct sl_error err;
	sl_error_clear(&err);
	for (int i = 0; i < a->noperands && status == CLI_EXIT_OK; i++) {
		struct merge_stats ms = { 0 };
		double t0 = now();
		if (merge_database(store_db(st), a->operands[i], &ms, &err)) {
			status = cli_fail_err(a, &err);
			break;
		}
		double secs = now() - t0;
		if (!a->quiet)
			fprintf(stderr, "smtplog: %s: %llu events and %llu messages added or updated, "
			        "%llu new sources, %llu already present%s",
			        a->operands[i], (unsigned long long)ms.events,
			        (unsigned long long)ms.messages, (unsigned long long)ms.sources_new,
			        (unsigned long long)ms.sources_known,
			        ms.events + ms.messages == 0 ? " (nothing new)" : "");
		if (!a->quiet && a->verbose)
			fprintf(stderr, " in %.2f s, %.0f rows/s", secs,
			        secs > 0 ? (double)(ms.events + ms.messages) / secs : 0.0);
		if (!a->quiet)
			fputc('\n', stderr);
	}
	status = cli_close_store(a, st, status);
	/* a target this run created holds a part of the sources at most: none */
	if (status != CLI_EXIT_OK && !existed)
		unlink(path);
	return status;
}
