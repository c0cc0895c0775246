/* cli: the option parser shared by every command, the help printed from the
 * same rows, value checks, and the dispatch from argv to a command of the
 * table (src/cli_commands.c). Only cli and cmd_* print and choose exit
 * statuses.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sqlext.h"
#include "store.h"
#include "util_time.h"

#define HELP_WIDTH 80

static const struct {
	int status;
	const char *text;
} exit_texts[] = {
	{ CLI_EXIT_OK, "success" },
	{ CLI_EXIT_PARTIAL, "some inputs could not be read; the others were processed (trace: "
	                    "nothing matched)" },
	{ CLI_EXIT_FAIL_ON, "a --fail-on condition holds (the report was written)" },
	{ CLI_EXIT_USAGE, "bad command, option or argument" },
	{ CLI_EXIT_DATAERR, "bad pattern file; database not smtplog's, corrupt or too new" },
	{ CLI_EXIT_NOINPUT, "an input (log, database, directory, file) cannot be read" },
	{ CLI_EXIT_SOFTWARE, "internal error" },
	{ CLI_EXIT_IOERR, "cannot write the database or an output file" },
	{ CLI_EXIT_TEMPFAIL, "database locked by another process: try again later" },
};

/* cli_exit_for - the exit status of an error a module below cli returned */
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

const char *cli_where;

const struct cli_option cli_global_options[] = {
	{ .name = "config", .arg = "FILE", .type = CLI_FILE_IN, .off = CLI_ARG(config),
	  .help = "read settings from FILE instead of ~/.config/smtplog/config and "
	          "/etc/smtplog/smtplog.conf" },
	CLI_OPT_END,
};

static void vfail(const struct cli_args *a, const char *fmt, va_list ap)
{
	/* messages name files and quote log lines: never raw to a terminal */
	struct sl_buf msg, out;
	sl_buf_init(&msg);
	sl_buf_init(&out);
	if (cli_where)
		sl_buf_addf(&msg, "%s: ", cli_where);
	sl_buf_vaddf(&msg, fmt, ap);
	/* line by line: a message may span lines (an SQL error and its caret) */
	for (size_t i = 0; i < msg.len;) {
		const char *nl = memchr(msg.data + i, '\n', msg.len - i);
		size_t n = nl ? (size_t)(nl - (msg.data + i)) : msg.len - i;
		sl_printable(&out, msg.data + i, n);
		if (nl)
			sl_buf_addc(&out, '\n');
		i += n + (nl ? 1 : 0);
	}
	fprintf(stderr, "smtplog%s%s: %s\n", a && a->cmd ? " " : "", a && a->cmd ? a->cmd : "",
	        out.data ? out.data : "");
	sl_buf_release(&msg);
	sl_buf_release(&out);
}

/* cli_usage_error - the message, a pointer to the help, CLI_EXIT_USAGE */
int cli_usage_error(const struct cli_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(a, fmt, ap);
	va_end(ap);
	if (a && a->cmd)
		fprintf(stderr, "Try 'smtplog %s --help'.\n", a->cmd);
	else
		fprintf(stderr, "Try 'smtplog --help'.\n");
	return CLI_EXIT_USAGE;
}

/* cli_fail - the message; returns status */
int cli_fail(const struct cli_args *a, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(a, fmt, ap);
	va_end(ap);
	return status;
}

/* cli_fail_err - err's message; its exit status */
int cli_fail_err(const struct cli_args *a, const struct sl_error *err)
{
	return cli_fail(a, cli_exit_for(err), "%s", err->msg);
}

/* cli_write_out - the buffer to stdout, flushed */
int cli_write_out(const struct cli_args *a, const struct sl_buf *b)
{
	if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0)
		return cli_fail(a, CLI_EXIT_IOERR, "cannot write to standard output: %s", strerror(errno));
	return CLI_EXIT_OK;
}

/* ---- value checks */

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

/* parse_named - value is a name of "a=1|b=2" (a CLI_LONG row's named values) */
static bool parse_named(const char *named, const char *value, long *out)
{
	size_t n = strlen(value);
	for (const char *p = named; p && *p;) {
		size_t len = strcspn(p, "|"), eq = strcspn(p, "=");
		if (eq < len && eq == n && strncmp(p, value, n) == 0) {
			*out = strtol(p + eq + 1, NULL, 10);
			return true;
		}
		p += len + (p[len] == '|');
	}
	return false;
}

