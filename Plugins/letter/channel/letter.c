/*
 * letter — formal letters to parents as print-ready Chinese PDFs
 * (POLICY P2.2.2: term-end good news, the college's formal numbered notice of
 * a sanction or a change of status; P2.2.3: the notice asking parents to
 * come to campus; P2.1.2/P2.2.1 name the letter among the contact channels).
 *
 * Each message becomes one letter: a serial number (college-year-sequence,
 * never repeated), a PDF laid out after GB/T 9704 (../render) and a JSON
 * record beside it in the spool, under the letter's campaign; with
 * cups_queue the PDF is then submitted to CUPS (an IPP Print-Job, as lp does). A repeated idempotency key gets the letter it
 * already has (LIAISON_CAP_IDEMPOTENT). Spooling is not delivery: the plugin
 * reports no receipts. Every configuration key, the spool layout and what
 * each failure becomes: ../README.md.
 */
#include "letter_render.h"
#include "liaison_channel.h"

#include <cups/cups.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ERR_SIZE 1024

/* ---- a flat JSON object (the channel's config) ---- */

typedef struct kv { char *key, *value; int is_string; } kv;
typedef struct kvs { kv *items; size_t n; } kvs;

static void kvs_free(kvs *m) {
    for (size_t i = 0; i < m->n; ++i) { free(m->items[i].key); free(m->items[i].value); }
    free(m->items);
    m->items = NULL; m->n = 0;
}

static const char *kvs_get(const kvs *m, const char *key) {
    for (size_t i = 0; i < m->n; ++i) if (strcmp(m->items[i].key, key) == 0) return m->items[i].value;
    return NULL;
}

static void kvs_put(kvs *m, char *key, char *value, int is_string) {
    m->items = realloc(m->items, (m->n + 1) * sizeof *m->items);
    m->items[m->n++] = (kv){key, value, is_string};
}

static void skip_ws(const char **p) { while (**p && isspace((unsigned char)**p)) ++*p; }

static void put_utf8(char **o, unsigned cp) {
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) *u++ = cp;
    else if (cp < 0x800) { *u++ = 0xC0 | cp >> 6; *u++ = 0x80 | (cp & 0x3F); }
    else if (cp < 0x10000) { *u++ = 0xE0 | cp >> 12; *u++ = 0x80 | (cp >> 6 & 0x3F); *u++ = 0x80 | (cp & 0x3F); }
    else { *u++ = 0xF0 | cp >> 18; *u++ = 0x80 | (cp >> 12 & 0x3F); *u++ = 0x80 | (cp >> 6 & 0x3F); *u++ = 0x80 | (cp & 0x3F); }
    *o = (char *)u;
}

/* A JSON string at *p (on its opening quote); NULL if malformed. */
static char *json_string_at(const char **p) {
    if (**p != '"') return NULL;
    const char *s = ++*p;
    char *out = malloc(strlen(s) + 1), *o = out;
    while (*s && *s != '"') {
        if (*s != '\\') { *o++ = *s++; continue; }
        ++s;
        switch (*s) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'u': {
            unsigned cp = 0;
            if (sscanf(s + 1, "%4x", &cp) != 1) { free(out); return NULL; }
            s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && s[1] == '\\' && s[2] == 'u') {
                unsigned lo = 0;
                if (sscanf(s + 3, "%4x", &lo) == 1 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
            }
            put_utf8(&o, cp);
            break;
        }
        case 0: free(out); return NULL;
        default: *o++ = *s;
        }
        ++s;
    }
    if (*s != '"') { free(out); return NULL; }
    *o = 0;
    *p = s + 1;
    return out;
}

/* Parses {"key": "string" | number | true | false | null, ...}. Nested
   values are refused: no key of this plugin takes one. */
static int json_object(const char *text, kvs *out, char *err, size_t size) {
    const char *p = text ? text : "{}";
    skip_ws(&p);
    if (*p++ != '{') { snprintf(err, size, "the configuration is not a JSON object"); return -1; }
    skip_ws(&p);
    if (*p == '}') return 0;
    for (;;) {
        skip_ws(&p);
        char *key = json_string_at(&p);
        if (!key) { snprintf(err, size, "malformed configuration JSON near \"%.20s\"", p); return -1; }
        skip_ws(&p);
        if (*p++ != ':') { snprintf(err, size, "malformed configuration JSON after \"%s\"", key); free(key); return -1; }
        skip_ws(&p);
        char *value;
        int is_string = *p == '"';
        if (is_string) value = json_string_at(&p);
        else if (*p == '{' || *p == '[') { snprintf(err, size, "%s: must be a single value, not a list or a mapping", key); free(key); return -1; }
        else {
            const char *s = p;
            while (*p && *p != ',' && *p != '}' && !isspace((unsigned char)*p)) ++p;
            value = strndup(s, (size_t)(p - s));
        }
        if (!value) { snprintf(err, size, "%s: malformed value", key); free(key); return -1; }
        kvs_put(out, key, value, is_string);
        skip_ws(&p);
        if (*p == ',') { ++p; continue; }
        if (*p == '}') return 0;
        snprintf(err, size, "malformed configuration JSON near \"%.20s\"", p);
        return -1;
    }
}

