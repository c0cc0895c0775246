/* correlate: message lifecycles, queue-id reuse, copies linked to their
 * origin (content filter, .forward, notification), bounded memory. A fake
 * sink records what the store would receive. */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "correlate.h"

#define MAXREC 64
#define CORR_HELD_TEST 256   /* correlate.c CORR_HELD */

struct rec_msg {
	int64_t id, origin_id;
	enum corr_origin origin;
	char qid[32], sender[64];
	bool arrived, removed;
	int64_t size;
	int nrcpt;
	int updates;
};
struct rec_ev {
	int64_t message_id;
	bool handoff;
	char sender[64];
};
static struct rec_msg msgs[MAXREC];
static int nmsgs;
static struct rec_ev evs[MAXREC];
static int nevs;

static struct rec_msg *by_id(int64_t id)
{
	for (int i = 0; i < nmsgs; i++)
		if (msgs[i].id == id)
			return &msgs[i];
	return NULL;
}

static int fake_open(void *ctx, struct corr_message *m, struct sl_error *err)
{
	(void)ctx;
	(void)err;
	m->id = nmsgs + 1;
	struct rec_msg *r = &msgs[nmsgs++];
	memset(r, 0, sizeof *r);
	r->id = m->id;
	r->origin_id = m->origin_id;
	r->origin = m->origin;
	snprintf(r->qid, sizeof r->qid, "%s", m->queue_id);
	return 0;
}

static int fake_update(void *ctx, const struct corr_message *m, struct sl_error *err)
{
	(void)ctx;
	(void)err;
	struct rec_msg *r = by_id(m->id);
	assert_non_null(r);
	r->updates++;
	if (m->origin_id)
		r->origin_id = m->origin_id, r->origin = m->origin;
	if (m->sender)
		snprintf(r->sender, sizeof r->sender, "%s", m->sender);
	r->arrived |= m->arrived;
	r->removed |= m->removed;
	if (m->size >= 0)
		r->size = m->size;
	if (m->nrcpt >= 0)
		r->nrcpt = m->nrcpt;
	return 0;
}

static int fake_event(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	(void)ctx;
	(void)err;
	if (nevs == MAXREC)
		nevs = 0;   /* a test of many events that only counts them */
	struct rec_ev *r = &evs[nevs++];
	r->message_id = e->message_id;
	r->handoff = e->handoff;
	size_t n = e->ev->sender.len < 63 ? e->ev->sender.len : 63;
	memcpy(r->sender, e->ev->sender.p ? e->ev->sender.p : "", n);
	r->sender[n] = '\0';
	return 0;
}

static const struct sink fake = { .message_open = fake_open, .message_update = fake_update,
                                  .event = fake_event };

static int reset(void **state)
{
	(void)state;
	nmsgs = nevs = 0;
	return 0;
}

static struct logline ll;
static struct corr_pos pos;

static void feed(struct correlate *c, int64_t t, enum ev_kind kind, const char *qid,
                 void (*fill)(struct event *))
{
	struct event ev;
	event_clear(&ev);
	memset(&ll, 0, sizeof ll);
	ll.has_ts = true;
	ll.ts.sec = t;
	ll.host = (struct sl_span){ "mx1", 3 };
	ev.kind = kind;
	if (qid)
		ev.queue_id = (struct sl_span){ qid, strlen(qid) };
	if (fill)
		fill(&ev);
	pos.line++;
	pos.offset += 100;
	struct sl_error err;
	assert_int_equal(correlate_feed(c, &ll, &ev, &pos, &err), 0);
}

static void fill_queued(struct event *ev)
{
	ev->sender = (struct sl_span){ "alice@example.org", 17 };
	ev->size = 1234;
	ev->nrcpt = 1;
}
static void fill_loopback_handoff(struct event *ev)
{
	ev->remote_ip = (struct sl_span){ "127.0.0.1", 9 };
	ev->new_queue_id = (struct sl_span){ "BBB", 3 };
}
static void fill_forward(struct event *ev)
{
	ev->new_queue_id = (struct sl_span){ "FFF", 3 };
}

static int64_t id_plus_1000(void *ctx, int64_t id)
{
	(void)ctx;
	return id + 1000;
}

static void test_lifecycle(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_MSG_QUEUED, "AAA", fill_queued);
	feed(c, 102, EV_DELIVERED, "AAA", NULL);
	feed(c, 103, EV_MSG_REMOVED, "AAA", NULL);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(nevs, 1);
	assert_int_equal(evs[0].message_id, 1);
	/* the delivery line names no sender: the message's is used */
	assert_string_equal(evs[0].sender, "alice@example.org");
	assert_true(msgs[0].removed);
	assert_true(msgs[0].arrived);
	assert_int_equal(msgs[0].size, 1234);
	assert_int_equal(correlate_stats(c)->open, 0);
	assert_int_equal(correlate_stats(c)->completed, 1);
	correlate_free(c);
}

