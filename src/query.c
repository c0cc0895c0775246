/* query: a locked-down, read-only connection for ad-hoc SQL, and the loop
 * that runs statements into query_format. A read-only connection alone is
 * not enough: ATTACH creates a file and tables can be made in it, and a
 * TEMP table is written to a temporary file. So each of these is closed
 * separately: query_only, no attachments, SQLite's defensive mode, no
 * extension loading, an authorizer that allows reading and nothing else,
 * sqlite3_stmt_readonly() before a statement runs, and a time limit.
 * SPDX-License-Identifier: MIT */
#include "query.h"
#include "redact.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct query {
	sqlite3 *db;
	const struct redact *redact;   /* --redact, or NULL */
	long timeout_ms;
	struct timespec start;
	bool timed_out;
};

/* Pragmas that only read, allowed without an argument: a PRAGMA with an
 * argument sets something. (PRAGMA table_info(x) is refused with the rest:
 * the schema is in sqlite_master. Table-valued functions, json_each and
 * pragma_*, are refused too: SQLite asks the authorizer to write
 * sqlite_master when it declares them.) */
static const char *const read_pragmas[] = {
	"application_id", "user_version", "schema_version", "page_count", "page_size",
	"freelist_count", "encoding", "table_list", "database_list", "collation_list",
	"function_list", "module_list", "pragma_list", "compile_options", "foreign_keys",
	"data_version", "query_only",
};

/* authorize - the allow-list: reading, functions (but load_extension),
 * recursive CTEs, read-only pragmas without an argument */
