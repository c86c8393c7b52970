/*
 * What a host keeps of a home once its sites are found (ps_sites_settle):
 * the files that hold a site, by name, without their bytes; the files
 * without one are gone. The render reads an edited file again, and refuses
 * it when its bytes are not those the sites were found in: a diff or an
 * apply never splices positions into other bytes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "parse/file.h"
#include "sites/sites.h"

#include "../support/fixture.h"
#include "../support/runner.h"

/* The good fixture (carbon.xml, catalina-server.xml: both hold sites) and
 * two config files that hold none. */
static ps_host *open_home(fx *f, long target)
{
    fx_open(f);
    fx_add(f, "good", "k");
    put(in(f, "k/repository/conf/plain.xml"), "<a>no port here</a>\n");
    put(in(f, "k/repository/conf/plain.properties"), "name=value\n");
    ps_home_spec spec = {in(f, "k"), 1, target};
    ps_host *h = NULL;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_open(&h, &spec, 1, 0, &err) == 0, "%s: %s", err.path, err.message);
    return h;
}

static ps_plan *plan_ok(ps_host *h)
{
    ps_plan *p = NULL;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_plan(&p, h, 0, &err) == 0, "%s", err.message);
    return p;
}

START_TEST(a_home_keeps_its_sites_only)
{
    fx f;
    ps_host *h = open_home(&f, 3);
    ck_assert_uint_eq(h->nunits, 1);
    const ps_config *cfg = h->units[0].cfg;
    const ps_sites *ss = h->units[0].sites;
    ck_assert_uint_eq(cfg->nfiles, 2);
    ck_assert_str_eq(cfg->files[0].rel, CARBON);
    ck_assert_str_eq(cfg->files[1].rel, CATALINA);
    for (size_t i = 0; i < cfg->nfiles; i++) {
        ck_assert_msg(cfg->files[i].data == NULL, "%s keeps its bytes", cfg->files[i].rel);
        ck_assert_ptr_null(cfg->files[i].xml);
    }
    /* Every site points into the smaller config, and still says what it read. */
    int offset_seen = 0;
    for (size_t i = 0; i < ss->count; i++) {
        const ps_site *s = &ss->items[i];
        if (!s->file)
            continue;
        ck_assert(s->file == &cfg->files[0] || s->file == &cfg->files[1]);
        if (s->kind == PS_SITE_OFFSET) {
            ck_assert_str_eq(s->text, "0");
            offset_seen = 1;
        }
    }
    ck_assert(offset_seen);

    /* The render reads the edited files again: the original bytes as on disk,
     * and the patch made from them. */
    ps_plan *p = plan_ok(h);
    ps_rendered *out = NULL;
    size_t n = 0;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_render(p, 2, &out, &n, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(n, 2);
    char *disk;
    size_t len;
    ck_assert_int_eq(ps_file_read(in(&f, "k/" CATALINA), &disk, &len, &err), 0);
    ck_assert_uint_eq(out[1].orig_len, len);
    ck_assert(memcmp(out[1].orig, disk, len) == 0);
    ck_assert_ptr_nonnull(strstr(out[1].data, " port=\"9763\"")); /* offset at runtime */
    ck_assert_ptr_nonnull(strstr(out[1].data, "redirectPort=\"9446\""));
    free(disk);
    ps_rendered_free(out, n);
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* The same length, one byte outside every site: only the digest tells. */
START_TEST(a_file_changed_after_loading_is_refused)
{
    fx f;
    ps_host *h = open_home(&f, 3);
    ps_plan *p = plan_ok(h);
    fx_replace(in(&f, "k/" CARBON), "minimal Carbon", "minimal carbon");
    size_t *first;
    ck_assert_uint_eq(ps_render_files(p, &first), 2);
    ps_rendered r;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_render_file(p, first, 0, &r, &err), -1);
    ck_assert_str_eq(err.path, in(&f, "k/" CARBON));
    ck_assert_str_eq(err.message, "changed while portshift was reading it; run portshift again");
    free(first);

    /* Whole, it is refused the same way, and nothing is rendered. */
    ps_rendered *out = NULL;
    size_t n = 7;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ps_render(p, 2, &out, &n, &err), -1);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(err.path, in(&f, "k/" CARBON));
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* The bytes are gone, but what the render checks a patch against is kept:
 * a splice that adds an element to carbon.xml is refused. */
START_TEST(a_patch_is_checked_against_the_dropped_file)
{
    fx f;
    ps_host *h = open_home(&f, 3);
    ck_assert(h->units[0].cfg->files[0].lexed);
    ps_plan *p = plan_ok(h);
    ck_assert_str_eq(p->edits[0].file->rel, CARBON);
    ck_assert_str_eq(p->edits[0].text, "3");
    free(p->edits[0].text);
    p->edits[0].text = strdup("3<q/>");
    size_t *first;
    ps_render_files(p, &first);
    ps_rendered r;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_render_file(p, first, 0, &r, &err), -1);
    ck_assert_str_eq(err.path, in(&f, "k/" CARBON));
    ck_assert_str_eq(err.message, "internal error: patch changed the structure");
    free(first);
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* A file that can no longer be read is refused with its path, not rendered from nothing. */
START_TEST(a_file_gone_after_loading_is_refused)
{
    fx f;
    ps_host *h = open_home(&f, 3);
    ps_plan *p = plan_ok(h);
    ck_assert_int_eq(unlink(in(&f, "k/" CATALINA)), 0);
    size_t *first;
    ps_render_files(p, &first);
    ps_rendered r;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_render_file(p, first, 0, &r, &err), 0); /* carbon.xml is there */
    ps_rendered_release(&r);
    ck_assert_int_eq(ps_render_file(p, first, 1, &r, &err), -1);
    free(first);
    ck_assert_str_eq(err.path, in(&f, "k/" CATALINA));
    ck_assert_ptr_nonnull(strstr(err.message, "cannot open"));
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("settle") < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("settle");
    TCase *tc = tcase_create("settle");
    tcase_add_test(tc, a_home_keeps_its_sites_only);
    tcase_add_test(tc, a_file_changed_after_loading_is_refused);
    tcase_add_test(tc, a_patch_is_checked_against_the_dropped_file);
    tcase_add_test(tc, a_file_gone_after_loading_is_refused);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}
