/*
 * batch (src/batch), from runtimes built in memory: which offset each home
 * gets (kept when it fits among the homes named before it, else the
 * smallest from `first` that fits), --avoid ranges, EI profiles keeping
 * their spacing, Carbon 5 runtimes staying, offsets that would push a port
 * past 65535 or a runtime below 0 ruled out, fixed listeners rewritten
 * (or, in a generated file, a note), the answer the same twice and the same
 * for the homes before one that is added; homes that fit nowhere named with
 * the reason; the ports listening on this host (a folder laid out like
 * /proc); and the plan of the answer.
 */
#include "batch/batch.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fakeproc.h"
#include "../support/runner.h"
#include "../support/synth.h"
#include "../support/tree.h"
#include "plan/plan.h"

static ps_batch *choose_ok(synth *s, const ps_batch_options *o, const char *proc)
{
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_batch *b;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_batch_make(&b, units, n, o, proc, &err) == 0, "%s: %s", err.path, err.message);
    return b;
}

/* The error of a batch that must fail. */
static ps_error choose_fails(synth *s, const ps_batch_options *o)
{
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_batch *b = (ps_batch *)s; /* must be left NULL */
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_batch_make(&b, units, n, o, NULL, &err), -1);
    ck_assert_ptr_null(b);
    return err;
}

static long offset_of(const ps_batch *b, size_t home)
{
    ps_assignment a;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_batch_assignment(&a, b, home, &err), 0);
    return a.offset;
}

/* A home of one runtime at `offset`, with an active auto listener at base `port`. */
static size_t home_at(synth *s, const char *name, long offset, long port, const char *what)
{
    size_t u = synth_runtime(s, name, "", "carbon", offset, 0);
    synth_listener(s, u, port, PS_SHIFT_AUTO, 1, 0, what);
    return u;
}

/* ---- where each home goes ---- */

#define MAX_HOMES 3
#define MAX_PORTS 4

/* A home with one runtime at `offset` and active auto listeners at base ports[] (0 ends). */
typedef struct home_spec {
    long offset;
    long ports[MAX_PORTS];
} home_spec;

/* clang-format off */
static const struct search_case {
    const char *label;
    home_spec homes[MAX_HOMES];
    long first;
    ps_port_range avoid[2];
    long want[MAX_HOMES]; /* -1 after the last home */
} search_cases[] = {
    {"alone: kept", {{0, {9443}}}, 0, {{0, 0}}, {0, -1}},
    {"two copies: the second moves by one", {{0, {9443, 9763}}, {0, {9443, 9763}}}, 0, {{0, 0}},
     {0, 1, -1}},
    {"a home at an offset that fits keeps it", {{0, {9443}}, {5, {9443}}}, 0, {{0, 0}}, {0, 5, -1}},
    {"one that must move takes the smallest from first", {{0, {9443}}, {0, {9443}}}, 10,
     {{0, 0}}, {0, 10, -1}},
    {"first does not move a home that fits", {{3, {9443}}}, 10, {{0, 0}}, {3, -1}},
    {"first may be below the current offset", {{7, {9443}}, {7, {9443}}}, 0, {{0, 0}},
     {7, 0, -1}},
    {"a port to avoid", {{0, {9443}}}, 0, {{9443, 9443}}, {1, -1}},
    {"a range to avoid", {{0, {9443}}}, 0, {{9443, 9450}}, {8, -1}},
    {"two ranges", {{0, {9443, 8280}}}, 0, {{9443, 9444}, {8282, 8290}}, {11, -1}},
    {"a home's own ports at the next offset", {{0, {9443, 9444}}, {0, {9443, 9444}}}, 0,
     {{0, 0}}, {0, 2, -1}},
    {"homes before, not after, decide", {{0, {9443}}, {1, {9443}}, {0, {9444}}}, 0, {{0, 0}},
     {0, 1, 1}},
    {"different ports, no move", {{0, {9443}}, {0, {8280}}, {0, {5672}}}, 0, {{0, 0}},
     {0, 0, 0}},
};
/* clang-format on */

