/* cli_db: which database a command uses and how the commands open it, with
 * the knowledge tables (codes, reasons) loaded for reports and SQL.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codes_sql.h"
#include "redact.h"
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

/* store_opts - --wait and --group as store options; -1 for an unknown group */
static int store_opts(const struct cli_args *a, bool readonly, struct store_options *o,
                      int *status)
{
	*o = (struct store_options){
		.readonly = readonly,
		.wait_ms = a->wait >= 0 ? (int)(a->wait * 1000) : STORE_DEFAULT_WAIT_MS,
		.group = -1,
	};
	if (a->group) {
		struct group *g = getgrnam(a->group);
		if (!g) {
			*status = cli_usage_error(a, "unknown group '%s' (--group)", a->group);
			return -1;
		}
		o->group = (long)g->gr_gid;
	}
	return 0;
}

/* cli_open_store_readonly - see cli.h */
struct store *cli_open_store_readonly(const struct cli_args *a, const char *path, int *status)
{
	struct store_options o;
	if (store_opts(a, true, &o, status))
		return NULL;
	struct sl_error err;
	sl_error_clear(&err);
	struct store *st = store_open_opts(path, &o, &err);
	if (!st)
		*status = cli_fail_err(a, &err);
	return st;
}

/* cli_create_output - see cli.h */
FILE *cli_create_output(const struct cli_args *a, const char *path, int *status)
{
	struct store_options o;
	if (store_opts(a, false, &o, status))
		return NULL;
	struct sl_error err;
	sl_error_clear(&err);
	bool created = false;
	int fd = sl_open_safe(path, O_WRONLY | O_TRUNC, o.group >= 0 ? 0640 : 0600, &created, &err);
	if (fd >= 0 && created && o.group >= 0 && fchown(fd, (uid_t)-1, (gid_t)o.group) < 0) {
		sl_error_set(&err, SL_EIO, "cannot give '%s' to group '%s': %s", path, a->group,
		             strerror(errno));
		close(fd);
		fd = -1;
	}
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0) {
			sl_error_set(&err, SL_EIO, "cannot open '%s': %s", path, strerror(errno));
			close(fd);
		}
		*status = cli_fail_err(a, &err);
	}
	return f;
}

/* cli_open_store - see cli.h */
struct store *cli_open_store(const struct cli_args *a, const char *path, int *status)
{
	struct store_options o;
	if (store_opts(a, false, &o, status))
		return NULL;
	struct sl_error err;
	sl_error_clear(&err);
	struct store *st = store_open_opts(path, &o, &err);
	if (!st) {
		*status = cli_fail_err(a, &err);
		return NULL;
	}
	if (codes_sql_load(store_db(st), &err) || sqlext_views_load(store_db(st), &err)) {
		if (err.code == SL_EBUSY)
			store_busy_error(st, &err);   /* who holds it, how long we waited */
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

/* cli_redact_open - see cli.h */
struct redact *cli_redact_open(const struct cli_args *a, const char *db, int *status)
{
	*status = CLI_EXIT_OK;
	if (!a->redact) {
		if (a->redact_key && !cli_from_config(a, CLI_ARG(redact_key)))
			*status = cli_usage_error(a, "--redact-key is only used with --redact");
		return NULL;
	}
	char buf[PATH_MAX];
	const char *path = a->redact_key;
	if (!path) {
		if (strcmp(db, ":memory:") == 0) {
			*status = cli_usage_error(a, "give --redact-key with an in-memory database");
			return NULL;
		}
		const char *slash = strrchr(db, '/');
		if (!slash)
			snprintf(buf, sizeof buf, "redact.key");
		else
			snprintf(buf, sizeof buf, "%.*s/redact.key", (int)(slash - db), db);
		path = buf;
	}
	struct sl_error err;
	sl_error_clear(&err);
	struct redact *r = redact_open(path, &err);
	if (!r)
		*status = cli_fail_err(a, &err);
	return r;
}
