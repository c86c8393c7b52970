/*
 * The model's answer to "who owns this reference" (model/owners.h), on
 * runtimes built in memory: one host of five homes, every reference under
 * test placed in it, one table row per reference. The rows follow DESIGN §1:
 * its own runtime first, then another runtime of its home, then another
 * home; a role rules its own runtime out and keeps only the servers that
 * play it; owner="self" keeps only its own runtime; every listener counts,
 * open or not; several other homes make it ambiguous; nobody listening is
 * unowned, or stale in exactly the two cases of the design.
 */
#include "model/owners.h"

#include <check.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/synth.h"

/* The runtimes of the scene, in the order named. */
enum { AM, EI, EI_BROKER, IS1, IS2, BPS, NRT };

typedef struct owner_case {
    const char *label;
    int in; /* the unit that holds the reference */
    long value;
    const char *role;
    int self_only;
    /* the answer */
    ps_ref_owner_kind kind;
    ps_owner_tier tier;
    int unit;         /* -1: none */
    const char *what; /* the listener named */
    size_t candidates;
    int homes;
} owner_case;

#define NONE_ANSWER PS_OWNER_NONE, PS_TIER_NONE, -1, NULL, 0, 0

/* clang-format off */
static const owner_case cases[] = {
    {"its own runtime", AM, 9443, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_SELF, AM, "am https", 1, 1},
    {"its own runtime beats another home at the same port", EI, 9443, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_SELF, EI, "ei https", 1, 1},
    {"another runtime of its home (EI integrator -> broker profile)", EI, 9446, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_HOME, EI_BROKER, "broker https", 1, 1},
    {"another runtime of its home, a built-in listener", EI, 5675, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_HOME, EI_BROKER, "broker amqp", 1, 1},
    {"another home", AM, 9448, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, BPS, "bps https", 1, 1},
    {"a role rules its own runtime out, another home plays it", IS1, 9444, "key-manager", 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, IS2, "is2 https", 1, 1},
    {"a role: two other homes play it, ambiguous", AM, 9444, "key-manager", 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, IS1, "is1 https", 2, 2},
    {"a role nobody of the call plays: unowned, never stale", AM, 9443, "analytics", 0,
     NONE_ANSWER},
    {"a role: its own runtime is never a candidate, even playing it", AM, 9443, "api-manager", 0,
     NONE_ANSWER},
    {"no role, two other homes listen there: ambiguous", AM, 9444, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, IS1, "is1 https", 2, 2},
    {"an inactive listener owns too", AM, 7611, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, EI, "ei thrift, off", 1, 1},
    {"an open listener is named before one that is not", AM, 7000, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, IS2, "is2 fixed, open", 2, 2},
    {"owner=self: another runtime of its home listening there does not own it", EI, 9446, NULL, 1,
     NONE_ANSWER},
    {"owner=self: stale (a), the base of its own connector", EI_BROKER, 9443, NULL, 1,
     PS_OWNER_STALE, PS_TIER_SELF, EI_BROKER, "broker https", 0, 0},
    {"owner=self: right where its runtime listens", EI_BROKER, 9446, NULL, 1,
     PS_OWNER_LISTENER, PS_TIER_SELF, EI_BROKER, "broker https", 1, 1},
    {"stale (b): its default-offset port, nobody listening there", BPS, 8243, NULL, 0,
     PS_OWNER_STALE, PS_TIER_SELF, BPS, "bps pass-through", 0, 0},
    {"not stale (b): another home owns its default-offset port", EI_BROKER, 5672, NULL, 0,
     PS_OWNER_LISTENER, PS_TIER_OTHER, AM, "am amqp", 1, 1},
    {"not stale (b): a runtime at its default offset", AM, 8243, NULL, 0,
     NONE_ANSWER},
    {"not stale: a value another offset explains", BPS, 8244, NULL, 0,
     NONE_ANSWER},
    {"nobody listens there", AM, 3306, NULL, 0,
     NONE_ANSWER},
};
/* clang-format on */

typedef struct scene {
    synth *s;
    const ps_unit *units;
    size_t n;
    size_t ref[N(cases)]; /* each case's reference site */
} scene;

