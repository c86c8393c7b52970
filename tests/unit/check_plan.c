/*
 * The planner on real cases: runtimes built in memory (tests/support/synth.h)
 * for the ownership rules of DESIGN §1 and a port pushed past 65535; the
 * project's EI fixture through the library for repair, asked in either
 * order and from two threads at once; scratch copies of corpus trees for the
 * traps the design names, stale references with and without repair, and
 * idempotence (the plan of an applied result changes nothing). A corpus
 * tree that is not there makes its case skip, saying so.
 */
#include "plan/plan.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "check/check.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/synth.h"
#include "../support/tree.h"

static const ps_plan_options plain = {0};

/* ---- ownership, in memory ---------------------------------------------- */

/*
 * An API-M at offset 0 (HTTPS 9443, a built-in broker at 5672) and an IS
 * at offset 1 (its HTTPS at 9444), a key manager. The API-M's references:
 * its own 9443 (a self reference), its key manager's 9444 (role
 * key-manager), 9444 with no role, and its own broker 5672.
 */
enum { REF_SELF, REF_KM, REF_PLAIN, REF_JMS, NREFS };

typedef struct follow_case {
    const char *label;
    long am_target, is_target; /* -1: none */
    long next[NREFS];          /* what each reference is after */
} follow_case;

/* clang-format off */
static const follow_case follows[] = {
    {"no target: nothing moves", -1, -1, {9443, 9444, 9444, 5672}},
    /* The trap: the API-M's 9443 passes over the IS's 9444; the reference
     * owned by the IS must not be captured as a self reference. */
    {"API-M to 1: its own follow it, the IS's stay", 1, -1, {9444, 9444, 9444, 5673}},
    {"IS to 3: the references to it follow, its own stay", -1, 3, {9443, 9446, 9446, 5672}},
    {"both move", 5, 6, {9448, 9449, 9449, 5677}},
    {"API-M to 1 and the IS back to 0: each follows its owner", 1, 0, {9444, 9443, 9443, 5673}},
};
/* clang-format on */

START_TEST(references_follow_their_owner)
{
    const follow_case *c = &follows[_i];
    synth *s = synth_new();
    size_t am = synth_runtime(s, "/h/am", "", "apim", 0, 0);
    synth_role(s, am, "api-manager");
    synth_listener(s, am, 9443, PS_SHIFT_AUTO, 1, 0, "am https");
    synth_listener(s, am, 5672, PS_SHIFT_AUTO, 1, 1, "am broker");
    size_t ref[NREFS];
    ref[REF_SELF] = synth_reference(s, am, 9443, NULL, 0);
    ref[REF_KM] = synth_reference(s, am, 9444, "key-manager", 0);
    ref[REF_PLAIN] = synth_reference(s, am, 9444, NULL, 0);
    ref[REF_JMS] = synth_reference(s, am, 5672, NULL, 0);
    size_t is = synth_runtime(s, "/h/is", "", "is", 1, 0);
    synth_role(s, is, "key-manager");
    synth_listener(s, is, 9443, PS_SHIFT_AUTO, 1, 0, "is https");
    if (c->am_target >= 0)
        synth_home_target(s, am, c->am_target);
    if (c->is_target >= 0)
        synth_home_target(s, is, c->is_target);
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_plan_make(&p, units, n, &plain, &err) == 0, "%s: %s", c->label, err.message);
    static const char *const names[] = {"self", "key manager", "no role", "broker"};
    static const char *const owners[] = {"am https", "is https", "is https", "am broker"};
    for (int r = 0; r < NREFS; r++) {
        const ps_decision *d = &p->decisions[am][ref[r]];
        long value = units[am].sites->items[ref[r]].value;
        ck_assert_msg(d->next == c->next[r], "%s: %s reference %ld -> %ld, want %ld", c->label,
                      names[r], value, d->next, c->next[r]);
        ck_assert_msg(d->action == (c->next[r] == value ? PS_ACT_KEEP : PS_ACT_SET),
                      "%s: %s reference: action %d", c->label, names[r], d->action);
        const ps_site *l = &units[d->owner_unit].sites->items[d->owner_site];
        ck_assert_msg(strcmp(l->what, owners[r]) == 0, "%s: %s reference follows %s", c->label,
                      names[r], l->what);
        /* An edit exactly for each reference that moves, with its new digits. */
        int edits = 0;
        for (size_t i = 0; i < p->nedits; i++)
            if (p->edits[i].unit == (int)am && p->edits[i].site == (int)ref[r]) {
                char want[16];
                snprintf(want, sizeof want, "%ld", c->next[r]);
                ck_assert_str_eq(p->edits[i].text, want);
                edits++;
            }
        ck_assert_int_eq(edits, c->next[r] != value);
    }
    ps_plan_free(p);
    synth_free(s);
}
END_TEST

