/* logline_capture: what tools put in front of a log line when they hand it
 * on (for logline.c only). */
#ifndef SMTPLOG_LOGLINE_CAPTURE_H
#define SMTPLOG_LOGLINE_CAPTURE_H

/* The start of the log line inside [line, e) when a tool's prefix comes
 * first: `docker compose logs` ("postfix-mailcow-1  | Apr 10 ..."), grep
 * with file names or line numbers ("/var/log/mail.info:May 11 ...",
 * "mail.log:42:May 11 ..."); a UTF-8 byte-order mark, blanks, a quote's
 * '>' marks or a line number (cat -n's "  42\t", less -N's "   42 ") in
 * front of the header. NULL when there is none. Only a candidate: the
 * caller keeps it only when a header parses after it. */
const char *logline_capture_prefix(const char *line, const char *e);

#endif
