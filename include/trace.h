/* trace: the whole story of a message from the database. Finds the
 * messages a queue ID, Message-ID header or address names, follows their
 * links (content-filter copies, .forward copies, bounce notifications:
 * messages.origin_id) up to the original and down to every copy, and lists
 * their arrivals and events in time order with the file and line each came
 * from; optionally reads those lines back from the files (also inside
 * gzip) when the files are still there. Depends on reader, util, sqlite3. */
#ifndef SMTPLOG_TRACE_H
#define SMTPLOG_TRACE_H

#include <stdint.h>
#include "util.h"

struct sqlite3;

/* One line of the story. Strings are owned by the trace (NULL: unknown). */
struct trace_item {
	char *ts;              /* ISO 8601 UTC */
	char *queue_id, *host;
	char *what;            /* "arrived" or an event kind ("delivered", ...) */
	char *detail;          /* one line: sender or recipient, codes, relay/client */
	char *reply;           /* the reply text of an event, or NULL */
	int64_t source_id;     /* 0: unknown */
	char *file;            /* the path the line was read from */
	uint64_t line;         /* 0: unknown (a message's first line has only an offset) */
	uint64_t offset;
	char *raw;             /* after trace_read_raw: the line as logged, or NULL */
};

/* One message of the family, for the heading. */
struct trace_message {
	int64_t id;
	char *queue_id, *host, *mta;
	char *summary;         /* "from <a@b>, 1234 bytes, Message-ID <x>" */
	char *origin;          /* "content-filter", "forward", "notification", or NULL */
	char *origin_queue_id; /* the queue ID of the message it is a copy of */
};

struct trace {
	struct trace_message *msgs;
	size_t nmsgs;
	struct trace_item *items;   /* in time order */
	size_t nitems;
};

/* Fills t with the story of key: "<id@host>" is a Message-ID; a text with
 * '@' a Message-ID or an address (sender, recipient or original recipient);
 * anything else a queue ID. 0 (t->nitems may be 0: nothing matched), or -1
 * with err set (SL_EDB). */
int trace_find(struct sqlite3 *db, const char *key, struct trace *t, struct sl_error *err);

/* Reads the items' lines back from their files by offset (verifying each
 * file is still the content that was stored, by its fingerprint), setting
 * item->raw. Returns the number of items whose line could not be read;
 * each file that could not is described in missing (one line each). */
size_t trace_read_raw(struct sqlite3 *db, struct trace *t, struct sl_buf *missing);

/* The story as text: the messages, then one line per item (and its reply). */
void trace_format(const struct trace *t, struct sl_buf *out);

void trace_release(struct trace *t);

#endif