/* ---- small strings ---- */

typedef struct buf { char *s; size_t n, cap; } buf;

static void buf_add(buf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}
static void buf_str(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_fmt(buf *b, const char *fmt, ...) {
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_add(b, tmp, n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Replaces {name} by the value of that name in vars (pairs, NULL-ended);
   an unknown placeholder is left as written. */
static char *expand(const char *pattern, const char *const *vars) {
    buf b = {0};
    buf_str(&b, "");
    for (const char *p = pattern ? pattern : ""; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close) {
            int found = 0;
            for (const char *const *v = vars; v[0]; v += 2) {
                if (strlen(v[0]) == (size_t)(close - p - 1) && strncmp(v[0], p + 1, (size_t)(close - p - 1)) == 0) {
                    buf_str(&b, v[1] ? v[1] : "");
                    found = 1;
                    break;
                }
            }
            if (found) { p = close + 1; continue; }
        }
        buf_add(&b, p, 1);
        ++p;
    }
    return b.s;
}

static void json_put_string(buf *b, const char *s) {
    buf_str(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; ++p) {
        if (*p == '"' || *p == '\\') { char e[2] = {'\\', (char)*p}; buf_add(b, e, 2); }
        else if (*p == '\n') buf_str(b, "\\n");
        else if (*p == '\r') buf_str(b, "\\r");
        else if (*p == '\t') buf_str(b, "\\t");
        else if (*p < 0x20) buf_fmt(b, "\\u%04x", *p);
        else buf_add(b, (const char *)p, 1);
    }
    buf_str(b, "\"");
}

/* ---- letter templates: Config/templates/letters/TOPIC.yaml, flat key: value ---- */

typedef struct letter_template {
    char *file, *topic, *policy, *title, *addressee, *closing, *seal;
    int numbered;
} letter_template;

static const char *template_keys[] = {"topic", "policy", "title", "addressee", "closing", "seal", "numbered", NULL};

static void template_free(letter_template *t) {
    free(t->file); free(t->topic); free(t->policy); free(t->title); free(t->addressee); free(t->closing); free(t->seal);
}

static int load_template(const char *path, letter_template *t, char *err, size_t size) {
    memset(t, 0, sizeof *t); /* the caller frees it even when it cannot be read */
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, size, "templates: cannot read %s: %s", path, strerror(errno)); return -1; }
    t->file = strdup(path);
    t->numbered = 1;
    char line[4096];
    int number = 0;
    while (fgets(line, sizeof line, f)) {
        ++number;
        char *p = line;
        while (*p == ' ' || *p == '\t') ++p;
        size_t len = strlen(p);
        while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ')) p[--len] = 0;
        if (!*p || *p == '#') continue;
        char *colon = strchr(p, ':');
        if (!colon || p != line) {
            snprintf(err, size, "templates: %s:%d: expected \"key: value\" at the start of the line", path, number);
            fclose(f); return -1;
        }
        *colon = 0;
        const char *key = p;
        int known = 0;
        for (const char **k = template_keys; *k; ++k) known |= strcmp(*k, key) == 0;
        if (!known) {
            snprintf(err, size, "templates: %s:%d: unknown key \"%s\" (the keys are topic, policy, title, addressee, closing, seal, numbered)",
                     path, number, key);
            fclose(f); return -1;
        }
        char *v = colon + 1;
        while (*v == ' ') ++v;
        char *value;
        if (*v == '"') {
            const char *q = v;
            value = json_string_at(&q);
            if (!value) { snprintf(err, size, "templates: %s:%d: unterminated quoted value", path, number); fclose(f); return -1; }
        } else {
            char *hash = strstr(v, " #");
            if (hash) *hash = 0;
            size_t n = strlen(v);
            while (n && v[n - 1] == ' ') v[--n] = 0;
            value = strdup(v);
        }
        char **slot = strcmp(key, "topic") == 0 ? &t->topic : strcmp(key, "policy") == 0 ? &t->policy
                    : strcmp(key, "title") == 0 ? &t->title : strcmp(key, "addressee") == 0 ? &t->addressee
                    : strcmp(key, "closing") == 0 ? &t->closing : strcmp(key, "seal") == 0 ? &t->seal : NULL;
        if (slot) { free(*slot); *slot = value; }
        else { t->numbered = strcmp(value, "false") != 0; free(value); }
    }
    fclose(f);
    if (!t->topic || !*t->topic) { snprintf(err, size, "templates: %s: missing topic:", path); return -1; }
    if (!t->title || !*t->title) { snprintf(err, size, "templates: %s: missing title:", path); return -1; }
    if (!t->policy || !strchr(t->policy, 'P')) {
        snprintf(err, size, "templates: %s: missing policy: (the POLICY.md ids this letter serves)", path);
        return -1;
    }
    return 0;
}

