/*
 * Allocation for tests: a test that runs out of memory has nothing to
 * report but that, so these stop the test program (abort) instead of
 * returning NULL. The library itself never does this: its helpers
 * (base/strbuf.h) return NULL or -1, and the oom suite proves the callers
 * pass that on.
 */
#ifndef PS_TESTS_XALLOC_H
#define PS_TESTS_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grows *arr (of *cap elements of `size` bytes) to hold at least `need`. */
void xgrow(void **arr, size_t *cap, size_t need, size_t size);
/* Appends one element to arr[0, n) and returns it. */
#define XPUSH(arr, n, cap)                                                                         \
    ((n) < (cap) ? (void)0 : xgrow((void **)&(arr), &(cap), (n) + 1, sizeof *(arr)), &(arr)[(n)++])

#endif