static void scene_build(scene *sc)
{
    synth *s = sc->s = synth_new();
    size_t am = synth_runtime(s, "/h/am", "", "apim", 0, 0);
    synth_role(s, am, "api-manager");
    synth_role(s, am, "key-manager");
    synth_listener(s, am, 9443, PS_SHIFT_AUTO, 1, 0, "am https");
    synth_listener(s, am, 5672, PS_SHIFT_AUTO, 1, 1, "am amqp");
    size_t ei = synth_runtime(s, "/h/ei", "", "ei", 0, 0);
    synth_listener(s, ei, 9443, PS_SHIFT_AUTO, 1, 0, "ei https");
    synth_listener(s, ei, 7611, PS_SHIFT_AUTO, 0, 0, "ei thrift, off");
    size_t br = synth_runtime(s, "/h/ei", "wso2/broker", "ei", 3, 0);
    synth_listener(s, br, 9443, PS_SHIFT_AUTO, 1, 0, "broker https");
    synth_listener(s, br, 5672, PS_SHIFT_AUTO, 1, 1, "broker amqp");
    size_t is1 = synth_runtime(s, "/h/is", "", "is", 1, 0);
    synth_role(s, is1, "key-manager");
    synth_listener(s, is1, 9443, PS_SHIFT_AUTO, 1, 0, "is1 https");
    synth_listener(s, is1, 7000, PS_SHIFT_FIXED, 0, 0, "is1 fixed, off");
    size_t is2 = synth_runtime(s, "/h/is2", "", "is", 1, 0);
    synth_role(s, is2, "key-manager");
    synth_listener(s, is2, 9443, PS_SHIFT_AUTO, 1, 0, "is2 https");
    synth_listener(s, is2, 7000, PS_SHIFT_FIXED, 1, 0, "is2 fixed, open");
    size_t bps = synth_runtime(s, "/h/bps", "", "bps", 5, 0);
    synth_listener(s, bps, 9443, PS_SHIFT_AUTO, 1, 0, "bps https");
    synth_listener(s, bps, 8243, PS_SHIFT_AUTO, 1, 0, "bps pass-through");
    ck_assert_uint_eq(bps, BPS);
    for (size_t i = 0; i < N(cases); i++)
        sc->ref[i] = synth_reference(s, (size_t)cases[i].in, cases[i].value, cases[i].role,
                                     cases[i].self_only);
    sc->units = synth_units(s, &sc->n);
    ck_assert_uint_eq(sc->n, NRT);
}

static void expect(const scene *sc, const owner_case *c, const ps_ref_owner *o)
{
    ck_assert_msg(o->kind == c->kind, "%s: kind %d, want %d", c->label, o->kind, c->kind);
    ck_assert_msg(o->tier == c->tier, "%s: tier %d, want %d", c->label, o->tier, c->tier);
    ck_assert_msg(o->unit == c->unit, "%s: unit %d, want %d", c->label, o->unit, c->unit);
    if (c->what) {
        const ps_site *l = &sc->units[o->unit].sites->items[o->site];
        ck_assert_msg(l->kind == PS_SITE_LISTENER, "%s: names a site that is no listener",
                      c->label);
        ck_assert_msg(strcmp(l->what, c->what) == 0, "%s: names '%s', want '%s'", c->label, l->what,
                      c->what);
    } else {
        ck_assert_int_eq(o->site, -1);
    }
    if (c->kind == PS_OWNER_LISTENER) {
        ck_assert_msg(o->candidates == c->candidates, "%s: %zu candidates, want %zu", c->label,
                      o->candidates, c->candidates);
        ck_assert_msg(o->homes == c->homes, "%s: %d homes, want %d", c->label, o->homes, c->homes);
    }
}

START_TEST(owner_of_a_reference)
{
    const owner_case *c = &cases[_i];
    scene sc;
    scene_build(&sc);
    ps_owners o;
    ps_owners_init(&o, sc.units, sc.n);
    ps_ref_owner got;
    ps_owners_find(&got, &o, (size_t)c->in, sc.ref[_i]);
    expect(&sc, c, &got);
    ps_owners_free(&o);
    synth_free(sc.s);
}
END_TEST

/* The answer remembered per port must not leak to a reference of another
 * unit, role or owner="self" at that port: every row asked of one owners
 * object, forwards then backwards, gives the answer of a fresh one. */
START_TEST(remembered_answers_stay_apart)
{
    scene sc;
    scene_build(&sc);
    ps_owners o;
    ps_owners_init(&o, sc.units, sc.n);
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < N(cases); k++) {
            int i = pass ? N(cases) - 1 - k : k;
            ps_ref_owner got;
            ps_owners_find(&got, &o, (size_t)cases[i].in, sc.ref[i]);
            expect(&sc, &cases[i], &got);
        }
    ps_owners_free(&o);
    synth_free(sc.s);
}
END_TEST

/* The tiers as DESIGN §1 ranks them, and what a role or owner="self" rules out. */
START_TEST(tiers)
{
    scene sc;
    scene_build(&sc);
    const ps_site plain = {.kind = PS_SITE_REFERENCE};
    const ps_site km = {.kind = PS_SITE_REFERENCE, .role = "key-manager"};
    const ps_site self = {.kind = PS_SITE_REFERENCE, .self_only = 1};
    ck_assert_int_eq(ps_owner_tier_of(sc.units, EI, EI, &plain), PS_TIER_SELF);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, EI, EI_BROKER, &plain), PS_TIER_HOME);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, EI, AM, &plain), PS_TIER_OTHER);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, AM, AM, &km), PS_TIER_NONE);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, AM, IS1, &km), PS_TIER_OTHER);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, AM, EI, &km), PS_TIER_NONE);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, EI, EI, &self), PS_TIER_SELF);
    ck_assert_int_eq(ps_owner_tier_of(sc.units, EI, EI_BROKER, &self), PS_TIER_NONE);
    synth_free(sc.s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("owners");
    TCase *tc = tcase_create("owners");
    tcase_add_loop_test(tc, owner_of_a_reference, 0, N(cases));
    tcase_add_test(tc, remembered_answers_stay_apart);
    tcase_add_test(tc, tiers);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