/* ---- the instance ---- */

typedef struct job {
    struct job *next;
    char *key, *recipient, *name, *topic, *subject, *body, *sent_at, *term;
    liaison_send_done done;
    void *context;
} job;

typedef struct instance {
    char *spool, *college, *prefix, *issuer, *letterhead, *font, *title_font, *campaign, *cups_queue, *cups_server, *cups_options;
    time_t cups_down_until; /* after CUPS could not be reached: fail fast until then (the worker thread only) */
    letter_template *templates;
    size_t ntemplates;
    const liaison_host_services *host;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job *head, *tail;
    int closing;
} instance;

static void logf_(instance *in, int level, const char *fmt, ...) {
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    in->host->log(in->host->context, level, text);
}

static const letter_template *template_for(const instance *in, const char *topic) {
    const letter_template *fallback = NULL;
    for (size_t i = 0; i < in->ntemplates; ++i) {
        if (strcmp(in->templates[i].topic, topic ? topic : "") == 0) return &in->templates[i];
        if (strcmp(in->templates[i].topic, "default") == 0) fallback = &in->templates[i];
    }
    return fallback;
}

static int mkdirs(const char *path, char *err, size_t size, const char *key) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; ; ++p) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
                snprintf(err, size, "%s: cannot create %s: %s", key, tmp, strerror(errno));
                return -1;
            }
            struct stat st;
            if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)) {
                snprintf(err, size, "%s: %s is not a directory", key, tmp);
                return -1;
            }
            *p = c;
            if (!c) break;
        }
    }
    return 0;
}

static int fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes text to path durably: a temporary file, fsync, rename, fsync of the directory. */
static int write_durably(const char *dir, const char *path, const char *text, size_t n, char *err, size_t size) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    if (fd < 0) { snprintf(err, size, "cannot write %s: %s", tmp, strerror(errno)); return -1; }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0) { if (errno == EINTR) continue; snprintf(err, size, "cannot write %s: %s", tmp, strerror(errno)); close(fd); return -1; }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) { snprintf(err, size, "cannot flush %s: %s", tmp, strerror(errno)); close(fd); return -1; }
    close(fd);
    if (rename(tmp, path) != 0) { snprintf(err, size, "cannot rename %s: %s", tmp, strerror(errno)); return -1; }
    fsync_dir(dir);
    return 0;
}

/* The key's record in .keys (letter_key_name: the rule letter batch reads by). */
static int key_file(const instance *in, const char *key, char *out, size_t size) {
    char name[256]; /* a file name's limit */
    if (letter_key_name(key, name, sizeof name) != 0) return -1;
    snprintf(out, size, "%s/.keys/%s", in->spool, name);
    return 0;
}

/* The letter's date (成文日期) and the year of its serial: the school's date
   of the daemon's clock when it sent the message (liaison_message.sent_at,
   "2027-03-01T09:30:00+08:00": a virtual clock's date in rehearsals), not
   the host's clock (issue 12). A daemon that does not say (an older host):
   the host's clock in China Standard Time (UTC+8, no daylight saving). */
static void school_date(const char *sent_at, struct tm *tm) {
    int y, m, d;
    if (sent_at && strlen(sent_at) >= 10 && sscanf(sent_at, "%4d-%2d-%2d", &y, &m, &d) == 3 && y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        memset(tm, 0, sizeof *tm);
        tm->tm_year = y - 1900;
        tm->tm_mon = m - 1;
        tm->tm_mday = d;
        return;
    }
    time_t now = time(NULL) + 8 * 3600;
    gmtime_r(&now, tm);
}

/* A campaign name usable as one directory name. */
static void clean_name(char *s) {
    for (char *p = s; *p; ++p) if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) *p = '_';
    if (s[0] == '.') s[0] = '_';
}

