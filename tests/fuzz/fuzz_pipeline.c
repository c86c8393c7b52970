/*
 * libFuzzer target for the whole pipeline: the input is a small home (a
 * carbon.xml, a deployment.toml, a .properties file, an XML file with local
 * references, or any other file a home holds), written to a scratch folder
 * and taken through detect, load, sites, plan, the reports, render and diff,
 * the way `portshift diff` and `plan` do, without the CLI around them.
 *
 * Input layout (tests/fuzz/pack_home.sh writes it from a folder):
 *
 *   byte 0   the target offset (0-255)
 *   byte 1   bit 0: a target is given (else every runtime keeps its offset);
 *            bit 1: it is the target of the home's second runtime (an EI
 *            profile, HOME/wso2/<profile>=N) instead of the home's
 *   then parts separated by SEP:
 *     the home folder's name (a product prefix and version: wso2am-2.6.0)
 *     every further part one file: its path under the home, '\n', its bytes
 *
 * Names and paths are reduced to [A-Za-z0-9._-] components without "." or
 * "..", so nothing is written outside the scratch folder (one per process,
 * in /dev/shm when there is one). A crash, a leak, undefined behaviour, an
 * "internal error" from any stage, or an apply that the next run would change
 * again (the rendered files, written back, must plan no edit and read the
 * target) is a finding.
 *
 *   tests/fuzz/run.sh [SECONDS] [pipeline|parsers]...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "host/host.h"
#include "report/diff.h"
#include "report/report.h"
#include "plan/plan.h"
#include "render/render.h"

#include "../support/tree.h"
#include "../support/xalloc.h"

#include "fuzz.h"

#define SEP "\n--8<--\n"
#define MAX_FILES 16
#define MAX_DEPTH 8
#define MAX_NAME 64

enum { TARGET_GIVEN = 1, TARGET_PROFILE = 2 };

static char *scratch;
static ps_catalog *catalog;

static void remove_scratch(void)
{
    if (scratch)
        tree_remove(scratch);
}

/* A finding aborts, which libFuzzer and CTest report; the scratch folder goes first. */
#define FINDING(...)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "fuzz_pipeline: " __VA_ARGS__);                                            \
        fputc('\n', stderr);                                                                       \
        remove_scratch();                                                                          \
        abort();                                                                                   \
    } while (0)

static void cleanup(void)
{
    remove_scratch();
    free(scratch);
    ps_catalog_free(catalog);
}

static void setup(void)
{
    /* A RAM disk when there is one: every input writes a home and removes it. */
    const char *tmp = getenv("TMPDIR");
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp";
    char *tpl = xasprintf("%s/portshift-fuzz.XXXXXX", base);
    ps_error err;
    if (!mkdtemp(tpl)) {
        fprintf(stderr, "fuzz_pipeline: cannot create a folder under %s: %s\n", base,
                strerror(errno));
        exit(1);
    }
    scratch = tpl;
    if (ps_catalog_builtin(&catalog, &err) < 0)
        FINDING("the builtin catalog does not load: %s", err.message);
    atexit(cleanup);
#ifdef PS_SANITIZED
    __sanitizer_set_death_callback(remove_scratch); /* a sanitizer's report ends the process */
#endif
}

/* One path component: bytes outside [A-Za-z0-9._-] become '_'; "." and ".." are dropped. */
static char *component(const char *p, size_t n)
{
    if (n > MAX_NAME)
        n = MAX_NAME;
    if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return NULL;
    char *c = xstrndup(p, n);
    for (size_t i = 0; i < n; i++)
        if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z') ||
              (c[i] >= '0' && c[i] <= '9') || c[i] == '.' || c[i] == '_' || c[i] == '-'))
            c[i] = '_';
    return c;
}

/* Writes one "path\nbytes" part under `home`, making its folders; a path that
 * cannot be made (a file where a folder should be) is skipped. */
static void write_part(const char *home, const char *part, size_t len)
{
    const char *nl = memchr(part, '\n', len);
    size_t plen = nl ? (size_t)(nl - part) : len;
    const char *body = nl ? nl + 1 : part + len;
    char *path = xstrdup(home);
    int depth = 0;
    for (size_t i = 0; i < plen && depth < MAX_DEPTH;) {
        size_t j = i;
        while (j < plen && part[j] != '/')
            j++;
        char *c = component(part + i, j - i);
        i = j + 1;
        if (!c)
            continue;
        if (depth++)
            mkdir(path, 0755);
        char *next = ps_path_join(path, c);
        free(c);
        free(path);
        path = next;
    }
    if (depth) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) {
            size_t n = (size_t)(part + len - body);
            if (n && write(fd, body, n) != (ssize_t)n)
                FINDING("cannot write %s: %s", path, strerror(errno));
            close(fd);
        }
    }
    free(path);
}

static const char *find_sep(const char *p, const char *end)
{
    size_t n = strlen(SEP);
    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, SEP, n) == 0)
            return p;
    return NULL;
}

/* Writes the home the input describes; returns its path (caller frees). */
static char *build_home(const char *data, size_t size)
{
    const char *end = data + size, *sep = find_sep(data, end);
    const char *name_end = sep ? sep : end;
    char *c = component(data, (size_t)(name_end - data));
    char *home = ps_path_join(scratch, c ? c : "home");
    free(c);
    if (mkdir(home, 0755) < 0)
        FINDING("cannot create %s: %s", home, strerror(errno));
    for (int files = 0; sep && files < MAX_FILES; files++) {
        const char *part = sep + strlen(SEP);
        sep = find_sep(part, end);
        write_part(home, part, (size_t)((sep ? sep : end) - part));
    }
    return home;
}