static void test_reused_queue_id(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_MSG_REMOVED, "AAA", NULL);
	feed(c, 200, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 201, EV_DELIVERED, "AAA", NULL);
	/* reused while the first never logged its removal */
	feed(c, 300, EV_MSG_ARRIVAL, "AAA", NULL);
	assert_int_equal(nmsgs, 3);
	assert_int_equal(evs[0].message_id, 2);
	assert_false(msgs[1].removed);
	struct sl_error err;
	assert_int_equal(correlate_finish(c, &err), 0);
	assert_int_equal(correlate_stats(c)->open, 0);
	correlate_free(c);
}

static void test_content_filter_linked(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_MSG_ARRIVAL, "BBB", NULL);   /* re-injected by the filter */
	feed(c, 102, EV_DELIVERED, "AAA", fill_loopback_handoff);
	feed(c, 103, EV_MSG_REMOVED, "AAA", NULL);
	feed(c, 104, EV_DELIVERED, "BBB", NULL);
	feed(c, 105, EV_MSG_REMOVED, "BBB", NULL);
	assert_int_equal(nmsgs, 2);
	assert_true(evs[0].handoff);
	assert_false(evs[1].handoff);
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_FILTER);
	assert_int_equal(correlate_stats(c)->linked, 1);
	correlate_free(c);
}

static void test_link_after_copy_finished(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_MSG_ARRIVAL, "BBB", NULL);
	feed(c, 102, EV_MSG_REMOVED, "BBB", NULL);
	feed(c, 103, EV_DELIVERED, "AAA", fill_loopback_handoff);
	assert_int_equal(msgs[1].origin_id, 1);
	correlate_free(c);
}

static void test_link_before_copy_appears(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_FORWARDED, "AAA", fill_forward);
	feed(c, 102, EV_MSG_QUEUED, "FFF", fill_queued);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_FORWARD);
	correlate_free(c);
}

/* Sendmail's envelope split (deliver.c sendall(), "<qid>: <newqid>: clone:
 * owner=<owner>"): the copy is a forward of the message, its sender the
 * owner, and its deliveries carry that sender; the original keeps its own */
static void fill_split(struct event *ev)
{
	ev->new_queue_id = (struct sl_span){ "CCC", 3 };
	ev->sender = (struct sl_span){ "owner-list", 10 };
	ev->envelope_split = true;
}
static void fill_sender(struct event *ev)
{
	ev->sender = (struct sl_span){ "alice@example.org", 17 };
}

static void test_envelope_split_linked(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", fill_sender);
	feed(c, 101, EV_MSG_NOTIFY, "AAA", fill_split);
	feed(c, 102, EV_DELIVERED, "CCC", NULL);
	feed(c, 103, EV_DELIVERED, "AAA", NULL);
	assert_int_equal(nmsgs, 2);
	assert_string_equal(msgs[1].qid, "CCC");
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_FORWARD);
	assert_int_equal(nevs, 2);
	assert_int_equal(evs[0].message_id, 2);
	assert_string_equal(evs[0].sender, "owner-list");
	assert_string_equal(evs[1].sender, "alice@example.org");
	assert_int_equal(correlate_stats(c)->linked, 1);
	assert_int_equal(correlate_stats(c)->events, 2);
	correlate_free(c);
}

/* A loopback relay is a hand-off only when its copy comes back. Line
 * shapes: ../shared/corpus/postfix/hsn723-postfix-exporter-test.log
 * ("relay=example.com[127.0.0.1]:25, ... status=sent (250 2.0.0 Ok: queued
 * as AAB4D259B1)", whose id never appears as a message) and sample-logs/
 * mail.log (amavis re-injecting 3F2A11C0A12 as 5B7C21C0A15). */
static char copy_id[16] = "BBB";
static void fill_loopback_to(struct event *ev)
{
	ev->remote_ip = (struct sl_span){ "127.0.0.1", 9 };
	ev->new_queue_id = (struct sl_span){ copy_id, strlen(copy_id) };
	ev->sender = (struct sl_span){ "held@example.org", 16 };
}
static void fill_own_id(struct event *ev)
{
	ev->remote_ip = (struct sl_span){ "127.0.0.1", 9 };
	ev->new_queue_id = (struct sl_span){ "AAA", 3 };
}

static void test_loopback_copy_never_seen(void **state)
{
	(void)state;
	struct sl_error err;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_DELIVERED, "AAA", fill_loopback_to);
	assert_int_equal(nevs, 0);                  /* waits for BBB */
	feed(c, 102, EV_MSG_REMOVED, "AAA", NULL);
	assert_int_equal(correlate_finish(c, &err), 0);
	assert_int_equal(nevs, 1);
	assert_false(evs[0].handoff);              /* no copy came back: delivered */
	assert_int_equal(evs[0].message_id, 1);
	assert_string_equal(evs[0].sender, "held@example.org");
	assert_int_equal(correlate_stats(c)->loopback_delivered, 1);
	assert_int_equal(correlate_stats(c)->events, 1);
	correlate_free(c);
}