/* The academic term a letter is filed under, as the daemon's calendar has
   it (liaison_message.term, e.g. "2026-2027-1": school.terms in its config,
   issue 16.1). A daemon that does not say (an older host): the same rule the
   daemon uses outside its configured terms, from the letter's date: the
   first term runs August to January, the second February to July. */
static void term_name(const char *given, const struct tm *tm, char *out, size_t size) {
    if (given && *given && strlen(given) < size) {
        snprintf(out, size, "%s", given);
        clean_name(out);
        return;
    }
    int year = tm->tm_year + 1900, month = tm->tm_mon + 1;
    if (month >= 8) snprintf(out, size, "%d-%d-1", year, year + 1);
    else if (month == 1) snprintf(out, size, "%d-%d-1", year - 1, year);
    else snprintf(out, size, "%d-%d-2", year - 1, year);
}

/* The next sequence number for this college and year, under the spool lock. */
static long next_sequence(instance *in, int year, char *err, size_t size) {
    char dir[4200], path[4300];
    snprintf(dir, sizeof dir, "%s/.serials", in->spool);
    snprintf(path, sizeof path, "%s/%s-%d", dir, in->college, year);
    long last = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &last) != 1) last = -1;
        fclose(f);
        if (last < 0) { snprintf(err, size, "the serial counter %s is damaged; fix it by hand (it holds the last sequence number used)", path); return -1; }
    } else if (errno != ENOENT) {
        snprintf(err, size, "cannot read the serial counter %s: %s", path, strerror(errno));
        return -1;
    }
    char text[32];
    int n = snprintf(text, sizeof text, "%ld\n", last + 1);
    if (write_durably(dir, path, text, (size_t)n, err, size) != 0) return -1;
    return last + 1;
}

typedef struct outcome { int status; char serial[128]; char error[ERR_SIZE]; } outcome;

/* Submits the letter to the CUPS queue unless SPOOL/<campaign>/<serial>.job
   says it was; records the job there. Under the spool lock. */
#define CUPS_PAUSE 10 /* seconds */

static int print_letter(instance *in, const char *campaign, const char *serial, char *err, size_t size) {
    char dir[4400], pdf[4500], jobfile[4500];
    snprintf(dir, sizeof dir, "%s/%s", in->spool, campaign);
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, serial);
    snprintf(jobfile, sizeof jobfile, "%s/%s.job", dir, serial);
    if (access(jobfile, F_OK) == 0) return 0;
    /* CUPS unreachable a moment ago: say so at once rather than wait out
       another connect timeout per letter (a queue of them would outlast the
       daemon's send timeout and get the host killed as hung). */
    char host[256];
    snprintf(host, sizeof host, "%s", in->cups_server ? in->cups_server : cupsServer());
    time_t now = time(NULL);
    if (now < in->cups_down_until) {
        snprintf(err, size, "printing %s on CUPS queue %s: cannot reach CUPS at %s (%ld s ago; tried again after %d s); the letter is spooled",
                 serial, in->cups_queue, host, (long)(now - (in->cups_down_until - CUPS_PAUSE)), CUPS_PAUSE);
        return -1;
    }
    /* An IPP Print-Job, as lp sends it (letter_print.c, shared with `letter reprint --print`). */
    char why[ERR_SIZE];
    int job = letter_cups_print(in->cups_server, in->cups_queue, in->cups_options, pdf, serial, why, sizeof why);
    if (job == LETTER_CUPS_UNREACHABLE) {
        in->cups_down_until = time(NULL) + CUPS_PAUSE;
        snprintf(err, size, "printing %s on CUPS queue %s: %s", serial, in->cups_queue, why);
        return -1;
    }
    if (job <= 0) {
        snprintf(err, size, "printing %s on CUPS queue %s: %s", serial, in->cups_queue, why);
        return -1;
    }
    char line[600];
    int len = snprintf(line, sizeof line, "%s\t%d\n", in->cups_queue, job);
    if (write_durably(dir, jobfile, line, (size_t)len, err, size) != 0) return -1;
    logf_(in, LIAISON_LOG_INFO, "letter: %s sent to CUPS queue %s as job %d", serial, in->cups_queue, job);
    return 0;
}

