#include "host/host.h"
#include "host/startfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "batch/batch.h"
#include "check/check.h"
#include "detect/detect.h"
#include "detect/running.h"
#include "load/config.h"
#include "model/model.h"
#include "write/apply.h"
#include "write/recover.h"
#include "sites/sites.h"

char *ps_host__split_runtime(const char *path, char **runtime)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    char *p = ps_strndup(path, n);
    *runtime = NULL;
    if (!p)
        return NULL;
    char *last = strrchr(p, '/');
    if (!last || last == p)
        return p;
    *last = '\0';
    char *prev = strrchr(p, '/');
    const char *parent = prev ? prev + 1 : p;
    if (strcmp(parent, "wso2") == 0) {
        char *home = prev ? ps_strndup(p, (size_t)(prev - p)) : ps_strdup(".");
        *runtime = home ? ps_asprintf("wso2/%s", last + 1) : NULL;
        free(p);
        if (!*runtime) {
            free(home);
            return NULL;
        }
        return home;
    }
    *last = '/';
    return p;
}

/*
 * Locks every home before anything in it is read: an apply
 * exclusively, and it first finishes any apply a crash cut short; the
 * commands that only read share the lock, and refuse a home where such an
 * apply waits to be finished (they never write).
 */
static int hold_homes(ps_host *h, unsigned flags, ps_error *err)
{
    int rc = -1;
    int write = (flags & PS_HOST_WRITE) != 0;
    char **paths = ps_calloc(h->nargs + 1, sizeof *paths);
    if (!paths)
        return ps_error_oom(err);
    for (size_t i = 0; i < h->nargs; i++) {
        char *runtime;
        paths[i] = ps_host__split_runtime(h->args[i].path, &runtime);
        free(runtime);
        if (!paths[i]) {
            ps_error_oom(err);
            goto done;
        }
    }
    if (ps_locks_take(&h->locks, (const char *const *)paths, h->nargs,
                      write ? PS_LOCK_EXCLUSIVE : PS_LOCK_SHARED, PS_LOCK_WAIT_MS, err) < 0)
        goto done;
    if (write) {
        unsigned how = ((flags & PS_HOST_FORCE) ? PS_RECOVER_FORCE : 0) |
                       ((flags & PS_HOST_DISCARD) ? PS_RECOVER_DISCARD : 0);
        rc = ps_recover_start(&h->locks, how, (const char *const *)h->start_paths, h->nstart_paths,
                              &h->recovered, err);
        goto done;
    }
    for (size_t i = 0; i < h->nargs; i++)
        if (ps_recover_refuse(paths[i], err) < 0)
            goto done;
    rc = 0;
done:
    ps_free_strings(paths, h->nargs);
    return rc;
}

/*
 * --with: the hosts of facts[0..n) join the call read-only. Their names are
 * compared with this machine's (hosts on one machine share its hostname),
 * and the homes' scan keeps every reference to another host as a site.
 */
static int join_fleet(ps_host *h, const char *const *facts, size_t n, ps_error *err)
{
    h->fleet = (ps_fleet)PS_FLEET_INIT;
    for (size_t i = 0; i < n; i++)
        if (ps_fleet_add_file(&h->fleet, facts[i], h->cat, err) < 0)
            return -1;
    ps_machine_names(h->hostname, h->fqdn);
    h->machine[0] = *h->hostname ? h->hostname : NULL;
    h->machine[1] = *h->fqdn ? h->fqdn : NULL;
    h->with = (ps_with){.fleet = &h->fleet, .names = h->machine, .nnames = 2};
    h->sites_flags |= PS_SITES_ALL_HOSTS | PS_SITES_REMOTE;
    return 0;
}

/* ps_host_load with the start files the call names (--start-file) and the
 * facts files of the other hosts that join it (--with). */