/* Two ISs at offset 1, both key managers: the API-M's reference to 9444
 * follows them while they move together, and is ambiguous (left alone, no
 * edit) when they move apart; check calls it ambiguous as they are. */
START_TEST(owners_moving_apart_leave_it_alone)
{
    static const struct {
        long t1, t2;
        ps_action action;
        long next;
    } rows[] = {{-1, -1, PS_ACT_KEEP, 9444},
                {2, 2, PS_ACT_SET, 9445},
                {2, 3, PS_ACT_AMBIGUOUS, 9444},
                {-1, 3, PS_ACT_AMBIGUOUS, 9444}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        synth *s = synth_new();
        size_t am = synth_runtime(s, "/h/am", "", "apim", 0, 0);
        synth_listener(s, am, 9443, PS_SHIFT_AUTO, 1, 0, "am https");
        size_t ref = synth_reference(s, am, 9444, "key-manager", 0);
        size_t is[2];
        long t[2] = {rows[i].t1, rows[i].t2};
        for (int k = 0; k < 2; k++) {
            is[k] = synth_runtime(s, k ? "/h/is2" : "/h/is1", "", "is", 1, 0);
            synth_role(s, is[k], "key-manager");
            synth_listener(s, is[k], 9443, PS_SHIFT_AUTO, 1, 0, "is https");
            if (t[k] >= 0)
                synth_home_target(s, is[k], t[k]);
        }
        size_t n;
        const ps_unit *units = synth_units(s, &n);
        ps_plan *p;
        ps_error err = {{0}, 0, 0, {0}};
        ck_assert_int_eq(ps_plan_make(&p, units, n, &plain, &err), 0);
        const ps_decision *d = &p->decisions[am][ref];
        ck_assert_msg(d->action == rows[i].action, "row %zu: action %d", i, d->action);
        ck_assert_int_eq(d->next, rows[i].next);
        for (size_t e = 0; e < p->nedits; e++)
            ck_assert(!(p->edits[e].unit == (int)am && p->edits[e].site == (int)ref &&
                        rows[i].action != PS_ACT_SET));
        ps_plan_free(p);
        ps_check *c;
        ck_assert_int_eq(ps_check_make(&c, units, n, NULL, &err), 0);
        /* (the two ISs also clash: both open 9444) */
        size_t ambiguous = 0;
        for (size_t k = 0; k < c->count; k++) {
            const ps_finding *f = &c->items[k];
            if (f->kind != PS_FINDING_AMBIGUOUS)
                continue;
            ambiguous++;
            ck_assert(!f->note);
            ck_assert_int_eq(f->port, 9444);
            ck_assert_uint_eq(f->nparties, 3); /* the reference and both ISs */
        }
        ck_assert_uint_eq(ambiguous, 1);
        ps_check_free(c);
        synth_free(s);
    }
}
END_TEST

/* A target that pushes a listener past 65535: nothing planned, PS_ERANGE at
 * the listener's path:line:col, naming the numbers; an inactive listener
 * counts (it must be right when switched on), a built-in one is reported at
 * its home. */
