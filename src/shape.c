/* shape: see include/shape.h. SPDX-License-Identifier: MIT */
#include "shape.h"

#include <stdbool.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* word_end - where the word starting at s[i] ends */
static size_t word_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '<' && s[i] != '[' && s[i] != '(' &&
	       s[i] != ')' && s[i] != ',' && s[i] != ';' && s[i] != '"' && s[i] != '\'')
		i++;
	return i;
}

/* mixed - w[0..n) holds both letters and digits, and nothing else but the
 * characters of base64 */
static bool mixed(const char *w, size_t n)
{
	size_t digits = 0, letters = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_digit(w[i]))
			digits++;
		else if (is_alpha(w[i]))
			letters++;
		else if (w[i] != '+' && w[i] != '/')
			return false;
	}
	return digits && letters;
}

/* queue_id_like - a queue ID or a token of base64: a part between hyphens
 * of 8 or more letters and digits mixed (Postfix, Sendmail, a SASL
 * challenge), or Exim's 6-6-2 and 6-11-4 message IDs */
static bool queue_id_like(const char *w, size_t n)
{
	size_t parts[4], np = 0, start = 0;
	bool long_part = false, alnum = true;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && w[i] != '-') {
			alnum = alnum && (is_digit(w[i]) || is_alpha(w[i]));
			continue;
		}
		size_t len = i - start;
		if (len >= 8 && mixed(w + start, len))
			long_part = true;
		if (np < SL_ARRAY_LEN(parts))
			parts[np] = len;
		np++;
		start = i + 1;
	}
	if (alnum && np == 3 && parts[0] == 6 &&
	    ((parts[1] == 6 && parts[2] == 2) || (parts[1] == 11 && parts[2] == 4)))
		return true;
	return long_part;
}

/* version_like - "TLSv1.3", "exim-4.96": a name that starts with a letter
 * and ends in a digit, then dot-separated numbers. A name, not a host. */
static bool version_like(const char *w, size_t n)
{
	const char *dot = memchr(w, '.', n);
	if (!dot || dot == w || !is_alpha(w[0]) || !is_digit(dot[-1]))
		return false;
	for (const char *p = dot; p < w + n; p++) {
		if (*p == '.') {
			if (p + 1 == w + n || !is_digit(p[1]))
				return false;
		} else if (!is_digit(*p)) {
			return false;
		}
	}
	return true;
}

/* blanked - whether the word w[0..n) (its final colon left out) is an
 * address, a host, an IP address or a queue-ID-like token */
static bool blanked(const char *w, size_t n)
{
	size_t colons = 0, nonhex = 0;
	if (n > 1 && (w[0] == '/' || (w[0] == '.' && (w[1] == '/' || w[1] == '.'))))
		return true;   /* a file */
	if (version_like(w, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		/* an inner dot or '@': a host, an address, an IPv4 address, a file */
		if ((c == '.' || c == '@') && i > 0 && i + 1 < n)
			return true;
		if (c == ':') {
			colons++;
		} else if (!is_digit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			nonhex++;
		}
	}
	if (colons >= 2 && !nonhex)
		return true;   /* an IPv6 address */
	return !colons && queue_id_like(w, n);
}

void shape_text(const char *s, size_t n, size_t max, struct sl_buf *out)
{
	size_t start = out->len;
	for (size_t i = 0; i < n && out->len - start < max;) {
		char ch = s[i];
		const char *pc;
		if (ch == '(' && (pc = memchr(s + i, ')', n - i)) && (size_t)(pc - s) + 2 < n &&
		    pc[1] == ' ' && pc[2] == '[') {
			/* "(helo) [ip]": the name a client gave in HELO, as Exim and
			 * Sendmail write it before the address (Exim's H=host (helo)
			 * [ip], "connection from (helo) [ip]"): a host, blanked */
			sl_buf_adds(out, "()");
			i = (size_t)(pc - s) + 1;
		} else if (ch == '<' || ch == '[') {
			const char *close = memchr(s + i, ch == '<' ? '>' : ']', n - i);
			sl_buf_adds(out, ch == '<' ? "<>" : "[]");
			i = close ? (size_t)(close - s) + 1 : n;
		} else if (ch == ' ' || ch == '\t') {
			if (out->len > start && out->data[out->len - 1] != ' ')
				sl_buf_addc(out, ' ');
			i++;
		} else {
			size_t e = word_end(s, n, i);
			if (e == i) {
				sl_buf_addc(out, s[i++]);
				continue;
			}
			size_t wl = e - i;
			bool colon = s[e - 1] == ':';
			const char *eq = memchr(s + i, '=', wl);
			if (eq && eq > s + i && eq + 1 < s + e) {
				/* name=value: the name stays */
				size_t k = (size_t)(eq - (s + i));
				bool name = true;
				for (size_t j = 0; j < k; j++)
					name = name && (is_alpha(s[i + j]) || s[i + j] == '_' || s[i + j] == '-');
				if (name) {
					sl_buf_add(out, s + i, k + 1);
					sl_buf_addc(out, '*');
					i = e;
					continue;
				}
			}
			if (blanked(s + i, colon ? wl - 1 : wl)) {
				sl_buf_addc(out, '*');
				if (colon)
					sl_buf_addc(out, ':');
				i = e;
				continue;
			}
			/* a plain word: the digits of a name stay ("CRAM-MD5",
			 * "SHA256", "TLS_AES_256_GCM_SHA384", "TLSv1.3"), those
			 * of a number are blanked ("31", "-13", "0A000126"): a
			 * part of letters, digits and '_' is a name when it
			 * starts with a letter */
			if (version_like(s + i, colon ? wl - 1 : wl)) {
				sl_buf_add(out, s + i, wl);
				i = e;
				continue;
			}
			bool name_part = false, in_part = false;
			for (; i < e; i++) {
				bool part = is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_';
				if (part && !in_part)
					name_part = !is_digit(s[i]);
				in_part = part;
				if (is_digit(s[i]) && !name_part) {
					sl_buf_addc(out, '#');
					while (i + 1 < e && is_digit(s[i + 1]))
						i++;
				} else {
					sl_buf_addc(out, s[i]);
				}
			}
		}
	}
	if (out->len - start > max) {
		out->len = start + max;
		/* never cut a UTF-8 sequence: drop an incomplete last one */
		size_t k = out->len, cont = 0;
		while (k > start && ((unsigned char)out->data[k - 1] & 0xc0) == 0x80) {
			k--;
			cont++;
		}
		if (k > start && ((unsigned char)out->data[k - 1] & 0xc0) == 0xc0) {
			unsigned char lead = (unsigned char)out->data[k - 1];
			size_t need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
			if (cont < need)
				out->len = k - 1;
		}
	}
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	sl_buf_grow(out, 0);
	out->data[out->len] = '\0';
}