/* One pass over the home, holding what every stage returned. */
typedef struct pass {
    ps_host *host; /* detect, load and sites, as every command gets them */
    ps_plan *plan;
    ps_rendered *files;
    size_t nfiles;
    ps_error err;
} pass;

static void pass_free(pass *p)
{
    ps_rendered_free(p->files, p->nfiles);
    ps_plan_free(p->plan);
    ps_host_free(p->host);
}

/* A stage that fails on input it should refuse says what is wrong with the
 * input; "internal error" means the stage's own checks caught a bug. */
static int refused(pass *p)
{
    if (strncmp(p->err.message, "internal error", 14) == 0)
        FINDING("%s:%d:%d: %s", p->err.path, p->err.line, p->err.col, p->err.message);
    return -1;
}

/* The host of the one home, each runtime with the target the flags give. */
static int load(pass *p, const char *path, long target, unsigned flags)
{
    ps_home_spec spec = {path, (flags & TARGET_GIVEN) != 0, target};
    if (ps_host_load(&p->host, catalog, &spec, 1, 0, 1, &p->err) < 0)
        return refused(p);
    if ((flags & TARGET_GIVEN) && (flags & TARGET_PROFILE) && p->host->nunits > 1) {
        /* HOME/wso2/<profile>=N: the second runtime's own target, the home's none. */
        for (size_t k = 0; k < p->host->nunits; k++)
            p->host->units[k].home_has_target = 0;
        p->host->units[1].has_target = 1;
        p->host->units[1].target = target;
    }
    return 0;
}

/* What plan, ports and diff print; the text itself is not judged, only reached. */
static void report(const pass *p)
{
    ps_strbuf b = PS_STRBUF_INIT;
    for (int f = PS_FORMAT_TEXT; f <= PS_FORMAT_MARKDOWN; f++) {
        ps_report_plan(&b, p->plan, PS_REPORT_PLAN, (ps_format)f);
        ps_report_plan(&b, p->plan, PS_REPORT_PORTS, (ps_format)f);
    }
    for (size_t i = 0; i < p->nfiles; i++) {
        const ps_rendered *r = &p->files[i];
        /* A home keeps only its sites: the bytes a diff is made from are the ones render read. */
        if (ps_diff_unified(&b, r->file->rel, r->orig, r->orig_len, r->edits, r->nedits) <= 0)
            FINDING("%s: rendered with no change", r->file->path);
    }
    ps_strbuf_free(&b);
}

static int run(pass *p, const char *path, long target, unsigned flags)
{
    memset(p, 0, sizeof *p);
    if (load(p, path, target, flags) < 0)
        return -1;
    if (ps_host_plan(&p->plan, p->host, 0, &p->err) < 0)
        return refused(p);
    for (size_t i = 0; i < p->plan->nedits; i++) {
        const ps_edit *e = &p->plan->edits[i];
        if (e->span.start > e->span.end || e->span.end > e->file->len)
            FINDING("%s:%d:%d: edit span [%zu, %zu) outside the file's %zu bytes", e->file->path,
                    e->line, e->col, e->span.start, e->span.end, e->file->len);
    }
    if (ps_render(p->plan, 1, &p->files, &p->nfiles, &p->err) < 0)
        FINDING("render refused its own plan: %s:%d:%d: %s", p->err.path, p->err.line, p->err.col,
                p->err.message);
    report(p);
    return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        FINDING("cannot write %s: %s", path, strerror(errno));
    close(fd);
}

/* The rendered files, written back as apply would, are a home at the target:
 * the same call plans nothing more, and every runtime reads its target. */
static void check_applied(const pass *first, const char *path, long target, unsigned flags)
{
    for (size_t i = 0; i < first->nfiles; i++)
        write_file(first->files[i].file->path, first->files[i].data, first->files[i].len);
    pass again;
    if (run(&again, path, target, flags) < 0)
        FINDING("the applied home is refused: %s:%d:%d: %s", again.err.path, again.err.line,
                again.err.col, again.err.message);
    if (again.host->nunits != first->host->nunits)
        FINDING("the applied home has %zu runtimes, not %zu", again.host->nunits,
                first->host->nunits);
    for (size_t u = 0; u < again.host->nunits; u++)
        if (again.plan->offset[u] != first->plan->target[u])
            FINDING("runtime '%s' reads offset %ld after applying %ld",
                    again.host->units[u].rt->name, again.plan->offset[u], first->plan->target[u]);
    if (again.plan->nedits) {
        const ps_edit *e = &again.plan->edits[0];
        FINDING("applying twice edits again: %s:%d:%d: %ld -> %ld", e->file->path, e->line, e->col,
                e->old_value, e->new_value);
    }
    pass_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!scratch)
        setup();
    if (size < 2)
        return 0;
    long target = data[0];
    unsigned flags = data[1];
    char *home = build_home((const char *)data + 2, size - 2);
    pass first;
    if (run(&first, home, target, flags) == 0 && first.nfiles)
        check_applied(&first, home, target, flags);
    pass_free(&first);
    tree_remove(home);
    free(home);
    return 0;
}