START_TEST(a_port_past_65535_refuses_the_target)
{
    static const struct {
        int active, built_in;
        long target;
        const char *path;
        int line;
        const char *message;
    } rows[] = {
        {1, 0, 600, "/h/am/main.xml", 3, "offset 600 moves high 65000 to 65600, past 65535"},
        {0, 0, 536, "/h/am/main.xml", 3, "offset 536 moves high 65000 to 65536, past 65535"},
        {1, 1, 1000, "/h/am", 3, "offset 1000 moves high 65000 to 66000, past 65535"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        synth *s = synth_new();
        size_t am = synth_runtime(s, "/h/am", "", "apim", 0, 0);
        synth_listener(s, am, 9443, PS_SHIFT_AUTO, 1, 0, "https");
        synth_listener(s, am, 65000, PS_SHIFT_AUTO, rows[i].active, rows[i].built_in, "high");
        synth_home_target(s, am, rows[i].target);
        size_t n;
        const ps_unit *units = synth_units(s, &n);
        ps_plan *p = NULL;
        ps_error err = {{0}, 0, 0, {0}};
        ck_assert_int_eq(ps_plan_make(&p, units, n, &plain, &err), -1);
        ck_assert_int_eq(ps_error_last(), PS_ERANGE);
        ck_assert_str_eq(err.path, rows[i].path);
        ck_assert_int_eq(err.line, rows[i].line);
        ck_assert_int_eq(err.col, 1);
        ck_assert_str_eq(err.message, rows[i].message);
        synth_free(s);
    }
    /* One below the limit is planned. */
    synth *s = synth_new();
    size_t am = synth_runtime(s, "/h/am", "", "apim", 0, 0);
    synth_listener(s, am, 65000, PS_SHIFT_AUTO, 1, 0, "high");
    synth_home_target(s, am, 535);
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_plan_make(&p, units, n, &plain, &err), 0);
    ck_assert_int_eq(p->decisions[am][1].next, 65535);
    ps_plan_free(p);
    synth_free(s);
    /* A runtime already past it (its files at offset 600): check cannot
     * judge it either, and says where, as the planner does. */
    s = synth_new();
    am = synth_runtime(s, "/h/am", "", "apim", 600, 0);
    synth_listener(s, am, 65000, PS_SHIFT_AUTO, 1, 0, "high");
    units = synth_units(s, &n);
    ps_check *c = NULL;
    ck_assert_int_eq(ps_check_make(&c, units, n, NULL, &err), -1);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(ps_error_last(), PS_ERANGE);
    ck_assert_str_eq(err.path, "/h/am/main.xml");
    ck_assert_int_eq(err.line, 2);
    ck_assert_str_eq(err.message, "offset 600 moves high 65000 to 65600, past 65535");
    synth_free(s);
}
END_TEST

/* ---- repair asked per call ----------------------------------------------- */

/* An EI home: integrator at 0, business process at 2, broker at 3; the two
 * profiles ship redirectPort 9443 while they listen on 9445 and 9446. */
#define EI_MINI PS_SOURCE_DIR "/tests/fixtures/cli/ei-mini"

/* A plan's changes as one text: path:line:col old -> new (why), a line each. */
static char *changes_text(const ps_plan *p)
{
    size_t cap = 4096, len = 0;
    char *out = calloc(1, cap);
    ck_assert_ptr_nonnull(out);
    ps_error err = {{0}, 0, 0, {0}};
    for (size_t i = 0; i < ps_plan_change_count(p); i++) {
        ps_change c;
        ck_assert_int_eq(ps_plan_change(&c, p, i, &err), 0);
        int need = snprintf(NULL, 0, "%s:%d:%d %ld -> %ld (%s)\n", c.path, c.line, c.col,
                            c.old_value, c.new_value, c.why);
        while (len + (size_t)need + 1 > cap)
            out = realloc(out, cap *= 2);
        len += (size_t)snprintf(out + len, cap - len, "%s:%d:%d %ld -> %ld (%s)\n", c.path, c.line,
                                c.col, c.old_value, c.new_value, c.why);
        free(c.why);
    }
    return out;
}