/* A copy that comes back after the file (or run) that handed it over
 * ended: the hand-off was written as a delivery, and the sink is told to
 * make it a hand-off, as one run over the whole log would have it; not
 * when the copy comes later than the hold would have waited. */
static int64_t same(void *ctx, int64_t id)
{
	(void)ctx;
	return id;
}

static int nlate;
static int64_t late_origin;
static char late_qid[16];
static int fake_late(void *ctx, int64_t origin_id, struct sl_span qid, struct sl_error *err)
{
	(void)ctx, (void)err;
	nlate++;
	late_origin = origin_id;
	snprintf(late_qid, sizeof late_qid, "%.*s", (int)qid.len, qid.p);
	return 0;
}

static void test_loopback_copy_after_file_end(void **state)
{
	(void)state;
	struct sl_error err;
	struct sink with_late = fake;
	with_late.handoff_late = fake_late;
	for (int across_runs = 0; across_runs < 2; across_runs++) {
		for (int too_late = 0; too_late < 2; too_late++) {
			nmsgs = nevs = nlate = 0;
			struct correlate *c = correlate_new(NULL, &with_late);
			feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
			feed(c, 101, EV_DELIVERED, "AAA", fill_loopback_to);
			assert_int_equal(correlate_settle(c, &err), 0);   /* the file ends */
			assert_int_equal(nevs, 1);
			assert_false(evs[0].handoff);
			if (across_runs) {
				struct sl_buf saved;
				sl_buf_init(&saved);
				assert_int_equal(correlate_flush(c, &err), 0);
				correlate_save(c, &saved, same, NULL);
				correlate_free(c);
				c = correlate_new(NULL, &with_late);
				assert_int_equal(correlate_load(c, saved.data, saved.len, &err), 0);
				sl_buf_release(&saved);
			}
			feed(c, too_late ? 101 + 3601 : 160, EV_MSG_ARRIVAL, "BBB", NULL);
			assert_int_equal(nlate, too_late ? 0 : 1);
			if (!too_late) {
				assert_int_equal(late_origin, 1);
				assert_string_equal(late_qid, "BBB");
			}
			correlate_free(c);
		}
	}
	/* within one file the held delivery itself becomes the hand-off */
	nmsgs = nevs = nlate = 0;
	struct correlate *c = correlate_new(NULL, &with_late);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_DELIVERED, "AAA", fill_loopback_to);
	feed(c, 160, EV_MSG_ARRIVAL, "BBB", NULL);
	assert_int_equal(nlate, 0);
	assert_true(evs[0].handoff);
	correlate_free(c);
}

static void test_loopback_own_id(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_DELIVERED, "AAA", fill_own_id);   /* "queued as" itself: no copy */
	assert_int_equal(nevs, 1);
	assert_false(evs[0].handoff);
	correlate_free(c);
}

static void test_loopback_copy_comes_later(void **state)
{
	(void)state;
	struct sl_error err;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_DELIVERED, "AAA", fill_loopback_to);
	feed(c, 102, EV_MSG_REMOVED, "AAA", NULL);
	feed(c, 103, EV_MSG_ARRIVAL, "BBB", NULL);      /* the copy: a hand-off after all */
	assert_int_equal(nevs, 1);
	assert_true(evs[0].handoff);
	assert_int_equal(evs[0].message_id, 1);
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_FILTER);
	assert_int_equal(correlate_finish(c, &err), 0);
	assert_int_equal(nevs, 1);
	assert_int_equal(correlate_stats(c)->loopback_delivered, 0);
	correlate_free(c);
}

static void test_loopback_wait_ends(void **state)
{
	(void)state;
	struct sl_error err;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_DELIVERED, "AAA", fill_loopback_to);
	feed(c, 3701, EV_MSG_ARRIVAL, "CCC", NULL);     /* within the hour: still waiting */
	assert_int_equal(nevs, 0);
	feed(c, 3702, EV_MSG_ARRIVAL, "DDD", NULL);     /* past it: delivered */
	assert_int_equal(nevs, 1);
	assert_false(evs[0].handoff);
	/* the end of a file decides too */
	strcpy(copy_id, "EEE");
	feed(c, 3703, EV_DELIVERED, "CCC", fill_loopback_to);
	assert_int_equal(nevs, 1);
	assert_int_equal(correlate_settle(c, &err), 0);
	assert_int_equal(nevs, 2);
	assert_false(evs[1].handoff);
	strcpy(copy_id, "BBB");
	correlate_free(c);
}

/* Sendmail's MSP relaying to the local MTA: the MSP's message is finished
 * by the delivery once no copy came back (it logs no removal line) */
static void fill_sendmail_msp(struct event *ev)
{
	ev->mta = EV_MTA_SENDMAIL;
	ev->nrcpt = 1;
}
static void fill_sendmail_msp_to(struct event *ev)
{
	fill_loopback_to(ev);
	ev->mta = EV_MTA_SENDMAIL;
}

