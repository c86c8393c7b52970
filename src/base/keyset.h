/*
 * A set of pairs of 64-bit keys: (st_dev, st_ino) of the folders and files a
 * walk has visited, (file, offset) of the spans a rule has claimed. Open
 * addressing, so looking a pair up costs the same with ten entries or a
 * million; the walk and the site finder must stay linear in their input.
 */
#ifndef PS_BASE_KEYSET_H
#define PS_BASE_KEYSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ps_keyset {
    struct ps_key {
        uint64_t a, b;
    } * slots;
    unsigned char *used;
    size_t count, cap; /* cap is 0 or a power of two */
} ps_keyset;

#define PS_KEYSET_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/* Adds (a, b); 1 when it was not there yet, 0 when it was, -1 (the set as
 * it was) when out of memory. */
int ps_keyset_add(ps_keyset *s, uint64_t a, uint64_t b);
int ps_keyset_has(const ps_keyset *s, uint64_t a, uint64_t b);
void ps_keyset_free(ps_keyset *s);

#endif
