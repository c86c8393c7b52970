/*
 * Items 0..n-1 worked on by several threads, and handed on in their order.
 * Homes load this way, and the files of a diff render this way: the work of
 * each item is independent, but what comes out must be the same bytes, in
 * the same order, whatever the number of threads.
 */
#ifndef PS_BASE_ORDERED_H
#define PS_BASE_ORDERED_H

#include <stddef.h>

#include <portshift/portshift.h>

/* Works on item i, on any thread: its result, or NULL with `err` set. */
typedef void *(*ps_work_fn)(void *ctx, size_t i, ps_error *err);
/* Takes the result of item i, on the calling thread, in item order; frees
 * what it does not keep. NULL: there is nothing to take (a result is then
 * only a token of success, and nothing to drop either). */
typedef void (*ps_take_fn)(void *ctx, size_t i, void *result);
/* Frees the result of an item that was worked on but will not be taken (NULL: nothing to free). */
typedef void (*ps_drop_fn)(void *ctx, void *result);

/*
 * Works on items 0..n-1 on `jobs` threads (ps_jobs_for; 1: the calling
 * thread alone), at most `window` items (at least one per thread) ahead of
 * the one to be taken next, so that at most that many results wait at a time; `take` gets each
 * result in order. When item i fails, no item after it is taken or started: -1 with the error of i,
 * the first in order to fail, as one thread working in order would report. Items after i already
 * worked on are dropped.
 */
int ps_ordered_map(size_t n, unsigned jobs, size_t window, ps_work_fn work, ps_take_fn take,
                   ps_drop_fn drop, void *ctx, ps_error *err);

/* The threads for `jobs` (0: one per online CPU), never more than `n` items, at least 1. */
unsigned ps_jobs_for(unsigned jobs, size_t n);

#endif
