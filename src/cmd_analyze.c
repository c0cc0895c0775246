/* cmd_analyze: `smtplog analyze FILE...`: reads logs through ingest into the
 * store, then prints the report of what was read.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ingest.h"
#include "patterns.h"
#include "report.h"
#include "store.h"

const struct cli_option cmd_analyze_options[] = {
	CLI_OPT_DB,
	{ .name = "patterns", .arg = "DIR", .type = CLI_DIR, .off = CLI_ARG(patterns_dir),
	  .config = true,
	  .help = "add or override patterns with the *.pat files of DIR" },
	{ .name = "mta", .arg = "postfix|exim|sendmail", .type = CLI_CHOICE, .off = CLI_ARG(mta),
	  .help = "read every line as this MTA's (default: decided per line)" },
	{ .name = "year", .arg = "YEAR", .type = CLI_LONG, .off = CLI_ARG(year), .min = 1970,
	  .max = 9999, .help = "year of the first RFC 3164 stamp (default: from the file's mtime)" },
	CLI_OPT_TZ,
	{ .name = "unrecognized", .arg = "FILE", .type = CLI_STR, .off = CLI_ARG(unrecognized),
	  .help = "write the MTA lines no pattern understood to FILE" },
	{ .name = "max-line", .arg = "BYTES", .type = CLI_LONG, .off = CLI_ARG(max_line),
	  .min = 256, .max = 64L * 1024 * 1024,
	  .help = "truncate (and count) longer lines (default 65536)" },
	{ .name = "idle-window", .arg = "SECONDS", .type = CLI_LONG, .off = CLI_ARG(idle_window),
	  .min = 60, .max = 365L * 24 * 3600,
	  .help = "forget an open message after this long without a line (default 604800)" },
	{ .name = "max-open", .arg = "N", .type = CLI_LONG, .off = CLI_ARG(max_open), .min = 100,
	  .max = 100000000, .help = "at most N open messages in memory (default 25000)" },
	{ .name = "no-report", .type = CLI_FLAG, .off = CLI_ARG(no_report),
	  .help = "store only, print no report" },
	{ .name = "reread", .type = CLI_FLAG, .off = CLI_ARG(reread),
	  .help = "read files an earlier run read to their end and that have not grown "
	          "(default: skip them)" },
	{ .name = "final", .type = CLI_FLAG, .off = CLI_ARG(final),
	  .help = "the files are complete: read a last line without its newline (default: "
	          "left for the next run, unless the name is a rotated one such as .1)" },
	CLI_OPT_WAIT,
	CLI_OPT_GROUP,
	CLI_OPT_LANG,
	CLI_OPT_REPORT_FORMAT,
	CLI_OPTS_REPORT,
	CLI_OPT_TOP,
	CLI_OPT_QUIET,
	CLI_OPT_VERBOSE,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* clock_now - seconds on a clock (monotonic, or this thread's CPU time) */
static double clock_now(clockid_t clock)
{
	struct timespec t;
	if (clock_gettime(clock, &t) != 0)
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Rotated generations of one log are read oldest first, whatever order the
 * shell's glob gave: mail.log.3.gz, mail.log.2.gz, mail.log.1, mail.log (and
 * dateext names, mail.log-20261122, by date), so messages that span a
 * rotation are correlated in time order. Other inputs keep their order. */
struct input {
	const char *path;
	char stem[PATH_MAX];
	int group;      /* index of the first input with the same stem */
	int tier;       /* 0 numbered (.N), 1 dated (-YYYYMMDD), 2 the live file */
	long gen;       /* N, or the date */
	int given;      /* position on the command line */
};

