/* report_redact: every log-derived text of a report model redacted: address
 * columns whole (a bare local part too, the null sender "<>" kept), other
 * cells, group titles, samples, status texts and notes by the addresses in
 * them; labels and numbers untouched; one address, one token. */
#include <stdlib.h>

#include "testutil.h"
#include "redact.h"
#include "report_model.h"

static char *token(const struct redact *r, const char *addr)
{
	struct sl_buf b;
	sl_buf_init(&b);
	redact_address(r, addr, strlen(addr), &b);
	sl_buf_addc(&b, '\0');
	return sl_buf_detach(&b);
}

static void test_model_redacted(void **state)
{
	(void)state;
	struct redact *r = redact_new("0123456789abcdef", 16);
	struct rm_model m;
	memset(&m, 0, sizeof m);
	m.files = xstrdup("mail.log (3 lines)");
	struct rm_section *s = rm_section_add(&m, "senders", "Senders", 0);
	s->note = xstrdup("mail of carol@example.net held");
	struct rm_table *t = rm_table_add(s, "senders", NULL);
	rm_col_add(t, "sender", "Sender", RM_STR);
	rm_col_add(t, "last_reply", "Last reply", RM_STR);
	rm_col_add(t, "count", "Count", RM_INT);
	struct rm_cell *row = rm_row_add(t);
	rm_cell_str(&row[0], "jane.doe@gmail.com");
	rm_cell_str(&row[1], "550 5.1.1 <jane.doe@gmail.com>: unknown");
	rm_cell_num(&row[2], 3);
	row = rm_row_add(t);
	rm_cell_str(&row[0], "root");
	row = rm_row_add(t);
	rm_cell_str(&row[0], "<>");
	s->groups = xcalloc(1, sizeof *s->groups);
	s->ngroups = 1;
	s->groups[0].title = xstrdup("550 5.1.1 user unknown");
	s->groups[0].sample = xstrdup("to=<bob@example.org> said: 550 bob@example.org unknown");

	rm_model_redact(&m, r);
	char *jane = token(r, "jane.doe@gmail.com"), *root = token(r, "root");
	char *bob = token(r, "bob@example.org"), *carol = token(r, "carol@example.net");
	assert_string_equal(rm_cell(t, 0, 0)->s, jane);
	char want[256];
	snprintf(want, sizeof want, "550 5.1.1 <%s>: unknown", jane);
	assert_string_equal(rm_cell(t, 0, 1)->s, want);
	assert_true(rm_cell(t, 0, 2)->v == 3);
	assert_string_equal(rm_cell(t, 1, 0)->s, root);
	assert_string_equal(rm_cell(t, 2, 0)->s, "<>");
	assert_null(rm_cell(t, 1, 1)->s);
	snprintf(want, sizeof want, "to=<%s> said: 550 %s unknown", bob, bob);
	assert_string_equal(s->groups[0].sample, want);
	assert_string_equal(s->groups[0].title, "550 5.1.1 user unknown");
	snprintf(want, sizeof want, "mail of %s held", carol);
	assert_string_equal(s->note, want);
	assert_string_equal(m.files, "mail.log (3 lines)");
	free(jane);
	free(root);
	free(bob);
	free(carol);
	rm_model_free(&m);
	redact_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_redacted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
