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
 * one savepoint: safe inside or outside a caller's transaction. Writes
 * nothing when the table knowledge_version holds the hash of the same
 * texts (loads call it; readers never do). On failure
 * nothing is changed. 0, or -1 with err set (SL_EBUSY when the database is
 * locked, SL_EDB otherwise). */
int codes_sql_load(struct sqlite3 *db, struct sl_error *err);

/* Reasons that the words of one reply cannot give, decided over every
 * event stored (so the order of the lines does not matter):
 *   Exim's "Unrouteable address" refusing a RCPT for one of this host's own
 *   domains means "no such local user" (user-unknown), not a broken domain.
 *   A domain is this host's own when the database holds an Exim delivery to
 *   it through a local transport: a "=>" line with no remote host (appendfile,
 *   pipe, LMTP over a socket). A delivery to 127.0.0.1 does not count: it may
 *   be a content filter whose copy was not in the logs read.
 * Call it after a load, with no other writer on db. 0, or -1 with err set. */
int codes_sql_whole_log_reasons(struct sqlite3 *db, struct sl_error *err);

#endif