static int load_host(ps_host **out, const ps_catalog *cat, const ps_home_spec *homes, size_t n,
                     const ps_host_options *o, unsigned sites_flags, const char *const *facts,
                     size_t nfacts, ps_error *err)
{
    unsigned flags = o->flags, jobs = o->jobs;
    *out = NULL;
    ps_host *h = ps_calloc(1, sizeof *h);
    if (!h)
        return ps_error_oom(err);
    h->sites_flags = sites_flags;
    h->recovered = (ps_strbuf)PS_STRBUF_INIT;
    h->start_paths = ps_calloc(o->nstart_files + 1, sizeof *h->start_paths);
    if (!h->start_paths)
        goto oom;
    for (size_t i = 0; i < o->nstart_files; i++) {
        h->start_paths[h->nstart_paths] = ps_strdup(o->start_files[i]);
        if (!h->start_paths[h->nstart_paths++])
            goto oom;
    }
    if (!cat && ps_catalog_builtin(&h->own_cat, err) < 0)
        goto fail;
    h->cat = cat ? cat : h->own_cat;
    if (nfacts && join_fleet(h, facts, nfacts, err) < 0)
        goto fail;
    if (n == 0) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "no HOME given");
        goto fail;
    }
    h->args = ps_calloc(n, sizeof *h->args);
    if (!h->args)
        goto oom;
    h->nargs = n;
    for (size_t i = 0; i < n; i++) {
        if (homes[i].has_target && (homes[i].target < 0 || homes[i].target > PS_PORT_MAX)) {
            ps_error_setc(err, PS_EINVALID, homes[i].path, 0, 0,
                          "offset %ld is not between 0 and %ld", homes[i].target, PS_PORT_MAX);
            goto fail;
        }
        h->args[i].path = ps_strdup(homes[i].path);
        if (!h->args[i].path)
            goto oom;
        h->args[i].has_target = homes[i].has_target;
        h->args[i].target = homes[i].has_target ? homes[i].target : 0;
    }
    /* The catalog first: the homes are held no longer than needed. */
    if (hold_homes(h, flags, err) < 0)
        goto fail;
    h->writable = (flags & PS_HOST_WRITE) != 0;
    if (ps_strbuf_oom(&h->recovered)) /* what recovery did, cut short */
        goto oom;
    if (!(flags & PS_HOST_RECOVER) && ps_host__load_homes(h, flags, jobs, err) < 0)
        goto fail;
    *out = h;
    return 0;
oom:
    ps_error_oom(err);
fail:
    ps_host_free(h);
    return -1;
}

int ps_host_load(ps_host **out, const ps_catalog *cat, const ps_home_spec *homes, size_t n,
                 unsigned flags, unsigned jobs, ps_error *err)
{
    ps_host_options o = {.flags = flags, .jobs = jobs};
    return load_host(out, cat, homes, n, &o, 0, NULL, 0, err);
}

int ps_host_load_facts(ps_host **out, const ps_home_spec *homes, size_t n,
                       const ps_host_options *opts, ps_error *err)
{
    ps_host_options o = *opts;
    o.flags = 0; /* only reads: shared locks, no record finished */
    return load_host(out, NULL, homes, n, &o, PS_SITES_ALL_HOSTS, NULL, 0, err);
}

/* The NULL contract of the public openers (ps_host_load is internal). */
static int open_args(ps_host **out, const ps_home_spec *homes, size_t n, const char *func,
                     ps_error *err)
{
    if (!out)
        return ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: out is NULL", func);
    *out = NULL;
    if (!homes && n > 0)
        return ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: homes is NULL", func);
    for (size_t i = 0; i < n; i++)
        if (!homes[i].path)
            return ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: homes[%zu].path is NULL", func,
                                 i);
    return 0;
}

int ps_host_open(ps_host **out, const ps_home_spec *homes, size_t n, unsigned flags, ps_error *err)
{
    ps_error_begin();
    if (open_args(out, homes, n, __func__, err) < 0)
        return PS_EINVALID;
    return ps_error_code(ps_host_load(out, NULL, homes, n, flags, 0, err));
}

int ps_host_open_jobs(ps_host **out, const ps_home_spec *homes, size_t n, unsigned flags,
                      unsigned jobs, ps_error *err)
{
    ps_error_begin();
    if (open_args(out, homes, n, __func__, err) < 0)
        return PS_EINVALID;
    return ps_error_code(ps_host_load(out, NULL, homes, n, flags, jobs, err));
}

int ps_host_open_opts(ps_host **out, const ps_home_spec *homes, size_t n,
                      const ps_host_options *opts, ps_error *err)
{
    return ps_host_open_with(out, homes, n, opts, NULL, 0, err);
}

