/* redact: local parts of addresses replaced by an HMAC-SHA-256 token under
 * a site key (OpenSSL libcrypto; nothing cryptographic is written here).
 * The key file is created once, 0600, without following symlinks.
 * SPDX-License-Identifier: MIT */
#include "redact.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

struct redact {
	size_t keylen;
	unsigned char key[REDACT_KEY_MAX];
};

/* redact_hmac - HMAC-SHA-256 through libcrypto's one-shot HMAC() */
int redact_hmac(const void *key, size_t keylen, const void *data, size_t len,
                unsigned char out[REDACT_HMAC_SIZE])
{
	unsigned int n = 0;
	if (keylen > INT32_MAX)
		return -1;
	if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &n) || n != REDACT_HMAC_SIZE)
		return -1;
	return 0;
}

/* redact_new - a redactor holding a copy of key */
struct redact *redact_new(const void *key, size_t len)
{
	if (len > REDACT_KEY_MAX)
		SL_BUG("redact key of %zu bytes", len);
	struct redact *r = xcalloc(1, sizeof *r);
	memcpy(r->key, key, len);
	r->keylen = len;
	return r;
}

/* redact_free - wipe the key and free */
void redact_free(struct redact *r)
{
	if (!r)
		return;
	OPENSSL_cleanse(r->key, sizeof r->key);
	free(r);
}

/* create_key - a new random key written to a private temporary file, then
 * linked to path: link() fails with EEXIST rather than replace anything,
 * including a symlink, so the first of two concurrent callers wins and the
 * other reads its complete key. 0, 1 if path appeared meanwhile, or -1. */
static int create_key(const char *path, struct sl_error *err)
{
	unsigned char key[REDACT_KEY_SIZE];
	if (RAND_bytes(key, sizeof key) != 1)
		return sl_error_set(err, SL_EIO, "cannot create the key '%s': no random bytes", path);
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.new.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return sl_error_set(err, SL_EUSAGE, "key file name too long '%s'", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sl_error_set(err, SL_EIO, "cannot create the key '%s': %s", tmp, strerror(errno));
	int rc = 0;
	if (write(fd, key, sizeof key) != (ssize_t)sizeof key || fsync(fd) != 0)
		rc = sl_error_set(err, SL_EIO, "cannot write the key '%s': %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = sl_error_set(err, SL_EIO, "cannot write the key '%s': %s", tmp, strerror(errno));
	OPENSSL_cleanse(key, sizeof key);
	if (rc == 0 && link(tmp, path) != 0) {
		if (errno == EEXIST)
			rc = 1;
		else
			rc = sl_error_set(err, SL_EIO, "cannot create the key '%s': %s", path, strerror(errno));
	}
	unlink(tmp);
	return rc;
}

/* redact_open - read the key file, creating it on first use */
struct redact *redact_open(const char *path, struct sl_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (create_key(path, err) < 0)
			return NULL;
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		sl_error_set(err, errno == ELOOP ? SL_EUSAGE : SL_EIO, "cannot open the key '%s': %s", path,
		             errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return NULL;
	}
	struct stat sb;
	unsigned char key[REDACT_KEY_MAX];
	ssize_t n = -1;
	if (fstat(fd, &sb) != 0)
		sl_error_set(err, SL_EIO, "cannot read the key '%s': %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		sl_error_set(err, SL_EUSAGE, "the key '%s' is not a regular file", path);
	else if (sb.st_mode & 077)
		sl_error_set(err, SL_EUSAGE, "the key '%s' may be read by others (chmod 600 it)", path);
	else if ((n = read(fd, key, sizeof key)) < 0)
		sl_error_set(err, SL_EIO, "cannot read the key '%s': %s", path, strerror(errno));
	else if (n < REDACT_KEY_MIN)
		sl_error_set(err, SL_EUSAGE, "the key '%s' is too short (%zd bytes, at least %d)", path, n,
		             REDACT_KEY_MIN);
	close(fd);
	struct redact *r = NULL;
	if (n >= REDACT_KEY_MIN && S_ISREG(sb.st_mode) && !(sb.st_mode & 077))
		r = redact_new(key, (size_t)n);
	OPENSSL_cleanse(key, sizeof key);
	return r;
}

/* add_token - append the token of local */
static void add_token(const struct redact *r, const char *local, size_t len, struct sl_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[REDACT_HMAC_SIZE];
	if (redact_hmac(r->key, r->keylen, local, len, mac) != 0)
		SL_BUG("HMAC-SHA-256 failed in libcrypto");
	sl_buf_adds(out, REDACT_TOKEN_PREFIX);
	sl_buf_grow(out, REDACT_TOKEN_HEX);
	for (int i = 0; i < REDACT_TOKEN_HEX / 2; i++) {
		out->data[out->len++] = hex[mac[i] >> 4];
		out->data[out->len++] = hex[mac[i] & 15];
	}
	out->data[out->len] = '\0';
}

/* redact_address - token@domain */
void redact_address(const struct redact *r, const char *addr, size_t len, struct sl_buf *out)
{
	if (len == 0)
		return;
	size_t at = len;
	while (at > 0 && addr[at - 1] != '@')
		at--;
	if (at == 0) {        /* no '@': a bare local name (root, MAILER-DAEMON) */
		add_token(r, addr, len, out);
		return;
	}
	add_token(r, addr, at - 1, out);
	sl_buf_add(out, addr + at - 1, len - at + 1);
}

/* Characters of a local part (RFC 5322 atext and '.') and of a domain. */
static bool local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL) || c >= 0x80;
}

static bool domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '[' || c == ']' || c == ':' || c >= 0x80;
}

/* redact_text - every local@domain in text replaced by token@domain */
void redact_text(const struct redact *r, const char *text, size_t len, struct sl_buf *out)
{
	size_t done = 0;   /* text[0, done) is in out */
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '@' || i + 1 >= len || !domain_char((unsigned char)text[i + 1]))
			continue;
		size_t b = i;
		while (b > done && local_char((unsigned char)text[b - 1]))
			b--;
		/* a quoted local part, "john doe"@example.org */
		if (b == i && i >= 2 && text[i - 1] == '"') {
			size_t q = i - 1;
			while (q > done && text[q - 1] != '"')
				q--;
			if (q > done)
				b = q - 1;
		}
		if (b == i)
			continue;
		sl_buf_add(out, text + done, b - done);
		add_token(r, text + b, i - b, out);
		done = i;
	}
	sl_buf_add(out, text + done, len - done);
}

/* redact_field - see redact.h */
void redact_field(const struct redact *r, const char *name, const char *value, size_t len,
                  struct sl_buf *out)
{
	static const char *const fields[] = { "sender", "recipient", "orig_recipient", "forward_to" };
	bool address = false;
	for (size_t i = 0; i < SL_ARRAY_LEN(fields) && name; i++)
		address |= strcasecmp(name, fields[i]) == 0;
	if (address && len && !memchr(value, ' ', len) && !(len == 2 && memcmp(value, "<>", 2) == 0))
		redact_address(r, value, len, out);
	else
		redact_text(r, value, len, out);
}