/* choice_ok - value is one of "a|b|c" */
static bool choice_ok(const char *choices, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = choices; *p;) {
		size_t len = strcspn(p, "|");
		if (len == n && strncmp(p, value, n) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

/* choices_text - "a|b|c" as "a, b or c" */
static void choices_text(const char *choices, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *p = choices; *p && n + 1 < size;) {
		size_t len = strcspn(p, "|");
		const char *sep = p == choices ? "" : p[len] ? ", " : " or ";
		n += (size_t)snprintf(out + n, size - n, "%s%.*s", sep, (int)len, p);
		p += len + (p[len] == '|');
	}
}

/* tz_known - a zone of the system's zone database (TZDIR, else
 * /usr/share/zoneinfo), an absolute path to a zone file, or a POSIX TZ
 * string with an explicit offset ("JST-9", "EST5EDT") */
static bool tz_known(const char *tz)
{
	if (*tz == ':')
		tz++;
	if (!*tz)
		return false;
	struct stat st;
	if (tz[0] == '/')
		return stat(tz, &st) == 0 && S_ISREG(st.st_mode);
	if (strstr(tz, "..") || tz[0] == '-' || tz[0] == '+')
		return false;
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return true;
	/* POSIX form: a name of 3+ letters (or <...>), then an offset */
	const char *p = tz;
	if (*p == '<') {
		p = strchr(p, '>');
		if (!p)
			return false;
		p++;
	} else {
		size_t n = 0;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			p++, n++;
		if (n < 3)
			return false;
	}
	if (*p == '+' || *p == '-')
		p++;
	return *p >= '0' && *p <= '9';
}

/* parse_when - a time bound as ISO 8601 UTC into out: ISO 8601 (converted
 * to UTC), a date YYYY-MM-DD (its UTC midnight), 'today' and 'yesterday'
 * (local midnight, for cron jobs) or an age 'Nh'/'Nd' before now. false if
 * s is none of these. */
static bool parse_when(const char *s, char *out, size_t size)
{
	struct sl_time t = { 0 };
	size_t len = strlen(s);
	int y, m, d;
	char tail;
	if (sl_time_parse_iso(s, len, &t) == 0) {
		t.has_frac = t.usec != 0;
	} else if (len == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && s[4] == '-' &&
	           s[7] == '-') {
		t.sec = sl_time_from_utc(y, m, d, 0, 0, 0);
		int y2, m2, d2, h, mi, sec;
		sl_time_to_utc(t.sec, &y2, &m2, &d2, &h, &mi, &sec);
		if (m < 1 || m > 12 || y2 != y || m2 != m || d2 != d)
			return false;   /* 2026-02-30 */
	} else if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (s[0] == 'y')
			tm.tm_mday -= 1;
		t.sec = mktime(&tm);
	} else {
		char *end;
		errno = 0;
		long n = strtol(s, &end, 10);
		if (errno || end == s || !(*s >= '0' && *s <= '9') || n > 100000 ||
		    (strcmp(end, "h") && strcmp(end, "d")))
			return false;
		t.sec = time(NULL) - (time_t)n * (*end == 'h' ? 3600 : 86400);
	}
	char iso[SL_TIME_ISO_MAX];
	sl_time_format_iso(t, iso);
	snprintf(out, size, "%s", iso);
	return true;
}

/* cli_parse_when - see cli.h */
bool cli_parse_when(const char *s, char *out, size_t size)
{
	return parse_when(s, out, size);
}

