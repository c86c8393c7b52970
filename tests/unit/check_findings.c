/*
 * The findings of check (src/check), from runtimes built in memory: clashes
 * between active listeners (of two runtimes or of one, fixed ones included,
 * at the current offsets), stale self references (a finding, or a note
 * naming the deployment.toml key in a generated file), ambiguous and
 * unowned references, their order; and ports already listening on this
 * host, read from a folder laid out like /proc: a socket of another process
 * is a finding naming that process, the home's own server's socket is
 * none, and a running server whose sockets cannot be read makes a note;
 * and a running server whose command line (a fake /proc/PID/cmdline) sets
 * another -DportOffset than its files say, reported at its pid file.
 */
#include "check/check.h"

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
#include "check/bound.h"
#include "detect/running.h"

static ps_check *judge(synth *s, const char *proc)
{
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_check *c;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_check_make(&c, units, n, proc, &err) == 0, "%s: %s", err.path, err.message);
    return c;
}

/* The one finding of kind `kind` (the case fails when there is not exactly one). */
static const ps_finding *only(const ps_check *c, ps_finding_kind kind, int note)
{
    const ps_finding *found = NULL;
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].kind == kind && c->items[i].note == note) {
            ck_assert_msg(!found, "two findings of kind %d: %s / %s", kind, found->message,
                          c->items[i].message);
            found = &c->items[i];
        }
    ck_assert_msg(found != NULL, "no finding of kind %d (note %d)", kind, note);
    return found;
}

static size_t count_kind(const ps_check *c, ps_finding_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < c->count; i++)
        n += c->items[i].kind == kind;
    return n;
}

/* clang-format off */
static const struct clash_case {
    const char *label;
    long offset_a, base_a; ps_shift shift_a; int active_a;
    long offset_b, base_b; ps_shift shift_b; int active_b;
    int same_runtime;
    long port; /* the clash, 0: none */
} clash_cases[] = {
    {"two homes, one port", 0, 9443, PS_SHIFT_AUTO, 1, 0, 9443, PS_SHIFT_AUTO, 1, 0, 9443},
    {"offsets count", 0, 9443, PS_SHIFT_AUTO, 1, 1, 9442, PS_SHIFT_AUTO, 1, 0, 9443},
    {"different offsets part them", 0, 9443, PS_SHIFT_AUTO, 1, 1, 9443, PS_SHIFT_AUTO, 1, 0, 0},
    {"fixed listeners clash too", 0, 4000, PS_SHIFT_FIXED, 1, 5, 4000, PS_SHIFT_FIXED, 1, 0, 4000},
    {"a fixed port an auto one reaches", 0, 4000, PS_SHIFT_FIXED, 1, 3, 3997, PS_SHIFT_AUTO, 1, 0,
     4000},
    {"manual: as written", 3, 10400, PS_SHIFT_MANUAL, 1, 3, 10397, PS_SHIFT_AUTO, 1, 0, 10400},
    {"an inactive listener opens nothing", 0, 4000, PS_SHIFT_FIXED, 1, 0, 4000, PS_SHIFT_FIXED, 0,
     0, 0},
    {"two listeners of one runtime", 0, 9443, PS_SHIFT_AUTO, 1, 0, 9443, PS_SHIFT_AUTO, 1, 1, 9443},
};
/* clang-format on */

