/* logline_capture: the prefixes tools write before the lines they pass on.
 * Logs reach people through these as often as through files: `docker
 * compose logs` for the containerized mail servers (mailcow,
 * docker-mailserver), grep and zgrep over rotated files. logline.c asks
 * only when no header was found at the start of a line, so a plain log
 * pays nothing for them. */
#include <stdbool.h>
#include <stddef.h>

#include "logline_capture.h"

/* Longest prefix we look through: a service name or a path. */
#define CAPTURE_PREFIX_MAX 256

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* padded_prefix - "NAME<spaces>SEP " and any more blanks: docker compose
 * pads the service names of one output to one width before '|', parallel
 * shells (pdsh, dsh -M, clush) align host names before ':' */
static const char *padded_prefix(const char *line, const char *e, char sep)
{
	const char *p = line;
	while (p < e && p - line < CAPTURE_PREFIX_MAX && is_name_char(*p))
		p++;
	if (p == line || p >= e || *p != ' ')
		return NULL;
	while (p < e && p - line < CAPTURE_PREFIX_MAX && *p == ' ')
		p++;
	if (e - p < 2 || p[0] != sep || (p[1] != ' ' && p[1] != '\t'))
		return NULL;
	p += 2;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p < e ? p : NULL;
}

/* grep_prefix - "FILE:" (grep -H, zgrep over several files), "FILE:N:"
 * (with -n) or "N:" (-n alone): no blank before the first colon */
static const char *grep_prefix(const char *line, const char *e)
{
	const char *p = line;
	while (p < e && p - line < CAPTURE_PREFIX_MAX && *p != ':' && *p != ' ' && *p != '\t')
		p++;
	if (p == line || p >= e || *p != ':')
		return NULL;
	p++;
	const char *d = p;
	while (d < e && d - p < 12 && *d >= '0' && *d <= '9')
		d++;
	if (d > p && d < e && *d == ':')
		p = d + 1;
	/* pdsh, dsh -M and clush write "HOST: " before each line of a host's
	 * output, dshbak-style alignment pads it */
	while (p < e && p - line < CAPTURE_PREFIX_MAX && (*p == ' ' || *p == '\t'))
		p++;
	return p < e ? p : NULL;
}

const char *logline_capture_prefix(const char *line, const char *e)
{
	/* a UTF-8 byte-order mark (a log saved by a Windows editor starts with
	 * one), blanks (lines quoted as an indented block) and the '>' quote
	 * marks of a mail or a Markdown block quote, at any depth ("> ", ">> ",
	 * "> > "): how logs reach a mailing list or a forum post; the '|' of
	 * fail2ban-regex's listed lines ("|  LINE"), the '#' of a comment that
	 * quotes a line in a script or a config file */
	const char *p = line;
	if (e - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	/* the record separator before each entry of journalctl -o json-seq
	 * (RFC 7464 JSON text sequences) */
	if (p < e && *p == 0x1E)
		p++;
	/* journalctl -o short-monotonic: the seconds since boot, "[  123.456789] "
	 * (systemd's logs-show.c), in place of a time of day */
	if (p < e && *p == '[') {
		const char *q = p + 1;
		while (q < e && *q == ' ')
			q++;
		const char *d = q;
		while (q < e && q - d < 12 && *q >= '0' && *q <= '9')
			q++;
		if (q > d && e - q >= 3 && *q == '.') {
			const char *f = ++q;
			while (q < e && q - f < 9 && *q >= '0' && *q <= '9')
				q++;
			if (q > f && e - q >= 2 && q[0] == ']' && q[1] == ' ')
				return q + 2;
		}
	}
	while (p < e && p - line < CAPTURE_PREFIX_MAX &&
	       (*p == ' ' || *p == '\t' || *p == '>' || *p == '|' || *p == '#'))
		p++;
	/* cat -n and nl: the line's number and a tab; less -N, an editor's
	 * line numbers copied with the text: the number and blanks; a web
	 * page's numbered list as text: "4. " */
	const char *d = p;
	while (d < e && d - p < 12 && *d >= '0' && *d <= '9')
		d++;
	if (d > p && e - d >= 2 && d[0] == '.' && d[1] == ' ')
		d++;
	if (d > p && d < e && (*d == '\t' || *d == ' ')) {
		p = d + 1;
		while (p < e && p - line < CAPTURE_PREFIX_MAX && (*p == ' ' || *p == '\t'))
			p++;
	}
	if (p != line)
		return p < e ? p : NULL;
	p = padded_prefix(line, e, '|');
	if (!p)
		p = padded_prefix(line, e, ':');
	return p ? p : grep_prefix(line, e);
}