static void spool_letter(instance *in, const job *j, outcome *o) {
    o->status = LIAISON_OK;
    if (!j->recipient || !*j->recipient) {
        o->status = LIAISON_PERMANENT;
        snprintf(o->error, sizeof o->error, "no postal address for %s", j->name && *j->name ? j->name : "the recipient");
        return;
    }
    if (!j->body || !*j->body) { /* before a serial is taken: no retry could render it */
        o->status = LIAISON_PERMANENT;
        snprintf(o->error, sizeof o->error, "the letter to %s has no text", j->name && *j->name ? j->name : "the recipient");
        return;
    }
    const letter_template *t = template_for(in, j->topic);
    char lockpath[4200], kpath[4200];
    snprintf(lockpath, sizeof lockpath, "%s/.lock", in->spool);
    if (key_file(in, j->key, kpath, sizeof kpath) != 0) {
        o->status = LIAISON_PERMANENT;
        snprintf(o->error, sizeof o->error, "the idempotency key is too long to record in %s/.keys", in->spool);
        return;
    }
    int lock = open(lockpath, O_RDWR | O_CREAT, 0640);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
        o->status = LIAISON_TEMPORARY;
        snprintf(o->error, sizeof o->error, "cannot lock the spool (%s): %s", lockpath, strerror(errno));
        if (lock >= 0) close(lock);
        return;
    }
    /* The same key again: the letter it already has. */
    FILE *kf = fopen(kpath, "r");
    if (kf) {
        char line[512] = {0}, *campaign = NULL;
        if (fgets(line, sizeof line, kf)) {
            line[strcspn(line, "\n")] = 0;
            char *tab = strchr(line, '\t');
            if (tab) { *tab = 0; campaign = tab + 1; }
            snprintf(o->serial, sizeof o->serial, "%s", line);
        }
        fclose(kf);
        if (!o->serial[0] || !campaign) { o->status = LIAISON_TEMPORARY; snprintf(o->error, sizeof o->error, "the key record %s is damaged", kpath); }
        else {
            logf_(in, LIAISON_LOG_INFO, "letter: %s was spooled before as %s; not again", j->key, o->serial);
            /* It may have been spooled but not printed (CUPS was down). */
            if (in->cups_queue && print_letter(in, campaign, o->serial, o->error, sizeof o->error) != 0) o->status = LIAISON_TEMPORARY;
        }
        close(lock);
        return;
    }
    if (errno != ENOENT) { /* unreadable is not "no letter yet": a new serial would make a second letter */
        o->status = LIAISON_TEMPORARY;
        snprintf(o->error, sizeof o->error, "cannot read the key record %s: %s", kpath, strerror(errno));
        close(lock);
        return;
    }
    struct tm tm;
    school_date(j->sent_at, &tm);
    int year = tm.tm_year + 1900;
    long seq = next_sequence(in, year, o->error, sizeof o->error);
    if (seq < 0) { o->status = LIAISON_TEMPORARY; close(lock); return; }
    char term[32], date[64], seqtext[32], yeartext[16], docnum[512];
    term_name(j->term, &tm, term, sizeof term);
    snprintf(date, sizeof date, "%d年%d月%d日", year, tm.tm_mon + 1, tm.tm_mday);
    snprintf(o->serial, sizeof o->serial, "%s-%d-%06ld", in->college, year, seq);
    snprintf(seqtext, sizeof seqtext, "%ld", seq);
    snprintf(yeartext, sizeof yeartext, "%d", year);
    snprintf(docnum, sizeof docnum, "%s〔%d〕%ld号", in->prefix, year, seq);
    const char *vars[] = {"recipient_name", j->name, "subject", j->subject, "topic", j->topic, "term", term, "year", yeartext,
                          "serial", o->serial, "sequence", seqtext, NULL, NULL};
    char *title = expand(t ? t->title : "{subject}", vars);
    if (!*title) { free(title); title = strdup(j->subject && *j->subject ? j->subject : "通知"); }
    char *addressee = expand(t && t->addressee ? t->addressee : "尊敬的{recipient_name}家长：", vars);
    char *closing = expand(t && t->closing ? t->closing : "", vars);
    char *seal = expand(t && t->seal ? t->seal : "", vars);
    char *campaign = expand(in->campaign, vars);
    clean_name(campaign);
    char dir[4400], pdf[4500], tmp[4600], record[4500];
    snprintf(dir, sizeof dir, "%s/%s", in->spool, campaign);
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, o->serial);
    snprintf(tmp, sizeof tmp, "%s/.%s.pdf.tmp", dir, o->serial);
    snprintf(record, sizeof record, "%s/%s.json", dir, o->serial);
    letter L = {
        .serial = o->serial, .doc_number = t && !t->numbered ? "" : docnum, .letterhead = in->letterhead, .title = title,
        .addressee = addressee, .body = j->body, .closing = closing, .issuer = in->issuer, .date = date, .seal = seal,
        .recipient_name = j->name, .postal_address = j->recipient,
    };
    letter_options opt = {.font_family = in->font, .title_font_family = in->title_font, .duplex = 0};
    char err[ERR_SIZE];
    int pages = -1;
    if (mkdirs(dir, err, sizeof err, "spool") != 0) {
        o->status = LIAISON_TEMPORARY;
        snprintf(o->error, sizeof o->error, "%s", err);
    } else if ((pages = letter_render_pdf(&L, 1, &opt, tmp, err, sizeof err)) < 0) {
        o->status = pages == -2 ? LIAISON_PERMANENT : LIAISON_TEMPORARY;
        snprintf(o->error, sizeof o->error, "letter %s: %s", o->serial, err);
        unlink(tmp);
    } else {
        int fd = open(tmp, O_RDONLY);
        int synced = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0) close(fd);
        if (!synced || rename(tmp, pdf) != 0) {
            o->status = LIAISON_TEMPORARY;
            snprintf(o->error, sizeof o->error, "cannot store %s: %s", pdf, strerror(errno));
        } else {
            time_t now = time(NULL);
            struct tm utc;
            gmtime_r(&now, &utc);
            char created[32];
            strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
            buf b = {0};
            buf_str(&b, "{\n");
            const char *fields[][2] = {
                {"serial", o->serial}, {"sequence", seqtext}, {"year", yeartext}, {"doc_number", L.doc_number}, {"key", j->key},
                {"topic", j->topic}, {"policy", t && t->policy ? t->policy : ""}, {"campaign", campaign}, {"term", term},
                {"recipient_name", j->name}, {"postal_address", j->recipient}, {"letterhead", in->letterhead}, {"title", title},
                {"addressee", addressee}, {"body", j->body}, {"closing", closing}, {"issuer", in->issuer}, {"date", date},
                {"sent_at", j->sent_at}, {"seal", seal}, {"font_family", in->font}, {"title_font_family", in->title_font}, {"pdf", pdf}, {"created", created},
            };
            for (size_t i = 0; i < sizeof fields / sizeof fields[0]; ++i) {
                buf_fmt(&b, "  \"%s\": ", fields[i][0]);
                json_put_string(&b, fields[i][1]);
                buf_str(&b, ",\n");
            }
            buf_fmt(&b, "  \"pages\": %d\n}\n", pages);
            char line[600];
            int n = snprintf(line, sizeof line, "%s\t%s\n", o->serial, campaign);
            char keys[4200];
            snprintf(keys, sizeof keys, "%s/.keys", in->spool);
            /* The key is written last: a letter without it is unfinished, and
               `letter batch` leaves it out (the retry makes the letter again). */
            if (write_durably(dir, record, b.s, b.n, err, sizeof err) != 0 || write_durably(keys, kpath, line, (size_t)n, err, sizeof err) != 0) {
                o->status = LIAISON_TEMPORARY;
                snprintf(o->error, sizeof o->error, "%s", err);
                unlink(record);
                unlink(pdf);
            } else {
                /* No recipient's name here: personal data stays out of the log (the record has it). */
                logf_(in, LIAISON_LOG_INFO, "letter: %s (%s) spooled as %s", o->serial, j->topic ? j->topic : "", pdf);
                if (in->cups_queue && print_letter(in, campaign, o->serial, o->error, sizeof o->error) != 0) o->status = LIAISON_TEMPORARY;
            }
            free(b.s);
        }
    }
    close(lock);
    free(title); free(addressee); free(closing); free(seal); free(campaign);
}

