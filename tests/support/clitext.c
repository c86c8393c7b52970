#define _GNU_SOURCE
#include "clitext.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "corpus.h"
#include "fixture.h"

int line_with(const char *text, const char *const *needles, size_t n)
{
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t k = 0;
        while (k < n && memmem(line, len, needles[k], strlen(needles[k])))
            k++;
        if (k == n)
            return 1;
        line = end ? end + 1 : NULL;
    }
    return 0;
}

int line_of(const char *path, const char *needle)
{
    char *text = file_text(path);
    char *at = strstr(text, needle);
    ck_assert_msg(at != NULL, "%s holds no %s", path, needle);
    int line = 1;
    for (char *p = text; p < at; p++)
        line += *p == '\n';
    free(text);
    return line;
}

cli_result cli_runf(const char *cwd, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return cli_run(cwd, cmd);
}

void expect_status(const cli_result *r, int status, const char *what)
{
    ck_assert_msg(r->status == status, "%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what,
                  r->status, status, r->out, r->err);
}

int have_validator(void)
{
    return run_cmd("python3 -c 'import jsonschema, jsonschema.validators as v; "
                   "v.Draft202012Validator' >/dev/null 2>&1") == 0;
}

void validate(const char *dir, const char *json, const char *schema, const char *what)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/doc.json", dir);
    put(path, json);
    int rc = run_cmd("python3 -c '"
                     "import json, sys, jsonschema.validators as v\n"
                     "schema = json.load(open(sys.argv[1]))\n"
                     "v.Draft202012Validator.check_schema(schema)\n"
                     "v.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n"
                     "' '%s/schemas/%s' '%s' >&2",
                     PS_SOURCE_DIR, schema, path);
    ck_assert_msg(rc == 0, "%s: %s does not validate against %s:\n%s", what, path, schema, json);
}

int listen_on(long port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 1) == 0)
        return s;
    close(s);
    return -1;
}

long listen_free(int *fd, long *port)
{
    for (long off = 10; off < 400; off++) {
        int s = listen_on(9443 + off);
        if (s >= 0) {
            *fd = s;
            *port = 9443 + off;
            return off;
        }
    }
    return -1;
}
