#include "failalloc.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include "base/strbuf.h" /* the prototypes replaced */

/* Armed and read between calls, on the test's thread; counted from any
 * thread an apply stages its files on, so the count is atomic. */
static long calls, fail_at;
static int counted, failed, failed_xml;

/* 1 when this allocation (of kind `kind`) is the one to fail. */
static int fails(int kind)
{
    if (!(__atomic_load_n(&counted, __ATOMIC_RELAXED) & kind))
        return 0;
    long nth = __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
    long at = __atomic_load_n(&fail_at, __ATOMIC_SEQ_CST);
    if (nth != at || !at)
        return 0;
    __atomic_store_n(&failed, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&failed_xml, kind == FAIL_LIBXML2, __ATOMIC_SEQ_CST);
    return 1;
}

void *ps_malloc(size_t n)
{
    return fails(FAIL_OURS) ? NULL : malloc(n ? n : 1);
}

void *ps_calloc(size_t n, size_t size)
{
    return fails(FAIL_OURS) ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *ps_realloc(void *p, size_t n)
{
    return fails(FAIL_OURS) ? NULL : realloc(p, n ? n : 1);
}

static void *xml_malloc(size_t n)
{
    return fails(FAIL_LIBXML2) ? NULL : malloc(n);
}

static void *xml_realloc(void *p, size_t n)
{
    return fails(FAIL_LIBXML2) ? NULL : realloc(p, n);
}

static char *xml_strdup(const char *s)
{
    return fails(FAIL_LIBXML2) ? NULL : strdup(s);
}

void failalloc_setup(void)
{
    xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup);
}

void failalloc_arm(long nth, int which)
{
    __atomic_store_n(&calls, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fail_at, nth, __ATOMIC_SEQ_CST);
    __atomic_store_n(&counted, which, __ATOMIC_SEQ_CST);
    __atomic_store_n(&failed, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&failed_xml, 0, __ATOMIC_SEQ_CST);
}

int failalloc_suspend(void)
{
    return __atomic_exchange_n(&counted, 0, __ATOMIC_SEQ_CST);
}

void failalloc_resume(int which)
{
    __atomic_store_n(&counted, which, __ATOMIC_SEQ_CST);
}

long failalloc_calls(void)
{
    return __atomic_load_n(&calls, __ATOMIC_SEQ_CST);
}

int failalloc_failed(void)
{
    return __atomic_load_n(&failed, __ATOMIC_SEQ_CST);
}

int failalloc_failed_libxml2(void)
{
    return __atomic_load_n(&failed_xml, __ATOMIC_SEQ_CST);
}
