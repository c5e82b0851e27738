/*
 * log — the reference channel plugin in plain C (docs/PLUGINS.md).
 *
 * Appends one line per message to a file: "<id>\t<key>\t<recipient>\t<topic>\t<body>"
 * (tabs and newlines in fields become spaces). It proves a C plugin works
 * through the same ABI as the Swift ones, and is the cheapest channel for
 * measuring the host's own cost. Configuration (JSON object):
 *   "path":     the file to append to (required)
 *   "receipts": true to report each message delivered right after writing it
 */
#include "liaison_channel.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct log_instance {
    FILE *file;
    int receipts;
    const liaison_host_services *host;
    pthread_mutex_t lock;
};

/* The value of "key" in a flat JSON object, or NULL. Enough for this
   plugin's two keys; a real plugin would use a JSON library. */
static const char *json_value(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    const char *p = strstr(json, pattern);
    if (!p || !(p = strchr(p + strlen(pattern), ':'))) return NULL;
    while (*++p == ' ') {}
    return p;
}

static int json_string(const char *json, const char *key, char *out, size_t size) {
    const char *p = json_value(json, key);
    if (!p || *p != '"') return 0;
    size_t n = 0;
    for (++p; *p && *p != '"' && n + 1 < size; ++p) {
        if (*p == '\\' && p[1]) ++p;
        out[n++] = *p;
    }
    out[n] = 0;
    return 1;
}

static int json_true(const char *json, const char *key) {
    const char *p = json_value(json, key);
    return p && strncmp(p, "true", 4) == 0;
}

static void put_field(FILE *f, const char *s) {
    for (; s && *s; ++s) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static int log_open(const char *config, const liaison_host_services *host, void **instance, char *error, size_t size) {
    char path[4096];
    if (!json_string(config, "path", path, sizeof path) || !path[0]) {
        snprintf(error, size, "log: the configuration needs \"path\", the file to append messages to");
        return 1;
    }
    FILE *f = fopen(path, "a");
    if (!f) {
        snprintf(error, size, "log: cannot open %s for appending: %s", path, strerror(errno));
        return 1;
    }
    struct log_instance *in = calloc(1, sizeof *in);
    if (!in) { fclose(f); snprintf(error, size, "log: out of memory"); return 1; }
    in->file = f;
    in->receipts = json_true(config, "receipts");
    in->host = host;
    pthread_mutex_init(&in->lock, NULL);
    *instance = in;
    char line[4200];
    snprintf(line, sizeof line, "log: appending to %s%s", path, in->receipts ? ", with receipts" : "");
    host->log(host->context, LIAISON_LOG_INFO, line);
    return 0;
}

static int log_send(void *instance, const liaison_message *m, liaison_send_done done, void *done_context) {
    struct log_instance *in = instance;
    char provider_id[32];
    snprintf(provider_id, sizeof provider_id, "log-%llu", (unsigned long long)m->id);
    pthread_mutex_lock(&in->lock);
    fprintf(in->file, "%llu\t", (unsigned long long)m->id);
    put_field(in->file, m->idempotency_key); fputc('\t', in->file);
    put_field(in->file, m->recipient); fputc('\t', in->file);
    put_field(in->file, m->topic); fputc('\t', in->file);
    put_field(in->file, m->body); fputc('\n', in->file);
    int failed = fflush(in->file) != 0;
    pthread_mutex_unlock(&in->lock);
    if (failed) {
        done(done_context, LIAISON_TEMPORARY, NULL, strerror(errno));
        return LIAISON_OK;
    }
    done(done_context, LIAISON_OK, provider_id, NULL);
    if (in->receipts)
        in->host->report_receipt(in->host->context, provider_id, m->idempotency_key, LIAISON_RECEIPT_DELIVERED, "written to the log");
    return LIAISON_OK;
}

static void log_close(void *instance) {
    struct log_instance *in = instance;
    fclose(in->file);
    pthread_mutex_destroy(&in->lock);
    free(in);
}

static const liaison_channel_descriptor descriptor = {
    .abi_version = LIAISON_CHANNEL_ABI_VERSION,
    .struct_size = sizeof(liaison_channel_descriptor),
    .name = "log",
    .version = "1.0.0",
    .capabilities = LIAISON_CAP_RECEIPTS,
    .max_message_length = 0,
    .open = log_open,
    .send = log_send,
    .close = log_close,
};

const liaison_channel_descriptor *liaison_channel_entry_v1(void) { return &descriptor; }