/* A scratch folder holding a copy of the EI fixture, at home[0..len). */
static char *ei_copy(char *home, size_t len)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    snprintf(home, len, "%s/ei", dir);
    ck_assert_int_eq(tree_copy(EI_MINI, home), 0);
    return dir;
}

static ps_host *open_ei(const char *home, int has_target, long target)
{
    ps_home_spec spec = {home, has_target, target};
    ps_host *h = NULL;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_open(&h, &spec, 1, 0, &err) == 0, "%s: %s", err.path, err.message);
    return h;
}

static char *plan_text(ps_host *h, unsigned flags)
{
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_plan(&p, h, flags, &err) == 0, "%s", err.message);
    char *t = changes_text(p);
    ps_plan_free(p);
    return t;
}

/* The same host planned with and without PS_PLAN_REPAIR, in either order,
 * gives the same two plans: the flag is the call's, not the host's. With a
 * target (the home to 5) and without. */
START_TEST(repair_is_the_calls_in_either_order)
{
    char home[4200];
    char *dir = ei_copy(home, sizeof home);
    for (int target = 0; target < 2; target++) {
        char *want[2] = {NULL, NULL}; /* without, with repair */
        for (int order = 0; order < 2; order++) {
            ps_host *h = open_ei(home, target, 5);
            /* One host, planned four times: order 0 plain first, 1 repair first. */
            for (int k = 0; k < 4; k++) {
                int with = (k + order) % 2;
                char *got = plan_text(h, with ? PS_PLAN_REPAIR : 0);
                if (!want[with])
                    want[with] = got;
                else {
                    ck_assert_msg(strcmp(got, want[with]) == 0,
                                  "target %d, order %d, call %d (%s repair):\n%s\nwant:\n%s",
                                  target, order, k, with ? "with" : "without", got, want[with]);
                    free(got);
                }
            }
            ps_host_free(h);
        }
        /* Without repair the stale redirectPorts stay; with it both are set. */
        size_t lines[2] = {0, 0};
        for (int with = 0; with < 2; with++)
            for (const char *c = want[with]; *c; c++)
                lines[with] += *c == '\n';
        ck_assert_msg(strstr(want[0], "stale") == NULL, "%s", want[0]);
        ck_assert_uint_eq(lines[1], lines[0] + 2);
        ck_assert_msg(strstr(want[1], "/ei/wso2/broker/conf/tomcat/catalina-server.xml:") != NULL,
                      "%s", want[1]);
        ck_assert_msg(strstr(want[1], target ? "9443 -> 9451 (stale: means"
                                             : "9443 -> 9446 (stale: means") != NULL,
                      "%s", want[1]);
        if (!target)
            ck_assert_uint_eq(lines[0], 0);
        free(want[0]);
        free(want[1]);
    }
    tree_remove(dir);
    free(dir);
}
END_TEST

typedef struct planner {
    ps_host *h;
    unsigned flags;
    size_t want;
    int wrong; /* plans with another number of changes */
    pthread_barrier_t *start;
} planner;

static void *plan_often(void *arg)
{
    planner *t = arg;
    pthread_barrier_wait(t->start); /* both at once, not one after the other */
    /* A plan takes tens of microseconds, a flag written into the host is
     * read late in it: many plans make the window show (a few in 20000
     * came out wrong when the host held the flag); at most 3 s, for the
     * sanitizer builds. */
    time_t until = time(NULL) + 3;
    for (int i = 0; i < 20000 && time(NULL) < until; i++) {
        ps_plan *p;
        ps_error err = {{0}, 0, 0, {0}};
        if (ps_host_plan(&p, t->h, t->flags, &err) < 0 || ps_plan_change_count(p) != t->want)
            t->wrong++;
        ps_plan_free(p);
    }
    return NULL;
}

/* Two threads plan one host at once, one with repair and one without: each
 * gets its own answer every time (the host is only read). */