static void job_free(job *j) {
    free(j->key); free(j->recipient); free(j->name); free(j->topic); free(j->subject); free(j->body); free(j->sent_at); free(j->term); free(j);
}

static void *worker(void *arg) {
    instance *in = arg;
    for (;;) {
        pthread_mutex_lock(&in->lock);
        while (!in->head && !in->closing) pthread_cond_wait(&in->wake, &in->lock);
        job *j = in->head;
        if (j) { in->head = j->next; if (!in->head) in->tail = NULL; }
        pthread_mutex_unlock(&in->lock);
        if (!j) return NULL; /* closing, and nothing left */
        outcome o = {0};
        spool_letter(in, j, &o);
        j->done(j->context, o.status, o.status == LIAISON_OK ? o.serial : NULL, o.status == LIAISON_OK ? NULL : o.error);
        job_free(j);
    }
}

static void instance_free(instance *in) {
    free(in->spool); free(in->college); free(in->prefix); free(in->issuer); free(in->letterhead); free(in->font);
    free(in->title_font); free(in->campaign); free(in->cups_queue); free(in->cups_server); free(in->cups_options);
    for (size_t i = 0; i < in->ntemplates; ++i) template_free(&in->templates[i]);
    free(in->templates);
    free(in);
}

static const char *config_keys[] = {"spool", "templates", "college_code", "document_prefix", "issuer", "letterhead",
                                    "font_family", "title_font_family", "campaign", "cups_queue", "cups_server", "cups_options", NULL};

