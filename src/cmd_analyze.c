/* cmd_analyze, cmd_report: option parsing (one table parses and documents),
 * wiring of store, ingest and report, and exit statuses. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "codes_sql.h"
#include "ingest.h"
#include "patterns.h"
#include "report.h"
#include "store.h"

enum opt_id {
	OPT_DB = 1000, OPT_PATTERNS, OPT_MTA, OPT_YEAR, OPT_TZ, OPT_UNRECOGNIZED, OPT_LANG,
	OPT_FORMAT, OPT_TOP, OPT_MAX_LINE, OPT_IDLE, OPT_MAX_OPEN, OPT_NO_REPORT, OPT_REREAD, OPT_SINCE,
	OPT_UNTIL, OPT_QUIET, OPT_VERBOSE, OPT_HELP,
};

#define FOR_ANALYZE 1u
#define FOR_REPORT 2u

static const struct cli_option {
	const char *name;
	int key;             /* short option letter, or an OPT_ id */
	const char *arg;     /* NULL: takes no argument */
	unsigned cmds;
	const char *help;
} options[] = {
	{ "db", OPT_DB, "PATH", FOR_ANALYZE | FOR_REPORT,
	  "database file (default: $SMTPLOG_DB, else $XDG_DATA_HOME/smtplog/smtplog.db); ':memory:' keeps nothing" },
	{ "patterns", OPT_PATTERNS, "DIR", FOR_ANALYZE,
	  "add or override patterns with the *.pat files of DIR" },
	{ "mta", OPT_MTA, "NAME", FOR_ANALYZE, "read every line as postfix, exim or sendmail (default: per line)" },
	{ "year", OPT_YEAR, "YEAR", FOR_ANALYZE, "year of the first RFC 3164 stamp (default: from the file's mtime)" },
	{ "tz", OPT_TZ, "ZONE", FOR_ANALYZE, "time zone of stamps without one, e.g. Europe/Berlin (default: TZ)" },
	{ "unrecognized", OPT_UNRECOGNIZED, "FILE", FOR_ANALYZE, "write the MTA lines no pattern understood to FILE" },
	{ "max-line", OPT_MAX_LINE, "BYTES", FOR_ANALYZE, "truncate (and count) longer lines (default 65536)" },
	{ "idle-window", OPT_IDLE, "SECONDS", FOR_ANALYZE,
	  "forget an open message after this long without a line (default 604800)" },
	{ "max-open", OPT_MAX_OPEN, "N", FOR_ANALYZE, "at most N open messages in memory (default 50000)" },
	{ "no-report", OPT_NO_REPORT, NULL, FOR_ANALYZE, "store only, print no report" },
	{ "reread", OPT_REREAD, NULL, FOR_ANALYZE,
	  "read files an earlier run read to their end and that have not grown (default: skip them)" },
	{ "since", OPT_SINCE, "TIME", FOR_REPORT,
	  "report events at or after TIME: ISO 8601, 'today', 'yesterday', or an age such as 24h, 7d" },
	{ "until", OPT_UNTIL, "TIME", FOR_REPORT, "report events before TIME (same forms as --since)" },
	{ "lang", OPT_LANG, "LANG", FOR_ANALYZE | FOR_REPORT, "report language: en, ja, ko or zh (default: locale)" },
	{ "format", OPT_FORMAT, "FMT", FOR_ANALYZE | FOR_REPORT, "report format: text, markdown or json" },
	{ "top", OPT_TOP, "N", FOR_ANALYZE | FOR_REPORT, "rows in each top list (default 5)" },
	{ "quiet", 'q', NULL, FOR_ANALYZE, "no per-file summary on standard error" },
	{ "verbose", 'v', NULL, FOR_ANALYZE, "also print pattern and correlation statistics" },
	{ "help", 'h', NULL, FOR_ANALYZE | FOR_REPORT, "show this help" },
};

struct settings {
	const char *db;
	struct ingest_options ingest;
	struct report_options report;
	const char *unrecognized_path;
	bool no_report, quiet, verbose;
	char since_buf[40], until_buf[40];
};