START_TEST(clashes)
{
    const struct clash_case *c = &clash_cases[_i];
    synth *s = synth_new();
    size_t a = synth_runtime(s, "a", "", "carbon", c->offset_a, 0);
    synth_listener(s, a, c->base_a, c->shift_a, c->active_a, 0, "first");
    size_t b = a;
    if (!c->same_runtime)
        b = synth_runtime(s, "b", "", "carbon", c->offset_b, 0);
    synth_listener(s, b, c->base_b, c->shift_b, c->active_b, 1, "second");
    ps_check *k = judge(s, NULL);
    if (!c->port) {
        ck_assert_msg(count_kind(k, PS_FINDING_CLASH) == 0, "%s: a clash", c->label);
    } else {
        const ps_finding *f = only(k, PS_FINDING_CLASH, 0);
        ck_assert_int_eq(f->port, c->port);
        ck_assert_uint_eq(f->nparties, 2);
        /* Both parties: where each is, the built-in one by its home. */
        ck_assert_str_eq(f->parties[0].home, "a");
        ck_assert_str_eq(f->parties[0].file, "main.xml");
        ck_assert_int_eq(f->parties[0].line, 2);
        ck_assert_str_eq(f->parties[0].what, "first");
        ck_assert_str_eq(f->parties[1].home, c->same_runtime ? "a" : "b");
        ck_assert_ptr_null(f->parties[1].file);
        ck_assert_str_eq(f->parties[1].what, "second");
        ck_assert_int_eq(f->parties[1].port, c->port);
        ck_assert_uint_eq(k->nfindings, 1);
    }
    ps_check_free(k);
    synth_free(s);
}
END_TEST

/* The planner's stale references are findings, except in a generated file:
 * a note that names the deployment.toml key (or the element) to set. */
START_TEST(stale_findings_and_notes)
{
    synth *s = synth_new();
    size_t u = synth_runtime(s, "ei", "", "ei", 3, 0);
    size_t https = synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    size_t ref = synth_reference(s, u, 9443, NULL, 1);
    synth_generated(s, u);
    size_t gen = synth_reference(s, u, 9443, NULL, 0);
    ps_check *k = judge(s, NULL);
    ck_assert_uint_eq(k->nfindings, 1);
    ck_assert_uint_eq(k->nstale, 1);
    const ps_finding *f = only(k, PS_FINDING_STALE, 0);
    ck_assert_int_eq(f->port, 9443);
    ck_assert_int_eq(f->should, 9446);
    ck_assert_uint_eq(f->nparties, 2);
    ck_assert_int_eq(f->parties[0].line, (int)ref + 1);
    ck_assert_int_eq(f->parties[1].line, (int)https + 1);
    ck_assert_str_eq(f->message, "9443 should be 9446: its runtime listens there for https");
    const ps_finding *note = only(k, PS_FINDING_STALE, 1);
    ck_assert_int_eq(note->should, 9446);
    ck_assert_int_eq(note->parties[0].line, (int)gen + 1);
    ck_assert_ptr_null(note->toml_key);
    ck_assert_msg(strstr(note->message, "is generated from deployment.toml") != NULL, "%s",
                  note->message);
    /* Findings come first. */
    ck_assert_int_eq(k->items[0].note, 0);
    ps_check_free(k);
    synth_free(s);
}
END_TEST

/* With the catalog's key, the note says what to set where. */
START_TEST(stale_note_names_the_toml_key)
{
    synth *s = synth_new();
    size_t u = synth_runtime(s, "am", "", "apim", 3, 0);
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_generated(s, u);
    synth_reference(s, u, 9443, NULL, 1);
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ((ps_site *)&units[0].sites->items[2])->toml_key = "transport.http.properties.redirectPort";
    ps_check *k = judge(s, NULL);
    const ps_finding *note = only(k, PS_FINDING_STALE, 1);
    ck_assert_str_eq(note->toml_key, "transport.http.properties.redirectPort");
    ck_assert_str_eq(note->message, "9443 should be 9446, but main-generated.xml is generated from "
                                    "deployment.toml: set redirectPort = 9446 in its "
                                    "[transport.http.properties] table");
    ck_assert_uint_eq(k->nfindings, 0);
    ps_check_free(k);
    synth_free(s);
}
END_TEST

/* A reference two other homes listen on, moving apart: ambiguous, with
 * both candidates; one nobody listens on: a note, its role said. */