static void input_key(struct input *in)
{
	snprintf(in->stem, sizeof in->stem, "%s", in->path);
	size_t n = strlen(in->stem);
	if (n > 3 && strcmp(in->stem + n - 3, ".gz") == 0)
		in->stem[n -= 3] = '\0';
	size_t d = n;
	while (d > 0 && in->stem[d - 1] >= '0' && in->stem[d - 1] <= '9')
		d--;
	in->tier = 2;
	in->gen = 0;
	if (d < n && d > 0 && in->stem[d - 1] == '.' && n - d <= 4) {
		in->tier = 0;
		in->gen = strtol(in->stem + d, NULL, 10);
		in->stem[d - 1] = '\0';
	} else if (d < n && d > 0 && in->stem[d - 1] == '-' && n - d == 8) {
		in->tier = 1;
		in->gen = strtol(in->stem + d, NULL, 10);
		in->stem[d - 1] = '\0';
	}
}

static int input_cmp(const void *pa, const void *pb)
{
	const struct input *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group - b->group;
	if (a->tier != b->tier)
		return a->tier - b->tier;
	if (a->gen != b->gen) {
		if (a->tier == 0)
			return a->gen > b->gen ? -1 : 1;   /* .3 before .2 */
		return a->gen < b->gen ? -1 : 1;       /* earlier date first */
	}
	return a->given - b->given;
}

static void order_inputs(char **paths, int n)
{
	struct input *in = xcalloc((size_t)n, sizeof *in);
	for (int i = 0; i < n; i++) {
		in[i].path = paths[i];
		in[i].given = i;
		input_key(&in[i]);
		in[i].group = i;
		if (strcmp(paths[i], "-") == 0)
			continue;
		for (int k = 0; k < i; k++)
			if (strcmp(paths[k], "-") != 0 && strcmp(in[k].stem, in[i].stem) == 0) {
				in[i].group = in[k].group;
				break;
			}
	}
	qsort(in, (size_t)n, sizeof *in, input_cmp);
	for (int i = 0; i < n; i++)
		paths[i] = (char *)in[i].path;
	free(in);
}