static int letter_open(const char *config, const liaison_host_services *host, void **out, char *error, size_t size) {
    char err[ERR_SIZE] = {0};
    kvs c = {0};
    instance *in = calloc(1, sizeof *in);
    in->host = host;
    if (json_object(config, &c, err, sizeof err) != 0) goto fail;
    for (size_t i = 0; i < c.n; ++i) {
        int known = 0;
        for (const char **k = config_keys; *k; ++k) known |= strcmp(*k, c.items[i].key) == 0;
        if (!known) {
            snprintf(err, sizeof err, "unknown configuration key \"%s\" (the keys are spool, templates, college_code, document_prefix, issuer, "
                     "letterhead, font_family, title_font_family, campaign, cups_queue, cups_server, cups_options)", c.items[i].key);
            goto fail;
        }
    }
    static const char *required[][2] = {
        {"spool", "the directory the letters are stored in"}, {"templates", "the letter templates directory (Config/templates/letters)"},
        {"college_code", "the college's code in serial numbers, e.g. LJ01"}, {"document_prefix", "the document-number prefix (机关代字), e.g. 丽文旅家"},
        {"issuer", "the issuing office signed under each letter (落款), e.g. 丽江文化旅游学院旅游管理学院"},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; ++i) {
        const char *v = kvs_get(&c, required[i][0]);
        if (!v || !*v) { snprintf(err, sizeof err, "%s: required: %s", required[i][0], required[i][1]); goto fail; }
    }
    in->spool = strdup(kvs_get(&c, "spool"));
    in->college = strdup(kvs_get(&c, "college_code"));
    in->prefix = strdup(kvs_get(&c, "document_prefix"));
    in->issuer = strdup(kvs_get(&c, "issuer"));
    in->letterhead = strdup(kvs_get(&c, "letterhead") ? kvs_get(&c, "letterhead") : in->issuer);
    in->font = strdup(kvs_get(&c, "font_family") && *kvs_get(&c, "font_family") ? kvs_get(&c, "font_family") : "Noto Serif CJK SC");
    in->title_font = strdup(kvs_get(&c, "title_font_family") && *kvs_get(&c, "title_font_family") ? kvs_get(&c, "title_font_family") : in->font);
    in->campaign = strdup(kvs_get(&c, "campaign") && *kvs_get(&c, "campaign") ? kvs_get(&c, "campaign") : "{topic}-{term}");
    const char *queue = kvs_get(&c, "cups_queue"), *server = kvs_get(&c, "cups_server"), *options = kvs_get(&c, "cups_options");
    in->cups_queue = queue && *queue ? strdup(queue) : NULL;
    in->cups_server = server && *server ? strdup(server) : NULL;
    in->cups_options = options && *options ? strdup(options) : NULL;
    if (!in->cups_queue && (in->cups_server || in->cups_options)) {
        snprintf(err, sizeof err, "%s: set without cups_queue, the queue to print on", in->cups_server ? "cups_server" : "cups_options");
        goto fail;
    }
    for (const char *p = in->college; *p; ++p) {
        if (!isalnum((unsigned char)*p) || p - in->college >= 16) {
            snprintf(err, sizeof err, "college_code: \"%s\" must be 1 to 16 letters or digits (it is part of every serial number)", in->college);
            goto fail;
        }
    }
    /* The spool: created if missing, and writable. */
    if (mkdirs(in->spool, err, sizeof err, "spool") != 0) goto fail;
    char path[4300];
    const char *subdirs[] = {".keys", ".serials"};
    for (int i = 0; i < 2; ++i) {
        snprintf(path, sizeof path, "%s/%s", in->spool, subdirs[i]);
        if (mkdirs(path, err, sizeof err, "spool") != 0) goto fail;
    }
    snprintf(path, sizeof path, "%s/.lock", in->spool);
    int fd = open(path, O_RDWR | O_CREAT, 0640);
    if (fd < 0 || access(in->spool, W_OK) != 0) {
        snprintf(err, sizeof err, "spool: %s is not writable: %s", in->spool, strerror(errno));
        if (fd >= 0) close(fd);
        goto fail;
    }
    close(fd);
    /* The templates: every *.yaml, one topic each, and a default. */
    const char *tdir = kvs_get(&c, "templates");
    DIR *d = opendir(tdir);
    if (!d) { snprintf(err, sizeof err, "templates: cannot read the directory %s: %s", tdir, strerror(errno)); goto fail; }
    struct dirent *e;
    int failed = 0;
    while (!failed && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0) continue;
        snprintf(path, sizeof path, "%s/%s", tdir, e->d_name);
        in->templates = realloc(in->templates, (in->ntemplates + 1) * sizeof *in->templates);
        if (load_template(path, &in->templates[in->ntemplates], err, sizeof err) != 0) { template_free(&in->templates[in->ntemplates]); failed = 1; }
        else in->ntemplates++;
    }
    closedir(d);
    if (failed) goto fail;
    if (!template_for(in, "default")) {
        snprintf(err, sizeof err, "templates: %s has no default.yaml (topic: default), the letter for topics without one of their own", tdir);
        goto fail;
    }
    /* The fonts: pango falls back silently to a Latin font, so refuse here. */
    if (letter_check_font(in->font, err, sizeof err) != 0) {
        char why[ERR_SIZE];
        snprintf(why, sizeof why, "font_family: %s", err);
        snprintf(err, sizeof err, "%s", why);
        goto fail;
    }
    if (strcmp(in->title_font, in->font) != 0 && letter_check_font(in->title_font, err, sizeof err) != 0) {
        char why[ERR_SIZE];
        snprintf(why, sizeof why, "title_font_family: %s", err);
        snprintf(err, sizeof err, "%s", why);
        goto fail;
    }
    pthread_mutex_init(&in->lock, NULL);
    pthread_cond_init(&in->wake, NULL);
    if (pthread_create(&in->worker, NULL, worker, in) != 0) { snprintf(err, sizeof err, "cannot start the render thread"); goto fail; }
    kvs_free(&c);
    logf_(in, LIAISON_LOG_INFO, "letter: spooling to %s, %zu templates, font %s, serials %s-YYYY-NNNNNN, campaign %s%s%s%s%s",
          in->spool, in->ntemplates, in->font, in->college, in->campaign, in->cups_queue ? ", printing on CUPS queue " : "",
          in->cups_queue ? in->cups_queue : "", in->cups_server ? " at " : "", in->cups_server ? in->cups_server : "");
    *out = in;
    return 0;