static void test_loopback_sendmail_msp(void **state)
{
	(void)state;
	struct sl_error err;
	struct correlate_config cfg = { .close_when_delivered = 1u << EV_MTA_SENDMAIL };
	struct correlate *c = correlate_new(&cfg, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", fill_sendmail_msp);
	feed(c, 101, EV_DELIVERED, "AAA", fill_sendmail_msp_to);
	assert_int_equal(correlate_stats(c)->open, 1);
	assert_int_equal(correlate_settle(c, &err), 0);
	assert_int_equal(nevs, 1);
	assert_false(evs[0].handoff);
	assert_int_equal(correlate_stats(c)->open, 0);   /* its one recipient: finished */
	assert_true(msgs[0].removed);
	/* and with the copy seen first (the MTA's from= line): a hand-off, still open */
	feed(c, 200, EV_MSG_ARRIVAL, "MMM", fill_sendmail_msp);
	feed(c, 201, EV_MSG_ARRIVAL, "BBB", fill_sendmail_msp);
	feed(c, 202, EV_DELIVERED, "MMM", fill_sendmail_msp_to);
	assert_int_equal(nevs, 2);
	assert_true(evs[1].handoff);
	correlate_free(c);
}

/* memory stays bounded: past CORR_HELD waiting deliveries, the next are
 * decided at once */
static void test_loopback_held_bounded(void **state)
{
	(void)state;
	struct sl_error err;
	struct correlate *c = correlate_new(NULL, &fake);
	char q[16];
	for (int i = 0; i < CORR_HELD_TEST + 10; i++) {
		nmsgs = nevs = 0;
		snprintf(q, sizeof q, "Q%d", i);
		snprintf(copy_id, sizeof copy_id, "N%d", i);
		feed(c, 100, EV_MSG_ARRIVAL, q, NULL);
		feed(c, 101, EV_DELIVERED, q, fill_loopback_to);
	}
	assert_int_equal(correlate_stats(c)->events, 10);
	nevs = 0;
	assert_int_equal(correlate_finish(c, &err), 0);
	assert_int_equal(correlate_stats(c)->events, CORR_HELD_TEST + 10);
	assert_int_equal(correlate_stats(c)->loopback_delivered, CORR_HELD_TEST);
	strcpy(copy_id, "BBB");
	correlate_free(c);
}

/* Sendmail "<qid>: <dsnqid>: DSN: User unknown" announces the bounce of qid */
static void fill_dsn_notice(struct event *ev)
{
	ev->new_queue_id = (struct sl_span){ "DSN", 3 };
	ev->failure_notice = true;
}

static void test_failure_notice_after_failure(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", fill_queued);
	feed(c, 101, EV_BOUNCED, "AAA", NULL);           /* to=<x>, dsn=5.1.1, stat=User unknown */
	feed(c, 102, EV_BOUNCED, "AAA", fill_dsn_notice);/* the DSN: the same failure */
	assert_int_equal(nevs, 1);
	/* the notification itself is linked to the message it reports on */
	feed(c, 103, EV_DELIVERED, "DSN", NULL);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_NOTIFY);
	correlate_free(c);
}

static void test_failure_notice_alone_counts_once(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	/* a log that starts after the failure: the notice is all there is */
	feed(c, 100, EV_BOUNCED, "AAA", fill_dsn_notice);
	assert_int_equal(nevs, 1);
	assert_int_equal(evs[0].message_id, 1);
	/* a second notice about the same message adds nothing */
	feed(c, 101, EV_EXPIRED, "AAA", fill_dsn_notice);
	assert_int_equal(nevs, 1);
	/* a failure logged after a notice still counts: it is a line of its own */
	feed(c, 102, EV_BOUNCED, "AAA", NULL);
	assert_int_equal(nevs, 2);
	correlate_free(c);
}

/* Sendmail logs no removal line: with close_when_delivered, a message is
 * written and freed when its announced recipients all have a final status,
 * and the notice that follows a bounce is neither a second failure nor a
 * new message. */
static void fill_two_rcpts(struct event *ev)
{
	ev->mta = EV_MTA_SENDMAIL;
	ev->nrcpt = 2;
}
static void fill_sendmail(struct event *ev)
{
	ev->mta = EV_MTA_SENDMAIL;
}
static void fill_sendmail_notice(struct event *ev)
{
	ev->mta = EV_MTA_SENDMAIL;
	ev->failure_notice = true;
	ev->new_queue_id = (struct sl_span){ "DSN", 3 };
}

