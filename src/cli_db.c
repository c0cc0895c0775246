/* cli_db: which database a command uses and how the commands open it, with
 * the knowledge tables (codes, reasons) loaded for reports and SQL.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codes_sql.h"
#include "sqlext.h"
#include "store.h"

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

/* cli_db_path - see cli.h */
const char *cli_db_path(const struct cli_args *a, char *buf, size_t size, bool create_dirs)
{
	if (a->db)
		return a->db;
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
	if (create_dirs)
		mkdir_p(buf);
	return buf;
}

/* cli_existing_db - see cli.h */
const char *cli_existing_db(const struct cli_args *a, char *buf, size_t size, int *status)
{
	const char *path = cli_db_path(a, buf, size, false);
	if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		*status = cli_fail(a, CLI_EXIT_NOINPUT,
		                   "no database at '%s' (run 'smtplog analyze' first, or give --db)", path);
		return NULL;
	}
	return path;
}

/* cli_open_store - see cli.h */
struct store *cli_open_store(const struct cli_args *a, const char *path, int *status)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct store *st = store_open(path, &err);
	if (!st) {
		*status = cli_fail_err(a, &err);
		return NULL;
	}
	if (codes_sql_load(store_db(st), &err) || sqlext_views_load(store_db(st), &err)) {
		*status = cli_fail_err(a, &err);
		store_close(st, &err);
		return NULL;
	}
	return st;
}

/* cli_close_store - see cli.h */
int cli_close_store(const struct cli_args *a, struct store *st, int status)
{
	struct sl_error err;
	sl_error_clear(&err);
	if (store_close(st, &err)) {
		int s = cli_fail_err(a, &err);
		if (status == CLI_EXIT_OK || status == CLI_EXIT_PARTIAL)
			status = s;
	}
	return status;
}
