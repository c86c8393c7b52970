#include "corpus.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tree.h"

const char *corpus_dir(void)
{
    const char *dir = getenv("PS_CORPUS_DIR");
    return dir && *dir ? dir : PS_CORPUS_DIR;
}

static int exists(const char *dir, const char *rel)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return stat(p, &st) == 0;
}

static int carbon_home(const char *dir)
{
    return exists(dir, "repository/conf/carbon.xml") || exists(dir, "conf/carbon.xml") ||
           exists(dir, "repository/conf/deployment.toml") || exists(dir, "conf/deployment.toml");
}

static void find_trees(const char *dir, char **out, int *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *de; (de = readdir(d)) && *n < CORPUS_MAX_TREES;) {
        if (de->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        if (strcmp(de->d_name, "variants") == 0)
            find_trees(p, out, n);
        else if (carbon_home(p))
            out[(*n)++] = strdup(p);
    }
    closedir(d);
}

int corpus_trees(char **out)
{
    int n = 0;
    find_trees(corpus_dir(), out, &n);
    return n;
}

int corpus_has(const char *tree)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", corpus_dir(), tree);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int corpus_lacks(const char *suite, const char *const *trees, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!corpus_has(trees[i])) {
            printf("%s: %s/%s not found: skipping\n", suite, corpus_dir(), trees[i]);
            return 1;
        }
    return 0;
}

void corpus_copy(const char *tree, const char *dir, const char *name)
{
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s/%s", corpus_dir(), tree);
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    ck_assert_msg(tree_copy(src, dst) == 0, "cannot copy %s to %s", src, dst);
}

char *file_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (size_t n;; len += n) {
        if (cap - len < 4096)
            data = realloc(data, cap = cap * 2 + 4096);
        n = fread(data + len, 1, cap - len - 1, f);
        if (n == 0)
            break;
    }
    fclose(f);
    data[len] = '\0';
    return data;
}

int file_holds(const char *path, const char *needle)
{
    char *text = file_text(path);
    int yes = strstr(text, needle) != NULL;
    free(text);
    return yes;
}

static void write_text(const char *path, const char *text, const char *mode)
{
    FILE *f = fopen(path, mode);
    ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

void file_replace(const char *path, const char *anchor, const char *from, const char *to)
{
    char *text = file_text(path);
    const char *start = anchor ? strstr(text, anchor) : text;
    ck_assert_msg(start != NULL, "%s: no '%s'", path, anchor);
    char *at = strstr(start, from);
    ck_assert_msg(at != NULL, "%s: no '%s' after '%s'", path, from, anchor ? anchor : "the start");
    size_t head = (size_t)(at - text);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)head, text, to, at + strlen(from));
    write_text(path, out, "wb");
    free(out);
    free(text);
}

void file_append(const char *path, const char *text)
{
    write_text(path, text, "ab");
}