static int authorize(void *ctx, int action, const char *a3, const char *a4, const char *db,
                     const char *trigger)
{
	(void)ctx, (void)db, (void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		/* a4 is the function's name */
		return a4 && sqlite3_stricmp(a4, "load_extension") == 0 ? SQLITE_DENY : SQLITE_OK;
	case SQLITE_PRAGMA:
		/* a3 the pragma, a4 its argument */
		if (a4)
			return SQLITE_DENY;
		for (size_t i = 0; i < SL_ARRAY_LEN(read_pragmas); i++)
			if (a3 && sqlite3_stricmp(a3, read_pragmas[i]) == 0)
				return SQLITE_OK;
		return SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

static double elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) * 1e3 + (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* progress - interrupts a statement past the time limit */
static int progress(void *ctx)
{
	struct query *q = ctx;
	if (elapsed_ms(&q->start) > (double)q->timeout_ms) {
		q->timed_out = true;
		return 1;
	}
	return 0;
}

/* query_open - see query.h */
struct query *query_open(const char *path, long timeout_ms, struct sl_error *err)
{
	struct query *q = xcalloc(1, sizeof *q);
	q->timeout_ms = timeout_ms;
	if (strcmp(path, ":memory:") != 0 && access(path, R_OK) != 0) {
		sl_error_set(err, SL_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto fail;
	}
	/* no SQLITE_OPEN_URI: a name is a file name, never "file:x?mode=rwc" */
	int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sl_error_set(err, SL_EIO, "cannot open '%s': %s", path,
		             q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, 5000);
	if (sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK ||
	    sqlite3_db_config(q->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL) != SQLITE_OK ||
	    sqlite3_db_config(q->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK ||
	    sqlite3_db_config(q->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) != SQLITE_OK ||
	    sqlite3_exec(q->db, "PRAGMA query_only = 1", NULL, NULL, NULL) != SQLITE_OK) {
		sl_error_set(err, SL_EDB, "cannot lock down '%s': %s", path, sqlite3_errmsg(q->db));
		goto fail;
	}
	sqlite3_limit(q->db, SQLITE_LIMIT_ATTACHED, 0);
	/* a probe: is it a database at all (the authorizer is not yet on) */
	rc = sqlite3_exec(q->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sl_error_set(err, (rc & 0xff) == SQLITE_BUSY ? SL_EBUSY : SL_EDB, "cannot read '%s': %s",
		             path, sqlite3_errmsg(q->db));
		goto fail;
	}
	sqlite3_set_authorizer(q->db, authorize, q);
	if (timeout_ms > 0)
		sqlite3_progress_handler(q->db, 10000, progress, q);
	return q;
fail:
	query_free(q);
	return NULL;
}

/* query_free - closes the connection */
void query_free(struct query *q)
{
	if (!q)
		return;
	sqlite3_close(q->db);
	free(q);
}

struct sqlite3 *query_db(struct query *q)
{
	return q->db;
}

/* sql_error - SQLite's message, and the statement's line with a caret under
 * the byte SQLite points at (sqlite3_error_offset), as the sqlite3 shell
 * shows it */
static int sql_error(struct query *q, const char *stmt, struct sl_error *err)
{
	int rc = sqlite3_extended_errcode(q->db);
	int code = SL_EUSAGE;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = SL_EBUSY;
	else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		code = SL_EDB;
	if (q->timed_out)
		return sl_error_set(err, SL_EUSAGE, "the query ran longer than the time limit (%ld s): "
		                    "narrow it, or give a longer --timeout", q->timeout_ms / 1000);
	int off = sqlite3_error_offset(q->db);
	const char *hint = (rc & 0xff) == SQLITE_AUTH
	                   ? " (smtplog query only reads: no writes, ATTACH, PRAGMA that sets "
	                     "anything, temporary tables or extensions)"
	                   : "";
	if (off < 0 || !stmt || (size_t)off > strlen(stmt))
		return sl_error_set(err, code, "SQL error: %s%s", sqlite3_errmsg(q->db), hint);
	const char *bol = stmt + off, *eol = stmt + off;
	while (bol > stmt && bol[-1] != '\n')
		bol--;
	eol += strcspn(eol, "\n");
	char *line = xstrndup(bol, (size_t)(eol - bol));
	char *before = xstrndup(bol, (size_t)(stmt + off - bol));
	for (char *p = line; *p; p++)
		if (*p == '\t')
			*p = ' ';
	size_t col = query_text_width(before);
	for (char *p = before; *p; p++)   /* tabs were made spaces in line: width 1 each */
		if (*p == '\t')
			col++;
	sl_error_set(err, code, "SQL error: %s%s\n  %s\n  %*s^", sqlite3_errmsg(q->db), hint, line,
	             (int)col, "");
	free(line);
	free(before);
	return -1;
}

/* query_set_redact - see query.h */
void query_set_redact(struct query *q, const struct redact *r)
{
	q->redact = r;
}

/* redacted - the text of a cell under --redact, owned (the caller frees it) */
static char *redacted(const struct redact *r, const char *name, const char *v, size_t n)
{
	struct sl_buf b;
	sl_buf_init(&b);
	redact_field(r, name, v, n, &b);
	sl_buf_addc(&b, '\0');
	return sl_buf_detach(&b);
}

/* run_one - steps one prepared statement, rows to out */
static int run_one(struct query *q, sqlite3_stmt *st, const char *text, enum query_format fmt,
                   bool header, FILE *out, struct sl_error *err)
{
	int n = sqlite3_column_count(st);
	struct query_out *o = NULL;
	const char **names = xcalloc((size_t)n + 1, sizeof *names);
	const char **values = xcalloc((size_t)n + 1, sizeof *values);
	bool *numeric = xcalloc((size_t)n + 1, sizeof *numeric);
	char **blobs = xcalloc((size_t)n + 1, sizeof *blobs);
	int rc, status = 0;
	if (n > 0) {
		for (int i = 0; i < n; i++)
			names[i] = sqlite3_column_name(st, i);
		o = query_out_new(fmt, header, out);
		query_out_columns(o, n, names);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			int t = sqlite3_column_type(st, i);
			numeric[i] = t == SQLITE_INTEGER || t == SQLITE_FLOAT;
			if (t == SQLITE_NULL) {
				values[i] = NULL;
			} else if (t == SQLITE_BLOB && q->redact) {
				/* (the saved state of open messages holds addresses) */
				free(blobs[i]);
				struct sl_buf w;
				sl_buf_init(&w);
				sl_buf_addf(&w, "(%d bytes withheld by --redact)", sqlite3_column_bytes(st, i));
				values[i] = blobs[i] = sl_buf_detach(&w);
			} else if (t == SQLITE_TEXT && q->redact) {
				const char *v = (const char *)sqlite3_column_text(st, i);
				free(blobs[i]);
				values[i] = blobs[i] = redacted(q->redact, names[i], v ? v : "",
				                                (size_t)sqlite3_column_bytes(st, i));
			} else if (t == SQLITE_BLOB) {
				/* blobs as hex text: never raw bytes on a terminal */
				const unsigned char *b = sqlite3_column_blob(st, i);
				int len = sqlite3_column_bytes(st, i);
				struct sl_buf hex;
				sl_buf_init(&hex);
				sl_buf_adds(&hex, "x'");
				for (int k = 0; k < len; k++)
					sl_buf_addf(&hex, "%02x", b[k]);
				sl_buf_addc(&hex, '\'');
				free(blobs[i]);
				values[i] = blobs[i] = sl_buf_detach(&hex);
			} else {
				values[i] = (const char *)sqlite3_column_text(st, i);
			}
		}
		query_out_row(o, values, numeric);
		if (ferror(out))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = sql_error(q, text, err);
	if (o)
		query_out_end(o);
	if (status == 0 && (ferror(out) || fflush(out) != 0))
		status = sl_error_set(err, SL_EIO, "cannot write the result: %s", strerror(errno));
	for (int i = 0; i < n; i++)
		free(blobs[i]);
	free(blobs);
	free(names);
	free(values);
	free(numeric);
	return status;
}

/* query_run - see query.h */
int query_run(struct query *q, const char *sql, enum query_format fmt, bool header, FILE *out,
              struct sl_error *err)
{
	const char *tail = sql;
	int status = 0;
	clock_gettime(CLOCK_MONOTONIC, &q->start);
	q->timed_out = false;
	while (status == 0 && tail && *tail) {
		sqlite3_stmt *st = NULL;
		const char *text = tail;
		if (sqlite3_prepare_v2(q->db, text, -1, &st, &tail) != SQLITE_OK)
			return sql_error(q, text, err);
		if (!st)
			break;   /* only white space or comments were left */
		/* the authorizer already refused writes; this is a second lock */
		if (!sqlite3_stmt_readonly(st)) {
			sqlite3_finalize(st);
			return sl_error_set(err, SL_EUSAGE, "SQL error: not a read-only statement: %.*s",
			                    (int)(tail - text), text);
		}
		status = run_one(q, st, text, fmt, header, out, err);
		sqlite3_finalize(st);
	}
	return status;
}
