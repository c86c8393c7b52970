/*
 * Facts documents into hosts, checked against the parts of
 * schemas/facts.schema.json this reader relies on (a table per object: its
 * fields, their types and ranges), and the resolver over the hosts' names.
 */
#include "fleet/fleet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strbuf.h"
#include "parse/file.h"
#include "parse/json_read.h"

/* ---- the schema, as far as this reader relies on it ---- */

enum {
    T_NULL = 1,
    T_BOOL = 2,
    T_INT = 4,
    T_STR = 8,
    T_ARR = 16,
    T_OBJ = 32,
};

typedef struct field {
    const char *name;
    unsigned types;
    int required;
    long long min, max;         /* T_INT: the range (min > max: none) */
    const char *const *choices; /* T_STR: the enum, NULL-terminated; NULL: any */
} field;

static const char *const from_enum[] = {"hostname", "fqdn", "config", "alias", NULL};
static const char *const mode_enum[] = {"xml", "toml", "yaml", NULL};
static const char *const shift_enum[] = {"auto", "manual", "fixed", NULL};

#define NONE 1, 0
#define PLACE                                                                                      \
    {"file", T_STR | T_NULL, 1, NONE, NULL}, {"path", T_STR | T_NULL, 1, NONE, NULL},              \
        {"line", T_INT | T_NULL, 1, 1, INT32_MAX, NULL},                                           \
    {                                                                                              \
        "col", T_INT | T_NULL, 1, 1, INT32_MAX, NULL                                               \
    }
#define RUNTIME                                                                                    \
    {"home", T_STR | T_NULL, 1, NONE, NULL},                                                       \
    {                                                                                              \
        "runtime", T_STR | T_NULL, 1, NONE, NULL                                                   \
    }

static const field doc_fields[] = {{"format", T_INT, 1, NONE, NULL},
                                   {"host", T_OBJ, 1, NONE, NULL},
                                   {"homes", T_ARR, 1, NONE, NULL},
                                   {"references", T_ARR, 1, NONE, NULL}};
static const field host_fields[] = {{"hostname", T_STR | T_NULL, 1, NONE, NULL},
                                    {"fqdn", T_STR, 0, NONE, NULL},
                                    {"names", T_ARR, 1, NONE, NULL}};
static const field name_fields[] = {
    {"name", T_STR, 1, NONE, NULL}, {"from", T_STR, 1, NONE, from_enum}, PLACE, RUNTIME};
static const field home_fields[] = {RUNTIME,
                                    {"product", T_STR, 1, NONE, NULL},
                                    {"version", T_STR | T_NULL, 1, NONE, NULL},
                                    {"mode", T_STR, 1, NONE, mode_enum},
                                    {"offset", T_INT, 1, 0, INT32_MAX, NULL},
                                    {"listeners", T_ARR, 1, NONE, NULL}};
static const field listener_fields[] = {PLACE,
                                        {"port", T_INT, 1, 1, 65535, NULL},
                                        {"base", T_INT, 1, INT32_MIN, INT32_MAX, NULL},
                                        {"shift", T_STR, 1, NONE, shift_enum},
                                        {"what", T_STR, 1, NONE, NULL}};
static const field ref_fields[] = {PLACE,
                                   RUNTIME,
                                   {"host", T_STR | T_NULL, 1, NONE, NULL},
                                   {"port", T_INT | T_NULL, 1, 1, 65535, NULL},
                                   {"role", T_STR | T_NULL, 1, NONE, NULL},
                                   {"what", T_STR | T_NULL, 1, NONE, NULL},
                                   {"local", T_BOOL, 1, NONE, NULL}};
#define FIELDS(a) a, sizeof a / sizeof a[0]

static unsigned type_bit(const ps_json_node *n)
{
    switch (n->type) {
    case PS_JSON_NULL:
        return T_NULL;
    case PS_JSON_FALSE:
    case PS_JSON_TRUE:
        return T_BOOL;
    case PS_JSON_NUMBER:
        return n->integral ? T_INT : 0;
    case PS_JSON_STRING:
        return T_STR;
    case PS_JSON_ARRAY:
        return T_ARR;
    case PS_JSON_OBJECT:
        break;
    }
    return T_OBJ;
}

