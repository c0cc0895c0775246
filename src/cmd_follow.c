/* cmd_follow: `smtplog follow FILE...`: keeps storing lines as the logs
 * grow, like `tail -F`. Each pass reads every file on from where the last
 * stopped (a resume point per file, so a kill loses nothing and counts
 * nothing twice), holding back a last line without its newline. A file
 * renamed away (rotation) is read to its end through the descriptor kept
 * open, then the new file under the name; a file truncated in place
 * (copytruncate) is read from its start. SIGTERM or SIGINT ends the
 * current pass at a line boundary, commits, and exits 0.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "store.h"

const struct cli_option cmd_follow_options[] = {
	CLI_OPT_DB,
	{ .name = "patterns", .arg = "DIR", .type = CLI_DIR, .off = CLI_ARG(patterns_dir),
	  .help = "add or override patterns with the *.pat files of DIR" },
	{ .name = "mta", .arg = "postfix|exim|sendmail", .type = CLI_CHOICE, .off = CLI_ARG(mta),
	  .help = "read every line as this MTA's (default: decided per line)" },
	{ .name = "year", .arg = "YEAR", .type = CLI_LONG, .off = CLI_ARG(year), .min = 1970,
	  .max = 9999, .help = "year of the first RFC 3164 stamp (default: from the file's mtime)" },
	CLI_OPT_TZ,
	{ .name = "interval", .arg = "SECONDS", .type = CLI_LONG, .off = CLI_ARG(interval),
	  .min = 1, .max = 3600, .help = "look for new lines this often (default 1); what is "
	  "read is committed at once" },
	CLI_OPT_WAIT,
	CLI_OPT_GROUP,
	CLI_OPT_QUIET,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

static volatile int stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* What is known of one followed name. */
struct followed {
	const char *path;
	int fd;                 /* the file last read under the name, kept open; -1 */
	struct stat seen;       /* its identity, size and time when last read */
	bool any;
};

/* pass_file - read what is new under f->path: first the rest of a file
 * renamed away, then the file the name holds now. 0, or -1 (fatal). */
static int pass_file(struct cli_args *a, struct ingest *in, struct followed *f, int *status)
{
	struct stat now;
	bool exists = stat(f->path, &now) == 0 && S_ISREG(now.st_mode);
	struct ingest_file_result res;
	struct sl_error err;
	sl_error_clear(&err);
	if (f->fd >= 0 && (!exists || now.st_dev != f->seen.st_dev || now.st_ino != f->seen.st_ino)) {
		/* rotated: the old file's last lines, through the descriptor */
		char fdpath[64];
		snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", f->fd);
		/* complete now: a last line without its newline is read too */
		ingest_set_final(in, true);
		int rc = ingest_file_at(in, fdpath, f->path, &res, &err);
		ingest_set_final(in, false);
		close(f->fd);
		f->fd = -1;
		f->any = false;
		if (rc < 0) {
			*status = cli_fail_err(a, &err);
			return -1;
		}
		if (!a->quiet)
			fprintf(stderr, "smtplog: %s was rotated: its last lines read (%llu lines in all)\n",
			        f->path, (unsigned long long)res.lines);
	}
	if (!exists)
		return 0;   /* not there (yet): as tail -F, wait for it */
	if (f->any && now.st_size == f->seen.st_size && now.st_mtim.tv_sec == f->seen.st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == f->seen.st_mtim.tv_nsec)
		return 0;   /* nothing new */
	int rc = ingest_file(in, f->path, &res, &err);
	if (rc < 0) {
		*status = cli_fail_err(a, &err);
		return -1;
	}
	if (rc > 0) {
		cli_fail_err(a, &err);   /* said; tried again next pass */
		return 0;
	}
	if ((res.shrank || res.replaced) && !a->quiet)
		fprintf(stderr, "smtplog: %s was truncated (copytruncate?): read from its start\n",
		        f->path);
	if (f->fd < 0)
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (f->fd >= 0 && fstat(f->fd, &f->seen) == 0 &&
	    (f->seen.st_dev != now.st_dev || f->seen.st_ino != now.st_ino)) {
		close(f->fd);   /* replaced between the two: next pass */
		f->fd = -1;
	}
	f->seen = now;
	f->any = f->fd >= 0;
	return 0;
}

/* cmd_follow - smtplog follow FILE... */
int cmd_follow(struct cli_args *a)
{
	if (a->noperands == 0)
		return cli_usage_error(a, "no files to follow");
	for (int i = 0; i < a->noperands; i++)
		if (strcmp(a->operands[i], "-") == 0)
			return cli_usage_error(a, "standard input cannot be followed (use analyze -)");
	char buf[PATH_MAX];
	const char *path = cli_db_path(a, buf, sizeof buf, true);
	int status = CLI_EXIT_OK;
	if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		/* a new database is built under another name until it is
		 * closed: make it now, so reports can read it meanwhile */
		struct store *st = cli_open_store(a, path, &status);
		if (!st)
			return status;
		if ((status = cli_close_store(a, st, CLI_EXIT_OK)) != CLI_EXIT_OK)
			return status;
	}
	struct store *st = cli_open_store(a, path, &status);
	if (!st)
		return status;
	struct ingest_options opt = {
		.patterns_dir = a->patterns_dir,
		.force_mta = a->mta,
		.year = (int)a->year,
		.stop = &stop_requested,
	};
	struct sl_error err;
	sl_error_clear(&err);
	struct ingest *in = ingest_new(st, &opt, &err);
	if (!in)
		return cli_close_store(a, st, cli_fail_err(a, &err));
	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct followed *f = xcalloc((size_t)a->noperands, sizeof *f);
	for (int i = 0; i < a->noperands; i++) {
		f[i].path = a->operands[i];
		f[i].fd = -1;
	}
	long interval = a->interval > 0 ? a->interval : 1;
	bool indexed = false;
	while (status == CLI_EXIT_OK && !stop_requested) {
		for (int i = 0; i < a->noperands && status == CLI_EXIT_OK && !stop_requested; i++)
			pass_file(a, in, &f[i], &status);
		if (status == CLI_EXIT_OK && ingest_finish(in, &err))
			status = cli_fail_err(a, &err);
		if (status == CLI_EXIT_OK && !indexed) {
			/* a first load leaves the query indexes out: build them now,
			 * so reports are fast while it follows */
			if (store_end_load(st, &err))
				status = cli_fail_err(a, &err);
			indexed = true;
		}
		struct timespec ts = { interval, 0 };
		while (!stop_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < a->noperands; i++)
		if (f[i].fd >= 0)
			close(f[i].fd);
	free(f);
	if (ingest_wait(in, &err) && status == CLI_EXIT_OK)
		status = cli_fail_err(a, &err);
	ingest_free(in);
	if (stop_requested && !a->quiet && status == CLI_EXIT_OK)
		fprintf(stderr, "smtplog: stopped; what was read is stored\n");
	return cli_close_store(a, st, status);
}
