/*
 * A recursive-descent JSON reader (RFC 8259). The grammar's sections are
 * cited where a choice is made; everything else is the RFC's grammar as
 * written.
 */
#include "parse/json_read.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"

typedef struct parser {
    ps_json *doc;
    const char *data, *path;
    size_t len, pos;
    ps_error *err;
    ps_strbuf scratch; /* a string with escapes, decoded */
    size_t cap;        /* of doc->nodes */
} parser;

static int fail_at(parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(parser *p, size_t at, const char *fmt, ...)
{
    int line, col;
    ps_lines_pos(&p->doc->lines, at, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    ps_error_vsetc(p->err, PS_EPARSE, p->path, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

/* §2: the four whitespace bytes, nothing else. */
static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->data[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        p->pos++;
    }
}

/* A description of the byte at pos, for "unexpected ..." messages. */
static int unexpected(parser *p, const char *wanted)
{
    if (p->pos >= p->len)
        return fail_at(p, p->pos, "unexpected end of text: %s", wanted);
    unsigned char c = (unsigned char)p->data[p->pos];
    if (c >= 0x21 && c < 0x7f)
        return fail_at(p, p->pos, "unexpected '%c': %s", c, wanted);
    return fail_at(p, p->pos, "unexpected byte 0x%02x: %s", c, wanted);
}

/* A new node of `type` at byte `at`; its index, or -1 (out of memory). */
static int push(parser *p, ps_json_type type, size_t at, size_t *out)
{
    ps_json_node *n = PS_TRY_PUSH(p->doc->nodes, p->doc->count, p->cap);
    if (!n)
        return ps_error_oom(p->err);
    *n = (ps_json_node){.type = type, .at = at};
    *out = p->doc->count - 1;
    return 0;
}

/* The length of the UTF-8 sequence at s[0, n) (RFC 3629 §4: no overlong
 * form, no surrogate, nothing past U+10FFFF), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* the bounds of the second byte */
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

static void put_utf8(ps_strbuf *b, uint32_t cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xf0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    ps_strbuf_add(b, u, n);
}

/* The four hex digits at pos (after "\u"); -1 when they are not. */
static long hex4(parser *p)
{
    if (p->len - p->pos < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->data[p->pos + (size_t)i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    p->pos += 4;
    return v;
}

/* A \u escape at pos (at the backslash), a surrogate pair as one code
 * point (§7); a lone surrogate has no UTF-8 form, so it is refused. */
static int unicode_escape(parser *p)
{
    size_t at = p->pos;
    p->pos += 2;
    long cp = hex4(p);
    if (cp < 0)
        return fail_at(p, at, "\\u takes four hex digits");
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail_at(p, at, "a low surrogate (\\u%04lX) with no high one before it", cp);
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p->len - p->pos < 2 || p->data[p->pos] != '\\' || p->data[p->pos + 1] != 'u')
            return fail_at(p, at, "a high surrogate (\\u%04lX) with no low one after it", cp);
        p->pos += 2;
        long lo = hex4(p);
        if (lo < 0)
            return fail_at(p, p->pos - 2, "\\u takes four hex digits");
        if (lo < 0xdc00 || lo > 0xdfff)
            return fail_at(p, at, "a high surrogate (\\u%04lX) with no low one after it", cp);
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    put_utf8(&p->scratch, (uint32_t)cp);
    return 0;
}

/* The string at pos (at its quote), decoded into the arena. */
static int string(parser *p, const char **out, size_t *outlen)
{
    size_t open = p->pos++;
    size_t run = p->pos; /* the start of bytes not yet copied to scratch */
    int escaped = 0;
    p->scratch.len = 0;
    for (;;) {
        if (p->pos >= p->len)
            return fail_at(p, open, "a string with no closing quote");
        unsigned char c = (unsigned char)p->data[p->pos];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail_at(p, p->pos, "a control character (0x%02x) in a string: escape it", c);
        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)p->data + p->pos, p->len - p->pos);
            if (!n)
                return fail_at(p, p->pos, "a byte that is not UTF-8 (0x%02x)", c);
            p->pos += n;
            continue;
        }
        if (c != '\\') {
            p->pos++;
            continue;
        }
        escaped = 1;
        ps_strbuf_add(&p->scratch, p->data + run, p->pos - run);
        char e = p->pos + 1 < p->len ? p->data[p->pos + 1] : '\0';
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *k = e ? strchr(from, e) : NULL;
        if (k) {
            ps_strbuf_add(&p->scratch, to + (k - from), 1);
            p->pos += 2;
        } else if (e == 'u') {
            if (unicode_escape(p) < 0)
                return -1;
        } else {
            return fail_at(p, p->pos, "an unknown escape in a string");
        }
        run = p->pos;
    }
    const char *s = p->data + open + 1;
    size_t n = p->pos - open - 1;
    if (escaped) {
        ps_strbuf_add(&p->scratch, p->data + run, p->pos - run);
        if (ps_strbuf_oom(&p->scratch))
            return ps_error_oom(p->err);
        s = p->scratch.data;
        n = p->scratch.len;
    }
    p->pos++;
    if (!(*out = ps_arena_strndup(&p->doc->strings, s, n)))
        return ps_error_oom(p->err);
    *outlen = n;
    return 0;
}

static int digit(const parser *p)
{
    return p->pos < p->len && p->data[p->pos] >= '0' && p->data[p->pos] <= '9';
}

/*
 * Whether number text s (valid by §6) is an integer within long long, and
 * which: JSON Schema's "integer" is a value, so 1.0 and 1e2 are integers
 * too. Exact, without floating point: the significant digits and the power
 * of ten they are scaled by.
 */
static int integral(const char *s, long long *out)
{
    int neg = *s == '-';
    s += neg;
    char digits[32];
    size_t nd = 0, zeros = 0; /* digits stored; zeros seen since the last one stored */
    long frac = 0;
    int seen_dot = 0, overflow = 0;
    for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
        if (*s == '.') {
            seen_dot = 1;
            continue;
        }
        frac += seen_dot;
        if (*s == '0') {
            zeros += nd > 0; /* leading zeros carry no value */
            continue;
        }
        for (; zeros && nd < sizeof digits; zeros--)
            digits[nd++] = '0';
        if (zeros || nd == sizeof digits)
            overflow = 1;
        else
            digits[nd++] = *s;
    }
    long exp = 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        int eneg = *s == '-';
        s += *s == '-' || *s == '+';
        for (; *s >= '0' && *s <= '9'; s++)
            if (exp < 100000000)
                exp = exp * 10 + (*s - '0');
        exp = eneg ? -exp : exp;
    }
    if (overflow)
        return 0;
    /* value = digits x 10^(exp - frac + zeros): the trailing zeros scale it */
    exp += (long)zeros - frac;
    if (nd == 0) {
        *out = 0;
        return 1;
    }
    if (exp < 0 || (long)nd + exp > 19)
        return 0;
    unsigned long long v = 0;
    for (size_t i = 0; i < nd + (size_t)exp; i++) {
        unsigned d = i < nd ? (unsigned)(digits[i] - '0') : 0;
        if (v > (ULLONG_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (v > (unsigned long long)LLONG_MAX + (unsigned long long)neg)
        return 0;
    *out =
        neg ? (v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v) : (long long)v;
    return 1;
}

/* §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int number(parser *p, size_t idx)
{
    size_t start = p->pos;
    if (p->data[p->pos] == '-')
        p->pos++;
    if (!digit(p))
        return unexpected(p, "a digit");
    if (p->data[p->pos] == '0') {
        p->pos++;
        if (digit(p))
            return fail_at(p, start, "a number with a leading zero");
    } else {
        while (digit(p))
            p->pos++;
    }
    if (p->pos < p->len && p->data[p->pos] == '.') {
        p->pos++;
        if (!digit(p))
            return unexpected(p, "a digit after the decimal point");
        while (digit(p))
            p->pos++;
    }
    if (p->pos < p->len && (p->data[p->pos] == 'e' || p->data[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->data[p->pos] == '+' || p->data[p->pos] == '-'))
            p->pos++;
        if (!digit(p))
            return unexpected(p, "a digit in the exponent");
        while (digit(p))
            p->pos++;
    }
    size_t n = p->pos - start;
    const char *s = ps_arena_strndup(&p->doc->strings, p->data + start, n);
    if (!s)
        return ps_error_oom(p->err);
    ps_json_node *node = &p->doc->nodes[idx];
    node->str = s;
    node->len = n;
    node->integral = integral(s, &node->integer);
    return 0;
}

static int value(parser *p, int depth, size_t *out);

static int cmp_keys(const void *a, const void *b)
{
    const ps_json_node *x = *(const ps_json_node *const *)a, *y = *(const ps_json_node *const *)b;
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    if (x->keylen != y->keylen)
        return x->keylen < y->keylen ? -1 : 1;
    return (x->keyat > y->keyat) - (x->keyat < y->keyat);
}

/* A key twice in object `idx`: refused at the second (sorted, so a large
 * object costs n log n, not n^2). */
static int unique_keys(parser *p, size_t idx)
{
    ps_json *doc = p->doc;
    size_t n = doc->nodes[idx].count;
    if (n < 2)
        return 0;
    const ps_json_node **v = ps_malloc(n * sizeof *v);
    if (!v)
        return ps_error_oom(p->err);
    size_t k = 0;
    for (size_t c = doc->nodes[idx].child; c; c = doc->nodes[c].next)
        v[k++] = &doc->nodes[c];
    ps_sort(v, n, sizeof *v, cmp_keys);
    for (size_t i = 1; i < n; i++)
        if (v[i]->keylen == v[i - 1]->keylen &&
            memcmp(v[i]->key, v[i - 1]->key, v[i]->keylen) == 0) {
            size_t at = v[i]->keyat;
            free(v);
            return fail_at(p, at, "a key twice in one object");
        }
    free(v);
    return 0;
}

/* An array or object at pos; `idx` its node. */
static int container(parser *p, size_t idx, int depth, int object)
{
    char close = object ? '}' : ']';
    if (depth >= PS_JSON_MAX_DEPTH)
        return fail_at(p, p->pos, "nested deeper than %d", PS_JSON_MAX_DEPTH);
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->data[p->pos] == close) {
        p->pos++;
        return 0;
    }
    size_t last = 0;
    for (;;) {
        const char *key = NULL;
        size_t keylen = 0, keyat = 0;
        if (object) {
            if (p->pos >= p->len || p->data[p->pos] != '"')
                return unexpected(p, "a key (a string)");
            keyat = p->pos;
            if (string(p, &key, &keylen) < 0)
                return -1;
            skip_ws(p);
            if (p->pos >= p->len || p->data[p->pos] != ':')
                return unexpected(p, "':' after a key");
            p->pos++;
            skip_ws(p);
        }
        size_t child;
        if (value(p, depth + 1, &child) < 0)
            return -1;
        ps_json_node *c = &p->doc->nodes[child];
        c->key = key;
        c->keylen = keylen;
        c->keyat = keyat;
        if (last)
            p->doc->nodes[last].next = child;
        else
            p->doc->nodes[idx].child = child;
        p->doc->nodes[idx].count++;
        last = child;
        skip_ws(p);
        if (p->pos < p->len && p->data[p->pos] == ',') {
            p->pos++;
            skip_ws(p);
            continue;
        }
        if (p->pos < p->len && p->data[p->pos] == close) {
            p->pos++;
            return object ? unique_keys(p, idx) : 0;
        }
        return unexpected(p, object ? "',' or '}'" : "',' or ']'");
    }
}

/* §3: one value at pos (no whitespace before it). */
static int value(parser *p, int depth, size_t *out)
{
    if (p->pos >= p->len)
        return unexpected(p, "a value");
    static const struct {
        const char *word;
        ps_json_type type;
    } words[] = {{"null", PS_JSON_NULL}, {"false", PS_JSON_FALSE}, {"true", PS_JSON_TRUE}};
    char c = p->data[p->pos];
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i].word);
        if (c != words[i].word[0])
            continue;
        if (p->len - p->pos < n || memcmp(p->data + p->pos, words[i].word, n) != 0)
            return fail_at(p, p->pos, "not a value (%s?)", words[i].word);
        if (push(p, words[i].type, p->pos, out) < 0)
            return -1;
        p->pos += n;
        return 0;
    }
    if (c == '"') {
        const char *s;
        size_t n;
        if (push(p, PS_JSON_STRING, p->pos, out) < 0 || string(p, &s, &n) < 0)
            return -1;
        p->doc->nodes[*out].str = s;
        p->doc->nodes[*out].len = n;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return push(p, PS_JSON_NUMBER, p->pos, out) < 0 ? -1 : number(p, *out);
    if (c == '[' || c == '{') {
        int object = c == '{';
        if (push(p, object ? PS_JSON_OBJECT : PS_JSON_ARRAY, p->pos, out) < 0)
            return -1;
        return container(p, *out, depth, object);
    }
    return unexpected(p, "a value");
}