int ps_host_open_with(ps_host **out, const ps_home_spec *homes, size_t n,
                      const ps_host_options *opts, const char *const *facts, size_t nfacts,
                      ps_error *err)
{
    ps_error_begin();
    if (open_args(out, homes, n, __func__, err) < 0)
        return PS_EINVALID;
    if (!facts && nfacts > 0)
        return ps_error_code(
            ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: facts is NULL", __func__));
    for (size_t i = 0; i < nfacts; i++)
        if (!facts[i])
            return ps_error_code(
                ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: facts[%zu] is NULL", __func__, i));
    ps_host_options none = {0};
    if (!opts)
        opts = &none;
    if (!opts->start_files && opts->nstart_files > 0)
        return ps_error_code(
            ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "%s: opts->start_files is NULL", __func__));
    for (size_t i = 0; i < opts->nstart_files; i++)
        if (!opts->start_files[i])
            return ps_error_code(ps_error_setc(err, PS_EINVALID, NULL, 0, 0,
                                               "%s: opts->start_files[%zu] is NULL", __func__, i));
    return ps_error_code(load_host(out, NULL, homes, n, opts, 0, facts, nfacts, err));
}

void ps_host_free(ps_host *h)
{
    if (!h)
        return;
    ps_fleet_free(&h->fleet); /* a facts file that failed may leave room to free */
    ps_start_files_free(h->starts, h->nstarts);
    ps_free_strings(h->start_paths, h->nstart_paths);
    for (size_t u = 0; u < h->nunits; u++) {
        ps_sites_free(&h->sites[u]);
        ps_config_free(&h->configs[u]);
    }
    free(h->units);
    free(h->sites);
    free(h->configs);
    for (size_t k = 0; k < h->nhomes; k++)
        ps_home_free(h->homes[k]);
    free(h->homes);
    for (size_t i = 0; i < h->nargs; i++) {
        free(h->args[i].path);
        free(h->args[i].runtime);
    }
    free(h->args);
    ps_catalog_free(h->own_cat);
    ps_locks_release(&h->locks);
    ps_strbuf_free(&h->recovered);
    ps_diags_free(&h->warnings);
    free(h);
}

const char *ps_host_recovered(const ps_host *h)
{
    if (!h)
        return "";
    return h->recovered.data ? h->recovered.data : "";
}

size_t ps_host_runtime_count(const ps_host *h)
{
    return h ? h->nunits : 0;
}

static int no_runtime(const ps_host *h, size_t i, ps_error *err)
{
    if (i < h->nunits)
        return 0;
    return ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "no runtime %zu: the host has %zu", i,
                         h->nunits);
}

int ps_host_runtime(ps_runtime_info *out, const ps_host *h, size_t i, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = (ps_runtime_info){0};
    if (!h)
        return PS_NULL_ARG(err, "host");
    if (no_runtime(h, i, err) < 0)
        return PS_EINVALID;
    const ps_unit *u = &h->units[i];
    *out = (ps_runtime_info){.home = u->home->path,
                             .runtime = u->rt->name,
                             .product = u->rt->product->id,
                             .product_name = u->rt->product->name,
                             .version = u->sites->version,
                             .mode = ps_mode_name(u->rt),
                             .offset = u->sites->offset};
    return 0;
}

int ps_host_ports(ps_ports *out, const ps_host *h, size_t i, long offset, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = (ps_ports){0};
    if (!h)
        return PS_NULL_ARG(err, "host");
    if (no_runtime(h, i, err) < 0)
        return PS_EINVALID;
    const ps_sites *ss = h->units[i].sites;
    if (offset == PS_OFFSET_CURRENT)
        offset = ss->offset;
    if (offset < 0) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "offset %ld is negative", offset);
        return PS_EINVALID;
    }
    ps_listeners l;
    if (ps_listeners_at(&l, ss, offset) < 0) {
        ps_error_oom(err);
        return PS_ENOMEM;
    }
    out->items = ps_calloc(l.count + 1, sizeof *out->items);
    if (!out->items) {
        ps_listeners_free(&l);
        ps_error_oom(err);
        return PS_ENOMEM;
    }
    out->count = l.count;
    out->offset = offset;
    out->usable = l.usable;
    for (size_t k = 0; k < l.count; k++) {
        const ps_site *s = &ss->items[l.items[k].site];
        out->items[k] = (ps_port){
            .port = l.items[k].port,
            .base = ps_listener_port(s, ss->offset, 0),
            .shift = ps_shift_name(s->shift),
            .active = s->active,
            .what = s->what,
            .file = s->file ? s->file->rel : NULL,
            .line = s->file ? s->line : 0,
        };
    }
    ps_listeners_free(&l);
    return 0;
}

