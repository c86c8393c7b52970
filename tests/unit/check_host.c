/*
 * The library without argv (include/portshift/portshift.h alone): a C
 * program loads homes, lists their ports at any offset (an offset that
 * pushes a port past 65535 is reported unusable, not refused), asks who
 * owns a port, plans targets (with and without repair) and reads findings.
 * Inputs are the project's small fixture homes, copied to a scratch folder.
 */
#include <portshift/portshift.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/runner.h"

/* A kernel 4.4.9 home: HTTP 9763 (redirectPort 9443), HTTPS 9443, JMX 9999. */
#define KERNEL "good"
/* An EI home: integrator at 0, business process at 2, broker at 3 (redirectPort 9443 each). */
#define EI_MINI PS_SOURCE_DIR "/tests/fixtures/cli/ei-mini"

static ps_host *open_ok(const ps_home_spec *specs, size_t n)
{
    ps_host *h = NULL;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_open(&h, specs, n, 0, &err) == 0, "%s: %s", err.path, err.message);
    return h;
}

static const ps_port *port_of(const ps_ports *ports, long port)
{
    for (size_t i = 0; i < ports->count; i++)
        if (ports->items[i].port == port)
            return &ports->items[i];
    return NULL;
}

START_TEST(runtimes_and_their_ports)
{
    fx f;
    fx_open(&f);
    fx_add(&f, KERNEL, "k");
    ps_home_spec spec = {in(&f, "k"), 0, 0};
    ps_host *h = open_ok(&spec, 1);
    ck_assert_uint_eq(ps_host_runtime_count(h), 1);
    ps_runtime_info info;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_host_runtime(&info, h, 0, &err), 0);
    ck_assert_str_eq(info.home, in(&f, "k"));
    ck_assert_str_eq(info.runtime, "");
    ck_assert_str_eq(info.product, "carbon");
    ck_assert_str_eq(info.version, "4.4.9");
    ck_assert_str_eq(info.mode, "xml");
    ck_assert_int_eq(info.offset, 0);
    ck_assert_int_eq(ps_host_runtime(&info, h, 1, &err), PS_EINVALID);
    ck_assert(strstr(err.message, "no runtime 1") != NULL);

    ps_ports ports;
    ck_assert_int_eq(ps_host_ports(&ports, h, 0, PS_OFFSET_CURRENT, &err), 0);
    ck_assert_int_eq(ports.offset, 0);
    ck_assert(ports.usable);
    const ps_port *https = port_of(&ports, 9443);
    ck_assert_ptr_nonnull(https);
    ck_assert_str_eq(https->shift, "auto");
    ck_assert(https->active);
    ck_assert_str_eq(https->file, "repository/conf/tomcat/catalina-server.xml");
    ck_assert_int_eq(https->line, 8);
    ck_assert_int_eq(https->base, 9443);
    const ps_port *shutdown = port_of(&ports, 8005);
    ck_assert_ptr_nonnull(shutdown);
    ck_assert(!shutdown->active);
    size_t n = ports.count;
    ps_ports_free(&ports);

    /* Any offset, without a plan: the same listeners, moved. */
    ck_assert_int_eq(ps_host_ports(&ports, h, 0, 3, &err), 0);
    ck_assert_uint_eq(ports.count, n);
    ck_assert_ptr_nonnull(port_of(&ports, 9446));
    ck_assert_ptr_nonnull(port_of(&ports, 8005)); /* fixed */
    ck_assert(ports.usable);
    ps_ports_free(&ports);

    /* Past 65535 (JMX 9999 first): unusable, not an error, every port still listed. */
    ck_assert_int_eq(ps_host_ports(&ports, h, 0, 55537, &err), 0);
    ck_assert(!ports.usable);
    ck_assert_uint_eq(ports.count, n);
    ck_assert_ptr_nonnull(port_of(&ports, 65536));
    ps_ports_free(&ports);
    ck_assert_int_eq(ps_host_ports(&ports, h, 0, 55536, &err), 0);
    ck_assert(ports.usable);
    ps_ports_free(&ports);
    ck_assert_int_eq(ps_host_ports(&ports, h, 0, -5, &err), PS_EINVALID);

    ps_host_free(h);
    fx_close(&f);
}
END_TEST