static void test_closed_when_all_delivered(void **state)
{
	(void)state;
	struct correlate_config cfg = { .close_when_delivered = 1u << EV_MTA_SENDMAIL };
	struct correlate *c = correlate_new(&cfg, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", fill_two_rcpts);
	feed(c, 101, EV_DEFERRED, "AAA", fill_sendmail);   /* not final */
	feed(c, 102, EV_DELIVERED, "AAA", fill_sendmail);
	assert_int_equal(correlate_stats(c)->open, 1);
	feed(c, 103, EV_BOUNCED, "AAA", fill_sendmail);    /* the second recipient: done */
	assert_int_equal(correlate_stats(c)->open, 0);
	assert_int_equal(correlate_stats(c)->delivered_all, 1);
	assert_true(msgs[0].removed);                      /* complete, without a removal line */
	feed(c, 104, EV_BOUNCED, "AAA", fill_sendmail_notice);
	assert_int_equal(nevs, 3);                         /* the notice adds no failure */
	assert_int_equal(nmsgs, 1);                        /* and opens no message */
	feed(c, 105, EV_DELIVERED, "DSN", fill_sendmail);  /* the notification is linked */
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_NOTIFY);
	/* it announced no recipients: its one to= line's final status ends it */
	assert_int_equal(correlate_stats(c)->open, 0);
	assert_int_equal(correlate_stats(c)->delivered_all, 2);
	assert_true(msgs[1].removed);
	/* refused after its envelope was logged (a milter at DATA): finished */
	feed(c, 150, EV_MSG_ARRIVAL, "RRR", fill_two_rcpts);
	feed(c, 151, EV_REJECTED, "RRR", fill_sendmail);
	assert_int_equal(correlate_stats(c)->delivered_all, 3);
	/* Postfix logs its removal lines: the same does not close it */
	feed(c, 200, EV_MSG_ARRIVAL, "PPP", fill_queued);
	feed(c, 201, EV_DELIVERED, "PPP", NULL);
	feed(c, 202, EV_REJECTED, "PPP", NULL);
	assert_int_equal(correlate_stats(c)->open, 1);
	correlate_free(c);
}

/* A notification whose to= line names two addresses, the first deferred:
 * it ends at the final status of the last address of a line, not before. */
static void fill_more(struct event *ev)
{
	ev->mta = EV_MTA_SENDMAIL;
	ev->more_recipients = true;
}

static void test_notification_ends_with_its_line(void **state)
{
	(void)state;
	struct correlate_config cfg = { .close_when_delivered = 1u << EV_MTA_SENDMAIL };
	struct correlate *c = correlate_new(&cfg, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", fill_two_rcpts);
	feed(c, 101, EV_BOUNCED, "AAA", fill_sendmail_notice);   /* DSN: announces "DSN" */
	feed(c, 102, EV_DEFERRED, "DSN", fill_more);              /* to=<a>,<b>: deferred */
	feed(c, 102, EV_DEFERRED, "DSN", fill_sendmail);
	assert_int_equal(correlate_stats(c)->open, 2);
	feed(c, 103, EV_DELIVERED, "DSN", fill_more);             /* the retry: sent */
	assert_int_equal(correlate_stats(c)->open, 2);
	feed(c, 103, EV_DELIVERED, "DSN", fill_sendmail);
	assert_int_equal(correlate_stats(c)->open, 1);             /* AAA waits for its second */
	assert_int_equal(nmsgs, 2);
	assert_true(msgs[1].removed);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_NOTIFY);
	correlate_free(c);
}

/* Exim "<= <> R=AAA": a bounce of AAA arrives */
static void fill_bounce_arrival(struct event *ev)
{
	ev->sender = (struct sl_span){ "", 0 };
	ev->origin_queue_id = (struct sl_span){ "AAA", 3 };
	ev->header_msgid = (struct sl_span){ "E1x@h", 5 };
	ev->nrcpt = 1;
}

static void fill_bounce_of_unknown(struct event *ev)
{
	fill_bounce_arrival(ev);
	ev->origin_queue_id = (struct sl_span){ "ZZZ", 3 };
}

static void test_arrival_names_origin(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", fill_queued);
	feed(c, 101, EV_BOUNCED, "AAA", NULL);
	feed(c, 102, EV_MSG_ARRIVAL, "BBB", fill_bounce_arrival);
	feed(c, 103, EV_MSG_REMOVED, "AAA", NULL);
	feed(c, 104, EV_MSG_REMOVED, "BBB", NULL);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(msgs[1].origin_id, 1);
	assert_int_equal(msgs[1].origin, CORR_ORIGIN_NOTIFY);
	assert_int_equal(msgs[1].nrcpt, 1);
	assert_int_equal(correlate_stats(c)->linked, 1);
	/* an origin the log never named links nothing */
	feed(c, 105, EV_MSG_ARRIVAL, "CCC", fill_bounce_of_unknown);
	feed(c, 106, EV_MSG_REMOVED, "CCC", NULL);
	assert_int_equal(msgs[2].origin_id, 0);
	correlate_free(c);
}

static void test_noqueue_event(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_REJECTED, NULL, NULL);
	feed(c, 100, EV_MSG_REMOVED, "ZZZ", NULL);   /* end of an unseen message: nothing */
	assert_int_equal(nevs, 1);
	assert_int_equal(evs[0].message_id, 0);
	assert_int_equal(nmsgs, 0);
	correlate_free(c);
}