/* cmd_analyze - smtplog analyze [OPTIONS] FILE... */
int cmd_analyze(struct cli_args *a)
{
	if (a->noperands == 0)
		return cli_usage_error(a, "no input files (give paths, or '-' for standard input)");
	int nfiles = a->noperands;
	char **files = a->operands;
	for (int i = 0; i < nfiles; i++)
		for (int k = i + 1; k < nfiles; k++)
			if (strcmp(files[i], "-") == 0 && strcmp(files[k], "-") == 0)
				return cli_usage_error(a, "standard input ('-') given twice");
	struct ingest_options opt = {
		.patterns_dir = a->patterns_dir,
		.force_mta = a->mta,
		.year = (int)a->year,
		.max_line = (size_t)a->max_line,
		.corr = { .max_open = (size_t)a->max_open, .idle_seconds = a->idle_window },
		.reread = a->reread,
		.final = a->final,
	};
	struct report_options ropt;
	cmd_report_options_from(a, &ropt);
	order_inputs(files, nfiles);
	/* for the crash tests: commit batches this often (default 100000 lines) */
	const char *ck = getenv("SMTPLOG_CHECKPOINT_LINES");
	if (ck && *ck && strtoull(ck, NULL, 10) > 0)
		opt.checkpoint_lines = strtoull(ck, NULL, 10);
	struct sl_error err;
	sl_error_clear(&err);
	FILE *unrec = NULL;
	int status = CLI_EXIT_OK;
	if (a->unrecognized) {
		unrec = cli_create_output(a, a->unrecognized, &status);
		if (!unrec)
			return status;
		opt.unrecognized_out = unrec;
	}
	char buf[PATH_MAX];
	struct store *st = cli_open_store(a, cli_db_path(a, buf, sizeof buf, true), &status);
	if (!st) {
		if (unrec)
			fclose(unrec);
		return status;
	}
	/* the progress line on a terminal: the inputs' sizes on disk */
	uint64_t total = 0;
	for (int i = 0; i < nfiles; i++) {
		struct stat sb;
		if (strcmp(files[i], "-") == 0 || stat(files[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
			total = 0;   /* a pipe: no total */
			break;
		}
		total += (uint64_t)sb.st_size;
	}
	struct cli_progress *progress = cli_progress_new(a, total);
	if (progress) {
		opt.progress = cli_progress_update;
		opt.progress_ctx = progress;
	}
	struct ingest *in = ingest_new(st, &opt, &err);
	if (!in) {
		cli_progress_free(progress);
		status = cli_fail_err(a, &err);
		if (unrec)
			fclose(unrec);
		return cli_close_store(a, st, status);
	}
	double t_start = clock_now(CLOCK_MONOTONIC);
	int64_t *ids = xcalloc((size_t)nfiles, sizeof *ids);
	size_t nids = 0;
	int failed = 0, partial = 0;
	struct sl_buf name;
	sl_buf_init(&name);
	for (int i = 0; i < nfiles && status == CLI_EXIT_OK; i++) {
		struct ingest_file_result res;
		sl_error_clear(&err);
		struct stat sb;
		cli_progress_file(progress, strcmp(files[i], "-") != 0 && stat(files[i], &sb) == 0 &&
		                            S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0);
		int rc = ingest_file(in, files[i], &res, &err);
		cli_progress_clear(progress);
		if (rc < 0) {
			status = cli_fail_err(a, &err);
			break;
		}
		if (rc > 0 && res.source_id == 0) {
			cli_fail_err(a, &err);
			failed++;
			continue;   /* nothing of it was read */
		}
		if (rc > 0) {
			/* cut short (a gzip file cut off, a read error, truncated while
			 * being read): what was read is stored */
			cli_fail(a, CLI_EXIT_PARTIAL, "%s; the %llu lines read before are stored",
			         err.msg, (unsigned long long)res.lines);
			partial++;
		}
		ids[nids++] = res.source_id;
		sl_buf_reset(&name);
		sl_printable(&name, files[i], strlen(files[i]));
		if (!a->quiet)
			fprintf(stderr,
			        "smtplog: %s: %llu lines, %llu recognized, %llu not understood, "
			        "%llu of other programs, %llu truncated%s\n",
			        name.data, (unsigned long long)res.lines, (unsigned long long)res.recognized,
			        (unsigned long long)res.unrecognized, (unsigned long long)res.foreign,
			        (unsigned long long)res.truncated,
			        res.skipped ? " (unchanged since an earlier run read it: skipped)"
			        : res.resumed_at && res.lines == res.resumed_lines
			        ? " (already in the database: nothing new since an earlier run read it)"
			        : res.resumed_at ? " (already in the database up to where an earlier run "
			                           "stopped: read on from there)"
			        : res.seen_before ? " (already in the database: nothing counted twice)" : "");
		if (res.shrank || res.replaced)
			fprintf(stderr, "smtplog: %s: %s since an earlier run read it (copytruncate?): "
			        "read from its start\n", name.data,
			        res.shrank ? "shorter" : "other first bytes");
	}
	sl_buf_release(&name);
	cli_progress_free(progress);
	if (status == CLI_EXIT_OK && ingest_finish(in, &err)) {
		status = cli_fail_err(a, &err);
	}
	ingest_release(in);   /* the report need not hold the open messages too */
	double t_ingest = clock_now(CLOCK_MONOTONIC), cpu_parse = clock_now(CLOCK_THREAD_CPUTIME_ID);
	struct writer_stats ws = *ingest_writer_stats(in);
	/* The indexes a first load left out: the report's before its other
	 * sections, the others on the writer thread while the report reads
	 * through a second connection, so both cores work. The key passes need
	 * none: they start on a third connection as soon as the rows are
	 * committed, beside the build of the report's indexes (which then
	 * writes into the WAL the readers need). From here on no row changes
	 * until the report is read, only indexes are added: every connection
	 * reads the same rows. */
	bool report = !a->no_report && nids > 0;
	struct sqlite3 *reader = NULL;
	struct report_keys_job *keys = NULL;
	ropt.source_ids = ids;
	ropt.nsources = nids;
	if (status == CLI_EXIT_OK) {
		struct sl_error rerr;
		sl_error_clear(&rerr);
		int rc = 0;
		if (report && (reader = store_open_reader(st, &rerr)) != NULL)
			keys = report_keys_start(reader, &ropt);
		rc = store_build_indexes(st, STORE_INDEXES_REPORT, &err);
		if (rc == 0 && reader)
			rc = ingest_end_load_async(in, &err);
		else if (rc == 0)
			rc = store_end_load(st, &err);   /* no file to share: in turn */
		if (rc) {
			status = cli_fail_err(a, &err);
		}
	}
	sl_fault("indexed");
	double t_index = clock_now(CLOCK_MONOTONIC);
	if (a->verbose) {
		const struct correlate_stats *cs = ingest_correlate_stats(in);
		const struct pattern_stats *ps = ingest_pattern_stats(in);
		fprintf(stderr,
		        "smtplog: messages %llu (completed %llu, all recipients final %llu, evicted idle "
		        "%llu, evicted over cap %llu, linked copies %llu, peak open %zu); pattern tries "
		        "%lu, prefiltered %lu, match-limit hits %lu\n",
		        (unsigned long long)cs->messages, (unsigned long long)cs->completed,
		        (unsigned long long)cs->delivered_all,
		        (unsigned long long)cs->evicted_idle, (unsigned long long)cs->evicted_cap,
		        (unsigned long long)cs->linked, cs->peak_open, ps->attempts, ps->prefiltered_out,
		        ps->limit_hits);
	}
	if (unrec && fclose(unrec) != 0 && status == CLI_EXIT_OK) {
		status = cli_fail(a, CLI_EXIT_IOERR, "cannot write '%s': %s", a->unrecognized,
		                  strerror(errno));
	}
	/* 66 only when nothing at all could be read; a file read in part is 1 */
	if (status == CLI_EXIT_OK && (failed || partial))
		status = failed == nfiles ? CLI_EXIT_NOINPUT : CLI_EXIT_PARTIAL;
	if ((status == CLI_EXIT_OK || status == CLI_EXIT_PARTIAL) && report) {
		ropt.parallel = reader != NULL;   /* the rows are written: only indexes change */
		ropt.keys_job = keys;
		int w = cmd_report_emit(a, reader ? reader : store_db(st), &ropt, NULL);
		if (w != CLI_EXIT_OK && (w != CLI_EXIT_FAIL_ON || status == CLI_EXIT_OK ||
		                         status == CLI_EXIT_PARTIAL))
			status = w;
	}
	report_keys_job_free(keys);
	store_close_reader(reader);
	free(ids);
	double t_report = clock_now(CLOCK_MONOTONIC);
	/* the writer thread's index build, if it was still going */
	if (ingest_wait(in, &err) && (status == CLI_EXIT_OK || status == CLI_EXIT_PARTIAL)) {
		status = cli_fail_err(a, &err);
	}
	ingest_free(in);
	status = cli_close_store(a, st, status);
	if (a->verbose)
		fprintf(stderr,
		        "smtplog: %.2f s reading and storing (CPU: %.2f s this thread, %.2f s the "
		        "writer thread; %llu batches, %llu message updates merged, the reader waited "
		        "%llu times, the writer %llu; reasons classified %llu here, %llu on the writer "
		        "thread), %.2f s indexes, %.2f s report, %.2f s close\n",
		        t_ingest - t_start, cpu_parse, ws.writer_cpu, (unsigned long long)ws.batches,
		        (unsigned long long)ws.coalesced, (unsigned long long)ws.producer_waits,
		        (unsigned long long)ws.writer_waits, (unsigned long long)ws.reasons_producer,
		        (unsigned long long)ws.reasons_writer, t_index - t_ingest, t_report - t_index,
		        clock_now(CLOCK_MONOTONIC) - t_report);
	return status;
}