static void print_help(const char *cmd, unsigned which, const char *synopsis)
{
	printf("usage: smtplog %s %s\n\noptions:\n", cmd, synopsis);
	for (size_t i = 0; i < SL_ARRAY_LEN(options); i++) {
		const struct cli_option *o = &options[i];
		if (!(o->cmds & which))
			continue;
		char left[64];
		if (o->key < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-28s %s\n", left, o->help);
	}
	printf("\nexit status: 0 ok, 1 some inputs unreadable, 64 usage, 65 bad data or database,\n"
	       "66 no input readable, 70 internal error, 74 cannot write, 75 database locked\n");
}

/* clock_now - seconds on a clock (monotonic, or this thread's CPU time) */
static double clock_now(clockid_t clock)
{
	struct timespec t;
	if (clock_gettime(clock, &t) != 0)
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "smtplog %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'smtplog %s --help')\n", cmd);
	return CLI_EXIT_USAGE;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A report bound: ISO 8601 as given, or 'today'/'yesterday' (local
 * midnight, for cron jobs) or an age 'Nh'/'Nd' before now, written into out
 * as ISO 8601 UTC. false if s is none of these. */
static bool parse_when(const char *s, char *out, size_t size)
{
	struct sl_time t;
	if (sl_time_parse_iso(s, strlen(s), &t) == 0 || (strlen(s) == 10 && s[4] == '-' && s[7] == '-')) {
		snprintf(out, size, "%s", s);
		return true;
	}
	time_t now = time(NULL), when;
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		struct tm tm;
		localtime_r(&now, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (s[0] == 'y')
			tm.tm_mday -= 1;
		when = mktime(&tm);
	} else {
		char *end;
		errno = 0;
		long n = strtol(s, &end, 10);
		if (errno || end == s || n < 0 || n > 100000 || (strcmp(end, "h") && strcmp(end, "d")))
			return false;
		when = now - (time_t)n * (*end == 'h' ? 3600 : 86400);
	}
	char iso[SL_TIME_ISO_MAX];
	sl_time_format_iso((struct sl_time){ .sec = when }, iso);
	snprintf(out, size, "%s", iso);
	return true;
}

/* Parses argv with the table; returns -1 on success (go on) or an exit status. */
static int parse_options(const char *cmd, unsigned which, const char *synopsis, int argc,
                         char **argv, struct settings *s)
{
	struct option longopts[SL_ARRAY_LEN(options) + 1];
	char shortopts[64] = "+";
	size_t n = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(options); i++) {
		const struct cli_option *o = &options[i];
		if (!(o->cmds & which))
			continue;
		longopts[n++] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->key };
		if (o->key < 256) {
			size_t l = strlen(shortopts);
			shortopts[l] = (char)o->key;
			shortopts[l + 1] = '\0';
			if (o->arg)
				strcat(shortopts, ":");
		}
	}
	longopts[n] = (struct option){ 0 };
	opterr = 0;
	optind = 1;
	int c;
	long v;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: s->db = optarg; break;
		case OPT_PATTERNS: s->ingest.patterns_dir = optarg; break;
		case OPT_MTA:
			if (strcmp(optarg, "postfix") && strcmp(optarg, "exim") && strcmp(optarg, "sendmail"))
				return usage_error(cmd, "unknown MTA '%s' (expected postfix, exim or sendmail)", optarg);
			s->ingest.force_mta = optarg;
			break;
		case OPT_YEAR:
			if (!parse_long(optarg, 1970, 9999, &v))
				return usage_error(cmd, "bad --year '%s' (expected 1970..9999)", optarg);
			s->ingest.year = (int)v;
			break;
		case OPT_TZ:
			if (!*optarg)
				return usage_error(cmd, "empty --tz%s", "");
			setenv("TZ", optarg, 1);
			tzset();
			break;
		case OPT_UNRECOGNIZED: s->unrecognized_path = optarg; break;
		case OPT_MAX_LINE:
			if (!parse_long(optarg, 256, 64L * 1024 * 1024, &v))
				return usage_error(cmd, "bad --max-line '%s' (expected 256..67108864)", optarg);
			s->ingest.max_line = (size_t)v;
			break;
		case OPT_IDLE:
			if (!parse_long(optarg, 60, 365L * 24 * 3600, &v))
				return usage_error(cmd, "bad --idle-window '%s' (expected 60..31536000 seconds)", optarg);
			s->ingest.corr.idle_seconds = v;
			break;
		case OPT_MAX_OPEN:
			if (!parse_long(optarg, 100, 100000000, &v))
				return usage_error(cmd, "bad --max-open '%s' (expected 100..100000000)", optarg);
			s->ingest.corr.max_open = (size_t)v;
			break;
		case OPT_NO_REPORT: s->no_report = true; break;
		case OPT_REREAD: s->ingest.reread = true; break;
		case OPT_SINCE:
			if (!parse_when(optarg, s->since_buf, sizeof s->since_buf))
				return usage_error(cmd, "bad --since '%s' (expected ISO 8601, today, yesterday, Nh or Nd)", optarg);
			s->report.since = s->since_buf;
			break;
		case OPT_UNTIL:
			if (!parse_when(optarg, s->until_buf, sizeof s->until_buf))
				return usage_error(cmd, "bad --until '%s' (expected ISO 8601, today, yesterday, Nh or Nd)", optarg);
			s->report.until = s->until_buf;
			break;
		case OPT_LANG: {
			int l = codes_lang_parse(optarg);
			if (l < 0)
				return usage_error(cmd, "unknown language '%s' (expected en, ja, ko or zh)", optarg);
			s->report.lang = (enum codes_lang)l;
			break;
		}
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				s->report.format = REPORT_TEXT;
			else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
				s->report.format = REPORT_MARKDOWN;
			else if (strcmp(optarg, "json") == 0)
				s->report.format = REPORT_JSON;
			else
				return usage_error(cmd, "unknown format '%s' (expected text, markdown or json)", optarg);
			break;
		case OPT_TOP:
			if (!parse_long(optarg, 1, 1000, &v))
				return usage_error(cmd, "bad --top '%s' (expected 1..1000)", optarg);
			s->report.top = (int)v;
			break;
		case 'q': s->quiet = true; break;
		case 'v': s->verbose = true; break;
		case 'h': print_help(cmd, which, synopsis); return CLI_EXIT_OK;
		case '?':
		default:
			if (optopt && optopt < 256)
				return usage_error(cmd, "unknown or incomplete option '-%c'", (char[]){ (char)optopt, 0 });
			return usage_error(cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

int cli_exit_for(const struct sl_error *err)
{
	switch (err->code) {
	case SL_OK: return CLI_EXIT_OK;
	case SL_EUSAGE: return CLI_EXIT_USAGE;
	case SL_EIO: return CLI_EXIT_IOERR;
	case SL_EFORMAT: return CLI_EXIT_DATAERR;
	case SL_EDB: return CLI_EXIT_DATAERR;
	case SL_EBUSY: return CLI_EXIT_TEMPFAIL;
	default: return CLI_EXIT_SOFTWARE;
	}
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0750);
		*p = '/';
		if (rc && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* --db, else $SMTPLOG_DB, else $XDG_DATA_HOME/smtplog/smtplog.db, else
 * ~/.local/share/smtplog/smtplog.db (the directories are created). */
static const char *default_db(char *buf, size_t size)
{
	const char *env = getenv("SMTPLOG_DB");
	if (env && *env)
		return env;
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, size, "%s/smtplog/smtplog.db", xdg);
	else if (home && *home)
		snprintf(buf, size, "%s/.local/share/smtplog/smtplog.db", home);
	else
		snprintf(buf, size, "smtplog.db");
	mkdir_p(buf);
	return buf;
}

static int write_out(const char *cmd, const struct sl_buf *b)
{
	if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		fprintf(stderr, "smtplog %s: cannot write the report: %s\n", cmd, strerror(errno));
		return CLI_EXIT_IOERR;
	}
	return CLI_EXIT_OK;
}