START_TEST(ambiguous_and_unowned)
{
    synth *s = synth_new();
    size_t am = synth_runtime(s, "am", "", "apim", 0, 0);
    synth_reference(s, am, 9444, NULL, 0);
    synth_reference(s, am, 7612, "analytics", 0);
    size_t is1 = synth_runtime(s, "is1", "", "is", 1, 0);
    synth_listener(s, is1, 9443, PS_SHIFT_AUTO, 1, 0, "is1 https");
    size_t is2 = synth_runtime(s, "is2", "", "is", 0, 0);
    synth_listener(s, is2, 9444, PS_SHIFT_FIXED, 1, 0, "is2 pinned");
    synth_home_target(s, is1, 5); /* check ignores targets: judged as it is */
    ps_check *k = judge(s, NULL);
    const ps_finding *a = only(k, PS_FINDING_AMBIGUOUS, 0);
    ck_assert_int_eq(a->port, 9444);
    ck_assert_uint_eq(a->nparties, 3);
    ck_assert_str_eq(a->parties[0].home, "am");
    ck_assert_str_eq(a->parties[1].home, "is1");
    ck_assert_str_eq(a->parties[2].home, "is2");
    /* The two listeners on 9444 are of two homes: no clash? They are: both active. */
    ck_assert_uint_eq(count_kind(k, PS_FINDING_CLASH), 1);
    const ps_finding *u = only(k, PS_FINDING_UNOWNED, 1);
    ck_assert_int_eq(u->port, 7612);
    ck_assert_str_eq(u->message, "port 7612: no analytics runtime of this call listens on it, "
                                 "left alone");
    ck_assert_uint_eq(k->nfindings, 2);
    ck_assert_uint_eq(k->count, 3);
    ps_check_free(k);
    synth_free(s);
}
END_TEST

/* Findings in the order the homes were named, then notes. */
START_TEST(order_of_homes)
{
    synth *s = synth_new();
    size_t z = synth_runtime(s, "z", "", "carbon", 3, 0);
    synth_reference(s, z, 7000, NULL, 0);
    synth_listener(s, z, 9443, PS_SHIFT_AUTO, 1, 0, "z https");
    synth_reference(s, z, 9443, NULL, 1);
    size_t a = synth_runtime(s, "a", "", "carbon", 3, 0);
    synth_listener(s, a, 9443, PS_SHIFT_AUTO, 1, 0, "a https");
    synth_reference(s, a, 9443, NULL, 1);
    ps_check *k = judge(s, NULL);
    ck_assert_uint_eq(k->count, 4);
    static const struct {
        const char *home;
        ps_finding_kind kind;
        int note;
    } want[] = {{"z", PS_FINDING_CLASH, 0},
                {"z", PS_FINDING_STALE, 0},
                {"a", PS_FINDING_STALE, 0},
                {"z", PS_FINDING_UNOWNED, 1}};
    for (int i = 0; i < N(want); i++) {
        ck_assert_str_eq(k->items[i].parties[0].home, want[i].home);
        ck_assert_int_eq(k->items[i].kind, want[i].kind);
        ck_assert_int_eq(k->items[i].note, want[i].note);
    }
    ps_check_free(k);
    synth_free(s);
}
END_TEST

/* ---- /proc/net/tcp ---- */

#define HEADER PROC_TCP_HEADER
#define LINE PROC_TCP_LINE
#define LINE6 PROC_TCP_LINE6

/* clang-format off */
static const struct table_case {
    const char *label, *text;
    int ok;
    size_t n;
    long port;
    unsigned long inode;
} table_cases[] = {
    {"listening IPv4", HEADER LINE("24FB", "0A", "4242"), 1, 1, 9467, 4242},
    {"listening IPv6", HEADER LINE6("1F90", "0A", "77"), 1, 1, 8080, 77},
    {"established is not listening", HEADER LINE("24FB", "01", "4242"), 1, 0, 0, 0},
    {"header only", HEADER, 1, 0, 0, 0},
    {"no header", LINE("24FB", "0A", "4242"), 0, 0, 0, 0},
    {"port not hex", HEADER LINE("24FG", "0A", "4242"), 0, 0, 0, 0},
    {"short line", HEADER "   0: 0100007F:24FB 00000000:0000 0A\n", 0, 0, 0, 0},
    {"address of the wrong width", HEADER "   0: 7F:24FB 00000000:0000 0A 00000000:00000000 "
     "00:00000000 00000000  1000 0 4242\n", 0, 0, 0, 0},
    {"empty", "", 0, 0, 0, 0},
};
/* clang-format on */

