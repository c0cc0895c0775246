/* cli: the command table, the option parser that also prints the help, the
 * exit statuses, and what the command modules (src/cmd_*.c) share. Nothing
 * includes cli.h but cli and the command modules.
 * SPDX-License-Identifier: MIT */
#ifndef SMTPLOG_CLI_H
#define SMTPLOG_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "codes.h"
#include "util.h"

/* Exit statuses, mirrored in README ("Exit status") and smtplog(1). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_PARTIAL = 1,      /* some inputs could not be read; the others were processed */
	CLI_EXIT_FAIL_ON = 2,      /* a --fail-on condition holds (the report was written) */
	CLI_EXIT_USAGE = 64,       /* bad command, option or argument */
	CLI_EXIT_DATAERR = 65,     /* bad pattern file; database not smtplog's, corrupt or too new */
	CLI_EXIT_NOINPUT = 66,     /* an input (log, database, directory, file) cannot be read */
	CLI_EXIT_SOFTWARE = 70,    /* internal error */
	CLI_EXIT_IOERR = 74,       /* cannot write the database or an output file */
	CLI_EXIT_TEMPFAIL = 75,    /* database locked by another process: try again later */
};

/* ---- option values. One struct for every command: the parser and the
 * config file fill it through the option rows' offsets. Add a field for a
 * new option here, then its row (below or in the command's file). */
struct cli_args {
	const char *cmd;                 /* the command's name, for messages */
	const char *config;              /* --config FILE: read instead of the user and system files */
	size_t from_config[16];          /* offsets of the fields a config file or variable set */
	size_t nfrom_config;
	char **operands;                 /* what is not an option, in argv order */
	int noperands;

	/* shared */
	const char *db;                  /* --db, else $SMTPLOG_DB, else the XDG default */
	int lang;                        /* enum codes_lang; -1 until set (then the locale's) */
	const char *format;              /* one of the --format row's choices; NULL = the first */
	const char *tz;                  /* --tz, validated against the zone database */
	long top;                        /* 0 = the command's default */
	const char *since_arg, *until_arg;
	char since[40], until[40];       /* normalized ISO 8601 UTC; "" = open */
	long wait;                       /* --wait SECONDS for another writer; -1 = default */
	const char *older_than_arg;      /* prune --older-than TIME */
	long interval;                   /* follow --interval SECONDS; 0 = 1 */
	const char *group;               /* --group NAME: new files 0640 and of this group */
	bool quiet, verbose, help;

	/* query */
	const char *sql_file;            /* -f FILE */
	long timeout;                    /* seconds; 0 = the default */
	bool no_header;

	/* trace */
	bool raw;

	/* analyze */
	const char *patterns_dir, *mta, *unrecognized;
	long year, max_line, idle_window, max_open;
	bool no_report, reread, final;

	/* report (and analyze's report) */
	long detail;                     /* --detail 0..10 (brief 0, normal 5, full 10); -1 = the default */
	const char *section, *output, *mail_to, *fail_on, *color;

	/* export, merge */
	const char *incremental;         /* --incremental NAME: the destination */
	const char *redact_key;          /* --redact-key FILE */
	bool redact;
};

/* ---- option rows */
enum cli_type {
	CLI_FLAG,      /* bool, no value */
	CLI_STR,       /* const char *, not empty */
	CLI_LONG,      /* long in [min, max] */
	CLI_CHOICE,    /* const char *, one of the '|'-separated choices (the row's arg) */
	CLI_LANG,      /* int, enum codes_lang: en, ja, ko, zh (or a locale name) */
	CLI_TZ,        /* const char *, a zone of the system's zone database */
	CLI_TIME,      /* const char *, ISO 8601, a date, today, yesterday, Nh, Nd (checked
	                  and normalized after parsing, once --tz is known) */
	CLI_DIR,       /* const char *, an existing directory (else exit 66) */
	CLI_FILE_IN,   /* const char *, a readable file (else exit 66) */
};

struct cli_option {
	const char *name;      /* long name, without "--" */
	char short_name;       /* 0: none */
	const char *arg;       /* value placeholder for the help; CLI_CHOICE: "a|b|c" */
	enum cli_type type;
	size_t off;            /* offsetof(struct cli_args, field) */
	long min, max;         /* CLI_LONG */
	const char *named;     /* CLI_LONG: names for values too, "brief=0|normal=5"; the row's
	                          arg then lists the names, "brief|normal" */
	const char *help;      /* one sentence, no final period; wrapped by the help printer */
	bool config;           /* also a key of the config file and an SMTPLOG_NAME variable */
};
#define CLI_ARG(field) offsetof(struct cli_args, field)
#define CLI_OPT_END { .name = NULL }

