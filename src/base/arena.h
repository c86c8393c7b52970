/*
 * A bump allocator for the many small strings that live and die together:
 * the element and attribute names of one XML document. One malloc per chunk
 * instead of one per name, and one free for the lot.
 */
#ifndef PS_BASE_ARENA_H
#define PS_BASE_ARENA_H

#include <stddef.h>

/* All zero is an empty arena. */
typedef struct ps_arena {
    struct ps_arena_chunk *chunks; /* newest first */
    size_t used, size;             /* in the newest chunk */
} ps_arena;

/* A NUL-terminated copy of s[0, n), valid until ps_arena_free; NULL when out of memory. */
char *ps_arena_strndup(ps_arena *a, const char *s, size_t n);
void ps_arena_free(ps_arena *a);

#endif