START_TEST(socket_tables)
{
    const struct table_case *c = &table_cases[_i];
    ps_sockets s = {0};
    ps_error err = {{0}, 0, 0, {0}};
    int rc = ps_sockets_parse(&s, "tcp", c->text, strlen(c->text), &err);
    ck_assert_msg((rc == 0) == c->ok, "%s: rc %d (%s)", c->label, rc, err.message);
    if (c->ok) {
        ck_assert_uint_eq(s.count, c->n);
        if (c->n) {
            ck_assert_int_eq(s.items[0].port, c->port);
            ck_assert_uint_eq(s.items[0].inode, c->inode);
        }
    } else {
        ck_assert_str_eq(err.path, "tcp");
        ck_assert_int_gt(err.line, 0);
    }
    ps_sockets_free(&s);
}
END_TEST

/* Ports 9443 (inode 100) and 9444 (inode 200) listening; 9445 (300) too. */
#define TABLE HEADER LINE("24E3", "0A", "100") LINE("24E4", "0A", "200") LINE("24E5", "0A", "300")

typedef struct host_case {
    const char *label;
    int server;        /* the home's wso2carbon.pid names a live process (this test) */
    int server_fds;    /* its fd folder can be read, holding inode 100 */
    int other_process; /* process 4242 ("nc") holds inode 100 */
    ps_finding_kind kind;
    int findings, notes; /* on port 9443 */
    long pid;            /* of the socket party, -1 unknown */
} host_case;

/* clang-format off */
static const host_case host_cases[] = {
    {"another process holds it", 0, 0, 1, PS_FINDING_LISTENING, 1, 0, 4242},
    {"a process this user cannot look into", 0, 0, 0, PS_FINDING_LISTENING, 1, 0, -1},
    {"the home's own server holds it", 1, 1, 0, PS_FINDING_LISTENING, 0, 0, 0},
    {"the home's server runs, its sockets unreadable", 1, 0, 0, PS_FINDING_LISTENING, 0, 1, 0},
};
/* clang-format on */

START_TEST(ports_listening_on_this_host)
{
    const host_case *c = &host_cases[_i];
    char *root = tree_scratch();
    char proc[4096], home[4096];
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(home, sizeof home, "%s/am", root);
    fake_file(proc, "net/tcp", TABLE);
    long me = (long)getpid();
    if (c->server) {
        char pid[32];
        snprintf(pid, sizeof pid, "%ld\n", me);
        fake_file(home, "wso2carbon.pid", pid);
    } else {
        ck_assert_int_eq(mkdir(home, 0755), 0);
    }
    if (c->server_fds)
        fake_socket_fd(proc, me, 7, 100);
    if (c->other_process) {
        fake_socket_fd(proc, 4242, 3, 100);
        fake_file(proc, "4242/comm", "nc\n");
    }
    synth *s = synth_new();
    size_t u = synth_runtime(s, home, "", "apim", 0, 0);
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, u, 9444, PS_SHIFT_AUTO, 0, 0, "inactive: not judged");
    synth_listener(s, u, 9446, PS_SHIFT_AUTO, 1, 0, "nothing listens there");
    ps_check *k = judge(s, proc);
    ck_assert_msg(k->nfindings == (size_t)c->findings &&
                      k->count - k->nfindings == (size_t)c->notes,
                  "%s: %zu findings, %zu notes", c->label, k->nfindings, k->count - k->nfindings);
    if (c->findings || c->notes) {
        const ps_finding *f = only(k, c->kind, !c->findings);
        ck_assert_int_eq(f->port, 9443);
        ck_assert_str_eq(f->parties[0].what, "https");
        if (c->findings) {
            ck_assert_uint_eq(f->nparties, 2);
            ck_assert_ptr_null(f->parties[1].home);
            ck_assert_int_eq(f->parties[1].pid, c->pid);
            ck_assert_msg(strstr(f->parties[1].what,
                                 c->pid > 0 ? "process 4242 (nc)" : "cannot look into") != NULL,
                          "%s: %s", c->label, f->parties[1].what);
        } else {
            char want[64];
            snprintf(want, sizeof want, "(process %ld of wso2carbon.pid)", me);
            ck_assert_msg(strstr(f->message, want) != NULL, "%s", f->message);
        }
    }
    ps_check_free(k);
    synth_free(s);
    tree_remove(root);
    free(root);
}
END_TEST

