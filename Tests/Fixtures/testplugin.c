/*
 * A channel plugin for the tests, compiled by them with the C compiler.
 * Config (every key optional):
 *   path      file to append "<key>\t<to>\t<version>\t<body>" to, per send
 *   crash_on  a message whose idempotency key contains this kills the
 *   marker    process the first time (it creates `marker` first), so the
 *             retry after the host restarts goes through
 *   fail      "temporary" or "permanent": sends fail so (nothing written) ...
 *   fail_to   ... only those whose recipient contains this
 *   receipts  true: report a "delivered" receipt after each send
 *   reply     after each send, the recipient replies with this text ...
 *   reply_prefix  ... from this prefix and their address (e.g. "+86")
 *   delay_ms  complete each send this long after it started, on a thread
 *             of its own (so sends are in flight during a reload)
 *   leak_mb   each send leaks this many MiB (touched, so resident)
 * Built with -DWRONG_ABI it declares ABI version 99; with -DNO_ENTRY it
 * exports no entry symbol at all; -DVERSION=\"x\" sets its version; with
 * -DABORT_ON_OPEN it aborts in open, with -DABORT_ON_SEND in every send (a
 * plugin in a crash loop, replaced by a build without them).
 */
#include "liaison_channel.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "0.1"
#endif

static char out_path[1024], marker[1024], crash_on[256], fail[32], fail_to[256], reply[512], reply_prefix[16];
static int receipts, delay_ms, leak_mb;
static const liaison_host_services *services;
static void *volatile leaked;
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;

/* The value of "key" in a flat JSON object: a string's text or a bare word. */
static void field(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    out[0] = 0;
    if (!p) return;
    p += strlen(pattern);
    int quoted = *p == '"';
    if (quoted) p++;
    size_t n = 0;
    while (*p && (quoted ? *p != '"' : (*p != ',' && *p != '}')) && n + 1 < size) out[n++] = *p++;
    out[n] = 0;
}

static int t_open(const char *config, const liaison_host_services *host, void **instance, char *error, size_t size) {
    (void)error; (void)size;
    char word[32];
#ifdef ABORT_ON_OPEN
    abort();
#endif
    services = host;
    field(config, "path", out_path, sizeof out_path);
    field(config, "marker", marker, sizeof marker);
    field(config, "crash_on", crash_on, sizeof crash_on);
    field(config, "fail", fail, sizeof fail);
    field(config, "fail_to", fail_to, sizeof fail_to);
    field(config, "reply", reply, sizeof reply);
    field(config, "reply_prefix", reply_prefix, sizeof reply_prefix);
    field(config, "receipts", word, sizeof word);
    receipts = strcmp(word, "true") == 0;
    field(config, "delay_ms", word, sizeof word);
    delay_ms = atoi(word);
    field(config, "leak_mb", word, sizeof word);
    leak_mb = atoi(word);
    *instance = out_path;
    return 0;
}

typedef struct job {
    char *key, *to, *body;
    liaison_send_done done;
    void *ctx;
} job;

static void finish(job *j) {
    if (fail[0] && (!fail_to[0] || strstr(j->to, fail_to))) {
        j->done(j->ctx, strcmp(fail, "permanent") == 0 ? LIAISON_PERMANENT : LIAISON_TEMPORARY, NULL, "the test plugin was told to fail");
        return;
    }
    pthread_mutex_lock(&file_lock);
    FILE *f = out_path[0] ? fopen(out_path, "a") : NULL;
    if (f) {
        fprintf(f, "%s\t%s\t%s\t%s\n", j->key, j->to, VERSION, j->body);
        fclose(f);
    }
    pthread_mutex_unlock(&file_lock);
    if (out_path[0] && !f) { j->done(j->ctx, LIAISON_TEMPORARY, NULL, "cannot open the output file"); return; }
    j->done(j->ctx, LIAISON_OK, j->key, NULL);
    if (receipts) services->report_receipt(services->context, j->key, j->key, LIAISON_RECEIPT_DELIVERED, "test delivery");
    if (reply[0]) {
        char from[300];
        snprintf(from, sizeof from, "%s%s", reply_prefix, j->to);
        services->report_reply(services->context, from, reply, NULL);
    }
}

static void *later(void *arg) {
    job *j = arg;
    usleep((useconds_t)delay_ms * 1000);
    finish(j);
    free(j->key); free(j->to); free(j->body); free(j);
    return NULL;
}

static int t_send(void *instance, const liaison_message *m, liaison_send_done done, void *ctx) {
    (void)instance;
#ifdef ABORT_ON_SEND
    abort();
#endif
    if (crash_on[0] && strstr(m->idempotency_key, crash_on) && access(marker, F_OK) != 0) {
        FILE *f = fopen(marker, "w");
        if (f) fclose(f);
        abort();
    }
    if (leak_mb > 0) {
        size_t n = (size_t)leak_mb << 20;
        char *leak = malloc(n);
        if (leak) memset(leak, 1, n);
        leaked = leak; /* kept where the optimizer cannot drop the leak */
    }
    job j = { (char *)m->idempotency_key, (char *)m->recipient, (char *)m->body, done, ctx };
    if (delay_ms <= 0) { finish(&j); return LIAISON_OK; }
    /* The host's strings live only for this call: the thread gets copies. */
    job *copy = malloc(sizeof *copy);
    *copy = (job){ strdup(j.key), strdup(j.to), strdup(j.body), done, ctx };
    pthread_t t;
    if (pthread_create(&t, NULL, later, copy) != 0) { free(copy->key); free(copy->to); free(copy->body); free(copy); return LIAISON_TEMPORARY; }
    pthread_detach(t);
    return LIAISON_OK;
}

/* Waits for the sends still on their threads, as close must. */
static void t_close(void *instance) {
    (void)instance;
    if (delay_ms > 0) usleep((useconds_t)delay_ms * 1000 * 2);
}

static const liaison_channel_descriptor descriptor = {
#ifdef WRONG_ABI
    .abi_version = 99,
#else
    .abi_version = LIAISON_CHANNEL_ABI_VERSION,
#endif
    .struct_size = sizeof(liaison_channel_descriptor),
    .name = "testplugin", .version = VERSION,
    .capabilities = LIAISON_CAP_RECEIPTS | LIAISON_CAP_REPLIES, .max_message_length = 0,
    .open = t_open, .send = t_send, .close = t_close,
};

#ifndef NO_ENTRY
const liaison_channel_descriptor *liaison_channel_entry_v1(void) { return &descriptor; }
#else
const liaison_channel_descriptor *some_other_symbol(void) { return &descriptor; }
#endif