START_TEST(two_threads_plan_one_host)
{
    char home[4200];
    char *dir = ei_copy(home, sizeof home);
    ps_host *h = open_ei(home, 0, 0);
    pthread_barrier_t start;
    ck_assert_int_eq(pthread_barrier_init(&start, NULL, 2), 0);
    planner t[2] = {{h, 0, 0, 0, &start}, {h, PS_PLAN_REPAIR, 2, 0, &start}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, plan_often, &t[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    ck_assert_msg(t[0].wrong == 0, "%d plans without repair came out wrong", t[0].wrong);
    ck_assert_msg(t[1].wrong == 0, "%d plans with repair came out wrong", t[1].wrong);
    ps_host_free(h);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* ---- corpus trees ------------------------------------------------------------ */

/* A scratch copy of corpus tree `tree`, or NULL (the case skipped) when the
 * corpus lacks it. */
static char *corpus_home(const char *test, const char *tree, char **scratch)
{
    if (!corpus_has(tree)) {
        char why[256];
        snprintf(why, sizeof why, "corpus tree %s not found", tree);
        case_skipped(test, why);
        return NULL;
    }
    *scratch = corpus_scratch(tree, "home");
    size_t len = strlen(*scratch) + sizeof "/home";
    char *home = malloc(len);
    ck_assert_ptr_nonnull(home);
    snprintf(home, len, "%s/home", *scratch);
    return home;
}

static cli_result run(const char *cwd, const char *fmt, const char *home)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, fmt, home);
    return cli_run(cwd, cmd);
}

/* ESB 4.9's tasks-config.xml names a load balancer at https://localhost:9448:
 * no runtime of the call owns it, so it stays while the home moves, also once
 * the home's own HTTPS reaches 9448 (offset 5) and passes it (offset 6). */
START_TEST(trap_task_dispatch_address_is_not_captured)
{
    char *scratch;
    char *home =
        corpus_home("trap_task_dispatch_address_is_not_captured", "wso2esb-4.9.0", &scratch);
    if (!home)
        return;
    char tasks[4400];
    snprintf(tasks, sizeof tasks, "%s/repository/conf/etc/tasks-config.xml", home);
    char *before = file_text(tasks);
    ck_assert(strstr(before, "<taskClientDispatchAddress>https://localhost:9448<") != NULL);
    static const char *const steps[] = {"apply --offset 5 %s", "apply --offset 6 %s",
                                        "apply --offset 0 %s"};
    for (size_t i = 0; i < 3; i++) {
        cli_result r = run(scratch, steps[i], home);
        ck_assert_msg(r.status == 0, "%s: exit %d: %s", steps[i], r.status, r.err);
        cli_result_free(&r);
        char *now = file_text(tasks);
        ck_assert_msg(strcmp(now, before) == 0, "%s changed tasks-config.xml", steps[i]);
        free(now);
    }
    free(before);
    free(home);
    scratch_done(scratch);
}
END_TEST

/* EI 6.1.1: the profiles' redirectPort 9443 are stale. check finds them;
 * a plan without repair leaves them, with repair sets them; after
 * `apply --repair` nothing is stale and no plan changes anything. */
START_TEST(stale_references_with_and_without_repair)
{
    char *scratch;
    char *home = corpus_home("stale_references_with_and_without_repair", "wso2ei-6.1.1", &scratch);
    if (!home)
        return;
    ps_host *h = open_ei(home, 0, 0);
    ps_check *c;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_host_check(&c, h, 0, &err), 0);
    size_t stale = 0;
    for (size_t i = 0; i < ps_check_count(c); i++) {
        const ps_finding *f = ps_check_get(c, i);
        if (f->kind != PS_FINDING_STALE)
            continue;
        stale++;
        ck_assert_int_eq(f->port, 9443);
        ck_assert(strstr(f->parties[0].file, "tomcat/catalina-server.xml") != NULL);
    }
    ps_check_free(c);
    ck_assert_uint_gt(stale, 0);
    char *without = plan_text(h, 0), *with = plan_text(h, PS_PLAN_REPAIR);
    ck_assert_msg(strstr(without, "stale") == NULL, "%s", without);
    size_t repaired = 0;
    for (const char *at = with; (at = strstr(at, "(stale: means ")); at++)
        repaired++;
    ck_assert_uint_eq(repaired, stale);
    free(without);
    free(with);
    ps_host_free(h);

    cli_result r = run(scratch, "apply --repair %s", home);
    ck_assert_msg(r.status == 0, "apply --repair: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    h = open_ei(home, 0, 0);
    ck_assert_int_eq(ps_host_check(&c, h, 0, &err), 0);
    for (size_t i = 0; i < ps_check_count(c); i++)
        ck_assert_int_ne(ps_check_get(c, i)->kind, PS_FINDING_STALE);
    ps_check_free(c);
    char *again = plan_text(h, PS_PLAN_REPAIR);
    ck_assert_msg(*again == '\0', "after apply --repair:\n%s", again);
    free(again);
    ps_host_free(h);
    free(home);
    scratch_done(scratch);
}
END_TEST

/* An offset that pushes a port past 65535, through the CLI on a corpus
 * tree: exit 2, one line `portshift: path:line:col: error: ...` whose
 * position holds the digits of the port it names, and nothing written. */
START_TEST(a_port_past_65535_on_a_corpus_tree)
{
    char *scratch;
    char *home =
        corpus_home("a_port_past_65535_on_a_corpus_tree", "wso2carbon-kernel-4.4.9", &scratch);
    if (!home)
        return;
    snapshot before, after;
    snapshot_take(&before, home);
    static const char *const cmds[] = {"plan --offset 60000 %s", "apply --offset 60000 %s"};
    for (size_t i = 0; i < 2; i++) {
        cli_result r = run(scratch, cmds[i], "home"); /* paths in messages: under scratch */
        ck_assert_msg(r.status == 2, "%s: exit %d", cmds[i], r.status);
        ck_assert_str_eq(r.out, "");
        /* portshift: FILE:LINE:COL: error: offset 60000 moves WHAT VALUE to PORT, past 65535 */
        char file[4200];
        int line, col;
        ck_assert_msg(sscanf(r.err, "portshift: %4199[^:]:%d:%d: error: ", file, &line, &col) == 3,
                      "%s", r.err);
        ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);
        const char *to = strstr(r.err, " to ");
        ck_assert_msg(strstr(r.err, "error: offset 60000 moves ") && to &&
                          strstr(to, ", past 65535\n"),
                      "%s", r.err);
        const char *digits = to;
        while (digits > r.err && digits[-1] != ' ')
            digits--;
        long value = strtol(digits, NULL, 10), port = strtol(to + 4, NULL, 10);
        ck_assert_int_eq(port, value + 60000);
        ck_assert_int_gt(port, 65535);
        char path[8500];
        snprintf(path, sizeof path, "%s/%s", scratch, file);
        char *text = file_text(path), *at = text;
        for (int l = 1; l < line && at; l++)
            at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
        ck_assert_ptr_nonnull(at);
        ck_assert_msg(strtol(at + col - 1, NULL, 10) == value, "%s:%d:%d does not hold %ld", file,
                      line, col, value);
        free(text);
        cli_result_free(&r);
    }
    snapshot_take(&after, home);
    char *d = snapshot_diff(&before, &after);
    ck_assert_msg(d == NULL, "written: %s", d);
    snapshot_free(&before);
    snapshot_free(&after);
    free(home);
    scratch_done(scratch);
}
END_TEST

