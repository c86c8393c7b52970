/*
 * The three allocation primitives every other allocation of the library goes
 * through. They are weak and alone in this file so that a test program,
 * which links the core statically, can define its own (tests/support/
 * failalloc.c fails the Nth call) without touching the library's code.
 */
#include "base/strbuf.h"

#include <stdlib.h>

__attribute__((weak)) void *ps_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

__attribute__((weak)) void *ps_calloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size ? size : 1);
}

__attribute__((weak)) void *ps_realloc(void *p, size_t n)
{
    return realloc(p, n ? n : 1);
}
