/* Joining file-system paths. */
#ifndef PS_BASE_PATH_H
#define PS_BASE_PATH_H

/* a + "/" + b (one slash between them); an empty side yields the other. Caller frees. */
char *ps_path_join(const char *a, const char *b);

#endif