static synth *homes_of(const struct search_case *c, size_t *nhomes)
{
    synth *s = synth_new();
    *nhomes = 0;
    for (size_t h = 0; h < MAX_HOMES && c->want[h] >= 0; h++) {
        char name[16];
        snprintf(name, sizeof name, "h%zu", h);
        size_t u = synth_runtime(s, name, "", "carbon", c->homes[h].offset, 0);
        for (size_t k = 0; k < MAX_PORTS && c->homes[h].ports[k]; k++)
            synth_listener(s, u, c->homes[h].ports[k], PS_SHIFT_AUTO, 1, 0, "connector");
        (*nhomes)++;
    }
    return s;
}

START_TEST(search)
{
    const struct search_case *c = &search_cases[_i];
    size_t nhomes;
    synth *s = homes_of(c, &nhomes);
    size_t navoid = c->avoid[0].from ? (c->avoid[1].from ? 2 : 1) : 0;
    ps_batch_options o = {.first = c->first, .avoid = c->avoid, .navoid = navoid};
    ps_batch *b = choose_ok(s, &o, NULL);
    ck_assert_uint_eq(ps_batch_home_count(b), nhomes);
    for (size_t h = 0; h < nhomes; h++) {
        ps_assignment a;
        ps_error err = {{0}, 0, 0, {0}};
        ck_assert_int_eq(ps_batch_assignment(&a, b, h, &err), 0);
        ck_assert_msg(a.offset == c->want[h], "%s: home %zu at %ld, want %ld", c->label, h,
                      a.offset, c->want[h]);
        ck_assert_int_eq(a.current_offset, c->homes[h].offset);
        /* Kept exactly when it stays, and a home that moves says why. */
        ck_assert_int_eq(a.kept, a.offset == a.current_offset);
        ck_assert_int_eq(a.reason == NULL, a.kept);
    }
    ck_assert_uint_eq(ps_batch_rewrite_count(b), 0);
    ps_batch_free(b);
    synth_free(s);
}
END_TEST

/* Why a home moves: its current offset, the listener and what stands there. */
START_TEST(reasons)
{
    synth *s = synth_new();
    home_at(s, "a", 0, 9443, "https");
    home_at(s, "b", 0, 9443, "https");
    size_t c = home_at(s, "c", 2, 9443, "https");
    synth_listener(s, c, 9444, PS_SHIFT_AUTO, 1, 0, "second https");
    ps_port_range avoid = {9445, 9445};
    ps_batch_options o = {.avoid = &avoid, .navoid = 1};
    ps_batch *k = choose_ok(s, &o, NULL);
    ps_assignment as;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_batch_assignment(&as, k, 1, &err), 0);
    ck_assert_str_eq(as.home, "b");
    ck_assert_str_eq(as.reason, "at offset 0 its https (main.xml:2) would open 9443, but a "
                                "opens it too (https)");
    ck_assert_int_eq(ps_batch_assignment(&as, k, 2, &err), 0);
    ck_assert_str_eq(as.reason,
                     "at offset 2 its https (main.xml:2) would open 9445, but it is one of the "
                     "ports to avoid");
    ck_assert_int_eq(as.offset, 3); /* 9446, 9447 */
    ck_assert_int_eq(ps_batch_assignment(&as, k, 3, &err), PS_EINVALID);
    ps_batch_free(k);
    synth_free(s);
}
END_TEST

