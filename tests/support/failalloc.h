/*
 * Allocation failure on purpose. A test program that calls these links
 * failalloc.c, whose ps_malloc, ps_calloc and ps_realloc replace the
 * library's (weak, src/base/alloc.c): every allocation of the library then
 * goes through a counter that can fail the Nth call. libxml2's allocations
 * (xmlMemSetup, done by failalloc_setup before libxml2 allocates anything)
 * may share the count.
 */
#ifndef PS_TESTS_FAILALLOC_H
#define PS_TESTS_FAILALLOC_H

/* Which allocations count: the library's own, and libxml2's. */
enum { FAIL_OURS = 1, FAIL_LIBXML2 = 2 };

/* Routes libxml2's allocations through the counter; call first in main. */
void failalloc_setup(void);
/* From now on, counting the allocations of `which` from 1, the `nth` fails
 * (0: none fails; only count). */
void failalloc_arm(long nth, int which);
/* Stops counting (and failing) for the test's own use of the library, in
 * the middle of a run: a copy of a home, a check of what a failed call left.
 * Returns what was counted, for failalloc_resume; the count, and whether
 * the armed failure happened, are kept. */
int failalloc_suspend(void);
void failalloc_resume(int which);
/* Counted allocations since failalloc_arm. */
long failalloc_calls(void);
/* 1 when the armed failure happened, and whether it was libxml2's. */
int failalloc_failed(void);
int failalloc_failed_libxml2(void);

#endif
