/*
 * test_jobs.c - check_run_jobs: many specs checked at once, reported in
 * order.  Jobs finish out of order (each takes a different time); emit
 * must still see every report once, in order, never two at a time, and
 * stop everything when it fails; no more than a window of reports may be
 * in memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "error.h"

#define WINDOW 32 /* CHECK_WINDOW in check.c */

struct run {
	size_t n;
	size_t fail_at;        /* emit fails here; (size_t)-1 for never */
	size_t emitted;        /* reports emit saw */
	size_t prepared;       /* reports prepare saw */
	int inside;            /* threads inside emit now */
	int overlap;           /* emit ran on two threads at once */
	int out_of_order;      /* a report came before one it follows */
	int wrong;             /* a report was not its job's */
	size_t started;        /* jobs begun */
	size_t most_ahead;     /* most jobs begun ahead of the emitted */
	pthread_mutex_t mu;
};

/* A few microseconds to a millisecond, differing from job to job. */
static void pause_for(size_t index)
{
	struct timespec ts = { 0, (long)((index * 7919u) % 1000u) * 1000 };

	if (index % 3 == 0)
		nanosleep(&ts, NULL);
}

static void job(struct check_report *rep, size_t index, void *ctx)
{
	struct run *r = ctx;
	char name[32];

	pthread_mutex_lock(&r->mu);
	r->started++;
	if (r->started - r->emitted > r->most_ahead)
		r->most_ahead = r->started - r->emitted;
	pthread_mutex_unlock(&r->mu);
	pause_for(index);
	snprintf(name, sizeof(name), "spec-%zu", index);
	rep->path = strdup(name); /* released by check_run_jobs */
	rep->body_line = (int)index;
}

static void prepare(struct check_report *rep, size_t index, void *ctx)
{
	struct run *r = ctx;

	if (rep->body_line != (int)index)
		r->wrong = 1;
	rep->rendered = strdup("rendered");
	pthread_mutex_lock(&r->mu);
	r->prepared++;
	pthread_mutex_unlock(&r->mu);
}

static int emit(struct check_report *rep, size_t index, void *ctx)
{
	struct run *r = ctx;
	char name[32];
	int ret = 0;

	if (__atomic_add_fetch(&r->inside, 1, __ATOMIC_SEQ_CST) != 1)
		r->overlap = 1;
	pause_for(index + 1);
	snprintf(name, sizeof(name), "spec-%zu", index);
	if (!rep->path || strcmp(rep->path, name) || !rep->rendered ||
	    rep->body_line != (int)index)
		r->wrong = 1;
	pthread_mutex_lock(&r->mu);
	if (index != r->emitted)
		r->out_of_order = 1;
	r->emitted++;
	pthread_mutex_unlock(&r->mu);
	if (index == r->fail_at)
		ret = SR_EIO;
	__atomic_sub_fetch(&r->inside, 1, __ATOMIC_SEQ_CST);
	return ret;
}

static int run_jobs(struct run *r, size_t n, int nthreads, size_t fail_at)
{
	int ret;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	r->n = n;
	r->fail_at = fail_at;
	ret = check_run_jobs(n, nthreads, job, r, prepare, emit, r);
	pthread_mutex_destroy(&r->mu);
	return ret;
}

static void test_every_report_once_in_order(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 31, 32, 33, 500 };
	struct run r;

	(void)state;
	for (int nt = 1; nt <= 4; nt++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
			assert_int_equal(run_jobs(&r, sizes[k], nt, (size_t)-1),
					 0);
			assert_int_equal(r.emitted, sizes[k]);
			assert_int_equal(r.prepared, sizes[k]);
			assert_int_equal(r.started, sizes[k]);
			assert_false(r.out_of_order);
			assert_false(r.overlap);
			assert_false(r.wrong);
			/* Memory is a window of reports, however many. */
			assert_true(r.most_ahead <= WINDOW);
		}
}

static void test_emit_failure_stops_all(void **state)
{
	struct run r;

	(void)state;
	for (int nt = 1; nt <= 4; nt++) {
		assert_int_equal(run_jobs(&r, 400, nt, 37), SR_EIO);
		/* Nothing is emitted after the failure, and the rest of the
		 * specs are not checked: at most a window more. */
		assert_int_equal(r.emitted, 38);
		assert_true(r.started <= 38 + WINDOW);
		assert_false(r.out_of_order);
		assert_false(r.overlap);
	}
	/* The first report and the last. */
	assert_int_equal(run_jobs(&r, 100, 2, 0), SR_EIO);
	assert_int_equal(r.emitted, 1);
	assert_int_equal(run_jobs(&r, 100, 2, 99), SR_EIO);
	assert_int_equal(r.emitted, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_report_once_in_order),
	    cmocka_unit_test(test_emit_failure_stops_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