/* An EI home moves all its profiles by one amount; a Carbon 5 profile stays. */
START_TEST(runtimes_of_a_home_move_together)
{
    synth *s = synth_new();
    size_t am = synth_runtime(s, "am", "", "apim", 0, 0);
    synth_listener(s, am, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, am, 9445, PS_SHIFT_AUTO, 1, 0, "another https");
    size_t ei = synth_runtime(s, "ei", "", "ei", 0, 0);
    synth_listener(s, ei, 9443, PS_SHIFT_AUTO, 1, 0, "integrator https");
    size_t broker = synth_runtime(s, "ei", "wso2/broker", "ei-broker", 3, 3);
    synth_listener(s, broker, 9443, PS_SHIFT_AUTO, 1, 0, "broker https");
    size_t analytics = synth_runtime(s, "ei", "wso2/analytics", "ei-analytics", 0, 0);
    synth_carbon5(s, analytics);
    synth_listener(s, analytics, 9447, PS_SHIFT_FIXED, 1, 0, "worker");
    ps_batch_options o = {0};
    ps_batch *b = choose_ok(s, &o, NULL);
    /* At 1 the broker (at 4) would open 9447, the worker's; at 2 the
     * integrator 9445, am's; at 3 they open 9446 and 9449. */
    ck_assert_int_eq(offset_of(b, 1), 3);
    ck_assert_int_eq(ps_batch_runtime_offset(b, ei), 3);
    ck_assert_int_eq(ps_batch_runtime_offset(b, broker), 6);
    ck_assert_int_eq(ps_batch_runtime_offset(b, analytics), 0);
    ck_assert_int_eq(ps_batch_runtime_offset(b, 9), -1);
    ps_batch_free(b);
    synth_free(s);
}
END_TEST

/* A candidate that pushes a port past 65535, or a runtime below 0, is ruled out, not an error. */
START_TEST(unusable_offsets_are_skipped)
{
    synth *s = synth_new();
    home_at(s, "a", 0, 65530, "high");
    size_t b = home_at(s, "b", 0, 65530, "high");
    synth_listener(s, b, 65534, PS_SHIFT_AUTO, 0, 0, "inactive, but it must fit too");
    ps_batch_options o = {0};
    ps_batch *k = choose_ok(s, &o, NULL);
    ck_assert_int_eq(offset_of(k, 1), 1);
    ps_batch_free(k);
    synth_free(s);

    /* b: 65531 is avoided, and offset 2 pushes the inactive one past 65535. */
    s = synth_new();
    home_at(s, "a", 0, 65530, "high");
    b = home_at(s, "b", 0, 65530, "high");
    synth_listener(s, b, 65534, PS_SHIFT_AUTO, 0, 0, "inactive, but it must fit too");
    ps_port_range avoid = {65531, 65531};
    o = (ps_batch_options){.avoid = &avoid, .navoid = 1};
    ps_error err = choose_fails(s, &o);
    ck_assert_str_eq(err.path, "b");
    ck_assert_msg(strstr(err.message, "no offset from 0 on fits: at offset 0 its high") ==
                      err.message,
                  "%s", err.message);
    ck_assert_msg(strstr(err.message, "at offset 2 its inactive, but it must fit too (main.xml:3) "
                                      "would be 65536, outside 1-65535") != NULL,
                  "%s", err.message);
    synth_free(s);

    /* A profile below its main runtime cannot follow it below 0. */
    s = synth_new();
    home_at(s, "a", 0, 9448, "https");
    size_t main = synth_runtime(s, "ei", "", "ei", 5, 0);
    synth_listener(s, main, 9443, PS_SHIFT_AUTO, 1, 0, "integrator https");
    size_t low = synth_runtime(s, "ei", "wso2/low", "ei-broker", 2, 0);
    synth_listener(s, low, 8000, PS_SHIFT_AUTO, 1, 0, "low");
    k = choose_ok(s, &(ps_batch_options){0}, NULL);
    ck_assert_int_eq(offset_of(k, 1), 3); /* 0..2 put wso2/low below 0 */
    ck_assert_int_eq(ps_batch_runtime_offset(k, low), 0);
    ps_batch_free(k);
    synth_free(s);
}
END_TEST