/* ---- a running server's command line ---- */

/* clang-format off */
static const struct cmdline_case {
    const char *label;
    const char *bytes; /* NUL-separated, as /proc/PID/cmdline; NULL: no such file */
    size_t len;
    long files;   /* the offset the runtime's files say */
    long running; /* the finding's offset, -1: none */
} cmdline_cases[] = {
#define B(s) s, sizeof(s) - 1
    {"another offset", B("java\0-Xmx1g\0-DportOffset=4\0org.wso2.carbon.bootstrap.Bootstrap\0"), 0, 4},
    {"the files' offset", B("java\0-DportOffset=4\0"), 4, -1},
    {"the last one counts, as for the JVM", B("java\0-DportOffset=4\0-DportOffset=0\0"), 0, -1},
    {"no final NUL", B("java\0-DportOffset=7"), 0, 7},
    {"not a number", B("java\0-DportOffset=4x\0"), 0, -1},
    {"inside another argument", B("java\0-Dx=-DportOffset=4\0"), 0, -1},
    {"none on the command line", B("java\0Bootstrap\0"), 3, -1},
    {"six digits", B("java\0-DportOffset=100000\0"), 0, -1},
    {"no command line to read", NULL, 0, 0, -1},
#undef B
};
/* clang-format on */

START_TEST(running_offset_from_the_command_line)
{
    const struct cmdline_case *c = &cmdline_cases[_i];
    char *root = tree_scratch();
    char proc[4096], home[4096], path[4200], pid[32];
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(home, sizeof home, "%s/am", root);
    fake_file(proc, "net/tcp", HEADER);
    long me = (long)getpid();
    snprintf(pid, sizeof pid, "%ld\n", me);
    fake_file(home, "wso2carbon.pid", pid);
    if (c->bytes) {
        snprintf(path, sizeof path, "%s/%ld", proc, me);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        strcat(path, "/cmdline");
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(c->bytes, 1, c->len, f), c->len);
        ck_assert_int_eq(fclose(f), 0);
    }
    synth *s = synth_new();
    size_t u = synth_runtime(s, home, "", "apim", c->files, 0);
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    ps_check *k = judge(s, proc);
    if (c->running < 0) {
        ck_assert_msg(k->count == 0, "%s: %s", c->label, k->count ? k->items[0].message : "");
    } else {
        const ps_finding *f = only(k, PS_FINDING_RUNNING, 0);
        ck_assert_uint_eq(k->nfindings, 1);
        ck_assert_int_eq(f->port, c->running);
        char want[160];
        snprintf(want, sizeof want,
                 "the server (process %ld) runs at offset %ld (-DportOffset on its command "
                 "line), its files say %ld",
                 me, c->running, c->files);
        ck_assert_str_eq(f->message, want);
        ck_assert_uint_eq(f->nparties, 1);
        ck_assert_str_eq(f->parties[0].file, "wso2carbon.pid");
        snprintf(path, sizeof path, "%s/wso2carbon.pid", home);
        ck_assert_str_eq(f->parties[0].path, path);
        ck_assert_int_eq(f->parties[0].pid, me);
    }
    ps_check_free(k);
    synth_free(s);
    tree_remove(root);
    free(root);
}
END_TEST

/* A command line past PS_CMDLINE_MAX is not read at all (nothing is known of
 * it), however it ends. */