START_TEST(owners_of_a_port)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(tree_copy(EI_MINI, in(&f, "ei")), 0);
    fx_add(&f, KERNEL, "k");
    ps_home_spec specs[] = {{in(&f, "ei"), 0, 0}, {in(&f, "k"), 0, 0}};
    ps_host *h = open_ok(specs, 2);
    ck_assert_uint_eq(ps_host_runtime_count(h), 5); /* EI: 4 runtimes, then the kernel */
    ps_party *owners;
    size_t n;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_host_owners(&owners, &n, h, 9443, &err), 0);
    /* The EI integrator's HTTPS connector, then the kernel's: in the order named. */
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(owners[0].home, in(&f, "ei"));
    ck_assert_str_eq(owners[0].runtime, "");
    ck_assert_str_eq(owners[0].file, "conf/tomcat/catalina-server.xml");
    ck_assert_str_eq(owners[1].home, in(&f, "k"));
    free(owners);
    ck_assert_int_eq(ps_host_owners(&owners, &n, h, 9446, &err), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(owners[0].runtime, "wso2/broker");
    free(owners);
    ck_assert_int_eq(ps_host_owners(&owners, &n, h, 1, &err), 0);
    ck_assert_uint_eq(n, 0);
    free(owners);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* Plans the targets the homes were opened with; the files are not touched. */
START_TEST(plan_a_target)
{
    fx f;
    fx_open(&f);
    fx_add(&f, KERNEL, "k");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    ps_home_spec spec = {in(&f, "k"), 1, 3};
    ps_host *h = open_ok(&spec, 1);
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_host_plan(&p, h, 0, &err), 0);
    ck_assert_uint_eq(ps_plan_change_count(p), 2);
    ps_change c;
    ck_assert_int_eq(ps_plan_change(&c, p, 0, &err), 0);
    ck_assert(strstr(c.path, "repository/conf/carbon.xml") != NULL);
    ck_assert_int_eq(c.old_value, 0);
    ck_assert_int_eq(c.new_value, 3);
    ck_assert_str_eq(c.why, "port offset 0 -> 3");
    free(c.why);
    ck_assert_int_eq(ps_plan_change(&c, p, 1, &err), 0);
    ck_assert(strstr(c.path, "catalina-server.xml") != NULL);
    ck_assert_int_eq(c.line, 6);
    ck_assert_int_eq(c.old_value, 9443);
    ck_assert_int_eq(c.new_value, 9446);
    free(c.why);
    ck_assert_int_eq(ps_plan_change(&c, p, 2, &err), PS_EINVALID);
    ps_plan_free(p);
    ps_host_free(h);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "planning");
    snapshot_free(&before);
    snapshot_free(&after);

    /* A target that pushes a port past 65535 cannot be planned. */
    spec.target = 60000;
    h = open_ok(&spec, 1);
    ck_assert_int_eq(ps_host_plan(&p, h, 0, &err), PS_ERANGE);
    ck_assert(strstr(err.message, "past 65535") != NULL);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* The EI profiles' redirectPort 9443: two stale findings; a repair plan fixes both. */
START_TEST(findings_and_their_repair)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(tree_copy(EI_MINI, in(&f, "ei")), 0);
    ps_home_spec spec = {in(&f, "ei"), 0, 0};
    ps_host *h = open_ok(&spec, 1);
    ps_check *c;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_host_check(&c, h, 0, &err), 0);
    ck_assert_uint_eq(ps_check_findings(c), 2);
    ck_assert_uint_eq(ps_check_count(c), 2);
    static const struct {
        const char *runtime;
        long should;
    } want[] = {{"wso2/business-process", 9445}, {"wso2/broker", 9446}};
    for (size_t i = 0; i < 2; i++) {
        const ps_finding *fd = ps_check_get(c, i);
        ck_assert_int_eq(fd->kind, PS_FINDING_STALE);
        ck_assert(!fd->note);
        ck_assert_int_eq(fd->port, 9443);
        ck_assert_int_eq(fd->should, want[i].should);
        ck_assert_uint_eq(fd->nparties, 2);
        ck_assert_str_eq(fd->parties[0].runtime, want[i].runtime);
        ck_assert_str_eq(fd->parties[0].what, "HTTP to HTTPS redirect target");
        ck_assert_int_eq(fd->parties[1].port, want[i].should);
    }
    ck_assert_ptr_null(ps_check_get(c, 2));
    ps_check_free(c);

    ps_plan *p;
    ck_assert_int_eq(ps_host_plan(&p, h, 0, &err), 0);
    ck_assert_uint_eq(ps_plan_change_count(p), 0);
    ps_plan_free(p);
    ck_assert_int_eq(ps_host_plan(&p, h, PS_PLAN_REPAIR, &err), 0);
    ck_assert_uint_eq(ps_plan_change_count(p), 2);
    for (size_t i = 0; i < 2; i++) {
        ps_change ch;
        ck_assert_int_eq(ps_plan_change(&ch, p, i, &err), 0);
        ck_assert_int_eq(ch.old_value, 9443);
        ck_assert(ch.new_value == 9445 || ch.new_value == 9446);
        ck_assert_msg(strstr(ch.why, "stale: means servlet transport") != NULL, "%s", ch.why);
        free(ch.why);
    }
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* Offsets for every home through the API: the first kept, the others moved,
 * an EI home's profiles by the same amount; the plan of the answer. */
