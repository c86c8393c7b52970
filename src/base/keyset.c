#include "base/keyset.h"

#include <stdlib.h>

#include "base/strbuf.h"

static size_t slot_of(const ps_keyset *s, uint64_t a, uint64_t b)
{
    /* splitmix64's finaliser over both keys: inodes and offsets are dense
     * small numbers, which a plain modulo would cluster. */
    uint64_t h = a * 0x9e3779b97f4a7c15u ^ b;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    return (size_t)(h ^ (h >> 31)) & (s->cap - 1);
}

/* The slot holding (a, b), or the empty one where it would go. */
static size_t find(const ps_keyset *s, uint64_t a, uint64_t b)
{
    size_t i = slot_of(s, a, b);
    while (s->used[i] && (s->slots[i].a != a || s->slots[i].b != b))
        i = (i + 1) & (s->cap - 1);
    return i;
}

int ps_keyset_has(const ps_keyset *s, uint64_t a, uint64_t b)
{
    return s->cap && s->used[find(s, a, b)];
}

int ps_keyset_add(ps_keyset *s, uint64_t a, uint64_t b)
{
    if (2 * (s->count + 1) > s->cap) { /* at most half full: probes stay short */
        ps_keyset old = *s;
        s->cap = old.cap ? old.cap * 2 : 64;
        s->slots = ps_calloc(s->cap, sizeof *s->slots);
        s->used = ps_calloc(s->cap, 1);
        if (!s->slots || !s->used) {
            free(s->slots);
            free(s->used);
            *s = old;
            return -1;
        }
        for (size_t i = 0; i < old.cap; i++)
            if (old.used[i]) {
                size_t j = find(s, old.slots[i].a, old.slots[i].b);
                s->slots[j] = old.slots[i];
                s->used[j] = 1;
            }
        free(old.slots);
        free(old.used);
    }
    size_t i = find(s, a, b);
    if (s->used[i])
        return 0;
    s->slots[i].a = a;
    s->slots[i].b = b;
    s->used[i] = 1;
    s->count++;
    return 1;
}

void ps_keyset_free(ps_keyset *s)
{
    free(s->slots);
    free(s->used);
    *s = (ps_keyset)PS_KEYSET_INIT;
}
