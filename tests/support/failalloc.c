#include "failalloc.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include "base/strbuf.h" /* the prototypes replaced */

static long calls, fail_at;
static int counted, failed, failed_xml;

/* 1 when this allocation (of kind `kind`) is the one to fail. */
static int fails(int kind)
{
    if (!(counted & kind))
        return 0;
    if (++calls != fail_at || !fail_at)
        return 0;
    failed = 1;
    failed_xml = kind == FAIL_LIBXML2;
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
    calls = 0;
    fail_at = nth;
    counted = which;
    failed = failed_xml = 0;
}

int failalloc_suspend(void)
{
    int which = counted;
    counted = 0;
    return which;
}

void failalloc_resume(int which)
{
    counted = which;
}

long failalloc_calls(void)
{
    return calls;
}

int failalloc_failed(void)
{
    return failed;
}

int failalloc_failed_libxml2(void)
{
    return failed_xml;
}