/* Rows several commands share. */
#define CLI_OPT_DB { .name = "db", .arg = "PATH", .type = CLI_STR, .off = CLI_ARG(db), .config = true, \
	.help = "database file (default: $SMTPLOG_DB, the config file's db, else " \
	        "$XDG_DATA_HOME/smtplog/smtplog.db); ':memory:' keeps nothing" }
#define CLI_OPT_LANG { .name = "lang", .arg = "en|ja|ko|zh", .type = CLI_LANG, .off = CLI_ARG(lang), \
	.config = true, \
	.help = "language of the output: en, ja, ko or zh (default: the locale)" }
#define CLI_OPT_TZ { .name = "tz", .arg = "ZONE", .type = CLI_TZ, .off = CLI_ARG(tz), .config = true, \
	.help = "time zone of log stamps without one and of 'today', e.g. Europe/Berlin " \
	        "(default: $TZ, else the system's)" }
#define CLI_OPT_TOP { .name = "top", .arg = "N", .type = CLI_LONG, .off = CLI_ARG(top), .config = true, \
	.min = 1, .max = 1000, .help = "rows in each top list (default 5)" }
#define CLI_OPT_SINCE { .name = "since", .arg = "TIME", .type = CLI_TIME, .off = CLI_ARG(since_arg), \
	.help = "events at or after TIME: ISO 8601, a date, 'today', 'yesterday', or an age " \
	        "such as 24h or 7d" }
#define CLI_OPT_UNTIL { .name = "until", .arg = "TIME", .type = CLI_TIME, .off = CLI_ARG(until_arg), \
	.help = "events before TIME (same forms as --since)" }
#define CLI_OPT_QUIET { .name = "quiet", .short_name = 'q', .type = CLI_FLAG, .off = CLI_ARG(quiet), \
	.help = "no progress lines on standard error" }
#define CLI_OPT_VERBOSE { .name = "verbose", .short_name = 'v', .type = CLI_FLAG, \
	.off = CLI_ARG(verbose), .help = "also print statistics on standard error" }
#define CLI_OPT_FORMAT { .name = "format", .arg = "text|markdown|json", .type = CLI_CHOICE, \
	.off = CLI_ARG(format), .help = "output format (default: text)" }
#define CLI_OPT_WAIT { .name = "wait", .arg = "SECONDS", .type = CLI_LONG, .off = CLI_ARG(wait), \
	.min = 0, .max = 86400, .help = "wait this long for another smtplog writing the database, " \
	        "then say which process holds it (default 60)" }
#define CLI_OPT_GROUP { .name = "group", .arg = "NAME", .type = CLI_STR, .off = CLI_ARG(group), \
	.config = true, \
	.help = "create the database and output files readable by this group (mode 0640; " \
	        "default 0600, the owner only)" }
/* --redact and its key, shared by export, report and query */
#define CLI_OPT_REDACT { .name = "redact", .type = CLI_FLAG, .off = CLI_ARG(redact), \
	.help = "replace the local parts of addresses by keyed hashes (HMAC-SHA-256), " \
	        "keeping domains" }
#define CLI_OPT_REDACT_KEY { .name = "redact-key", .arg = "FILE", .type = CLI_STR, \
	.off = CLI_ARG(redact_key), .config = true, \
	.help = "the key of --redact, created (mode 0600) if missing (default: redact.key " \
	        "beside the database)" }
/* The report's rows, shared by analyze and report (src/cmd_report.c). */
#define CLI_OPT_REPORT_FORMAT { .name = "format", .arg = "text|markdown|html|json|csv|prometheus", \
	.type = CLI_CHOICE, .off = CLI_ARG(format), .help = "report format (default: text)" }
