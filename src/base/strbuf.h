/*
 * A growable byte buffer, and the library's allocation helpers.
 *
 * Out of memory is an error the caller gets back (PS_ENOMEM), never an abort,
 * in the layers converted so far (base, parse, catalog, detect, load, write).
 * A buffer started with PS_STRBUF_CHECKED is sticky, as libgit2's git_str:
 * once an allocation fails every later append does nothing, the bytes stay
 * what they were (valid, NUL-terminated), and ps_strbuf_oom says so; the
 * owner checks once, where the buffer is finished (a document, a record),
 * so the appends in between need no checks.
 *
 * Being removed: the upper layers (sites to report) still start buffers with
 * PS_STRBUF_INIT, whose failed allocation aborts (a buffer whose owner does
 * not check must not come back silently short), and call the ps_x* helpers
 * below. Do not use either in new code; they go when those layers are
 * converted.
 */
#ifndef PS_BASE_STRBUF_H
#define PS_BASE_STRBUF_H

#include <stddef.h>

typedef struct ps_strbuf {
    char *data; /* always NUL-terminated when not NULL */
    size_t len;
    size_t cap;
    unsigned char checked; /* 1: a failure is sticky (PS_STRBUF_CHECKED); 0: it aborts */
    unsigned char oom;     /* an allocation failed: appends are no-ops since */
} ps_strbuf;

#define PS_STRBUF_CHECKED                                                                          \
    {                                                                                              \
        NULL, 0, 0, 1, 0                                                                           \
    }
/* Being removed: a failure aborts. */
#define PS_STRBUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, 0, 0                                                                           \
    }

void ps_strbuf_add(ps_strbuf *b, const void *data, size_t len);
void ps_strbuf_puts(ps_strbuf *b, const char *s);
void ps_strbuf_printf(ps_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when an append of a checked buffer failed for want of memory. */
int ps_strbuf_oom(const ps_strbuf *b);
/* Hands the bytes to the caller (who frees them) and resets the buffer. A
 * checked buffer whose append failed gives NULL (and is freed). */
char *ps_strbuf_detach(ps_strbuf *b, size_t *len);
void ps_strbuf_free(ps_strbuf *b);

/*
 * Allocation that may fail: NULL (or -1) when out of memory, nothing
 * printed. A size of 0 still gets a distinct block. ps_malloc, ps_calloc and
 * ps_realloc are the primitives every allocation of the library goes through
 * (base/alloc.c: a test may replace them to fail on purpose).
 */
void *ps_malloc(size_t n);
void *ps_calloc(size_t n, size_t size);
void *ps_realloc(void *p, size_t n);
char *ps_strdup(const char *s);
char *ps_strndup(const char *s, size_t n);
char *ps_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *arr (of *cap elements of `size` bytes) to hold at least `need`;
 * -1 (the array as it was) when out of memory. */
int ps_reserve(void **arr, size_t *cap, size_t need, size_t size);
/* Appends one element to arr[0, n) and returns it, or NULL (n unchanged)
 * when out of memory; ps_reserve is called only when it is full. */
#define PS_TRY_PUSH(arr, n, cap)                                                                   \
    ((n) < (cap) || ps_reserve((void **)&(arr), &(cap), (n) + 1, sizeof *(arr)) == 0               \
         ? &(arr)[(n)++]                                                                           \
         : NULL)

/* Being removed, for the upper layers only: as above, but out of memory
 * aborts. Do not use in new code. */
void *ps_xmalloc(size_t n);
void *ps_xcalloc(size_t n, size_t size);
void *ps_xrealloc(void *p, size_t n);
char *ps_xstrdup(const char *s);
char *ps_xstrndup(const char *s, size_t n);
char *ps_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ps_grow(void **arr, size_t *cap, size_t need, size_t size);
#define PS_PUSH(arr, n, cap)                                                                       \
    ((n) < (cap) ? (void)0 : ps_grow((void **)&(arr), &(cap), (n) + 1, sizeof *(arr)),             \
     &(arr)[(n)++])
/* The one place that aborts: what the ps_x* helpers and an unchecked buffer
 * do when out of memory. Being removed with them. */
_Noreturn void ps__out_of_memory(void);

/* Frees v[0..n) and v itself. */
void ps_free_strings(char **v, size_t n);

/* qsort for arrays grown with PS_PUSH, which stay NULL while empty: qsort's
 * array must not be NULL even for 0 elements (C11 7.22.5). */
void ps_sort(void *arr, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
