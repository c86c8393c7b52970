#include "parse/toml_value.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fault(ps_toml__fault *f, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fault(ps_toml__fault *f, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    f->at = at;
    vsnprintf(f->why, sizeof f->why, fmt, ap);
    va_end(ap);
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- bytes ---------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at s (1 to 4), 0 if there is none:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp;
    size_t k;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, cp = c & 0x07;
    else
        return 0;
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

int ps_toml__check_bytes(const char *p, size_t len, ps_toml__fault *f)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x80) {
            size_t k = utf8_len((const unsigned char *)p + i, len - i);
            if (!k)
                return fault(f, i, "invalid UTF-8 (byte 0x%02X)", c);
            i += k;
            continue;
        }
        /* TOML's grammar has no place for these, not even in strings or comments. */
        if (c == '\r' && (i + 1 >= len || p[i + 1] != '\n'))
            return fault(f, i, "carriage return not followed by a line feed");
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            return fault(f, i, "control character U+%04X (write it as an escape in a string)", c);
        i++;
    }
    return 0;
}

/* ---- strings -------------------------------------------------------------- */

static void put_utf8(ps_strbuf *out, unsigned long cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12), b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18), b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    if (out)
        ps_strbuf_add(out, b, n);
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The escape whose backslash is p[*i] in a basic string opened at `open`;
 * *i moves past it. In a multi-line string a backslash at the end of a line
 * swallows the line end and the blanks and line ends that follow. */