/* Idempotence: after `apply --offset 3`, the plan at 3 (and with no target)
 * changes nothing, and `diff --offset 3` says so (exit 0, no output). */
static const char *const idempotent_trees[] = {"wso2esb-4.9.0", "wso2ei-6.1.1", "wso2ei-6.6.0",
                                               "wso2am-2.6.0",  "wso2am-4.2.0", "wso2mi-1.2.0",
                                               "wso2mb-3.2.0"};

START_TEST(the_applied_result_plans_nothing)
{
    const char *tree = idempotent_trees[_i];
    char *scratch;
    char *home = corpus_home("the_applied_result_plans_nothing", tree, &scratch);
    if (!home)
        return;
    cli_result r = run(scratch, "apply --offset 3 %s", home);
    ck_assert_msg(r.status == 0, "%s: apply: exit %d: %s", tree, r.status, r.err);
    cli_result_free(&r);
    for (int target = 0; target < 2; target++) {
        ps_host *h = open_ei(home, target, 3);
        char *again = plan_text(h, 0);
        ck_assert_msg(*again == '\0', "%s: plan after apply (target %d):\n%s", tree, target, again);
        free(again);
        ps_host_free(h);
    }
    r = run(scratch, "diff --offset 3 %s", home);
    ck_assert_msg(r.status == 0 && *r.out == '\0', "%s: diff after apply: exit %d:\n%s", tree,
                  r.status, r.out);
    cli_result_free(&r);
    free(home);
    scratch_done(scratch);
}
END_TEST