int ps_json_parse(ps_json *doc, const char *path, const char *data, size_t len, ps_error *err)
{
    *doc = (ps_json){0};
    ps_lines_build(&doc->lines, data, len);
    parser p = {.doc = doc, .data = data, .path = path, .len = len, .err = err};
    /* §8.1: a reader MAY ignore a byte order mark. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        p.pos = 3;
    skip_ws(&p);
    size_t root;
    int rc = value(&p, 0, &root);
    if (rc == 0) {
        skip_ws(&p);
        if (p.pos < p.len)
            rc = unexpected(&p, "the end of the text after its value");
    }
    ps_strbuf_free(&p.scratch);
    if (rc < 0)
        ps_json_free(doc);
    return rc;
}

void ps_json_free(ps_json *doc)
{
    free(doc->nodes);
    ps_lines_free(&doc->lines);
    ps_arena_free(&doc->strings);
    *doc = (ps_json){0};
}

const ps_json_node *ps_json_first(const ps_json *doc, const ps_json_node *n)
{
    return (n->type == PS_JSON_ARRAY || n->type == PS_JSON_OBJECT) && n->child
               ? &doc->nodes[n->child]
               : NULL;
}

const ps_json_node *ps_json_next(const ps_json *doc, const ps_json_node *n)
{
    return n->next ? &doc->nodes[n->next] : NULL;
}

const ps_json_node *ps_json_get(const ps_json *doc, const ps_json_node *obj, const char *key)
{
    if (obj->type != PS_JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (const ps_json_node *c = ps_json_first(doc, obj); c; c = ps_json_next(doc, c))
        if (c->keylen == n && memcmp(c->key, key, n) == 0)
            return c;
    return NULL;
}

void ps_json_pos(const ps_json *doc, const ps_json_node *n, int *line, int *col)
{
    ps_lines_pos(&doc->lines, n->at, line, col);
}

int ps_json_error(const ps_json *doc, const ps_json_node *n, ps_error *err, const char *path,
                  const char *fmt, ...)
{
    int line, col;
    ps_json_pos(doc, n, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    ps_error_vsetc(err, PS_EPARSE, path, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

const char *ps_json_type_name(ps_json_type t)
{
    static const char *const names[] = {"null",     "a boolean", "a boolean", "a number",
                                        "a string", "an array",  "an object"};
    return names[t];
}