static int finish_store(const char *cmd, struct store *st, int status)
{
	struct sl_error err;
	sl_error_clear(&err);
	if (store_close(st, &err)) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		if (status == CLI_EXIT_OK || status == CLI_EXIT_PARTIAL)
			status = cli_exit_for(&err);
	}
	return status;
}

static struct store *open_store(const char *cmd, const struct settings *s, int *status)
{
	char buf[PATH_MAX];
	const char *path = s->db ? s->db : default_db(buf, sizeof buf);
	struct sl_error err;
	sl_error_clear(&err);
	struct store *st = store_open(path, &err);
	if (!st) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		*status = cli_exit_for(&err);
		return NULL;
	}
	if (codes_sql_load(store_db(st), &err)) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		*status = cli_exit_for(&err);
		store_close(st, &err);
		return NULL;
	}
	return st;
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

int cmd_analyze(int argc, char **argv)
{
	const char *cmd = "analyze";
	struct settings s = { 0 };
	s.report.lang = codes_lang_from_env();
	int status = parse_options(cmd, FOR_ANALYZE, "[OPTIONS] FILE... ('-' reads standard input)",
	                           argc, argv, &s);
	if (status >= 0)
		return status;
	if (optind >= argc)
		return usage_error(cmd, "no input files (give paths, or '-' for standard input)%s", "");
	int nfiles = argc - optind;
	for (int i = optind; i < argc; i++)
		for (int k = i + 1; k < argc; k++)
			if (strcmp(argv[i], "-") == 0 && strcmp(argv[k], "-") == 0)
				return usage_error(cmd, "standard input ('%s') given twice", "-");

	order_inputs(argv + optind, nfiles);
	struct sl_error err;
	sl_error_clear(&err);
	FILE *unrec = NULL;
	if (s.unrecognized_path) {
		unrec = fopen(s.unrecognized_path, "w");
		if (!unrec) {
			fprintf(stderr, "smtplog %s: cannot open '%s': %s\n", cmd, s.unrecognized_path,
			        strerror(errno));
			return CLI_EXIT_IOERR;
		}
		s.ingest.unrecognized_out = unrec;
	}
	status = CLI_EXIT_OK;
	struct store *st = open_store(cmd, &s, &status);
	if (!st) {
		if (unrec)
			fclose(unrec);
		return status;
	}
	struct ingest *in = ingest_new(st, &s.ingest, &err);
	if (!in) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		if (unrec)
			fclose(unrec);
		return finish_store(cmd, st, cli_exit_for(&err));
	}
	double t_start = clock_now(CLOCK_MONOTONIC);
	int64_t *ids = xcalloc((size_t)nfiles, sizeof *ids);
	size_t nids = 0;
	int failed = 0;
	for (int i = optind; i < argc && status == CLI_EXIT_OK; i++) {
		struct ingest_file_result res;
		sl_error_clear(&err);
		int rc = ingest_file(in, argv[i], &res, &err);
		if (rc < 0) {
			fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
			status = cli_exit_for(&err);
			break;
		}
		if (rc > 0) {
			fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
			failed++;
			if (res.source_id == 0)
				continue;   /* nothing of it was read */
		}
		ids[nids++] = res.source_id;
		if (!s.quiet)
			fprintf(stderr,
			        "smtplog: %s: %llu lines, %llu recognized, %llu not understood, "
			        "%llu of other programs, %llu truncated%s\n",
			        argv[i], (unsigned long long)res.lines, (unsigned long long)res.recognized,
			        (unsigned long long)res.unrecognized, (unsigned long long)res.foreign,
			        (unsigned long long)res.truncated,
			        res.skipped ? " (unchanged since an earlier run read it: skipped)"
			        : res.seen_before ? " (already in the database: nothing counted twice)" : "");
	}
	if (status == CLI_EXIT_OK && ingest_finish(in, &err)) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		status = cli_exit_for(&err);
	}
	double t_ingest = clock_now(CLOCK_MONOTONIC), cpu_parse = clock_now(CLOCK_THREAD_CPUTIME_ID);
	struct writer_stats ws = *ingest_writer_stats(in);
	/* The indexes a first load left out: the report's before it; the others
	 * on the writer thread while the report reads through a second
	 * connection, so both cores work. */
	bool report = !s.no_report && nids > 0;
	struct sqlite3 *reader = NULL;
	if (status == CLI_EXIT_OK) {
		struct sl_error rerr;
		sl_error_clear(&rerr);
		int rc = store_build_indexes(st, STORE_INDEXES_REPORT, &err);
		if (rc == 0 && report && (reader = store_open_reader(st, &rerr)) != NULL)
			rc = ingest_end_load_async(in, &err);
		else if (rc == 0)
			rc = store_end_load(st, &err);   /* no file to share: in turn */
		if (rc) {
			fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
			status = cli_exit_for(&err);
		}
	}
	double t_index = clock_now(CLOCK_MONOTONIC);
	if (s.verbose) {
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
		fprintf(stderr, "smtplog %s: cannot write '%s': %s\n", cmd, s.unrecognized_path, strerror(errno));
		status = CLI_EXIT_IOERR;
	}
	if (status == CLI_EXIT_OK && failed)
		status = failed == nfiles ? CLI_EXIT_NOINPUT : CLI_EXIT_PARTIAL;
	if ((status == CLI_EXIT_OK || status == CLI_EXIT_PARTIAL) && report) {
		struct sl_buf out;
		sl_buf_init(&out);
		s.report.source_ids = ids;
		s.report.nsources = nids;
		if (report_write(reader ? reader : store_db(st), &s.report, &out, &err)) {
			fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
			status = cli_exit_for(&err);
		} else {
			int w = write_out(cmd, &out);
			if (w != CLI_EXIT_OK)
				status = w;
		}
		sl_buf_release(&out);
	}
	store_close_reader(reader);
	free(ids);
	double t_report = clock_now(CLOCK_MONOTONIC);
	/* the writer thread's index build, if it was still going */
	if (ingest_wait(in, &err) && (status == CLI_EXIT_OK || status == CLI_EXIT_PARTIAL)) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		status = cli_exit_for(&err);
	}
	ingest_free(in);
	status = finish_store(cmd, st, status);
	if (s.verbose)
		fprintf(stderr,
		        "smtplog: %.2f s reading and storing (CPU: %.2f s this thread, %.2f s the "
		        "writer thread; %llu batches, %llu message updates merged, the reader waited "
		        "%llu times, the writer %llu), %.2f s indexes, %.2f s report, %.2f s close\n",
		        t_ingest - t_start, cpu_parse, ws.writer_cpu, (unsigned long long)ws.batches,
		        (unsigned long long)ws.coalesced, (unsigned long long)ws.producer_waits,
		        (unsigned long long)ws.writer_waits, t_index - t_ingest, t_report - t_index,
		        clock_now(CLOCK_MONOTONIC) - t_report);
	return status;
}