/* "a string or null", for messages. */
static const char *types_text(unsigned t)
{
    static const struct {
        unsigned t;
        const char *text;
    } texts[] = {{T_INT, "an integer"},
                 {T_STR, "a string"},
                 {T_ARR, "an array"},
                 {T_OBJ, "an object"},
                 {T_BOOL, "a boolean"},
                 {T_INT | T_NULL, "an integer or null"},
                 {T_STR | T_NULL, "a string or null"}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].t == t)
            return texts[i].text;
    return "another type";
}

typedef struct reader {
    const ps_json *doc;
    const char *source;
    ps_error *err;
} reader;

/* Object `obj` holds only `fields`, each of its type, range and enum, and
 * every required one. */
static int check_object(const reader *r, const ps_json_node *obj, const char *what,
                        const field *fields, size_t nfields)
{
    if (obj->type != PS_JSON_OBJECT)
        return ps_json_error(r->doc, obj, r->err, r->source, "%s is %s, not an object", what,
                             ps_json_type_name(obj->type));
    for (const ps_json_node *m = ps_json_first(r->doc, obj); m; m = ps_json_next(r->doc, m)) {
        const field *f = NULL;
        for (size_t i = 0; i < nfields && !f; i++)
            if (strlen(fields[i].name) == m->keylen &&
                memcmp(fields[i].name, m->key, m->keylen) == 0)
                f = &fields[i];
        if (!f) {
            ps_json_node at = *m;
            at.at = m->keyat;
            return ps_json_error(r->doc, &at, r->err, r->source,
                                 "%s has a field the facts format 1 has not: \"%.*s\"", what,
                                 (int)(m->keylen > 64 ? 64 : m->keylen), m->key);
        }
        if (!(type_bit(m) & f->types))
            return ps_json_error(r->doc, m, r->err, r->source, "%s.%s is %s, not %s", what, f->name,
                                 ps_json_type_name(m->type), types_text(f->types));
        if (m->type == PS_JSON_NUMBER && f->min <= f->max &&
            (m->integer < f->min || m->integer > f->max))
            return ps_json_error(r->doc, m, r->err, r->source, "%s.%s %lld is not in %lld..%lld",
                                 what, f->name, m->integer, f->min, f->max);
        if (m->type == PS_JSON_STRING && memchr(m->str, '\0', m->len))
            return ps_json_error(r->doc, m, r->err, r->source, "%s.%s holds a NUL character", what,
                                 f->name);
        if (m->type == PS_JSON_STRING && f->choices) {
            size_t i = 0;
            while (f->choices[i] && strcmp(f->choices[i], m->str) != 0)
                i++;
            if (!f->choices[i])
                return ps_json_error(r->doc, m, r->err, r->source, "%s.%s \"%s\" is not one of %s",
                                     what, f->name, m->str,
                                     f->choices == from_enum   ? "hostname, fqdn, config, alias"
                                     : f->choices == mode_enum ? "xml, toml, yaml"
                                                               : "auto, manual, fixed");
        }
        if (f == &fields[0] && fields == name_fields && m->len == 0)
            return ps_json_error(r->doc, m, r->err, r->source, "%s.name is empty", what);
    }
    for (size_t i = 0; i < nfields; i++)
        if (fields[i].required && !ps_json_get(r->doc, obj, fields[i].name))
            return ps_json_error(r->doc, obj, r->err, r->source, "%s has no \"%s\"", what,
                                 fields[i].name);
    return 0;
}

/* ---- building a host from a checked document ---- */

typedef struct builder {
    reader r;
    ps_fleet_host *h;
    int oom;
} builder;

/* The string member `key` of a checked object, copied; NULL for null. */
static const char *str(builder *b, const ps_json_node *obj, const char *key)
{
    const ps_json_node *m = ps_json_get(b->r.doc, obj, key);
    if (!m || m->type != PS_JSON_STRING)
        return NULL;
    const char *s = ps_arena_strndup(&b->h->strings, m->str, m->len);
    b->oom |= !s;
    return s;
}

static long num(const builder *b, const ps_json_node *obj, const char *key, long none)
{
    const ps_json_node *m = ps_json_get(b->r.doc, obj, key);
    return m && m->type == PS_JSON_NUMBER ? (long)m->integer : none;
}

static void place(builder *b, const ps_json_node *obj, ps_fleet_place *at)
{
    at->home = str(b, obj, "home");
    at->runtime = str(b, obj, "runtime");
    at->file = str(b, obj, "file");
    at->path = str(b, obj, "path");
    at->line = at->file ? (int)num(b, obj, "line", 0) : 0;
    at->col = at->file ? (int)num(b, obj, "col", 0) : 0;
}