START_TEST(command_line_past_its_bound_is_not_read)
{
    char *root = tree_scratch();
    char path[4200];
    snprintf(path, sizeof path, "%s/42", root);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    strcat(path, "/cmdline");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < PS_CMDLINE_MAX; i++)
        fputc('x', f);
    ck_assert_int_eq(fputc('\0', f), 0);
    fputs("-DportOffset=4", f);
    ck_assert_int_eq(fclose(f), 0);
    long offset = -1;
    ck_assert_int_eq(ps_process_offset(root, 42, &offset), 0);
    ck_assert_int_eq(offset, -1);
    /* control: the same argument within the bound is read */
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("java", f);
    fputc('\0', f);
    fputs("-DportOffset=4", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(ps_process_offset(root, 42, &offset), 1);
    ck_assert_int_eq(offset, 4);
    tree_remove(root);
    free(root);
}
END_TEST

START_TEST(unreadable_socket_table_is_an_error)
{
    char *root = tree_scratch();
    synth *s = synth_new();
    synth_runtime(s, "am", "", "apim", 0, 0);
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_check *k;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_int_eq(ps_check_make(&k, units, n, root, &err), -1);
    ck_assert_msg(strstr(err.path, "/net/tcp") != NULL, "%s", err.path);
    fake_file(root, "net/tcp", "garbage\n");
    ck_assert_int_eq(ps_check_make(&k, units, n, root, &err), -1);
    ck_assert_str_eq(err.message, "not a TCP socket table");
    synth_free(s);
    tree_remove(root);
    free(root);
}
END_TEST

/*
 * A host with over a hundred thousand sockets has a /proc/net/tcp of more
 * than 16 MiB, the size cap of a config file: the table is read as it
 * comes, whatever its size, and the listening socket on its last line is
 * seen.
 */
START_TEST(large_socket_table_is_read_whole)
{
    char *root = tree_scratch();
    char dir[4096], path[4096];
    snprintf(dir, sizeof dir, "%s/net", root);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/tcp", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(HEADER, f);
    for (int i = 0; i < 140000; i++)
        fputs(LINE("24FB", "01", "4242"), f); /* established: not listening */
    fputs(LINE("24E3", "0A", "100"), f);
    ck_assert_int_eq(fclose(f), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg(st.st_size > (off_t)16 << 20, "only %lld bytes", (long long)st.st_size);

    ps_sockets s = {0};
    ps_error err = {{0}, 0, 0, {0}};
    int rc = ps_sockets_read(&s, root, &err);
    ck_assert_msg(rc == 0, "%s: %s", err.path, err.message);
    ck_assert_uint_eq(s.count, 1);
    ck_assert_int_eq(s.items[0].port, 9443);
    ck_assert_uint_eq(s.items[0].inode, 100);
    ps_sockets_free(&s);

    /* and a line cut short at the very end is still a bad line, at its number */
    f = fopen(path, "a");
    ck_assert_ptr_nonnull(f);
    fputs("   0: 0100007F:24FB", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(ps_sockets_read(&s, root, &err), -1);
    ck_assert_str_eq(err.message, "not a line of a TCP socket table");
    ck_assert_int_eq(err.line, 140003);
    tree_remove(root);
    free(root);
}
END_TEST

static Suite *findings_suite(void)
{
    Suite *s = suite_create("findings");
    TCase *tc = tcase_create("findings");
    tcase_add_loop_test(tc, clashes, 0, N(clash_cases));
    tcase_add_test(tc, stale_findings_and_notes);
    tcase_add_test(tc, stale_note_names_the_toml_key);
    tcase_add_test(tc, ambiguous_and_unowned);
    tcase_add_test(tc, order_of_homes);
    tcase_add_loop_test(tc, socket_tables, 0, N(table_cases));
    tcase_add_loop_test(tc, ports_listening_on_this_host, 0, N(host_cases));
    tcase_add_loop_test(tc, running_offset_from_the_command_line, 0, N(cmdline_cases));
    tcase_add_test(tc, command_line_past_its_bound_is_not_read);
    tcase_add_test(tc, unreadable_socket_table_is_an_error);
    tcase_add_test(tc, large_socket_table_is_read_whole);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_status(findings_suite());
}
