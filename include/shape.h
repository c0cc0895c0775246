/* shape: a log message with what varies from one occurrence to the next
 * blanked, so that one kind of message is one group: the report's groups
 * of replies without a code and the health table's message shapes. */
#ifndef SMTPLOG_SHAPE_H
#define SMTPLOG_SHAPE_H

#include <stddef.h>
#include "util.h"

/* Appends to out the shape of s[0..n), at most max bytes (never a cut
 * UTF-8 sequence, no trailing space; out->data NUL-terminated):
 *   <anything> -> <>        [anything] -> []
 *   a word with '@' or an inner '.', a word of hex digits and two or more
 *   colons, a word starting with '/' or "./" (an address, a host name, an
 *   IP address, a file name) -> *
 *   a word of letters and digits 8 or more long with both (a queue ID, a
 *   base64 token) -> *
 *   name=value -> name=*
 *   any other run of digits -> #
 * A colon that ends a blanked word stays ("*:"). */
void shape_text(const char *s, size_t n, size_t max, struct sl_buf *out);

#endif