/* The elements of array `arr`, each checked as `what` by `fields`. */
static int check_items(const reader *r, const ps_json_node *arr, const char *what,
                       const field *fields, size_t nfields)
{
    for (const ps_json_node *e = ps_json_first(r->doc, arr); e; e = ps_json_next(r->doc, e))
        if (check_object(r, e, what, fields, nfields) < 0)
            return -1;
    return 0;
}

static int read_names(builder *b, const ps_json_node *host)
{
    const ps_json *doc = b->r.doc;
    const ps_json_node *names = ps_json_get(doc, host, "names");
    if (check_items(&b->r, names, "host.names[]", FIELDS(name_fields)) < 0)
        return -1;
    ps_fleet_host *h = b->h;
    h->names = ps_calloc(names->count + 1, sizeof *h->names);
    if (!h->names)
        return ps_error_oom(b->r.err);
    const char *alias = NULL;
    for (const ps_json_node *e = ps_json_first(doc, names); e; e = ps_json_next(doc, e)) {
        const char *name = str(b, e, "name");
        h->names[h->nnames++] = name;
        if (!alias && strcmp(ps_json_get(doc, e, "from")->str, "alias") == 0)
            alias = name;
    }
    h->hostname = str(b, host, "hostname");
    h->fqdn = str(b, host, "fqdn");
    h->label = alias ? alias : h->fqdn ? h->fqdn : h->hostname ? h->hostname : h->source;
    return 0;
}

static ps_shift shift_of(const char *s)
{
    return strcmp(s, "auto") == 0     ? PS_SHIFT_AUTO
           : strcmp(s, "manual") == 0 ? PS_SHIFT_MANUAL
                                      : PS_SHIFT_FIXED;
}

