/*
 * A growable byte buffer, and the library's allocation helpers.
 *
 * Out of memory is an error the caller gets back (PS_ENOMEM), never an
 * abort: the library does not stop or print (tests/layers/library_quiet.sh).
 * A buffer is sticky, as libgit2's git_str: once an allocation fails every
 * later append does nothing, the bytes stay what they were (valid,
 * NUL-terminated), and ps_strbuf_oom says so; the owner checks once, where
 * the buffer is finished (a document, a record), so the appends in between
 * need no checks.
 */
#ifndef PS_BASE_STRBUF_H
#define PS_BASE_STRBUF_H

#include <stddef.h>

typedef struct ps_strbuf {
    char *data; /* always NUL-terminated when not NULL */
    size_t len;
    size_t cap;
    int oom; /* an allocation failed: appends are no-ops since */
} ps_strbuf;

#define PS_STRBUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

void ps_strbuf_add(ps_strbuf *b, const void *data, size_t len);
void ps_strbuf_puts(ps_strbuf *b, const char *s);
void ps_strbuf_printf(ps_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when an append failed for want of memory. */
int ps_strbuf_oom(const ps_strbuf *b);
/* Hands the bytes to the caller (who frees them) and resets the buffer. A
 * buffer whose append failed gives NULL (and is freed). */
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

/* Frees v[0..n) and v itself. */
void ps_free_strings(char **v, size_t n);

/* qsort for arrays grown with PS_TRY_PUSH, which stay NULL while empty: qsort's
 * array must not be NULL even for 0 elements (C11 7.22.5). */
void ps_sort(void *arr, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
