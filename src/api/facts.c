/*
 * ps_facts: the homes loaded to be read, the machine's names asked of the
 * system, and the document worded by report/facts.c.
 */
#include <portshift/portshift.h>

#include <stdio.h>

#include "api/buf.h"
#include "api/options.h"
#include "base/error.h"
#include "host/host.h"
#include "host/machine.h"
#include "report/facts.h"

/* "ps_facts: WHAT is NULL" (or another fault of an argument): PS_EINVALID. */
static int bad_arg(ps_error *err, const char *what, const char *fault)
{
    ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "ps_facts: %s is %s", what, fault);
    return PS_EINVALID;
}

static int facts_args(ps_buf *out, const ps_home_spec *homes, size_t n, const ps_facts_options *o,
                      ps_error *err)
{
    if (!out)
        return bad_arg(err, "out", "NULL");
    if (!homes)
        return bad_arg(err, "homes", "NULL");
    if (ps__options_version(err, "ps_facts", o->version, PS_FACTS_OPTIONS_VERSION) < 0)
        return PS_EINVALID;
    if (!o->host_names && o->nhost_names)
        return bad_arg(err, "opts->host_names", "NULL");
    if (!o->start_files && o->nstart_files)
        return bad_arg(err, "opts->start_files", "NULL");
    char name[64];
    for (size_t i = 0; i < o->nhost_names; i++)
        if (!o->host_names[i] || !*o->host_names[i]) {
            snprintf(name, sizeof name, "opts->host_names[%zu]", i);
            return bad_arg(err, name, o->host_names[i] ? "empty" : "NULL");
        }
    for (size_t i = 0; i < o->nstart_files; i++)
        if (!o->start_files[i]) {
            snprintf(name, sizeof name, "opts->start_files[%zu]", i);
            return bad_arg(err, name, "NULL");
        }
    for (size_t i = 0; i < n; i++) {
        if (!homes[i].path) {
            snprintf(name, sizeof name, "homes[%zu].path", i);
            return bad_arg(err, name, "NULL");
        }
        if (homes[i].has_target) {
            ps_error_setc(err, PS_EINVALID, homes[i].path, 0, 0,
                          "facts takes no offset: they are of the homes as they are");
            return PS_EINVALID;
        }
    }
    return 0;
}

int ps_facts(ps_buf *out, const ps_home_spec *homes, size_t n, const ps_facts_options *opts,
             ps_error *err)
{
    ps_error_begin();
    const ps_facts_options defaults = PS_FACTS_OPTIONS_INIT;
    const ps_facts_options *o = opts ? opts : &defaults;
    int rc = facts_args(out, homes, n, o, err);
    if (rc < 0)
        return rc;
    char hostname[PS_HOSTNAME_SIZE], fqdn[PS_FQDN_SIZE];
    ps_machine_names(hostname, fqdn);
    ps_host_options ho = {
        .jobs = o->jobs, .start_files = o->start_files, .nstart_files = o->nstart_files};
    ps_host *h = NULL;
    if (ps_host_load_facts(&h, homes, n, &ho, err) < 0)
        return ps_error_code(-1);
    ps_facts_names names = {.hostname = *hostname ? hostname : NULL,
                            .fqdn = *fqdn ? fqdn : NULL,
                            .aliases = o->host_names,
                            .naliases = o->nhost_names};
    ps_strbuf b = PS_STRBUF_INIT;
    rc = ps_report_facts(&b, h->units, h->nunits, &names);
    ps_host_free(h);
    if (rc < 0) {
        ps_strbuf_free(&b);
        return ps_error_code(ps_error_oom(err));
    }
    if (ps__buf_take(out, &b) < 0)
        return ps_error_code(ps_error_oom(err));
    return 0;
}