static int escape(const char *p, size_t len, size_t open, size_t *i, int multi, ps_strbuf *out,
                  ps_toml__fault *f)
{
    size_t at = *i;
    if (at + 1 >= len || (!multi && (p[at + 1] == '\n' || p[at + 1] == '\r')))
        return fault(f, open, "unterminated string");
    char e = p[at + 1];
    const char *simple = strchr("btnfr\"\\", e);
    if (e && simple) {
        static const char decoded[] = "\b\t\n\f\r\"\\";
        if (out)
            ps_strbuf_add(out, &decoded[simple - "btnfr\"\\"], 1);
        *i = at + 2;
        return 0;
    }
    if (e == 'u' || e == 'U') {
        size_t n = e == 'u' ? 4 : 8;
        unsigned long cp = 0;
        for (size_t k = 0; k < n; k++) {
            int v = at + 2 + k < len ? hex_value(p[at + 2 + k]) : -1;
            if (v < 0)
                return fault(f, at, "\\%c needs %zu hex digits", e, n);
            cp = cp << 4 | (unsigned long)v;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return fault(f, at, "\\%c%.*s is not a Unicode scalar value", e, (int)n, p + at + 2);
        put_utf8(out, cp);
        *i = at + 2 + n;
        return 0;
    }
    if (multi) {
        size_t j = at + 1;
        while (j < len && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j < len && (p[j] == '\n' || p[j] == '\r')) {
            while (j < len && (p[j] == ' ' || p[j] == '\t' || p[j] == '\n' || p[j] == '\r'))
                j++;
            *i = j;
            return 0;
        }
    }
    if (e > ' ' && e < 0x7F)
        return fault(f, at, "invalid escape \\%c", e);
    return fault(f, at, "invalid escape: a backslash before %s",
                 e == ' ' || e == '\t' ? "a blank that does not end the line" : "this character");
}

int ps_toml__string(const char *p, size_t len, size_t pos, int multi_ok, ps_span *inner,
                    size_t *end, ps_strbuf *out, ps_toml__fault *f)
{
    char q = p[pos];
    int basic = q == '"', multi = pos + 2 < len && p[pos + 1] == q && p[pos + 2] == q;
    if (multi && !multi_ok)
        return fault(f, pos, "a multi-line string cannot be a key");
    size_t open = pos + (multi ? 3 : 1), i = open, delim = multi ? 3 : 1;
    /* A line end right after the opening delimiter is not part of the text. */
    if (multi && i < len && p[i] == '\n')
        i++;
    else if (multi && i + 1 < len && p[i] == '\r' && p[i + 1] == '\n')
        i += 2;
    for (;;) {
        if (i >= len || (!multi && (p[i] == '\n' || p[i] == '\r')))
            return fault(f, pos, multi ? "unterminated multi-line string" : "unterminated string");
        if (p[i] == q) {
            /* In a multi-line string one or two quotes are text, three close,
             * and up to two more before those three are still text. */
            size_t k = 1;
            while (multi && i + k < len && p[i + k] == q)
                k++;
            if (k > 5)
                return fault(f, i + 5, "too many quotes at the end of a multi-line string");
            size_t text = k >= delim ? k - delim : k;
            if (out)
                ps_strbuf_add(out, p + i, text);
            if (k >= delim) {
                *inner = (ps_span){open, i + text};
                *end = i + k;
                return 0;
            }
            i += k;
        } else if (basic && p[i] == '\\') {
            if (escape(p, len, pos, &i, multi, out, f) < 0)
                return -1;
        } else {
            if (out)
                ps_strbuf_add(out, p + i, 1);
            i++;
        }
    }
}

/* ---- numbers -------------------------------------------------------------- */

static int digit_in(char c, int base)
{
    int v = hex_value(c);
    return v >= 0 && v < base ? v : -1;
}

/* Integer s[0..n); on failure *bad is the offending byte's index. */
static int read_int(const char *s, size_t n, int64_t *out, size_t *bad, char *why, size_t wn)
{
    size_t i = 0;
    int neg = 0, base = 10;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        if (i) {
            *bad = 0;
            snprintf(why, wn, "a hex, octal or binary integer takes no sign");
            return -1;
        }
        base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        i = 2;
    }
    if (i >= n) {
        *bad = n ? n - 1 : 0;
        snprintf(why, wn, "an integer needs digits");
        return -1;
    }
    if (base == 10 && s[i] == '0' && i + 1 < n && (is_digit(s[i + 1]) || s[i + 1] == '_')) {
        *bad = i + 1;
        snprintf(why, wn, "a decimal integer has no leading zeros");
        return -1;
    }
    /* Up to 2^63 - 1, or 2^63 when negative. */
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int after_digit = 0;
    for (; i < n; i++) {
        if (s[i] == '_') {
            if (!after_digit || i + 1 >= n || digit_in(s[i + 1], base) < 0) {
                *bad = i;
                snprintf(why, wn, "'_' must stand between two digits");
                return -1;
            }
            after_digit = 0;
            continue;
        }
        int d = digit_in(s[i], base);
        if (d < 0) {
            *bad = i;
            if (s[i] > ' ' && s[i] < 0x7F)
                snprintf(why, wn, "'%c' in a base %d integer", s[i], base);
            else
                snprintf(why, wn, "invalid character in an integer");
            return -1;
        }
        if (v > (limit - (uint64_t)d) / (uint64_t)base) {
            *bad = 0;
            snprintf(why, wn, "integer does not fit in 64 bits");
            return -1;
        }
        v = v * (uint64_t)base + (uint64_t)d;
        after_digit = 1;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return 0;
}

int ps_toml_int(const char *s, size_t n, int64_t *out)
{
    size_t bad;
    char why[128];
    return read_int(s, n, out, &bad, why, sizeof why);
}

char *ps_toml_int_format(const char *s, size_t n, int64_t value)
{
    size_t i = 0;
    int plus = n && s[0] == '+', base = 10, upper = 0;
    if (n && (s[0] == '+' || s[0] == '-'))
        i = 1;
    if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b'))
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
    if (value < 0 || (base != 10 && i))
        return ps_asprintf("%lld", (long long)value);
    size_t body = base == 10 ? i : i + 2, ndigits = 0;
    for (size_t k = body; k < n; k++) {
        ndigits += s[k] != '_';
        upper |= s[k] >= 'A' && s[k] <= 'F';
    }
    /* The digits, most significant last; zero-padded to the original count
     * when the original was (only 0x, 0o and 0b forms can be). */
    char rev[72];
    size_t nd = 0;
    uint64_t v = (uint64_t)value;
    do {
        rev[nd++] = (upper ? "0123456789ABCDEF" : "0123456789abcdef")[v % (uint64_t)base];
        v /= (uint64_t)base;
    } while (v);
    int padded = ndigits > 1 && s[body] == '0';
    while (padded && nd < ndigits && nd < sizeof rev)
        rev[nd++] = '0';
    ps_strbuf b = PS_STRBUF_INIT;
    if (plus)
        ps_strbuf_add(&b, "+", 1);
    ps_strbuf_add(&b, s + i, body - i); /* the prefix */
    if (nd == ndigits) {                /* same layout: underscores stay where they were */
        for (size_t k = body; k < n; k++)
            ps_strbuf_add(&b, s[k] == '_' ? "_" : &rev[--nd], 1);
    } else {
        while (nd)
            ps_strbuf_add(&b, &rev[--nd], 1);
    }
    return ps_strbuf_detach(&b, NULL);
}

/* DIGIT *( DIGIT / "_" DIGIT ) from s[*i]. */
static int dec_digits(const char *s, size_t n, size_t *i, ps_toml__fault *f, size_t at)
{
    if (*i >= n || !is_digit(s[*i]))
        return fault(f, at + (*i < n ? *i : n - 1), "expected a digit");
    while (*i < n) {
        if (is_digit(s[*i])) {
            (*i)++;
        } else if (s[*i] == '_') {
            if (*i + 1 >= n || !is_digit(s[*i + 1]))
                return fault(f, at + *i, "'_' must stand between two digits");
            (*i)++;
        } else {
            break;
        }
    }
    return 0;
}

/* A float that is not inf or nan: an integer part, then a fraction, an exponent or both. */
static int read_float(const char *s, size_t n, ps_toml__fault *f, size_t at)
{
    size_t i = s[0] == '+' || s[0] == '-';
    if (i < n && s[i] == '0' && i + 1 < n && (is_digit(s[i + 1]) || s[i + 1] == '_'))
        return fault(f, at + i + 1, "a number has no leading zeros");
    if (dec_digits(s, n, &i, f, at) < 0)
        return -1;
    if (i < n && s[i] == '.') {
        i++;
        if (dec_digits(s, n, &i, f, at) < 0)
            return -1;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (dec_digits(s, n, &i, f, at) < 0)
            return -1;
    }
    if (i < n)
        return fault(f, at + i, "invalid character in a float");
    return 0;
}

/* ---- dates and times ------------------------------------------------------ */

/* The number in s[i..i+n) when all of it is digits, else -1. */
static int fixed(const char *s, size_t len, size_t i, size_t n)
{
    int v = 0;
    for (size_t k = i; k < i + n; k++) {
        if (k >= len || !is_digit(s[k]))
            return -1;
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

static int days_in(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* HH:MM:SS[.fraction] at s[*i]. */
static int read_time(const char *s, size_t n, size_t *i, ps_toml__fault *f, size_t at)
{
    size_t t = *i;
    int hour = fixed(s, n, t, 2), min = fixed(s, n, t + 3, 2), sec = fixed(s, n, t + 6, 2);
    if (hour < 0 || t + 2 >= n || s[t + 2] != ':')
        return fault(f, at + t, "a time is HH:MM:SS");
    if (min < 0 || t + 5 >= n || s[t + 5] != ':' || sec < 0)
        return fault(f, at + t, "a time is HH:MM:SS (seconds included)");
    if (hour > 23)
        return fault(f, at + t, "hour %02d is past 23", hour);
    if (min > 59)
        return fault(f, at + t + 3, "minute %02d is past 59", min);
    if (sec > 60) /* 60: a leap second */
        return fault(f, at + t + 6, "second %02d is past 60", sec);
    t += 8;
    if (t < n && s[t] == '.') {
        size_t d = ++t;
        while (t < n && is_digit(s[t]))
            t++;
        if (t == d)
            return fault(f, at + d - 1, "a fraction of a second needs digits");
    }
    *i = t;
    return 0;
}

static int read_datetime(const char *s, size_t n, ps_toml_type *type, ps_toml__fault *f, size_t at)
{
    size_t i = 0;
    int date = n >= 5 && s[4] == '-';
    if (date) {
        int year = fixed(s, n, 0, 4), month = fixed(s, n, 5, 2), day = fixed(s, n, 8, 2);
        if (year < 0 || month < 0 || n < 10 || s[7] != '-' || day < 0)
            return fault(f, at, "a date is YYYY-MM-DD");
        if (month < 1 || month > 12)
            return fault(f, at + 5, "month %02d is not 01 to 12", month);
        if (day < 1 || day > days_in(year, month))
            return fault(f, at + 8, "day %02d is not in %04d-%02d", day, year, month);
        i = 10;
        if (i == n) {
            *type = PS_TOML_DATE_LOCAL;
            return 0;
        }
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return fault(f, at + i, "a date and a time are separated by T or a space");
        i++;
    }
    if (read_time(s, n, &i, f, at) < 0)
        return -1;
    if (i == n) {
        *type = date ? PS_TOML_DATETIME_LOCAL : PS_TOML_TIME_LOCAL;
        return 0;
    }
    if (!date)
        return fault(f, at + i, "a time without a date has no offset");
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int oh = fixed(s, n, i + 1, 2), om = fixed(s, n, i + 4, 2);
        if (oh < 0 || i + 3 >= n || s[i + 3] != ':' || om < 0)
            return fault(f, at + i, "a time offset is Z, +HH:MM or -HH:MM");
        if (oh > 23 || om > 59)
            return fault(f, at + i, "time offset %.6s is out of range", s + i);
        i += 6;
    }
    if (i != n)
        return fault(f, at + i, "unexpected character in a date-time");
    *type = PS_TOML_DATETIME;
    return 0;
}

/* ---- scalars -------------------------------------------------------------- */

static int scalar_char(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c == '+' || c == '-' || c == '.' || c == ':';
}

static int is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

int ps_toml__scalar(const char *p, size_t len, size_t pos, size_t *end, ps_toml_type *type,
                    int64_t *integer, ps_toml__fault *f)
{
    size_t e = pos;
    while (e < len && scalar_char(p[e]))
        e++;
    if (e == pos)
        return fault(f, pos, "expected a value");
    /* A date and a time may be separated by a space: "1979-05-27 07:32:00". */
    if (e - pos == 10 && p[pos + 4] == '-' && e + 3 < len && p[e] == ' ' && is_digit(p[e + 1]) &&
        is_digit(p[e + 2]) && p[e + 3] == ':') {
        e++;
        while (e < len && scalar_char(p[e]))
            e++;
    }
    *end = e;
    const char *s = p + pos;
    size_t n = e - pos, sign = s[0] == '+' || s[0] == '-';
    if (is(s, n, "true") || is(s, n, "false")) {
        *type = PS_TOML_BOOL;
        return 0;
    }
    if (is(s + sign, n - sign, "inf") || is(s + sign, n - sign, "nan")) {
        *type = PS_TOML_FLOAT;
        return 0;
    }
    if (sign == n || !is_digit(s[sign]))
        return fault(f, pos, "invalid value (a string needs quotes; booleans are true, false)");
    if (!sign && n >= 3 &&
        ((n >= 5 && fixed(s, n, 0, 4) >= 0 && s[4] == '-') ||
         (fixed(s, n, 0, 2) >= 0 && s[2] == ':'))) {
        return read_datetime(s, n, type, f, pos);
    }
    int prefixed = n - sign >= 2 && s[sign] == '0' &&
                   (s[sign + 1] == 'x' || s[sign + 1] == 'o' || s[sign + 1] == 'b');
    if (!prefixed && (memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n))) {
        *type = PS_TOML_FLOAT;
        return read_float(s, n, f, pos);
    }
    size_t bad;
    if (read_int(s, n, integer, &bad, f->why, sizeof f->why) < 0) {
        f->at = pos + bad;
        return -1;
    }
    *type = PS_TOML_INTEGER;
    return 0;
}
