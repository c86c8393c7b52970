/*
 * A growable byte buffer. Allocation failure aborts the process: portshift
 * works on a handful of config files and has nothing sensible to do without
 * memory, so callers need not check every append.
 */
#ifndef PS_BASE_STRBUF_H
#define PS_BASE_STRBUF_H

#include <stddef.h>

typedef struct ps_strbuf {
    char *data; /* always NUL-terminated when not NULL */
    size_t len;
    size_t cap;
} ps_strbuf;

#define PS_STRBUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void ps_strbuf_add(ps_strbuf *b, const void *data, size_t len);
void ps_strbuf_puts(ps_strbuf *b, const char *s);
void ps_strbuf_printf(ps_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (who frees them) and resets the buffer. */
char *ps_strbuf_detach(ps_strbuf *b, size_t *len);
void ps_strbuf_free(ps_strbuf *b);

/* Allocation helpers that abort on failure. */
void *ps_xmalloc(size_t n);
void *ps_xcalloc(size_t n, size_t size);
void *ps_xrealloc(void *p, size_t n);
char *ps_xstrdup(const char *s);
char *ps_xstrndup(const char *s, size_t n);
char *ps_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Frees v[0..n) and v itself. */
void ps_free_strings(char **v, size_t n);

/* Grows *arr (of *cap elements of `size` bytes) to hold at least `need`. */
void ps_grow(void **arr, size_t *cap, size_t need, size_t size);
/* Appends one element to arr[0, n) and returns it; ps_grow is called only when it is full. */
#define PS_PUSH(arr, n, cap)                                                                       \
    ((n) < (cap) ? (void)0 : ps_grow((void **)&(arr), &(cap), (n) + 1, sizeof *(arr)),             \
     &(arr)[(n)++])

/* qsort for arrays grown with PS_PUSH, which stay NULL while empty: qsort's
 * array must not be NULL even for 0 elements (C11 7.22.5). */
void ps_sort(void *arr, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