/* Nothing fits: the home is named with what its offsets meet. */
START_TEST(no_offset_fits)
{
    synth *s = synth_new();
    size_t a = home_at(s, "a", 0, 9443, "https");
    ps_port_range all = {1, 65535};
    ps_batch_options o = {.avoid = &all, .navoid = 1};
    ps_error err = choose_fails(s, &o);
    ck_assert_str_eq(err.path, "a");
    ck_assert_str_eq(err.message,
                     "no offset from 0 on fits: at offset 0 its https (main.xml:2) would open "
                     "9443, but it is one of the ports to avoid; at offset 1 its https "
                     "(main.xml:2) would open 9444, but it is one of the ports to avoid; at "
                     "offset 56093 its https (main.xml:2) would be 65536, outside 1-65535");
    synth_free(s);

    /* Two of its own listeners on one port at every offset. */
    s = synth_new();
    a = home_at(s, "a", 0, 9443, "https");
    synth_listener(s, a, 9443, PS_SHIFT_AUTO, 1, 0, "https again");
    err = choose_fails(s, &(ps_batch_options){0});
    ck_assert_msg(strstr(err.message, "at offset 0 its https again (main.xml:3) would open 9443, "
                                      "but its https (main.xml:2) opens it too") != NULL,
                  "%s", err.message);
    synth_free(s);

    /* A home with no offset setting fits where it is, or nowhere. */
    s = synth_new();
    a = home_at(s, "a", 0, 9443, "https");
    size_t b = synth_runtime(s, "b", "", "carbon", 0, 0);
    synth_no_offset(s, b);
    synth_listener(s, b, 9763, PS_SHIFT_AUTO, 1, 0, "http");
    ps_batch *k = choose_ok(s, &(ps_batch_options){0}, NULL);
    ck_assert_int_eq(offset_of(k, 1), 0);
    ps_batch_free(k);
    synth_free(s);
    s = synth_new();
    a = home_at(s, "a", 0, 9443, "https");
    b = synth_runtime(s, "b", "", "carbon", 0, 0);
    synth_no_offset(s, b);
    synth_listener(s, b, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    err = choose_fails(s, &(ps_batch_options){0});
    ck_assert_str_eq(err.path, "b");
    ck_assert_msg(strstr(err.message, "no offset fits: b/conf has no offset setting to change, "
                                      "and at offset 0 its https") == err.message,
                  "%s", err.message);
    synth_free(s);

    /* Options out of range. */
    s = synth_new();
    synth_runtime(s, "a", "", "carbon", 0, 0);
    err = choose_fails(s, &(ps_batch_options){.first = 65536});
    ck_assert_str_eq(err.message, "first offset 65536 is not between 0 and 65535");
    ps_port_range backwards = {9444, 9443};
    err = choose_fails(s, &(ps_batch_options){.avoid = &backwards, .navoid = 1});
    ck_assert_str_eq(err.message, "port range 9444-9443 is not within 1-65535");
    synth_free(s);
}
END_TEST

/* ---- fixed listeners ---- */

/* Fixed listeners that collide get the next free port; inactive and shared ones count for nothing.
 */
START_TEST(fixed_listeners_are_rewritten)
{
    synth *s = synth_new();
    size_t site[3];
    for (int h = 0; h < 3; h++) {
        char name[8];
        snprintf(name, sizeof name, "h%d", h);
        size_t u = synth_runtime(s, name, "", "apim", 0, 0);
        synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
        site[h] = synth_listener(s, u, 4000, PS_SHIFT_FIXED, 1, 0, "Hazelcast member port");
        size_t mcast = synth_listener(s, u, 45564, PS_SHIFT_FIXED, 1, 0, "multicast");
        synth_shared(s, u, mcast);
        synth_listener(s, u, 8005, PS_SHIFT_FIXED, 0, 0, "shutdown, never opened");
    }
    ps_port_range avoid = {4002, 4002};
    ps_batch *b = choose_ok(s, &(ps_batch_options){.avoid = &avoid, .navoid = 1}, NULL);
    ck_assert_uint_eq(ps_batch_rewrite_count(b), 2);
    const ps_rewrite *r = ps_batch_rewrite(b, 0);
    ck_assert_str_eq(r->listener.home, "h1");
    ck_assert_str_eq(r->listener.file, "main.xml");
    ck_assert_int_eq(r->listener.line, (int)site[1] + 1);
    ck_assert_int_eq(r->listener.port, 4000);
    ck_assert_int_eq(r->new_port, 4001);
    ck_assert(!r->note);
    ck_assert_str_eq(r->message, "4000: h0 opens it too (Hazelcast member port)");
    r = ps_batch_rewrite(b, 1);
    ck_assert_str_eq(r->listener.home, "h2");
    ck_assert_int_eq(r->new_port, 4003); /* 4001 is h1's now, 4002 avoided */
    ck_assert_ptr_null(ps_batch_rewrite(b, 2));
    /* The offsets moved the https connectors, nothing moved the rest. */
    ck_assert_int_eq(offset_of(b, 1), 1);
    ck_assert_int_eq(offset_of(b, 2), 2);

    /* The plan of the answer: the rewrites are edits of their literals. */
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_batch_plan(&p, b, 0, &err), 0);
    size_t rewrites = 0;
    for (size_t i = 0; i < p->nedits; i++) {
        const ps_edit *e = &p->edits[i];
        if (e->old_value != 4000)
            continue;
        rewrites++;
        ck_assert(e->new_value == 4001 || e->new_value == 4003);
        char *why = ps_plan_why(p, e);
        ck_assert_str_eq(why, "Hazelcast member port: a fixed port, moved so that no two homes "
                              "open it (batch)");
        free(why);
    }
    ck_assert_uint_eq(rewrites, 2);
    ck_assert_int_eq(p->target[1], 1);
    ps_plan_free(p);
    ps_batch_free(b);
    synth_free(s);
}
END_TEST

