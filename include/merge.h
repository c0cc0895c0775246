/* merge: copies the rows of one smtplog database into another, so that the
 * per-host databases of a small site (2 to 10 hosts) become one that
 * report, query and trace read across hosts. Idempotent: a source is
 * matched by its key fingerprint (sources.key_fingerprint), and the row
 * ids of events and messages are rebuilt from (source, offset), so merging
 * the same database twice adds nothing, and merging databases of different
 * logs gives the rows one database of all the logs would have. A message
 * already in the target takes what the newer copy knows (completion, last
 * line), as a later ingest would. It neither parses nor reports. */
#ifndef SMTPLOG_MERGE_H
#define SMTPLOG_MERGE_H

#include <stdint.h>
#include "util.h"

struct sqlite3;

struct merge_stats {
	uint64_t sources_new;       /* sources the target did not have */
	uint64_t sources_known;     /* matched by fingerprint: the same file */
	uint64_t events;            /* events added */
	uint64_t messages;          /* messages added or brought up to date */
};

/* Merges the database at source_path into target (an open smtplog
 * database of the same schema version) in one transaction: either all of
 * it or nothing. The source is attached read-only in spirit (nothing is
 * written to it); its export progress is not copied (it belongs to that
 * database); its open messages join the target's (correlate_state_merge).
 * stats (may be NULL) are added to. 0, or -1 with err filled:
 * SL_EIO (cannot read the file), SL_EDB (not an smtplog database, another
 * schema version, the target itself, an SQL error), SL_EBUSY (locked). */
int merge_database(struct sqlite3 *target, const char *source_path, struct merge_stats *stats,
                   struct sl_error *err);

#endif
