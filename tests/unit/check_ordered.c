/*
 * ps_ordered_map, the pool homes load on and diffs render on: results are
 * taken in item order whatever order threads finish them in; no item starts
 * more than `window` ahead of the next to be taken; when items fail, the
 * first in order is reported, nothing after it is taken, and everything
 * worked on but not taken is dropped.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/ordered.h"

#include "../support/runner.h"

#define NITEMS 120

typedef struct state {
    pthread_mutex_t mu;
    size_t taken[NITEMS + 1], ntaken;
    size_t started, max_ahead, window;
    size_t worked, dropped;
    size_t fail_a, fail_b; /* items that fail (NITEMS: none); fail_a is slow, fail_b quick */
} state;

/* Item i sleeps so that later items often finish first. */
static void *work(void *ctx, size_t i, ps_error *err)
{
    state *s = ctx;
    pthread_mutex_lock(&s->mu);
    s->started++;
    size_t ahead = s->started - s->ntaken;
    if (ahead > s->max_ahead)
        s->max_ahead = ahead;
    pthread_mutex_unlock(&s->mu);
    long us = i == s->fail_a ? 20000 : i == s->fail_b ? 0 : (long)((i * 7919) % 13) * 150;
    nanosleep(&(struct timespec){0, us * 1000}, NULL);
    pthread_mutex_lock(&s->mu);
    s->worked++;
    pthread_mutex_unlock(&s->mu);
    if (i == s->fail_a || i == s->fail_b) {
        ps_error_set(err, NULL, 0, 0, "item %zu failed", i);
        return NULL;
    }
    size_t *r = malloc(sizeof *r);
    *r = i;
    return r;
}

static void take(void *ctx, size_t i, void *result)
{
    state *s = ctx;
    ck_assert_uint_eq(*(size_t *)result, i);
    pthread_mutex_lock(&s->mu);
    s->taken[s->ntaken++] = i;
    pthread_mutex_unlock(&s->mu);
    free(result);
}

static void drop(void *ctx, void *result)
{
    state *s = ctx;
    pthread_mutex_lock(&s->mu);
    s->dropped++;
    pthread_mutex_unlock(&s->mu);
    free(result);
}

static const unsigned jobs[] = {1, 2, 4, 8};

static state *state_new(size_t window, size_t fail_a, size_t fail_b)
{
    state *s = calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->window = window;
    s->fail_a = fail_a;
    s->fail_b = fail_b;
    return s;
}

static void state_free(state *s)
{
    pthread_mutex_destroy(&s->mu);
    free(s);
}

START_TEST(taken_in_order)
{
    state *s = state_new(6, NITEMS, NITEMS);
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_ordered_map(NITEMS, jobs[_i], s->window, work, take, drop, s, &err), 0);
    ck_assert_uint_eq(s->ntaken, NITEMS);
    for (size_t i = 0; i < NITEMS; i++)
        ck_assert_uint_eq(s->taken[i], i);
    ck_assert_uint_eq(s->dropped, 0);
    /* The window (never below the threads) bounds the items started and not
     * yet taken, the one being taken included. */
    size_t window = s->window > jobs[_i] ? s->window : jobs[_i];
    ck_assert_msg(s->max_ahead <= window + 1, "%zu items in flight, window %zu", s->max_ahead,
                  window);
    state_free(s);
}
END_TEST

/* Item 37 fails slowly, item 40 at once: 37 is reported, 0..36 taken. */
START_TEST(the_first_failure_in_order_is_reported)
{
    state *s = state_new(8, 37, 40);
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_ordered_map(NITEMS, jobs[_i], s->window, work, take, drop, s, &err), -1);
    ck_assert_str_eq(err.message, "item 37 failed");
    ck_assert_uint_eq(s->ntaken, 37);
    for (size_t i = 0; i < 37; i++)
        ck_assert_uint_eq(s->taken[i], i);
    /* Everything worked on is taken, dropped, or one of the two failures. */
    size_t failed = s->worked - s->ntaken - s->dropped;
    ck_assert_msg(failed == 1 || failed == 2, "worked %zu, taken %zu, dropped %zu", s->worked,
                  s->ntaken, s->dropped);
    ck_assert_msg(s->worked <= 37 + 1 + s->window + jobs[_i], "%zu items worked on", s->worked);
    state_free(s);
}
END_TEST

START_TEST(no_items)
{
    state *s = state_new(4, NITEMS, NITEMS);
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_ordered_map(0, jobs[_i], 4, work, take, drop, s, &err), 0);
    ck_assert_uint_eq(s->worked, 0);
    state_free(s);
}
END_TEST

START_TEST(jobs_for)
{
    ck_assert_uint_eq(ps_jobs_for(4, 2), 2);
    ck_assert_uint_eq(ps_jobs_for(4, 0), 1);
    ck_assert_uint_eq(ps_jobs_for(3, 10), 3);
    ck_assert_uint_ge(ps_jobs_for(0, 1000), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ordered");
    TCase *tc = tcase_create("ordered");
    tcase_set_timeout(tc, 60);
    int nj = (int)(sizeof jobs / sizeof jobs[0]);
    tcase_add_loop_test(tc, taken_in_order, 0, nj);
    tcase_add_loop_test(tc, the_first_failure_in_order_is_reported, 0, nj);
    tcase_add_loop_test(tc, no_items, 0, nj);
    tcase_add_test(tc, jobs_for);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