/* check_path - an input named by an option exists and is readable */
static int check_path(const struct cli_args *a, const struct cli_option *o, const char *v,
                      bool dir)
{
	struct stat st;
	if (stat(v, &st) != 0 || access(v, R_OK) != 0)
		return cli_fail(a, CLI_EXIT_NOINPUT, "cannot read --%s '%s': %s", o->name, v,
		                strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return cli_fail(a, CLI_EXIT_NOINPUT, "--%s '%s' is not a directory", o->name, v);
	if (!dir && S_ISDIR(st.st_mode))
		return cli_fail(a, CLI_EXIT_NOINPUT, "--%s '%s' is a directory", o->name, v);
	return -1;
}

/* cli_set_option - see cli.h */
int cli_set_option(struct cli_args *a, const struct cli_option *o, const char *v)
{
	char *field = (char *)a + o->off;
	long n;
	switch (o->type) {
	case CLI_FLAG:
		*(bool *)field = true;
		return -1;
	case CLI_STR:
		if (!*v)
			return cli_usage_error(a, "empty value for --%s", o->name);
		*(const char **)field = v;
		return -1;
	case CLI_LONG:
		if (o->named && !parse_long(v, o->min, o->max, &n) && !parse_named(o->named, v, &n)) {
			char list[256];
			choices_text(o->arg, list, sizeof list);
			return cli_usage_error(a, "bad --%s '%s' (expected %s, or a number from %ld to %ld)",
			                       o->name, v, list, o->min, o->max);
		}
		if (!o->named && !parse_long(v, o->min, o->max, &n))
			return cli_usage_error(a, "bad --%s '%s' (expected a number from %ld to %ld)", o->name,
			                       v, o->min, o->max);
		*(long *)field = n;
		return -1;
	case CLI_CHOICE:
		if (!choice_ok(o->arg, v)) {
			char list[256];
			choices_text(o->arg, list, sizeof list);
			return cli_usage_error(a, "unknown %s '%s' (expected %s)", o->name, v, list);
		}
		*(const char **)field = v;   /* argv, or a config value kept for the run */
		return -1;
	case CLI_LANG: {
		int l = codes_lang_parse(v);
		if (l < 0)
			return cli_usage_error(a, "unknown language '%s' (expected en, ja, ko or zh)", v);
		*(int *)field = l;
		return -1;
	}
	case CLI_TZ:
		if (!tz_known(v))
			return cli_usage_error(a, "unknown time zone '%s' (expected a name of the zone "
			                       "database, e.g. Europe/Berlin or UTC)", v);
		*(const char **)field = v;
		return -1;
	case CLI_TIME: {
		char buf[40];
		if (!parse_when(v, buf, sizeof buf))
			return cli_usage_error(a, "bad --%s '%s' (expected ISO 8601, YYYY-MM-DD, today, "
			                       "yesterday, Nh or Nd)", o->name, v);
		*(const char **)field = v;
		return -1;
	}
	case CLI_DIR:
	case CLI_FILE_IN: {
		int rc = check_path(a, o, v, o->type == CLI_DIR);
		if (rc >= 0)
			return rc;
		*(const char **)field = v;
		return -1;
	}
	}
	SL_BUG("option type %d", (int)o->type);
}

static const struct cli_option *find_long(const struct cli_option *opts, const char *name, size_t n)
{
	for (const struct cli_option *o = opts; o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, char c)
{
	for (const struct cli_option *o = opts; o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* finish - what needs every option first: the time zone, then the time
 * bounds it shapes ('today'), then their order */
static int finish(struct cli_args *a)
{
	if (a->tz) {
		setenv("TZ", a->tz, 1);
		tzset();
	}
	if (a->since_arg && !parse_when(a->since_arg, a->since, sizeof a->since))
		SL_BUG("--since checked at parse time");
	if (a->until_arg && !parse_when(a->until_arg, a->until, sizeof a->until))
		SL_BUG("--until checked at parse time");
	if (a->since[0] && a->until[0] && strcmp(a->since, a->until) >= 0)
		return cli_usage_error(a, "--since '%s' (%s) is not before --until '%s' (%s)", a->since_arg,
		                       a->since, a->until_arg, a->until);
	if (a->lang < 0)
		a->lang = (int)codes_lang_from_env();
	return -1;
}

/* cli_parse - see cli.h */
int cli_parse(const struct cli_command *c, int argc, char **argv, struct cli_args *a)
{
	const struct cli_option *opts = c->options;
	bool only_operands = false;
	a->cmd = c->name;
	free(a->operands);
	a->operands = xcalloc((size_t)argc + 1, sizeof *a->operands);
	a->noperands = 0;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		if (only_operands || arg[0] != '-' || arg[1] == '\0') {
			a->operands[a->noperands++] = arg;   /* '-' is standard input */
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_operands = true;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2;
			size_t n = strcspn(name, "=");
			const struct cli_option *o = find_long(opts, name, n);
			if (!o)
				o = find_long(cli_global_options, name, n);
			if (!o)
				return cli_usage_error(a, "unknown option '--%.*s'", (int)n, name);
			const char *v = NULL;
			if (name[n] == '=') {
				if (o->type == CLI_FLAG)
					return cli_usage_error(a, "option '--%s' takes no value", o->name);
				v = name + n + 1;
			} else if (o->type != CLI_FLAG) {
				if (i + 1 >= argc)
					return cli_usage_error(a, "option '--%s' needs a value (%s)", o->name, o->arg);
				v = argv[++i];
			}
			int rc = cli_set_option(a, o, v);
			if (rc >= 0)
				return rc;
			continue;
		}
		/* short options: -qv bundled, -fFILE or -f FILE */
		for (const char *p = arg + 1; *p; p++) {
			const struct cli_option *o = find_short(opts, *p);
			if (!o)
				return cli_usage_error(a, "unknown option '-%c'", *p);
			const char *v = NULL;
			if (o->type != CLI_FLAG) {
				if (p[1])
					v = p + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					return cli_usage_error(a, "option '-%c' needs a value (%s)", *p, o->arg);
			}
			int rc = cli_set_option(a, o, v);
			if (rc >= 0)
				return rc;
			if (v)
				break;
		}
	}
	if (a->help)
		return -1;
	int rc = cli_config_apply(c, a);
	if (rc >= 0)
		return rc;
	return finish(a);
}

/* ---- help, wrapped to 80 columns */

/* wrap - text from column `col` (the cursor is there), continuation lines
 * indented by `indent`, breaking at spaces before HELP_WIDTH */
static void wrap(FILE *out, const char *text, int col, int indent)
{
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t word = strcspn(p, " \n");
		if (col > indent && col + 1 + (int)word > HELP_WIDTH - 1) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, word, out);
		col += (int)word;
		p += word;
		if (*p == '\n') {
			p++;
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
	}
	fputc('\n', out);
}

static int option_left(const struct cli_option *o, char *buf, size_t size)
{
	return snprintf(buf, size, "%c%c%c --%s%s%s", o->short_name ? '-' : ' ',
	                o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
	                o->type == CLI_FLAG ? "" : " ", o->type == CLI_FLAG ? "" : o->arg);
}

/* cli_print_help - usage, description, options, exit statuses, examples */
void cli_print_help(FILE *out, const struct cli_command *c)
{
	fprintf(out, "usage: smtplog %s [OPTIONS]%s%s\n\n", c->name, c->operands ? " " : "",
	        c->operands ? c->operands : "");
	wrap(out, c->description ? c->description : c->summary, 0, 0);
	fprintf(out, "\noptions:\n");
	int width = 0;
	char left[96];
	const struct cli_option *const tables[] = { c->options, cli_global_options };
	for (size_t t = 0; t < SL_ARRAY_LEN(tables); t++)
		for (const struct cli_option *o = tables[t]; o->name; o++) {
			int n = option_left(o, left, sizeof left);
			if (n > width && n <= 28)
				width = n;
		}
	for (size_t t = 0; t < SL_ARRAY_LEN(tables); t++)
		for (const struct cli_option *o = tables[t]; o->name; o++) {
			int n = option_left(o, left, sizeof left);
			if (n > width)
				fprintf(out, "  %s\n%*s", left, width + 4, "");
			else
				fprintf(out, "  %-*s  ", width, left);
			wrap(out, o->help, width + 4, width + 4);
		}
	fprintf(out, "\nexit status:\n");
	for (const int *e = c->exits; *e >= 0; e++)
		for (size_t i = 0; i < SL_ARRAY_LEN(exit_texts); i++)
			if (exit_texts[i].status == *e) {
				fprintf(out, "  %-3d ", *e);
				wrap(out, exit_texts[i].text, 6, 6);
			}
	if (c->examples && c->examples[0]) {
		fprintf(out, "\nexamples:\n");
		for (const char *const *x = c->examples; *x; x++)
			fprintf(out, "  %s\n", *x);
	}
}

/* cli_print_commands - the program's usage: the table's one-liners */
void cli_print_commands(FILE *out)
{
	fprintf(out, "usage: smtplog COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++) {
		fprintf(out, "  %-9s ", c->name);
		wrap(out, c->summary, 12, 12);
	}
	fprintf(out, "\n'smtplog COMMAND --help' describes a command's options; "
	             "'smtplog --version'\nprints the version.\n");
}

/* cli_find - the table's row of a command name, or NULL */
const struct cli_command *cli_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* cli_main - argv to a command */
int cli_main(int argc, char **argv)
{
	store_library_init();
	sqlext_register_everywhere();   /* every connection: the functions of sqlext.h */
	if (argc < 2) {
		cli_print_commands(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
		if (argc > 2 && strcmp(name, "help") == 0 && cli_find(argv[2])) {
			cli_print_help(stdout, cli_find(argv[2]));
			return CLI_EXIT_OK;
		}
		cli_print_commands(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("smtplog %s\n", SMTPLOG_VERSION);
		return CLI_EXIT_OK;
	}
	const struct cli_command *c = cli_find(name);
	if (!c) {
		fprintf(stderr, "smtplog: unknown command '%s'\n", name);
		cli_print_commands(stderr);
		return CLI_EXIT_USAGE;
	}
	struct cli_args a = { .lang = -1, .wait = -1, .detail = -1 };
	int status = cli_parse(c, argc - 1, argv + 1, &a);
	if (status < 0 && a.help) {
		cli_print_help(stdout, c);
		status = fflush(stdout) ? CLI_EXIT_IOERR : CLI_EXIT_OK;
	} else if (status < 0) {
		status = c->run(&a);
	}
	free(a.operands);
	cli_config_release();
	return status;
}
