#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

struct ps_arena_chunk {
    struct ps_arena_chunk *next;
    char bytes[];
};

/* The first chunk fits a small document's names; each next one doubles, up to
 * a size where one more malloc per chunk no longer matters. */
#define FIRST_CHUNK ((size_t)2048)
#define LAST_CHUNK ((size_t)64 << 10)

char *ps_arena_strndup(ps_arena *a, const char *s, size_t n)
{
    if (!a->chunks || a->size - a->used < n + 1) {
        size_t size = a->size ? a->size * 2 : FIRST_CHUNK;
        if (size > LAST_CHUNK)
            size = LAST_CHUNK;
        if (size < n + 1)
            size = n + 1; /* a name longer than a chunk gets a chunk of its own */
        struct ps_arena_chunk *c = ps_malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->chunks;
        a->chunks = c;
        a->size = size;
        a->used = 0;
    }
    char *d = a->chunks->bytes + a->used;
    a->used += n + 1;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void ps_arena_free(ps_arena *a)
{
    for (struct ps_arena_chunk *c = a->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    a->chunks = NULL;
    a->used = a->size = 0;
}
