/*
 * ps_fleet_check: the facts files read into a fleet (fleet/fleet.c, with
 * the built-in catalog's products), judged (fleet/survey.c), and its items
 * handed out as they are.
 */
#include <portshift/portshift.h>

#include <stdio.h>
#include <stdlib.h>

#include "base/error.h"
#include "fleet/survey.h"

void ps_fleet_check_free(ps_fleet_check *c)
{
    if (!c)
        return;
    ps_fleet_survey_free(c);
    ps_fleet_free(&c->fleet);
    ps_catalog_free(c->cat);
    free(c);
}

int ps_fleet_check_files(ps_fleet_check **out, const char *const *files, size_t n, ps_error *err)
{
    ps_error_begin();
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = NULL;
    if (!files)
        return PS_NULL_ARG(err, "files");
    for (size_t i = 0; i < n; i++)
        if (!files[i]) {
            ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: files[%zu] is NULL", __func__, i);
            return PS_EINVALID;
        }
    if (n == 0) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: no facts file", __func__);
        return PS_EINVALID;
    }
    ps_fleet_check *c = ps_calloc(1, sizeof *c);
    if (!c)
        return ps_error_code(ps_error_oom(err));
    int rc = ps_catalog_builtin(&c->cat, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = ps_fleet_add_file(&c->fleet, files[i], c->cat, err);
    if (rc == 0)
        rc = ps_fleet_survey(c, err);
    if (rc < 0) {
        ps_fleet_check_free(c);
        return ps_error_code(rc);
    }
    *out = c;
    return 0;
}

size_t ps_fleet_check_count(const ps_fleet_check *c)
{
    return c ? c->count : 0;
}

size_t ps_fleet_check_findings(const ps_fleet_check *c)
{
    return c ? c->nfindings : 0;
}

const ps_fleet_finding *ps_fleet_check_get(const ps_fleet_check *c, size_t i)
{
    return c && i < c->count ? &c->items[i] : NULL;
}
