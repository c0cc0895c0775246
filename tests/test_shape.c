/* test_shape: what shape_text blanks and what it keeps. */
#include "testutil.h"

#include "shape.h"

static void check(const char *in, const char *want)
{
	struct sl_buf b;
	sl_buf_init(&b);
	shape_text(in, strlen(in), 200, &b);
	if (strcmp(b.data, want) != 0)
		fail_msg("shape of \"%s\":\n got \"%s\"\nwant \"%s\"", in, b.data, want);
	sl_buf_release(&b);
}

static void test_hosts_addresses_numbers(void **state)
{
	(void)state;
	/* ../shared/corpus/postfix/zentyal-maillog-helper-test.log */
	check("hostname bad.example.com does not resolve to address 192.0.2.44: Name or service not known",
	      "hostname * does not resolve to address *: Name or service not known");
	/* an IP address is a host: '*', never "#*" */
	check("SSL_accept error from unknown[72.13.58.7]: lost connection",
	      "SSL_accept error from unknown[]: lost connection");
	check("connect from 192.0.2.1 port 25", "connect from * port #");
	check("address fe80::1 and 2001:db8:0:0:1:2:3:4 refused", "address * and * refused");
	check("550 5.1.1 <bob@example.org>: Recipient address rejected", "# * <>: Recipient address rejected");
	check("Connection rate limit exceeded: 31 from spamhost.domain.org[192.0.2.123] for service smtpd",
	      "Connection rate limit exceeded: # from *[] for service smtpd");
	/* a HELO name in parentheses before the address: Exim's tls.c
	 * "TLS error on connection from (helo) [ip] (SSL_accept): ..." (genlog's
	 * Exim shapes); a parenthesis not before [ip] stays */
	check("TLS error on connection from (win-5a3esc) [192.0.2.9] (SSL_accept): error:0A000126:SSL routines::unexpected eof",
	      "TLS error on connection from () [] (SSL_accept): error:#A#:SSL routines::unexpected eof");
	check("H=mail.example.com (helo.example.com) [192.0.2.1] Warning: x", "H=* () [] Warning: x");
	check("root(0): message file too big", "root(#): message file too big");
	/* spaces collapse, the end is trimmed */
	check("a   b  ", "a b");
}

static void test_queue_ids_and_tokens(void **state)
{
	(void)state;
	/* Postfix, Sendmail and Exim queue IDs; a base64 SASL challenge */
	check("C48C428351: queue file size limit exceeded", "*: queue file size limit exceeded");
	check("06I02CNi016764: AUTH failure", "*: AUTH failure");
	check("10HmaX-000000005vi-0000 [127.0.0.1] SSL verify error", "* [] SSL verify error");
	check("1vAbCd-0001Xy-Ab Frozen", "* Frozen");
	check("SASL LOGIN authentication failed: UGFzc3dvcmQ6", "SASL LOGIN authentication failed: *");
	/* the digits of a name stay: a part of a word that starts with a
	 * letter ("MD5", "SHA256", "TLSv1"), a version ("TLSv1.3"); a number's
	 * are blanked, alone or at the start of a part ("-13", "0A000126") */
	check("SASL CRAM-MD5 authentication failed", "SASL CRAM-MD5 authentication failed");
	check("authentication failure (-13) SASL(-13)", "authentication failure (-#) SASL(-#)");
	/* Postfix's TLS summary (src/tls/tls_misc.c tls_log_summary) */
	check("Anonymous TLS connection established from x.example.org[192.0.2.1]: TLSv1.3 with "
	      "cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature "
	      "RSA-PSS (2048 bits) server-digest SHA256",
	      "Anonymous TLS connection established from *[]: TLSv1.3 with cipher "
	      "TLS_AES_256_GCM_SHA384 (#/# bits) key-exchange X25519 server-signature RSA-PSS (# "
	      "bits) server-digest SHA256");
	check("cipher=ECDHE-RSA-AES128-GCM-SHA256 SSLv3 TLSv1.2:", "cipher=* SSLv3 TLSv1.2:");
	check("X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no", "X=* CV=*");
	check("DHE-RSA-AES256-SHA version TLSv1, 12ms, 3x", "DHE-RSA-AES256-SHA version TLSv1, #ms, #x");
	/* a number with dots is no version: a host or an address */
	check("Postfix 3.7.2 or 10.0.0.1", "Postfix * or *");
	/* name=value keeps the name */
	check("(reason unavailable), sasl_username=admin", "(reason unavailable), sasl_username=*");
	check("user=test, relay=[192.0.2.8]", "user=*, relay=[]");
}

static void test_limit_and_utf8(void **state)
{
	(void)state;
	struct sl_buf b;
	sl_buf_init(&b);
	/* cut inside a three-byte character: the character goes */
	shape_text("ab \xe6\x97\xa5\xe6\x9c\xac", 9, 7, &b);
	assert_string_equal(b.data, "ab \xe6\x97\xa5");
	sl_buf_reset(&b);
	shape_text("ab \xe6\x97\xa5\xe6\x9c\xac", 9, 5, &b);
	assert_string_equal(b.data, "ab");
	/* a whole word that ends in a multi-byte character stays whole */
	sl_buf_reset(&b);
	shape_text("\xe6\x97\xa5\xe6\x9c\xac", 6, 64, &b);
	assert_string_equal(b.data, "\xe6\x97\xa5\xe6\x9c\xac");
	/* an unclosed '<' or '[' ends the text */
	sl_buf_reset(&b);
	shape_text("to <bob@example", 15, 64, &b);
	assert_string_equal(b.data, "to <>");
	/* appends: what was in out stays */
	sl_buf_reset(&b);
	sl_buf_adds(&b, "x ");
	shape_text("1", 1, 64, &b);
	assert_string_equal(b.data, "x #");
	sl_buf_release(&b);
}

/* any bytes: no overrun (the sanitizers watch), at most max bytes, no
 * space at the end, never longer than a line's shape can be */
static void test_any_bytes(void **state)
{
	(void)state;
	static const char alphabet[] = "ab9.@:[]<>()=-/ \t,;\"'\xc3\xa9\xe6\x97\xa5\xff";
	unsigned seed = 12345;
	struct sl_buf b;
	sl_buf_init(&b);
	for (int round = 0; round < 20000; round++) {
		char in[64];
		size_t n = (size_t)(round % 64);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		size_t max = (size_t)(round % 17);
		sl_buf_reset(&b);
		shape_text(in, n, max, &b);
		assert_true(b.len <= max);
		assert_int_equal(strlen(b.data), b.len);
		assert_true(b.len == 0 || b.data[b.len - 1] != ' ');
	}
	sl_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_addresses_numbers),
		cmocka_unit_test(test_queue_ids_and_tokens),
		cmocka_unit_test(test_limit_and_utf8),
		cmocka_unit_test(test_any_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
