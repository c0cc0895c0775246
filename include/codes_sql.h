/* codes_sql: copies the reply-code knowledge base and the reason texts into
 * an SQLite database as tables `codes` and `reasons`, so that ad-hoc SQL can
 * join events (smtp_code, enhanced_code, reason) with advice. The schema is
 * documented in docs/knowledge.md. Depends on codes, reasons, util, sqlite3. */
#ifndef SMTPLOG_CODES_SQL_H
#define SMTPLOG_CODES_SQL_H

#include "util.h"

struct sqlite3;

/* Creates the tables if absent and replaces their rows with the built-in
 * texts, every language (untranslated rows carry the English text), inside
 * one savepoint: safe inside or outside a caller's transaction. On failure
 * nothing is changed. 0, or -1 with err set (SL_EBUSY when the database is
 * locked, SL_EDB otherwise). */
int codes_sql_load(struct sqlite3 *db, struct sl_error *err);

#endif