void ps_ports_free(ps_ports *ports)
{
    if (!ports)
        return;
    free(ports->items);
    *ports = (ps_ports){0};
}

int ps_host_owners(ps_party **out, size_t *n, const ps_host *h, long port, ps_error *err)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!out)
        return PS_NULL_ARG(err, "out");
    if (!n)
        return PS_NULL_ARG(err, "n");
    if (!h)
        return PS_NULL_ARG(err, "host");
    ps_port_index ix;
    if (ps_port_index_now(&ix, h->units, h->nunits, 0) < 0) {
        ps_error_oom(err);
        return PS_ENOMEM;
    }
    size_t lo, hi;
    ps_port_index_find(&ix, port, &lo, &hi);
    *out = ps_calloc(hi - lo + 1, sizeof **out);
    if (!*out) {
        ps_port_index_free(&ix);
        ps_error_oom(err);
        return PS_ENOMEM;
    }
    *n = hi - lo;
    for (size_t j = lo; j < hi; j++) {
        const ps_unit *unit = &h->units[ix.items[j].unit];
        const ps_site *s = &unit->sites->items[ix.items[j].site];
        (*out)[j - lo] = (ps_party){.home = unit->home->path,
                                    .runtime = unit->rt->name,
                                    .file = s->file ? s->file->rel : NULL,
                                    .path = s->file ? s->file->path : NULL,
                                    .line = s->file ? s->line : 0,
                                    .col = s->file ? s->col : 0,
                                    .what = s->what,
                                    .port = port,
                                    .pid = -1};
    }
    ps_port_index_free(&ix);
    return 0;
}

int ps_host_plan(ps_plan **out, ps_host *h, unsigned flags, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = NULL;
    if (!h)
        return PS_NULL_ARG(err, "host");
    /* The call's options go to the planner, not into the host: a host is
     * planned as often as asked, with any flags, and stays as it was loaded. */
    const ps_plan_options opts = {.flags = flags, .with = h->with.fleet ? &h->with : NULL};
    ps_error_begin();
    return ps_error_code(ps_plan_make(out, h->units, h->nunits, &opts, err));
}

size_t ps_plan_change_count(const ps_plan *p)
{
    return p ? p->nedits : 0;
}

int ps_plan_change(ps_change *out, const ps_plan *p, size_t i, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = (ps_change){0};
    if (!p)
        return PS_NULL_ARG(err, "plan");
    if (i >= p->nedits) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "no change %zu: the plan has %zu", i,
                      p->nedits);
        return PS_EINVALID;
    }
    const ps_edit *e = &p->edits[i];
    *out = (ps_change){.path = e->file->path,
                       .line = e->line,
                       .col = e->col,
                       .old_value = e->old_value,
                       .new_value = e->new_value,
                       .why = ps_plan_why(p, e)};
    if (!out->why) {
        *out = (ps_change){0};
        ps_error_oom(err);
        return PS_ENOMEM;
    }
    return 0;
}

int ps_host_check(ps_check **out, ps_host *h, unsigned flags, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = NULL;
    if (!h)
        return PS_NULL_ARG(err, "host");
    ps_error_begin();
    return ps_error_code(ps_check_make_with(out, h->units, h->nunits,
                                            (flags & PS_CHECK_LISTENING) ? "/proc" : NULL,
                                            h->with.fleet ? &h->with : NULL, err));
}

