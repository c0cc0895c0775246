/* sqlext: what smtplog adds to SQL for ad-hoc questions: functions on every
 * connection it opens (the domain of an address, the class of a code, the
 * title of a code, advice for a code or reason in a language) and views for
 * the common questions (volume and senders per day, a message timeline,
 * failures with their advice). The views use plain SQL only, so that they
 * work in the sqlite3 shell and Datasette too; docs/schema.md documents
 * both. Depends on codes, reasons, util, sqlite3. */
#ifndef SMTPLOG_SQLEXT_H
#define SMTPLOG_SQLEXT_H

#include "util.h"

struct sqlite3;

/* Registers the functions on db. SQLITE_OK or an SQLite error code. */
int sqlext_register(struct sqlite3 *db);
/* Registers them on every connection opened from now on in this process
 * (sqlite3_auto_extension). Call after store_library_init(). */
void sqlext_register_everywhere(void);

/* Creates (or replaces) the views in db, inside a savepoint. 0, or -1 with
 * err set (SL_EBUSY locked, SL_EDB otherwise). */
int sqlext_views_load(struct sqlite3 *db, struct sl_error *err);

#endif