#define CLI_OPTS_REPORT \
	{ .name = "detail", .arg = "brief|normal|full", .type = CLI_LONG, .off = CLI_ARG(detail), \
	  .min = 0, .max = 10, .named = "brief=0|normal=5|full=10", \
	  .help = "how much to show: brief (0) the first screen only, normal (5) the default, " \
	  "full (10) everything, or a level from 0 to 10 (logwatch's Low, Med, High are 0, 5, 10)" }, \
	{ .name = "section", .arg = "ID", .type = CLI_STR, .off = CLI_ARG(section), \
	  .help = "csv: the section (or SECTION.TABLE) to write, e.g. traffic.hourly" }, \
	{ .name = "output", .short_name = 'o', .arg = "FILE", .type = CLI_STR, \
	  .off = CLI_ARG(output), .help = "write the report to FILE, replaced atomically" }, \
	{ .name = "mail-to", .arg = "ADDR", .type = CLI_STR, .off = CLI_ARG(mail_to), \
	  .help = "mail the report (text and HTML) to ADDR through sendmail -t -oi" }, \
	{ .name = "fail-on", .arg = "EXPR", .type = CLI_STR, .off = CLI_ARG(fail_on), \
	  .help = "exit with status 2 when a total passes a limit, e.g. permanent>100,fatal>0" }, \
	{ .name = "color", .arg = "auto|always|never", .type = CLI_CHOICE, .off = CLI_ARG(color), \
	  .help = "colour in the text report (default auto: on a terminal, unless NO_COLOR is " \
	  "set)" }
#define CLI_OPT_HELP { .name = "help", .short_name = 'h', .type = CLI_FLAG, .off = CLI_ARG(help), \
	.help = "show this help and exit" }

/* ---- the command table (src/cli_commands.c).
 * To add a command: a row in cli_commands.c; src/cmd_X.c with its option
 * table and cmd_X(); a test in tests/e2e*.sh; its section in man/smtplog.1
 * (tests/e2e_man.sh compares it with --help); README. */
struct cli_command {
	const char *name;
	int (*run)(struct cli_args *a);            /* returns an exit status */
	const struct cli_option *options;          /* ends with CLI_OPT_END */
	const char *operands;                      /* synopsis after [OPTIONS], e.g. "FILE..." */
	const char *summary;                       /* one line, for 'smtplog --help' */
	const char *description;                   /* a paragraph for 'smtplog X --help', or NULL */
	const int *exits;                          /* its exit statuses, ending with -1 */
	const char *const *examples;               /* NULL-terminated, or NULL */
};
extern const struct cli_command cli_commands[];   /* ends with { .name = NULL } */

/* Exit-status lists for the table. */
extern const int cli_exits_analyze[], cli_exits_db_read[], cli_exits_report[], cli_exits_pure[],
	cli_exits_trace[];

/* Each command's entry point. */
int cmd_analyze(struct cli_args *a);
int cmd_report(struct cli_args *a);
int cmd_explain(struct cli_args *a);
int cmd_compare(struct cli_args *a);
int cmd_codes(struct cli_args *a);
int cmd_export(struct cli_args *a);
int cmd_merge(struct cli_args *a);
int cmd_prune(struct cli_args *a);
int cmd_follow(struct cli_args *a);
int cmd_query(struct cli_args *a);
int cmd_trace(struct cli_args *a);
/* Each command's option rows (in its src/cmd_X.c): one line each. */
extern const struct cli_option cmd_analyze_options[];
extern const struct cli_option cmd_report_options[];
extern const struct cli_option cmd_explain_options[];
extern const struct cli_option cmd_compare_options[];
extern const struct cli_option cmd_codes_options[];
extern const struct cli_option cmd_export_options[];
extern const struct cli_option cmd_merge_options[];
extern const struct cli_option cmd_prune_options[];
extern const struct cli_option cmd_follow_options[];
extern const struct cli_option cmd_query_options[];
extern const struct cli_option cmd_trace_options[];

/* The report's options from a (src/cmd_report.c; analyze uses them too). */
struct report_options;
void cmd_report_options_from(const struct cli_args *a, struct report_options *ro);
/* Builds the report of db and sends it where a asks (standard output,
 * --output, --mail-to); the exit status, CLI_EXIT_FAIL_ON when --fail-on
 * holds (src/cmd_report.c; analyze uses it too). */
struct sqlite3;
struct redact;
int cmd_report_emit(const struct cli_args *a, struct sqlite3 *db, const struct report_options *ro,
                    const struct redact *redact);
/* The progress line of a long run (src/cli_progress.c): NULL, and every
 * call a no-op, unless standard error is a terminal and --quiet is not
 * given. total: the bytes of all inputs on disk (0: unknown). Call
 * cli_progress_file as each input begins (its size on disk), give
 * cli_progress_update to ingest as its progress callback, and
 * cli_progress_clear before printing anything else on standard error. */
