#include "detect/scripts.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/path.h"
#include "base/strbuf.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The name a script has without its .sh or .bat; NULL when it is neither. */
/* NULL when `name` is no script, or (*oom set) out of memory. */
static char *script_stem(const char *name, int *oom)
{
    size_t n = strlen(name);
    size_t ext = ps_path_has_suffix(name, ".sh") && n > 3    ? 3
                 : ps_path_has_suffix(name, ".bat") && n > 4 ? 4
                                                             : 0;
    char *stem = ext ? ps_strndup(name, n - ext) : NULL;
    *oom |= ext && !stem;
    return stem;
}

/* The profile an EI runtime's folder names ("wso2/broker" -> "broker"). */
static const char *profile_of(const ps_runtime *rt)
{
    const char *slash = strrchr(rt->name, '/');
    return slash ? slash + 1 : rt->name;
}

/* 1 when the script stem `stem` in the home's bin/ starts runtime r. */
static int starts(const ps_home *home, size_t r, const char *stem)
{
    if (*home->runtimes[r].name)
        return strcmp(stem, profile_of(&home->runtimes[r])) == 0;
    for (size_t k = 0; k < home->nruntimes; k++)
        if (*home->runtimes[k].name && strcmp(stem, profile_of(&home->runtimes[k])) == 0)
            return 0;
    return 1;
}

/* Adds the scripts of folder `dir_rel` (relative to the home): all of them,
 * or only those that start runtime r. */
static int add_folder(char ***rels, size_t *n, size_t *cap, const ps_home *home, size_t r,
                      const char *dir_rel, int all, ps_error *err)
{
    char *dir = ps_path_join(home->path, dir_rel);
    if (!dir)
        return ps_error_oom(err);
    DIR *d = opendir(dir);
    int rc = 0, oom = 0;
    if (!d) {
        free(dir);
        return 0;
    }
    size_t first = *n;
    for (struct dirent *de; !oom && (de = readdir(d));) {
        char *stem = script_stem(de->d_name, &oom);
        if (stem && (all || starts(home, r, stem))) {
            char *rel = ps_path_join(dir_rel, de->d_name);
            char **slot = rel ? PS_TRY_PUSH(*rels, *n, *cap) : NULL;
            if (slot) {
                *slot = rel;
            } else {
                free(rel);
                oom = 1;
            }
        }
        free(stem);
    }
    closedir(d);
    if (oom) { /* the caller frees what was added */
        free(dir);
        return ps_error_oom(err);
    }
    /* In name order: the first bad script named is the one reported. */
    ps_sort(*rels + first, *n - first, sizeof **rels, cmp_names);
    size_t kept = first;
    for (size_t i = first; i < *n; i++) {
        char *path = rc == 0 ? ps_path_join(home->path, (*rels)[i]) : NULL;
        if (rc == 0 && !path)
            rc = ps_error_oom(err);
        struct stat st;
        /* stat follows a link, as a shell running the script would. */
        int skip = !path || stat(path, &st) < 0 || S_ISDIR(st.st_mode);
        if (!skip && !S_ISREG(st.st_mode) && rc == 0)
            rc = ps_error_set(err, path, 0, 0, "not a regular file");
        free(path);
        if (skip || rc < 0)
            free((*rels)[i]);
        else
            (*rels)[kept++] = (*rels)[i];
    }
    *n = kept;
    free(dir);
    return rc;
}

int ps_start_scripts(char ***rels, size_t *n, const ps_home *home, size_t r, ps_error *err)
{
    size_t cap = 0;
    *rels = NULL;
    *n = 0;
    int rc = add_folder(rels, n, &cap, home, r, "bin", 0, err);
    if (rc == 0 && *home->runtimes[r].name) {
        char *own = ps_path_join(home->runtimes[r].name, "bin");
        rc = own ? add_folder(rels, n, &cap, home, r, own, 1, err) : ps_error_oom(err);
        free(own);
    }
    if (rc < 0) {
        for (size_t i = 0; i < *n; i++)
            free((*rels)[i]);
        free(*rels);
        *rels = NULL;
        *n = 0;
    }
    return rc;
}
