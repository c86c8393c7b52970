/*
 * What the command line's closing lines read: the homes a plan covers and
 * the version of the catalog of rules.
 */
#include <portshift/portshift.h>

#include "api/buf.h"
#include "base/error.h"
#include "catalog/catalog.h"
#include "plan/plan.h"

size_t ps_plan_home_count(const ps_plan *plan)
{
    if (!plan)
        return 0;
    size_t homes = 0;
    for (size_t u = 0; u < plan->nunits; u++) {
        size_t v = 0;
        while (v < u && plan->units[v].home != plan->units[u].home)
            v++;
        homes += v == u;
    }
    return homes;
}

int ps_catalog_version(ps_buf *out, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    ps_error_begin();
    ps_catalog *cat;
    if (ps_catalog_builtin(&cat, err) < 0)
        return ps_error_code(-1);
    int rc = cat->version ? ps_buf_puts(out, cat->version) : 0;
    ps_catalog_free(cat);
    return rc;
}