/* A fixed port that an earlier home's moved listener opens is rewritten; a
 * home's own fixed ports are what its offset keeps clear of. */
START_TEST(fixed_and_moving_listeners)
{
    synth *s = synth_new();
    home_at(s, "a", 0, 9443, "https");
    size_t b = home_at(s, "b", 0, 9443, "https");
    synth_listener(s, b, 9444, PS_SHIFT_FIXED, 1, 0, "pinned");
    size_t c = synth_runtime(s, "c", "", "carbon", 0, 0);
    synth_listener(s, c, 9443, PS_SHIFT_FIXED, 1, 0, "pinned at a's");
    synth_listener(s, c, 9446, PS_SHIFT_FIXED, 1, 0, "pinned where nobody is");
    ps_batch *k = choose_ok(s, &(ps_batch_options){0}, NULL);
    ck_assert_int_eq(offset_of(k, 1), 2); /* 1 would open its own pinned 9444 */
    ck_assert_int_eq(offset_of(k, 2), 0); /* nothing moves c */
    ck_assert_uint_eq(ps_batch_rewrite_count(k), 1);
    const ps_rewrite *r = ps_batch_rewrite(k, 0);
    ck_assert_str_eq(r->listener.home, "c");
    /* 9444 is b's pinned port, 9445 b's https, 9446 c's own other one. */
    ck_assert_int_eq(r->new_port, 9447);
    ps_batch_free(k);
    synth_free(s);
}
END_TEST

/* A home that must move keeps clear of the fixed ports of the homes named
 * after it, when some offset allows; else theirs are rewritten. */
START_TEST(movers_spare_later_fixed_ports)
{
    for (int cornered = 0; cornered < 2; cornered++) {
        synth *s = synth_new();
        home_at(s, "a", 0, 9443, "https");
        size_t b = home_at(s, "b", 0, 9443, "https");
        synth_listener(s, b, 7999, PS_SHIFT_AUTO, 1, 0, "something");
        size_t c = synth_runtime(s, "c", "", "ei-analytics", 0, 0);
        synth_carbon5(s, c);
        synth_listener(s, c, 8000, PS_SHIFT_FIXED, 1, 0, "worker");
        /* Cornered: from 2 on, b's https would open a port to avoid. */
        ps_port_range avoid = {9445, 65535};
        ps_batch_options o = {.avoid = &avoid, .navoid = (size_t)cornered};
        ps_batch *k = choose_ok(s, &o, NULL);
        ck_assert_int_eq(offset_of(k, 1), cornered ? 1 : 2);
        ck_assert_uint_eq(ps_batch_rewrite_count(k), (size_t)cornered);
        if (cornered) {
            ck_assert_int_eq(ps_batch_rewrite(k, 0)->listener.port, 8000);
            ck_assert_int_eq(ps_batch_rewrite(k, 0)->new_port, 8001);
            ck_assert_str_eq(ps_batch_rewrite(k, 0)->message, "8000: b opens it too (something)");
        }
        ps_batch_free(k);
        synth_free(s);
    }
}
END_TEST