START_TEST(batch_an_assignment)
{
    fx f;
    fx_open(&f);
    fx_add(&f, KERNEL, "k1");
    fx_add(&f, KERNEL, "k2");
    ck_assert_int_eq(tree_copy(EI_MINI, in(&f, "ei")), 0);
    ps_home_spec specs[] = {{in(&f, "k1"), 0, 0}, {in(&f, "k2"), 0, 0}, {in(&f, "ei"), 0, 0}};
    ps_host *h = open_ok(specs, 3);
    ps_batch *b;
    ps_error err = {{0}, 0, 0, {0}};
    ps_batch_options o = {.first = 0};
    ck_assert_int_eq(ps_host_batch(&b, h, &o, &err), 0);
    ck_assert_uint_eq(ps_batch_home_count(b), 3);
    ps_assignment a;
    ck_assert_int_eq(ps_batch_assignment(&a, b, 0, &err), 0);
    ck_assert_str_eq(a.home, in(&f, "k1"));
    ck_assert(a.kept);
    ck_assert_ptr_null(a.reason);
    /* k2: not 1, where it would open the EI analytics worker's fixed 9444. */
    ck_assert_int_eq(ps_batch_assignment(&a, b, 1, &err), 0);
    ck_assert(!a.kept);
    ck_assert_int_eq(a.current_offset, 0);
    ck_assert_int_eq(a.offset, 2);
    ck_assert_ptr_nonnull(strstr(a.reason, "but "));
    /* The EI home: integrator 0, business process 2, broker 3, the Carbon 5 analytics fixed. */
    ck_assert_int_eq(ps_batch_assignment(&a, b, 2, &err), 0);
    long delta = a.offset - a.current_offset;
    ck_assert_int_gt(delta, 0);
    ck_assert_int_eq(ps_batch_runtime_offset(b, 2), a.offset); /* the integrator */
    ck_assert_int_eq(ps_batch_runtime_offset(b, 3), 2 + delta);
    ck_assert_int_eq(ps_batch_runtime_offset(b, 4), 3 + delta);
    ck_assert_int_eq(ps_batch_runtime_offset(b, 5), 0);
    ck_assert_int_eq(ps_batch_assignment(&a, b, 3, &err), PS_EINVALID);
    ck_assert_uint_eq(ps_batch_rewrite_count(b), 0);
    ck_assert_ptr_null(ps_batch_rewrite(b, 0));

    /* Its plan moves k2 and the EI home; with repair, the profiles' redirectPorts too. */
    ps_plan *p;
    ck_assert_int_eq(ps_batch_plan(&p, b, 0, &err), 0);
    size_t plain = ps_plan_change_count(p);
    int k2_moved = 0;
    for (size_t i = 0; i < plain; i++) {
        ps_change c;
        ck_assert_int_eq(ps_plan_change(&c, p, i, &err), 0);
        ck_assert(strstr(c.path, "/k1/") == NULL); /* kept */
        if (strstr(c.path, "/k2/repository/conf/carbon.xml"))
            k2_moved = c.old_value == 0 && c.new_value == 2;
        free(c.why);
    }
    ck_assert(k2_moved);
    ps_plan_free(p);
    ck_assert_int_eq(ps_batch_plan(&p, b, PS_PLAN_REPAIR, &err), 0);
    ck_assert_uint_eq(ps_plan_change_count(p), plain + 2);
    ps_plan_free(p);
    ps_batch_free(b);

    /* No answer: the error names the home. */
    ps_port_range all = {1, 65535};
    o = (ps_batch_options){.avoid = &all, .navoid = 1};
    b = (ps_batch *)&f; /* must be overwritten */
    ck_assert_int_eq(ps_host_batch(&b, h, &o, &err), PS_ERANGE);
    ck_assert_ptr_null(b);
    ck_assert_str_eq(err.path, in(&f, "k1"));
    ck_assert(strstr(err.message, "no offset from 0 on fits: ") == err.message);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* The warnings of a plan and of a check are readable through the header,
 * and they are the ones `portshift diff` prints. */
START_TEST(warnings_are_readable)
{
    fx f;
    fx_open(&f);
    fx_add(&f, KERNEL, "k");
    ps_home_spec spec = {in(&f, "k"), 1, 1};
    ps_host *h = open_ok(&spec, 1);
    ps_plan *p = NULL;
    ps_check *c = NULL;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_host_plan(&p, h, 0, &err), 0);
    ck_assert_int_eq(ps_host_check(&c, h, 0, &err), 0);
    ck_assert_uint_eq(ps_plan_warning_count(p), 0); /* a known version, no stored port */
    ck_assert_ptr_null(ps_plan_warning(p, 0));
    ck_assert_uint_eq(ps_check_warning_count(c), 0);
    ps_check_free(c);
    ps_plan_free(p);
    ps_host_free(h);

    fx_replace(in(&f, "k/" CARBON), "<Version>4.4.9</Version>", "");
    h = open_ok(&spec, 1);
    ps_runtime_info info;
    ck_assert_int_eq(ps_host_runtime(&info, h, 0, &err), 0);
    char want[256];
    snprintf(want, sizeof want, "%s version unknown: version-specific rules skipped",
             info.product_name);
    ck_assert_int_eq(ps_host_plan(&p, h, 0, &err), 0);
    ck_assert_int_eq(ps_host_check(&c, h, 0, &err), 0);
    ck_assert_uint_eq(ps_plan_warning_count(p), 1);
    ck_assert_uint_eq(ps_check_warning_count(c), 1);
    const ps_error *w[] = {ps_plan_warning(p, 0), ps_check_warning(c, 0)};
    for (int k = 0; k < 2; k++) {
        ck_assert_ptr_nonnull(w[k]);
        ck_assert_str_eq(w[k]->path, in(&f, "k"));
        ck_assert_int_eq(w[k]->line, 0);
        ck_assert_str_eq(w[k]->message, want);
    }
    ck_assert_ptr_null(ps_plan_warning(p, 1));
    ck_assert_ptr_null(ps_check_warning(c, 1));
    cli_result r = cli(&f, "diff --offset 1 k");
    ck_assert_int_eq(r.status, 1);
    char line[4096];
    snprintf(line, sizeof line, "portshift: k: warning: %s\nportshift: diff: ", want);
    ck_assert_msg(strncmp(r.err, line, strlen(line)) == 0, "stderr: %s", r.err);
    cli_result_free(&r);
    ps_check_free(c);
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

START_TEST(errors_say_where)
{
    fx f;
    fx_open(&f);
    fx_add(&f, KERNEL, "k");
    ck_assert_int_eq(run_cmd("mkdir '%s'", in(&f, "empty")), 0);
    ps_host *h = (ps_host *)&f; /* must be overwritten */
    ps_error err = {{0}, 0, 0, {0}};
    ps_home_spec spec = {in(&f, "empty"), 0, 0};
    ck_assert_int_eq(ps_host_open(&h, &spec, 1, 0, &err), PS_ERROR); /* no home */
    ck_assert_ptr_null(h);
    ck_assert_str_eq(err.path, in(&f, "empty"));
    ps_home_spec twice[] = {{in(&f, "k"), 1, 3}, {in(&f, "k"), 1, 5}};
    ck_assert_int_eq(ps_host_open(&h, twice, 2, 0, &err), PS_EINVALID);
    ck_assert_str_eq(err.message, "named twice with different offsets");
    ps_home_spec negative = {in(&f, "k"), 1, -1};
    ck_assert_int_eq(ps_host_open(&h, &negative, 1, 0, &err), PS_EINVALID);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("host") < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, runtimes_and_their_ports);
    tcase_add_test(tc, owners_of_a_port);
    tcase_add_test(tc, plan_a_target);
    tcase_add_test(tc, findings_and_their_repair);
    tcase_add_test(tc, batch_an_assignment);
    tcase_add_test(tc, warnings_are_readable);
    tcase_add_test(tc, errors_say_where);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}