/* ---- through the CLI -------------------------------------------------------- */

/* api-manager.xml: plain and analytics-role references to 9443, alternating.
 * The digits: line 2, 4 spaces, <Plain> (7) and https://localhost: (18), col 30;
 * line 3, 4 + <Analytics> (11) + <DASServerURL> (14) + 18, col 48; line 4 as
 * line 2; line 5, 4 + 11 + <DASRestApiURL> (15) + 18, col 49. The owner
 * answered for one reference is remembered per port: references to one
 * port that differ in role, interleaved in one file, each get their own. */
static const char api_manager[] =
    "<APIManager>\n"
    "    <Plain>https://localhost:9443/a</Plain>\n"
    "    <Analytics><DASServerURL>https://localhost:9443/das</DASServerURL></Analytics>\n"
    "    <Plain>https://localhost:9443/b</Plain>\n"
    "    <Analytics><DASRestApiURL>https://localhost:9443/rest</DASRestApiURL></Analytics>\n"
    "</APIManager>\n";

START_TEST(interleaved_roles_each_get_their_owner)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    char home[4200], file[4300];
    snprintf(home, sizeof home, "%s/apim", dir);
    ck_assert_int_eq(tree_copy(PS_SOURCE_DIR "/tests/fixtures/cli/apim-gw", home), 0);
    snprintf(file, sizeof file, "%s/repository/conf/api-manager.xml", home);
    FILE *fp = fopen(file, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(api_manager, fp);
    ck_assert_int_eq(fclose(fp), 0);

    cli_result r = cli_run(dir, "plan --offset 3 apim");
    ck_assert_msg(r.status == 0, "plan: exit %d: %s", r.status, r.err);
    static const char *const want[] = {
        "repository/conf/api-manager.xml:2:30: reference 9443: follows servlet transport (Tomcat "
        "connector) 9443 -> 9446 (this runtime)\n",
        "repository/conf/api-manager.xml:3:48: reference 9443, role analytics: no runtime in "
        "this call listens on it, left alone\n",
        "repository/conf/api-manager.xml:4:30: reference 9443: follows servlet transport (Tomcat "
        "connector) 9443 -> 9446 (this runtime)\n",
        "repository/conf/api-manager.xml:5:49: reference 9443, role analytics: no runtime in "
        "this call listens on it, left alone\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        ck_assert_msg(strstr(r.out, want[i]) != NULL, "plan lacks '%s':\n%s", want[i], r.out);
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("ownership");
    tcase_add_loop_test(tc, references_follow_their_owner, 0, N(follows));
    tcase_add_test(tc, owners_moving_apart_leave_it_alone);
    tcase_add_test(tc, a_port_past_65535_refuses_the_target);
    tcase_add_test(tc, interleaved_roles_each_get_their_owner);
    suite_add_tcase(s, tc);
    tc = tcase_create("options");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, repair_is_the_calls_in_either_order);
    tcase_add_test(tc, two_threads_plan_one_host);
    suite_add_tcase(s, tc);
    tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, trap_task_dispatch_address_is_not_captured);
    tcase_add_test(tc, stale_references_with_and_without_repair);
    tcase_add_test(tc, a_port_past_65535_on_a_corpus_tree);
    tcase_add_loop_test(tc, the_applied_result_plans_nothing, 0, N(idempotent_trees));
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