struct cli_progress;
struct cli_progress *cli_progress_new(const struct cli_args *a, uint64_t total);
void cli_progress_file(struct cli_progress *p, uint64_t size);
void cli_progress_update(void *ctx, uint64_t raw_offset, uint64_t lines);
void cli_progress_clear(struct cli_progress *p);
void cli_progress_free(struct cli_progress *p);   /* erases the line */
/* --format of explain, compare, codes as enum codes_format. */
int cmd_codes_format(const struct cli_args *a);

/* ---- the parser (src/cli.c) */

/* The whole program: argv as main() gets it; returns the exit status. */
int cli_main(int argc, char **argv);

/* Parses a command's argv (argv[0] is the command's name): options anywhere,
 * "--" ends them, --name=value and -xVALUE forms, bundled short flags. Fills
 * a; returns -1 to go on, or an exit status (the error is printed). */
int cli_parse(const struct cli_command *c, int argc, char **argv, struct cli_args *a);
/* The help of a command, from its rows, within 80 columns. */
void cli_print_help(FILE *out, const struct cli_command *c);
void cli_print_commands(FILE *out);
const struct cli_command *cli_find(const char *name);

/* Checks a value with the row's type and stores it in a; -1, or an exit
 * status (printed). For argv and config files alike. */
int cli_set_option(struct cli_args *a, const struct cli_option *o, const char *value);
/* Options every command takes (--config). */
extern const struct cli_option cli_global_options[];
/* Where a message's subject came from ("FILE:LINE", "$SMTPLOG_DB"), printed
 * before it; NULL for the command line. */
extern const char *cli_where;

/* ---- the config file (src/cli_config.c): fills what the command line left
 * unset from $SMTPLOG_NAME variables, then the user file, then the system
 * file (or the --config file alone). -1, or an exit status (printed). */
int cli_config_apply(const struct cli_command *c, struct cli_args *a);
/* Whether the field at offset off was set by the config rather than argv. */
bool cli_from_config(const struct cli_args *a, size_t off);
/* Frees the values read from config files. */
void cli_config_release(void);

/* Prints "smtplog CMD: MESSAGE" and a pointer to --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_args *a, const char *fmt, ...) SL_PRINTF(2, 3);
/* Prints "smtplog CMD: MESSAGE"; returns status. */
int cli_fail(const struct cli_args *a, int status, const char *fmt, ...) SL_PRINTF(3, 4);
/* Prints err and returns its exit status. */
int cli_fail_err(const struct cli_args *a, const struct sl_error *err);
int cli_exit_for(const struct sl_error *err);
/* A time as --since takes it (ISO 8601, a date, today, yesterday, Nh, Nd)
 * into out as ISO 8601 UTC; false if it is none of those. */
bool cli_parse_when(const char *s, char *out, size_t size);
/* The whole buffer to standard output; CLI_EXIT_OK or CLI_EXIT_IOERR (printed). */
int cli_write_out(const struct cli_args *a, const struct sl_buf *b);

/* ---- the database (src/cli_db.c) */
struct store;
/* a->db, else $SMTPLOG_DB, else $XDG_DATA_HOME/smtplog/smtplog.db, else
 * ~/.local/share/smtplog/smtplog.db; create_dirs makes the directories. */
const char *cli_db_path(const struct cli_args *a, char *buf, size_t size, bool create_dirs);
/* Opens (creating it if need be) the database for writing, with the
 * knowledge tables and the views of sqlext loaded (--wait, --group); NULL
 * with *status set (printed). */
struct store *cli_open_store(const struct cli_args *a, const char *path, int *status);
/* Opens an existing database read-only, for a command that only reads:
 * nothing is written, so a member of its group can read it (--wait). */
struct store *cli_open_store_readonly(const struct cli_args *a, const char *path, int *status);
/* An output file (--unrecognized, --output): created 0600 (0640 and of
 * --group's group), never through a link or into another user's file. */
FILE *cli_create_output(const struct cli_args *a, const char *path, int *status);
/* Closes st; a close error replaces an OK or PARTIAL status. */
int cli_close_store(const struct cli_args *a, struct store *st, int status);
/* An existing database for a reading command: its path, or NULL with
 * CLI_EXIT_NOINPUT in *status (printed: a report of nothing would look like
 * a quiet day). */
const char *cli_existing_db(const struct cli_args *a, char *buf, size_t size, int *status);
/* With --redact: the redactor of --redact-key, else of redact.key beside the
 * database db (created 0600 on first use); NULL with *status set on a usage
 * error or a key that cannot be had (printed), or without --redact (*status
 * left CLI_EXIT_OK). */
struct redact *cli_redact_open(const struct cli_args *a, const char *db, int *status);

#endif
