/* report_deliver: where a finished report goes besides standard output: a
 * file replaced atomically (a textfile collector never reads half a file),
 * or a MIME multipart/alternative mail (text and HTML, RFC 2047 subject)
 * handed to sendmail -t -oi. SPDX-License-Identifier: MIT */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* report_write_file - data into path through a temporary file and rename */
int report_write_file(const char *path, const char *data, size_t len, struct sl_error *err)
{
	size_t n = strlen(path);
	char *tmp = xmalloc(n + 16);
	snprintf(tmp, n + 16, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	int ret = -1;
	if (fd < 0) {
		sl_error_set(err, SL_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	/* readable by the collector, like a file made with the usual umask */
	mode_t um = umask(0);
	umask(um);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			sl_error_set(err, SL_EIO, "cannot write '%s': %s", tmp, strerror(errno));
			goto fail;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0666 & ~um) != 0 || fsync(fd) != 0) {
		sl_error_set(err, SL_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		sl_error_set(err, SL_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		sl_error_set(err, SL_EIO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		goto fail;
	}
	ret = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return ret;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 - s[0..n) in base64, a line break every `line` output characters (0: none) */
static void base64(struct sl_buf *b, const unsigned char *s, size_t n, size_t line)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
		              i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
		sl_buf_add(b, q, 4);
		col += 4;
		if (line && col >= line && i + 3 < n) {
			sl_buf_addc(b, '\n');
			col = 0;
		}
	}
}

/* report_subject_header - "Subject: text", RFC 2047 encoded words (UTF-8,
 * base64, each under 76 characters, folded) when text is not plain ASCII */
void report_subject_header(struct sl_buf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x7f || s[i] < 0x20)   /* DEL is no header character either */
			ascii = false;
	sl_buf_adds(b, "Subject: ");
	if (ascii && n < 900) {
		sl_buf_adds(b, text);
		sl_buf_addc(b, '\n');
		return;
	}
	/* 45 bytes of text give 60 of base64: "=?UTF-8?B?" + 60 + "?=" = 72;
	 * a word never splits a UTF-8 sequence (RFC 2047, section 5) */
	for (size_t i = 0; i < n;) {
		size_t k = n - i < 45 ? n - i : 45;
		while (k > 0 && i + k < n && (s[i + k] & 0xc0) == 0x80)
			k--;
		if (k == 0)
			k = 1;
		sl_buf_adds(b, i ? "\n =?UTF-8?B?" : "=?UTF-8?B?");
		base64(b, s + i, k, 0);
		sl_buf_adds(b, "?=");
		i += k;
	}
	sl_buf_addc(b, '\n');
}

/* report_mime - the whole message: headers, a text part and an HTML part */
void report_mime(struct sl_buf *b, const char *to, const char *subject, const char *text,
                 const char *html, int64_t now)
{
	char boundary[64], date[64];
	snprintf(boundary, sizeof boundary, "=_smtplog_%llx_%lx", (long long)now, (long)getpid());
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sl_buf_addf(b, "To: %s\n", to);
	report_subject_header(b, subject);
	sl_buf_addf(b, "Date: %s\nMIME-Version: 1.0\nAuto-Submitted: auto-generated\n"
	            "Content-Type: multipart/alternative; boundary=\"%s\"\n\n"
	            "This is a MIME message: a text and an HTML version of the same report.\n",
	            date, boundary);
	const struct {
		const char *type, *body;
	} parts[] = { { "text/plain", text }, { "text/html", html } };
	for (size_t i = 0; i < 2; i++) {
		sl_buf_addf(b, "\n--%s\nContent-Type: %s; charset=utf-8\n"
		            "Content-Transfer-Encoding: base64\n\n", boundary, parts[i].type);
		base64(b, (const unsigned char *)parts[i].body, strlen(parts[i].body), 76);
		sl_buf_addc(b, '\n');
	}
	sl_buf_addf(b, "\n--%s--\n", boundary);
}

/* report_sendmail - message to `sendmail -t -oi` ($SMTPLOG_SENDMAIL, else
 * /usr/sbin/sendmail); 0, or -1 when it cannot run or fails */
int report_sendmail(const struct sl_buf *msg, struct sl_error *err)
{
	const char *prog = getenv("SMTPLOG_SENDMAIL");
	if (!prog || !*prog)
		prog = "/usr/sbin/sendmail";
	int fds[2];
	if (pipe(fds) != 0)
		return sl_error_set(err, SL_EIO, "cannot run '%s': %s", prog, strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return sl_error_set(err, SL_EIO, "cannot run '%s': %s", prog, strerror(errno));
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execl(prog, prog, "-t", "-oi", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	bool ok = true;
	for (size_t off = 0; off < msg->len && ok;) {
		ssize_t w = write(fds[1], msg->data + off, msg->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += w > 0 ? (size_t)w : 0;
	}
	close(fds[1]);
	signal(SIGPIPE, old);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return sl_error_set(err, SL_EIO, "cannot run '%s': %s", prog, strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return sl_error_set(err, SL_EIO, "'%s -t -oi' failed (%s %d): the report was not mailed",
		                    prog, WIFEXITED(st) ? "exit status" : "signal",
		                    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return ok ? 0 : sl_error_set(err, SL_EIO, "'%s' did not read the whole message", prog);
}