/* In a file rendered from deployment.toml the rewrite is a note naming what to set. */
START_TEST(fixed_listener_in_a_generated_file)
{
    synth *s = synth_new();
    for (int h = 0; h < 2; h++) {
        size_t u = synth_runtime(s, h ? "b" : "a", "", "apim", 0, 0);
        synth_generated(s, u);
        synth_listener(s, u, 4000, PS_SHIFT_FIXED, 1, 0, "Hazelcast member port");
    }
    ps_batch *b = choose_ok(s, &(ps_batch_options){0}, NULL);
    ck_assert_uint_eq(ps_batch_rewrite_count(b), 1);
    const ps_rewrite *r = ps_batch_rewrite(b, 0);
    ck_assert(r->note);
    ck_assert_int_eq(r->new_port, 4001);
    ck_assert_str_eq(r->message,
                     "4000: a opens it too (Hazelcast member port); 4000 should be 4001, but "
                     "main-generated.xml is generated from deployment.toml: set it through the "
                     "deployment.toml key that renders it");
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_batch_plan(&p, b, 0, &err), 0);
    ck_assert_uint_eq(p->nedits, 0);
    ck_assert_int_eq(p->decisions[1][1].action, PS_ACT_GENERATED);
    ps_plan_free(p);
    ps_batch_free(b);
    synth_free(s);
}
END_TEST

/* A fixed port with no config entry cannot be rewritten: no answer. */
START_TEST(built_in_fixed_listener_cannot_move)
{
    synth *s = synth_new();
    for (int h = 0; h < 2; h++) {
        size_t u = synth_runtime(s, h ? "b" : "a", "", "ml", 0, 0);
        synth_listener(s, u, 7077, PS_SHIFT_FIXED, 1, 1, "Apache Spark master");
    }
    ps_error err = choose_fails(s, &(ps_batch_options){0});
    ck_assert_str_eq(err.path, "b");
    ck_assert_str_eq(err.message,
                     "no offset frees its Apache Spark master (built in): a fixed port, 7077, and "
                     "a opens it too (Apache Spark master); it has no config entry to rewrite");
    synth_free(s);
}
END_TEST

/* ---- the same question, the same answer ---- */

/* Run twice: the same offsets and rewrites. Add a home at the end: the
 * others keep the offsets they had. */
START_TEST(deterministic_and_stable)
{
    static const long bases[] = {9443, 9763, 8280, 9999, 4000};
    long got[2][6];
    for (int round = 0; round < 3; round++) {
        synth *s = synth_new();
        size_t nhomes = round == 2 ? 6 : 5;
        for (size_t h = 0; h < nhomes; h++) {
            char name[8];
            snprintf(name, sizeof name, "h%zu", h);
            size_t u = synth_runtime(s, name, "", "carbon", (long)(h % 2), 0);
            for (size_t k = 0; k <= h % 5; k++)
                synth_listener(s, u, bases[k] + (long)h, k == 4 ? PS_SHIFT_FIXED : PS_SHIFT_AUTO, 1,
                               0, "listener");
        }
        ps_batch *b = choose_ok(s, &(ps_batch_options){.first = 3}, NULL);
        for (size_t h = 0; h < nhomes; h++) {
            long off = offset_of(b, h);
            if (round < 2)
                got[round][h] = off;
            else if (h < 5)
                ck_assert_msg(off == got[0][h], "home %zu moved from %ld to %ld", h, got[0][h],
                              off);
        }
        ps_batch_free(b);
        synth_free(s);
    }
    for (size_t h = 0; h < 5; h++)
        ck_assert_int_eq(got[0][h], got[1][h]);
}
END_TEST

