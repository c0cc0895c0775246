/* cli: commands, options, wiring and exit statuses. Nothing includes cli.h
 * but the command modules. */
#ifndef SMTPLOG_CLI_H
#define SMTPLOG_CLI_H

#include "util.h"

/* Exit statuses, mirrored in README ("Exit status"). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_PARTIAL = 1,      /* some inputs could not be read; the others were processed */
	CLI_EXIT_USAGE = 64,       /* bad command, option or argument */
	CLI_EXIT_DATAERR = 65,     /* bad pattern file; database not smtplog's, corrupt or too new */
	CLI_EXIT_NOINPUT = 66,     /* no input could be read at all */
	CLI_EXIT_SOFTWARE = 70,    /* internal error */
	CLI_EXIT_IOERR = 74,       /* cannot write the database or an output file */
	CLI_EXIT_TEMPFAIL = 75,    /* database locked by another process: try again later */
};

int cli_exit_for(const struct sl_error *err);

int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_codes(int argc, char **argv);

#endif