static int read_runtime(builder *b, const ps_json_node *e, ps_fleet_runtime *rt,
                        const ps_catalog *cat)
{
    const ps_json *doc = b->r.doc;
    rt->home = str(b, e, "home");
    rt->runtime = str(b, e, "runtime");
    rt->product_id = str(b, e, "product");
    rt->product = rt->product_id && cat ? ps_catalog_product(cat, rt->product_id) : NULL;
    rt->version = str(b, e, "version");
    rt->mode = str(b, e, "mode");
    rt->offset = num(b, e, "offset", 0);
    const ps_json_node *ls = ps_json_get(doc, e, "listeners");
    if (check_items(&b->r, ls, "homes[].listeners[]", FIELDS(listener_fields)) < 0)
        return -1;
    rt->listeners = ps_calloc(ls->count + 1, sizeof *rt->listeners);
    if (!rt->listeners)
        return ps_error_oom(b->r.err);
    for (const ps_json_node *l = ps_json_first(doc, ls); l; l = ps_json_next(doc, l)) {
        ps_fleet_listener *x = &rt->listeners[rt->nlisteners++];
        place(b, l, &x->at);
        x->at.home = rt->home;
        x->at.runtime = rt->runtime;
        x->port = num(b, l, "port", 0);
        x->base = num(b, l, "base", 0);
        x->shift = shift_of(ps_json_get(doc, l, "shift")->str);
        x->what = str(b, l, "what");
    }
    return 0;
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The runtime (home, runtime) of host h, or SIZE_MAX. */
static size_t runtime_of(const ps_fleet_host *h, const char *home, const char *runtime)
{
    for (size_t i = 0; i < h->nruntimes; i++)
        if (same(h->runtimes[i].home, home) && same(h->runtimes[i].runtime, runtime))
            return i;
    return SIZE_MAX;
}

static int read_homes(builder *b, const ps_json_node *homes, const ps_catalog *cat)
{
    const ps_json *doc = b->r.doc;
    if (check_items(&b->r, homes, "homes[]", FIELDS(home_fields)) < 0)
        return -1;
    ps_fleet_host *h = b->h;
    h->runtimes = ps_calloc(homes->count + 1, sizeof *h->runtimes);
    if (!h->runtimes)
        return ps_error_oom(b->r.err);
    for (const ps_json_node *e = ps_json_first(doc, homes); e; e = ps_json_next(doc, e))
        if (read_runtime(b, e, &h->runtimes[h->nruntimes++], cat) < 0)
            return -1;
    return 0;
}

static int read_refs(builder *b, const ps_json_node *refs)
{
    const ps_json *doc = b->r.doc;
    if (check_items(&b->r, refs, "references[]", FIELDS(ref_fields)) < 0)
        return -1;
    ps_fleet_host *h = b->h;
    h->refs = ps_calloc(refs->count + 1, sizeof *h->refs);
    if (!h->refs)
        return ps_error_oom(b->r.err);
    /* Most references of a runtime follow each other: remember the last. */
    size_t last = SIZE_MAX;
    for (const ps_json_node *e = ps_json_first(doc, refs); e; e = ps_json_next(doc, e)) {
        ps_fleet_ref *x = &h->refs[h->nrefs++];
        place(b, e, &x->at);
        if (last == SIZE_MAX || !same(h->runtimes[last].home, x->at.home) ||
            !same(h->runtimes[last].runtime, x->at.runtime))
            last = runtime_of(h, x->at.home, x->at.runtime);
        x->runtime = last;
        x->host = str(b, e, "host");
        x->port = num(b, e, "port", -1);
        x->role = str(b, e, "role");
        x->what = str(b, e, "what");
        x->local = ps_json_get(doc, e, "local")->type == PS_JSON_TRUE;
    }
    return 0;
}

static void host_free(ps_fleet_host *h)
{
    free(h->names);
    for (size_t i = 0; i < h->nruntimes; i++)
        free(h->runtimes[i].listeners);
    free(h->runtimes);
    free(h->refs);
    ps_arena_free(&h->strings);
    *h = (ps_fleet_host){0};
}

static int read_host(builder *b, const ps_json_node *root, const ps_catalog *cat)
{
    const reader *r = &b->r;
    if (check_object(r, root, "the facts document", FIELDS(doc_fields)) < 0)
        return -1;
    const ps_json_node *format = ps_json_get(r->doc, root, "format");
    if (format->integer != PS_FACTS_FORMAT)
        return ps_json_error(r->doc, format, r->err, r->source,
                             "facts format %lld: this portshift reads format %d", format->integer,
                             PS_FACTS_FORMAT);
    const ps_json_node *host = ps_json_get(r->doc, root, "host");
    if (check_object(r, host, "host", FIELDS(host_fields)) < 0 || read_names(b, host) < 0 ||
        read_homes(b, ps_json_get(r->doc, root, "homes"), cat) < 0 ||
        read_refs(b, ps_json_get(r->doc, root, "references")) < 0)
        return -1;
    return b->oom ? ps_error_oom(r->err) : 0;
}

/* ---- the names index ---- */

struct ps_fleet_name {
    const char *name;
    size_t host;
};

static int cmp_name(const char *name, size_t host, const struct ps_fleet_name *e)
{
    int c = strcasecmp(name, e->name);
    return c ? c : (host > e->host) - (host < e->host);
}

/* The first entry not before (name, host). */
static size_t lower_bound(const ps_fleet *f, const char *name, size_t host)
{
    size_t lo = 0, hi = f->nindex;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_name(name, host, &f->index[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Adds host `h`'s names to the index; -1 (the index as it was) when out of memory. */
static int index_host(ps_fleet *f, size_t h)
{
    const ps_fleet_host *host = &f->hosts[h];
    size_t need = f->nindex + host->nnames;
    if (ps_reserve((void **)&f->index, &f->capindex, need, sizeof *f->index) < 0)
        return -1;
    for (size_t i = 0; i < host->nnames; i++) {
        size_t at = lower_bound(f, host->names[i], h);
        if (at < f->nindex && cmp_name(host->names[i], h, &f->index[at]) == 0)
            continue; /* two homes configure one name: one claim */
        memmove(&f->index[at + 1], &f->index[at], (f->nindex - at) * sizeof *f->index);
        f->index[at] = (struct ps_fleet_name){host->names[i], h};
        f->nindex++;
    }
    return 0;
}

int ps_fleet_add(ps_fleet *f, const char *source, const char *data, size_t len,
                 const ps_catalog *cat, ps_error *err)
{
    ps_json doc;
    if (ps_json_parse(&doc, source, data, len, err) < 0)
        return -1;
    ps_fleet_host h = {0};
    builder b = {{&doc, source, err}, &h, 0};
    int rc =
        (h.source = ps_arena_strndup(&h.strings, source, strlen(source))) ? 0 : ps_error_oom(err);
    if (rc == 0)
        rc = read_host(&b, &doc.nodes[0], cat);
    ps_json_free(&doc);
    if (rc == 0 &&
        ps_reserve((void **)&f->hosts, &f->caphosts, f->nhosts + 1, sizeof *f->hosts) < 0)
        rc = ps_error_oom(err);
    if (rc < 0) {
        host_free(&h);
        return -1;
    }
    f->hosts[f->nhosts++] = h;
    if (index_host(f, f->nhosts - 1) < 0) {
        f->nhosts--;
        host_free(&h);
        return ps_error_oom(err);
    }
    return 0;
}

int ps_fleet_add_file(ps_fleet *f, const char *path, const ps_catalog *cat, ps_error *err)
{
    char *data;
    size_t len;
    if (ps_file_read(path, &data, &len, err) < 0)
        return -1;
    int rc = ps_fleet_add(f, path, data, len, cat, err);
    free(data);
    return rc;
}

void ps_fleet_free(ps_fleet *f)
{
    for (size_t i = 0; i < f->nhosts; i++)
        host_free(&f->hosts[i]);
    free(f->hosts);
    free(f->index);
    *f = (ps_fleet){0};
}

/* ---- resolving ---- */

int ps_fleet_loopback(const char *host)
{
    return *host == '$' || strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
           strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0 || strcmp(host, "0.0.0.0") == 0;
}

static int plays(const ps_fleet_runtime *rt, const char *role)
{
    return !role || (rt->product && ps_strlist_has(&rt->product->roles, role));
}

/* Its port at offset k (ps_listener_port's rule: a fixed port never moves). */
static long port_at(const ps_fleet_listener *l, long k)
{
    return l->shift == PS_SHIFT_FIXED ? l->base : l->base + k;
}

/* Of host h's runtimes that play `role`: a listener on `port` (OWNED), else
 * the listeners whose port at offset 0 or at their product's default is
 * `port`, when they all listen on one port now (STALE), else NOBODY. */
static void owner_on(ps_remote *out, const ps_fleet_host *h, long port, const char *role)
{
    const ps_fleet_runtime *meant_rt = NULL;
    const ps_fleet_listener *meant = NULL;
    int differ = 0;
    for (size_t i = 0; i < h->nruntimes; i++) {
        const ps_fleet_runtime *rt = &h->runtimes[i];
        if (!plays(rt, role))
            continue;
        long dflt = rt->product ? rt->product->default_offset : 0;
        for (size_t k = 0; k < rt->nlisteners; k++) {
            const ps_fleet_listener *l = &rt->listeners[k];
            if (l->port == port) {
                out->kind = PS_REMOTE_OWNED;
                out->rt = rt;
                out->listener = l;
                return;
            }
            if (port_at(l, 0) != port && port_at(l, dflt) != port)
                continue;
            if (!meant) {
                meant = l;
                meant_rt = rt;
            } else if (l->port != meant->port) {
                differ = 1;
            }
        }
    }
    if (meant && !differ) {
        out->kind = PS_REMOTE_STALE;
        out->rt = meant_rt;
        out->listener = meant;
        out->should = meant->port;
    } else {
        out->kind = PS_REMOTE_NOBODY;
    }
}

void ps_fleet_resolve(ps_remote *out, const ps_fleet *f, size_t self, const char *host, long port,
                      const char *role)
{
    *out = (ps_remote){.kind = PS_REMOTE_LOCAL, .host = SIZE_MAX, .should = -1};
    if (!host || ps_fleet_loopback(host))
        return;
    size_t claimer = SIZE_MAX, claims = 0;
    for (size_t i = lower_bound(f, host, 0);
         i < f->nindex && strcasecmp(host, f->index[i].name) == 0; i++)
        if (f->index[i].host != self) {
            claimer = f->index[i].host;
            claims++;
        }
    if (claims == 0) {
        out->kind = PS_REMOTE_UNKNOWN;
        return;
    }
    if (claims > 1) {
        out->kind = PS_REMOTE_AMBIGUOUS;
        out->nclaims = claims;
        return;
    }
    out->host = claimer;
    if (port < 0) {
        out->kind = PS_REMOTE_OWNED; /* a ${...} port: read where it runs */
        return;
    }
    owner_on(out, &f->hosts[claimer], port, role);
}

const char *ps_remote_kind_name(ps_remote_kind k)
{
    static const char *const names[] = {"local", "unknown", "ambiguous",
                                        "owned", "stale",   "nobody"};
    return names[k];
}