static void test_idle_and_cap_eviction(void **state)
{
	(void)state;
	struct correlate_config cfg = { .max_open = 3, .idle_seconds = 1000 };
	struct correlate *c = correlate_new(&cfg, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "A1", NULL);
	feed(c, 5000, EV_MSG_ARRIVAL, "A2", NULL);     /* A1 idle for 4900 s: evicted */
	assert_int_equal(correlate_stats(c)->evicted_idle, 1);
	char q[16];   /* "B" and any int: no -Wformat-truncation at -O1 */
	for (int i = 0; i < 10; i++) {
		snprintf(q, sizeof q, "B%d", i);
		feed(c, 5001 + i, EV_MSG_ARRIVAL, q, NULL);
	}
	assert_true(correlate_stats(c)->open <= 4);
	assert_true(correlate_stats(c)->peak_open <= 4);
	assert_true(correlate_stats(c)->evicted_cap >= 7);
	/* every evicted message was written before it was freed */
	for (int i = 0; i < nmsgs - 4; i++)
		assert_true(msgs[i].updates >= 1);
	correlate_free(c);
}

static void test_many_messages_grow_table(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	char q[16];
	for (int i = 0; i < 5000; i++) {
		snprintf(q, sizeof q, "Q%d", i);
		nmsgs = 0;   /* the fake sink's arrays are small: only ids matter here */
		feed(c, 100, EV_MSG_ARRIVAL, q, NULL);
	}
	assert_int_equal(correlate_stats(c)->open, 5000);
	assert_int_equal(correlate_stats(c)->messages, 5000);
	correlate_free(c);
}

/* A run that stops with a message open saves the correlator's state; a new
 * correlator loaded with it gives the message's later lines the fields of
 * its earlier ones (issue: an event of a later run had sender NULL), and
 * links a copy announced before the stop. */
static void test_save_load_continues(void **state)
{
	(void)state;
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_MSG_QUEUED, "AAA", fill_queued);
	feed(c, 102, EV_FORWARDED, "AAA", fill_forward);   /* announces FFF */
	struct sl_error err;
	assert_int_equal(correlate_flush(c, &err), 0);
	assert_int_equal(msgs[0].updates, 1);
	assert_false(msgs[0].removed);
	struct sl_buf saved;
	sl_buf_init(&saved);
	correlate_save(c, &saved, id_plus_1000, NULL);
	correlate_free(c);

	c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, saved.data, saved.len, &err), 0);
	assert_int_equal(correlate_stats(c)->open, 1);
	int before = nmsgs;
	feed(c, 200, EV_DELIVERED, "AAA", NULL);
	assert_int_equal(nmsgs, before);                        /* no new message */
	assert_int_equal(evs[nevs - 1].message_id, 1001);       /* the stored id */
	assert_string_equal(evs[nevs - 1].sender, "alice@example.org");
	feed(c, 201, EV_MSG_ARRIVAL, "FFF", NULL);              /* the copy, linked */
	assert_int_equal(msgs[nmsgs - 1].origin_id, 1001);
	assert_int_equal(msgs[nmsgs - 1].origin, CORR_ORIGIN_FORWARD);
	correlate_free(c);

	/* damaged or foreign data is refused, never half-loaded */
	c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, saved.data, saved.len - 3, &err), -1);
	correlate_free(c);
	c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, "XXXX", 4, &err), -1);
	correlate_free(c);
	sl_buf_release(&saved);
}

/* save - a state with AAA (last line at 101, announced FFF at 102) and BBB
 * (last line at 300) open, ids as the fake sink gave them */
static void save_two_open(struct sl_buf *out)
{
	struct correlate *c = correlate_new(NULL, &fake);
	feed(c, 100, EV_MSG_ARRIVAL, "AAA", NULL);
	feed(c, 101, EV_MSG_QUEUED, "AAA", fill_queued);
	feed(c, 102, EV_FORWARDED, "AAA", fill_forward);   /* announces FFF */
	feed(c, 300, EV_MSG_QUEUED, "BBB", fill_queued);
	struct sl_error err;
	assert_int_equal(correlate_flush(c, &err), 0);
	correlate_save(c, out, same, NULL);
	correlate_free(c);
}

/* fixed_u64 - a number as an SLC1 state wrote it: 8 bytes, least first */
static void fixed_u64(struct sl_buf *b, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		unsigned char c = (unsigned char)(v >> (8 * i));
		sl_buf_add(b, &c, 1);
	}
}

static void fixed_str(struct sl_buf *b, const char *s)
{
	fixed_u64(b, s ? strlen(s) + 1 : 0);
	if (s)
		sl_buf_add(b, s, strlen(s));
}

/* A state saved by an earlier version (SLC1, numbers in 8 bytes) is read:
 * a database written by it continues where it stopped. */