/* ---- ports listening on this host ---- */

/* 9444 (inode 100) and 9443 (inode 200) listen. */
#define TABLE PROC_TCP_HEADER PROC_TCP_LINE("24E4", "0A", "100") PROC_TCP_LINE("24E3", "0A", "200")

START_TEST(listening_ports_are_avoided)
{
    char *root = tree_scratch();
    char proc[4096], home[4096];
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(home, sizeof home, "%s/b", root);
    fake_file(proc, "net/tcp", TABLE);
    fake_socket_fd(proc, 4242, 3, 100);
    fake_file(proc, "4242/comm", "nc\n");
    long me = (long)getpid();
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", me);
    fake_file(home, "wso2carbon.pid", pid);
    ps_batch_options listening = {.flags = PS_BATCH_LISTENING};
    for (int readable = 0; readable < 2; readable++) {
        /* b's own server runs: its 9443 (inode 200) stands in nobody's way
         * but others'. Its sockets unreadable, what it opens now is presumed
         * its own; read, 9443 is. */
        if (readable)
            fake_socket_fd(proc, me, 7, 200);
        synth *s = synth_new();
        size_t b = synth_runtime(s, home, "", "carbon", 0, 0);
        synth_listener(s, b, 9443, PS_SHIFT_AUTO, 1, 0, "https");
        synth_listener(s, b, 8280, PS_SHIFT_AUTO, 1, 0, "http");
        ps_batch *k = choose_ok(s, &listening, proc);
        ck_assert_msg(offset_of(k, 0) == 0, "readable %d: b moved to %ld", readable,
                      offset_of(k, 0));
        ps_batch_free(k);
        synth_free(s);

        /* Behind a home that opens 8280 it must move: not to 1 (9444 is nc's). */
        s = synth_new();
        home_at(s, "a", 0, 8280, "http");
        b = synth_runtime(s, home, "", "carbon", 0, 0);
        synth_listener(s, b, 9443, PS_SHIFT_AUTO, 1, 0, "https");
        synth_listener(s, b, 8280, PS_SHIFT_AUTO, 1, 0, "http");
        k = choose_ok(s, &listening, proc);
        ck_assert_int_eq(offset_of(k, 1), 2);
        ps_batch_free(k);
        k = choose_ok(s, &(ps_batch_options){0}, NULL); /* the sockets unasked */
        ck_assert_int_eq(offset_of(k, 1), 1);
        ps_batch_free(k);
        synth_free(s);
    }

    /* Another home moves off both sockets, and says whose they are. */
    synth *s = synth_new();
    home_at(s, "a", 0, 9443, "https");
    ps_batch *k = choose_ok(s, &listening, proc);
    ck_assert_int_eq(offset_of(k, 0), 2);
    ps_assignment as;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_batch_assignment(&as, k, 0, &err), 0);
    char want[256];
    snprintf(want, sizeof want,
             "at offset 0 its https (main.xml:2) would open 9443, but it is already listening on "
             "this host, held by process %ld",
             me);
    ck_assert_str_eq(as.reason, want);
    ps_batch_free(k);
    synth_free(s);
    tree_remove(root);
    free(root);
}
END_TEST

static Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batch");
    tcase_add_loop_test(tc, search, 0, N(search_cases));
    tcase_add_test(tc, reasons);
    tcase_add_test(tc, runtimes_of_a_home_move_together);
    tcase_add_test(tc, unusable_offsets_are_skipped);
    tcase_add_test(tc, no_offset_fits);
    tcase_add_test(tc, fixed_listeners_are_rewritten);
    tcase_add_test(tc, fixed_and_moving_listeners);
    tcase_add_test(tc, movers_spare_later_fixed_ports);
    tcase_add_test(tc, fixed_listener_in_a_generated_file);
    tcase_add_test(tc, built_in_fixed_listener_cannot_move);
    tcase_add_test(tc, deterministic_and_stable);
    tcase_add_test(tc, listening_ports_are_avoided);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_status(batch_suite());
}
