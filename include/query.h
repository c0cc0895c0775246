/* query: ad-hoc SQL on a database, locked down so that no statement can
 * change or create anything: a read-only connection, query_only, no
 * attached databases, SQLite's defensive flag, an allow-list authorizer and
 * a time limit. Results go to a stream as an aligned table, CSV, TSV, JSON,
 * JSON lines or Markdown. Depends on util, sqlite3. */
#ifndef SMTPLOG_QUERY_H
#define SMTPLOG_QUERY_H

#include <stdio.h>
#include "util.h"

struct sqlite3;
struct query;

enum query_format { QUERY_TABLE = 0, QUERY_CSV, QUERY_TSV, QUERY_JSON, QUERY_JSONL, QUERY_MARKDOWN };

/* "table", "csv", ... -> format; -1 if none. */
int query_format_parse(const char *name);

/* Opens path read-only and locks the connection down (see above); the
 * file must exist. timeout_ms: the time limit of each query_run, 0 = none.
 * NULL with err set: SL_EDB (not a database), SL_EIO (cannot open). */
struct query *query_open(const char *path, long timeout_ms, struct sl_error *err);
void query_free(struct query *q);
/* --redact: every text cell of the results passes through r: in a column
 * named sender, recipient, orig_recipient or forward_to the cell is an
 * address (its local part replaced, bare local parts too), in any other
 * the local part of every address in the text; blobs are withheld. It
 * redacts what is shared, not what the SQL computes: hex(sender) is not an
 * address. r stays the caller's. */
struct redact;
void query_set_redact(struct query *q, const struct redact *r);
/* The connection, e.g. to register SQL functions (before query_run). */
struct sqlite3 *query_db(struct query *q);

/* Runs every statement of sql in turn, writing the rows of each to out.
 * 0, or -1 with err set: SL_EUSAGE for a statement SQLite refuses (syntax,
 * not authorized: err's message quotes the statement's line with a caret
 * under the place SQLite points at), or one that ran past the time limit;
 * SL_EBUSY locked; SL_EDB corrupt; SL_EIO when out cannot be written. */
int query_run(struct query *q, const char *sql, enum query_format fmt, bool header, FILE *out,
              struct sl_error *err);

/* ---- rendering (query_format.c): one result set, row by row */
struct query_out;
struct query_out *query_out_new(enum query_format fmt, bool header, FILE *out);
/* The column names; called once before the rows. */
void query_out_columns(struct query_out *o, int n, const char *const *names);
/* One row: values as text (NULL: SQL NULL), and whether each is a number
 * (JSON writes it bare). */
void query_out_row(struct query_out *o, const char *const *values, const bool *numeric);
/* Writes what is buffered (the aligned table) and frees o. */
void query_out_end(struct query_out *o);
/* Display width of UTF-8 text: East Asian wide characters count two. */
size_t query_text_width(const char *s);

#endif