int cmd_report(int argc, char **argv)
{
	const char *cmd = "report";
	struct settings s = { 0 };
	s.report.lang = codes_lang_from_env();
	int status = parse_options(cmd, FOR_REPORT, "[OPTIONS]", argc, argv, &s);
	if (status >= 0)
		return status;
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s' (to read logs, use 'smtplog analyze')",
		                   argv[optind]);
	/* a report of nothing would look like a quiet day: refuse a missing database */
	char buf[PATH_MAX];
	const char *path = s.db ? s.db : default_db(buf, sizeof buf);
	if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		fprintf(stderr, "smtplog %s: no database at '%s' (run 'smtplog analyze' first, or give --db)\n",
		        cmd, path);
		return CLI_EXIT_NOINPUT;
	}
	s.db = path;
	status = CLI_EXIT_OK;
	struct store *st = open_store(cmd, &s, &status);
	if (!st)
		return status;
	struct sl_error err;
	sl_error_clear(&err);
	struct sl_buf out;
	sl_buf_init(&out);
	if (report_write(store_db(st), &s.report, &out, &err)) {
		fprintf(stderr, "smtplog %s: %s\n", cmd, err.msg);
		status = cli_exit_for(&err);
	} else {
		status = write_out(cmd, &out);
	}
	sl_buf_release(&out);
	return finish_store(cmd, st, status);
}