int ps_host_batch(ps_batch **out, ps_host *h, const ps_batch_options *opts, ps_error *err)
{
    static const ps_batch_options defaults = {0};
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = NULL;
    if (!h)
        return PS_NULL_ARG(err, "host");
    if (!opts)
        opts = &defaults;
    if (!opts->avoid && opts->navoid > 0)
        return PS_NULL_ARG(err, "opts->avoid");
    ps_error_begin();
    return ps_error_code(ps_batch_make(out, h->units, h->nunits, opts,
                                       (opts->flags & PS_BATCH_LISTENING) ? "/proc" : NULL, err));
}

size_t ps_plan_warning_count(const ps_plan *p)
{
    return p ? p->warnings.count : 0;
}

const ps_error *ps_plan_warning(const ps_plan *p, size_t i)
{
    return i < ps_plan_warning_count(p) ? &p->warnings.items[i] : NULL;
}

size_t ps_check_warning_count(const ps_check *c)
{
    return c ? c->warnings.count : 0;
}

const ps_error *ps_check_warning(const ps_check *c, size_t i)
{
    return i < ps_check_warning_count(c) ? &c->warnings.items[i] : NULL;
}

size_t ps_check_count(const ps_check *c)
{
    return c ? c->count : 0;
}

size_t ps_check_findings(const ps_check *c)
{
    return c ? c->nfindings : 0;
}

const ps_finding *ps_check_get(const ps_check *c, size_t i)
{
    return c && i < c->count ? &c->items[i] : NULL;
}

/* The home a loaded file belongs to. */
static const char *home_of(const ps_host *h, const ps_cfile *file)
{
    for (size_t u = 0; u < h->nunits; u++) {
        const ps_config *cfg = &h->configs[u];
        if (file >= cfg->files && file < cfg->files + cfg->nfiles)
            return h->units[u].home->path;
    }
    return NULL;
}

int ps_host_apply(ps_host *h, const ps_rendered *files, size_t n, unsigned flags,
                  unsigned apply_flags, ps_strbuf *report, ps_error *err)
{
    if (!h->writable)
        return ps_error_setc(err, PS_EINVALID, NULL, 0, 0,
                             "the homes were opened for reading (no PS_HOST_WRITE): "
                             "nothing is written under a shared lock");
    if (n == 0)
        return 0; /* nothing to write: no server to spare */
    for (size_t i = 0; i < h->nhomes; i++) {
        long pid;
        if (!(flags & PS_HOST_FORCE) && ps_home_running(h->homes[i]->path, &pid)) {
            char *who = ps_process_label("/proc", pid);
            if (!who)
                return ps_error_oom(err);
            ps_error_setc(err, PS_ERUNNING, h->homes[i]->path, 0, 0,
                          "the server is running (wso2carbon.pid: %s); stop it or use --force",
                          who);
            free(who);
            return -1;
        }
    }
    int backup = (apply_flags & PS_APPLY_BACKUP) != 0;
    ps_write *w = ps_calloc(n, sizeof *w);
    /* Asked under the lock, so it is what ps_apply_files will find. */
    int *had_backup = ps_calloc(n, sizeof *had_backup);
    if (!w || !had_backup) {
        free(w);
        free(had_backup);
        return ps_error_oom(err);
    }
    for (size_t i = 0; i < n; i++) {
        w[i].path = files[i].file->path;
        w[i].data = files[i].data;
        w[i].len = files[i].len;
        w[i].expect = files[i].orig;
        w[i].expect_len = files[i].orig_len;
        had_backup[i] = backup && ps_backup_exists(w[i].path);
        w[i].home = home_of(h, files[i].file);
        w[i].rel = files[i].file->rel;
        w[i].outside = files[i].file->outside;
    }
    int rc = ps_apply_write(w, n, apply_flags, &h->warnings, err);
    free(w);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *path = files[i].file->path;
        ps_strbuf_printf(report, "updated %s\n", path);
        if (!backup || files[i].file->outside) /* no backup of a start file (ps_write) */
            continue;
        char *bak = ps_backup_name(path);
        if (!bak) { /* the files are written; what the report says of them is cut short */
            rc = ps_error_oom(err);
            break;
        }
        ps_strbuf_printf(
            report, had_backup[i] ? "kept %s, an earlier backup\n" : "saved the original as %s\n",
            bak);
        free(bak);
    }
    free(had_backup);
    return rc;
}
