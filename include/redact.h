/* redact: pseudonymizes the local parts of mail addresses with a keyed hash
 * (HMAC-SHA-256 from OpenSSL's libcrypto), keeping the domain, so that an
 * export stays joinable (the same address gives the same token under the
 * same key) without revealing who wrote to whom: without the key, a
 * dictionary of likely addresses cannot be hashed to match, as a plain hash
 * could. It knows nothing of SQLite or of the export format.
 *
 * Used by export, report and query (--redact): open the key once with
 * redact_open(), then pass each address column through redact_address()
 * and each free-text column (replies) through redact_text(), or any named
 * value through redact_field(). */
#ifndef SMTPLOG_REDACT_H
#define SMTPLOG_REDACT_H

#include <stddef.h>
#include "util.h"

#define REDACT_HMAC_SIZE 32        /* SHA-256 */
#define REDACT_KEY_SIZE 32         /* bytes of a key file redact_open creates */
#define REDACT_KEY_MIN 16          /* a shorter key file is refused */
#define REDACT_KEY_MAX 256
#define REDACT_TOKEN_HEX 16        /* hex digits of a token: 64 bits of the HMAC */
/* A token: "x-" then REDACT_TOKEN_HEX lower-case hex digits. */
#define REDACT_TOKEN_PREFIX "x-"

struct redact;

/* Reads the key from key_path, or, if no such file exists, creates it:
 * REDACT_KEY_SIZE random bytes (getrandom via OpenSSL RAND_bytes), written
 * to a new file opened O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600 and then
 * linked into place, so a concurrent first use never sees a half-written
 * key and a symlink planted at key_path is never followed. Refuses a key
 * file that is not a regular file, that group or others may read, or that
 * is shorter than REDACT_KEY_MIN bytes. NULL with err filled (SL_EIO,
 * SL_EUSAGE for a key file of the wrong kind). */
struct redact *redact_open(const char *key_path, struct sl_error *err);
/* A redactor with the given key (copied), for tests and callers that keep
 * the key elsewhere. */
struct redact *redact_new(const void *key, size_t len);
void redact_free(struct redact *r);

/* HMAC-SHA-256 of data under key into out; 0, or -1 if libcrypto fails.
 * The one place that calls OpenSSL, so tests can check it against RFC 4231. */
int redact_hmac(const void *key, size_t keylen, const void *data, size_t len,
                unsigned char out[REDACT_HMAC_SIZE]);

/* Appends to out the address with its local part (everything before the
 * last '@', or the whole of an address without '@') replaced by a token;
 * the domain is kept as it is. The null sender (len 0) stays empty. The
 * local part is hashed as written (local parts are case-sensitive). */
void redact_address(const struct redact *r, const char *addr, size_t len, struct sl_buf *out);

/* Appends to out the text with the local part of every address in it
 * (word@domain.tld, as in a reply "550 5.1.1 <bob@example.net>: ...")
 * replaced by its token. Other words are kept. */
void redact_text(const struct redact *r, const char *text, size_t len, struct sl_buf *out);

/* Appends to out a value of the field named name (a column of smtplog's
 * tables, of a report table or of a query result): in an address field
 * (sender, recipient, orig_recipient, forward_to; any case) one address
 * redacted whole, a bare local part such as "root" too, the null sender
 * "<>" kept; in any other field, or a value with spaces, redact_text. */
void redact_field(const struct redact *r, const char *name, const char *value, size_t len,
                  struct sl_buf *out);

#endif