fail:
    snprintf(error, size, "letter: %s", err);
    kvs_free(&c);
    instance_free(in);
    return 1;
}

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static int letter_send(void *inst, const liaison_message *m, liaison_send_done done, void *context) {
    instance *in = inst;
    job *j = calloc(1, sizeof *j);
    j->key = dup_or_empty(m->idempotency_key);
    j->recipient = dup_or_empty(m->recipient);
    j->name = dup_or_empty(m->recipient_name);
    j->topic = dup_or_empty(m->topic);
    j->subject = dup_or_empty(m->subject);
    j->body = dup_or_empty(m->body);
    j->sent_at = dup_or_empty(LIAISON_MESSAGE_HAS(m, sent_at) ? m->sent_at : NULL);
    j->term = dup_or_empty(LIAISON_MESSAGE_HAS(m, term) ? m->term : NULL);
    j->done = done;
    j->context = context;
    pthread_mutex_lock(&in->lock);
    if (in->tail) in->tail->next = j; else in->head = j;
    in->tail = j;
    pthread_cond_signal(&in->wake);
    pthread_mutex_unlock(&in->lock);
    return LIAISON_OK;
}

static void letter_close(void *inst) {
    instance *in = inst;
    pthread_mutex_lock(&in->lock);
    in->closing = 1; /* the worker finishes what is queued, then stops */
    pthread_cond_signal(&in->wake);
    pthread_mutex_unlock(&in->lock);
    pthread_join(in->worker, NULL);
    pthread_mutex_destroy(&in->lock);
    pthread_cond_destroy(&in->wake);
    instance_free(in);
}

static const liaison_channel_descriptor descriptor = {
    .abi_version = LIAISON_CHANNEL_ABI_VERSION,
    .struct_size = sizeof(liaison_channel_descriptor),
    .name = "letter",
    .version = "1.0.0",
    .capabilities = LIAISON_CAP_IDEMPOTENT,
    .max_message_length = 0,
    .open = letter_open,
    .send = letter_send,
    .close = letter_close,
};

const liaison_channel_descriptor *liaison_channel_entry_v1(void) { return &descriptor; }