static void test_load_fixed_width_state(void **state)
{
	(void)state;
	struct sl_buf old;
	sl_buf_init(&old);
	sl_buf_add(&old, "SLC1", 4);
	fixed_u64(&old, 1);                     /* one open message */
	fixed_u64(&old, 4242);                  /* id */
	fixed_u64(&old, EV_MTA_POSTFIX);
	const char *strs[] = { "mx1", "AAA", "alice@example.org", NULL, NULL, NULL, NULL, NULL };
	for (size_t i = 0; i < 8; i++)
		fixed_str(&old, strs[i]);
	fixed_u64(&old, 1234);                  /* size */
	fixed_u64(&old, 1);                     /* nrcpt */
	fixed_u64(&old, 100), fixed_u64(&old, 0);   /* first_ts */
	fixed_u64(&old, 101), fixed_u64(&old, 0);   /* last_ts */
	fixed_u64(&old, 1);                     /* arrived */
	fixed_u64(&old, 0), fixed_u64(&old, 0); /* origin_id, origin */
	fixed_u64(&old, 1), fixed_u64(&old, 0); /* source_id, first_offset */
	fixed_u64(&old, 0);                     /* finals */
	fixed_u64(&old, 4096), fixed_u64(&old, 0);   /* the recent ring, empty */
	for (int i = 0; i < 4096; i++)
		fixed_u64(&old, 0);
	fixed_u64(&old, 4096), fixed_u64(&old, 0);   /* the pending ring, empty */
	for (int i = 0; i < 4096; i++)
		fixed_u64(&old, 0);

	struct correlate *c = correlate_new(NULL, &fake);
	struct sl_error err;
	assert_int_equal(correlate_load(c, old.data, old.len, &err), 0);
	assert_int_equal(correlate_stats(c)->open, 1);
	feed(c, 200, EV_DELIVERED, "AAA", NULL);
	assert_int_equal(evs[nevs - 1].message_id, 4242);
	assert_string_equal(evs[nevs - 1].sender, "alice@example.org");
	/* saved again, in the compact form: an empty ring slot takes a byte, not eight */
	struct sl_buf now;
	sl_buf_init(&now);
	correlate_save(c, &now, same, NULL);
	assert_memory_equal(now.data, "SLC2", 4);
	assert_true(now.len * 4 < old.len);
	correlate_free(c);
	c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, now.data, now.len, &err), 0);
	assert_int_equal(correlate_stats(c)->open, 1);
	/* a varint cut short is refused, never half-loaded */
	correlate_free(c);
	c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, now.data, 6, &err), -1);
	correlate_free(c);
	sl_buf_release(&now);
	sl_buf_release(&old);
}

/* An hourly run's flush rewrites only the open messages that changed since
 * their rows got their fields: the ones carried over and not seen again are
 * left alone, a second flush with nothing new writes nothing. */
static void test_flush_writes_changed_only(void **state)
{
	(void)state;
	struct sl_buf saved;
	sl_buf_init(&saved);
	save_two_open(&saved);   /* AAA is msgs[0], BBB msgs[1]: one update each */
	assert_int_equal(msgs[0].updates, 1);
	assert_int_equal(msgs[1].updates, 1);
	struct correlate *c = correlate_new(NULL, &fake);
	struct sl_error err;
	assert_int_equal(correlate_load(c, saved.data, saved.len, &err), 0);
	feed(c, 400, EV_DEFERRED, "BBB", NULL);   /* BBB seen again: its last_ts moves */
	assert_int_equal(correlate_flush(c, &err), 0);
	assert_int_equal(msgs[0].updates, 1);     /* AAA unchanged: not rewritten */
	assert_int_equal(msgs[1].updates, 2);
	assert_int_equal(correlate_flush(c, &err), 0);
	assert_int_equal(msgs[0].updates, 1);
	assert_int_equal(msgs[1].updates, 2);
	feed(c, 500, EV_DEFERRED, "AAA", NULL);
	assert_int_equal(correlate_flush(c, &err), 0);
	assert_int_equal(msgs[0].updates, 2);
	assert_int_equal(msgs[1].updates, 2);
	correlate_free(c);
	sl_buf_release(&saved);
}

/* prune: open messages whose last line is older than the cut are closed,
 * the newer ones stay with the ids of their rows */
static void test_state_prune(void **state)
{
	(void)state;
	struct sl_buf saved, pruned;
	sl_buf_init(&saved);
	sl_buf_init(&pruned);
	save_two_open(&saved);
	uint64_t open = 9;
	int64_t *ids = NULL;
	size_t nids = 0;
	struct sl_error err;
	assert_int_equal(correlate_state_prune(saved.data, saved.len, 200, &pruned, &open, &ids,
	                                       &nids, &err), 0);
	assert_int_equal(open, 1);
	assert_int_equal(nids, 1);
	assert_int_equal(ids[0], 2);   /* BBB */
	free(ids);
	struct correlate *c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, pruned.data, pruned.len, &err), 0);
	assert_int_equal(correlate_stats(c)->open, 1);
	int before = nmsgs;
	feed(c, 400, EV_DELIVERED, "BBB", NULL);
	assert_int_equal(nmsgs, before);                        /* BBB goes on */
	assert_int_equal(evs[nevs - 1].message_id, 2);
	feed(c, 401, EV_DELIVERED, "AAA", NULL);
	assert_int_equal(nmsgs, before + 1);                    /* AAA starts anew */
	feed(c, 402, EV_MSG_ARRIVAL, "FFF", NULL);              /* its copy: not linked */
	assert_int_equal(msgs[nmsgs - 1].origin_id, 0);
	correlate_free(c);
	/* a cut before everything keeps everything */
	sl_buf_reset(&pruned);
	assert_int_equal(correlate_state_prune(saved.data, saved.len, 0, &pruned, &open, &ids,
	                                       &nids, &err), 0);
	assert_int_equal(open, 2);
	assert_int_equal(nids, 3);   /* AAA, BBB, FFF's origin AAA */
	free(ids);
	assert_int_equal(correlate_state_prune("XXXX", 4, 0, &pruned, &open, &ids, &nids, &err), -1);
	sl_buf_release(&saved);
	sl_buf_release(&pruned);
}

static int64_t plus_1000(void *ctx, int64_t id)
{
	(void)ctx;
	return id + 1000;
}

/* merge: b's open messages join a's, unless a has the key open; ids mapped */
static void test_state_merge(void **state)
{
	(void)state;
	struct sl_buf a, b, out, again;
	sl_buf_init(&a);
	sl_buf_init(&b);
	sl_buf_init(&out);
	sl_buf_init(&again);
	save_two_open(&b);
	struct corr_id_map map = { plus_1000, plus_1000, NULL };
	uint64_t open = 0;
	struct sl_error err;
	/* into nothing */
	assert_int_equal(correlate_state_merge(NULL, 0, b.data, b.len, &map, &out, &open, &err), 0);
	assert_int_equal(open, 2);
	struct correlate *c = correlate_new(NULL, &fake);
	assert_int_equal(correlate_load(c, out.data, out.len, &err), 0);
	feed(c, 400, EV_DELIVERED, "AAA", NULL);
	assert_int_equal(evs[nevs - 1].message_id, 1001);
	assert_string_equal(evs[nevs - 1].sender, "alice@example.org");
	feed(c, 401, EV_MSG_ARRIVAL, "FFF", NULL);
	assert_int_equal(msgs[nmsgs - 1].origin_id, 1001);      /* the announced copy, mapped */
	correlate_free(c);
	/* again: the keys are open already, nothing changes */
	assert_int_equal(correlate_state_merge(out.data, out.len, b.data, b.len, &map, &again, &open,
	                                       &err), 0);
	assert_int_equal(open, 2);
	assert_int_equal(again.len, out.len);
	assert_memory_equal(again.data, out.data, out.len);
	assert_int_equal(correlate_state_merge(NULL, 0, "XXXX", 4, &map, &again, &open, &err), -1);
	sl_buf_release(&a);
	sl_buf_release(&b);
	sl_buf_release(&out);
	sl_buf_release(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_save_load_continues, reset),
		cmocka_unit_test_setup(test_flush_writes_changed_only, reset),
		cmocka_unit_test_setup(test_load_fixed_width_state, reset),
		cmocka_unit_test_setup(test_state_prune, reset),
		cmocka_unit_test_setup(test_state_merge, reset),
		cmocka_unit_test_setup(test_lifecycle, reset),
		cmocka_unit_test_setup(test_reused_queue_id, reset),
		cmocka_unit_test_setup(test_content_filter_linked, reset),
		cmocka_unit_test_setup(test_loopback_copy_after_file_end, reset),
		cmocka_unit_test_setup(test_envelope_split_linked, reset),
		cmocka_unit_test_setup(test_link_after_copy_finished, reset),
		cmocka_unit_test_setup(test_link_before_copy_appears, reset),
		cmocka_unit_test_setup(test_loopback_copy_never_seen, reset),
		cmocka_unit_test_setup(test_loopback_own_id, reset),
		cmocka_unit_test_setup(test_loopback_copy_comes_later, reset),
		cmocka_unit_test_setup(test_loopback_wait_ends, reset),
		cmocka_unit_test_setup(test_loopback_sendmail_msp, reset),
		cmocka_unit_test_setup(test_loopback_held_bounded, reset),
		cmocka_unit_test_setup(test_failure_notice_after_failure, reset),
		cmocka_unit_test_setup(test_failure_notice_alone_counts_once, reset),
		cmocka_unit_test_setup(test_closed_when_all_delivered, reset),
		cmocka_unit_test_setup(test_notification_ends_with_its_line, reset),
		cmocka_unit_test_setup(test_arrival_names_origin, reset),
		cmocka_unit_test_setup(test_noqueue_event, reset),
		cmocka_unit_test_setup(test_idle_and_cap_eviction, reset),
		cmocka_unit_test_setup(test_many_messages_grow_table, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
