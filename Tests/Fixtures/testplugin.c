/*
 * A channel plugin for the tests, compiled by them with the C compiler.
 * Config: {"path": FILE, "marker": FILE, "crash_on": TEXT}. Appends
 * "<key>\t<body>" per send. A message whose idempotency key contains
 * crash_on kills the process the first time (it creates `marker` first), so
 * the retry after the host restarts goes through.
 * Built with -DWRONG_ABI it declares ABI version 99; with -DNO_ENTRY it
 * exports no entry symbol at all.
 */
#include "liaison_channel.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char out_path[1024], marker[1024], crash_on[256];

static void field(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *p = strstr(json, pattern);
    out[0] = 0;
    if (!p) return;
    p += strlen(pattern);
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < size) out[n++] = *p++;
    out[n] = 0;
}

static int t_open(const char *config, const liaison_host_services *host, void **instance, char *error, size_t size) {
    (void)host; (void)error; (void)size;
    field(config, "path", out_path, sizeof out_path);
    field(config, "marker", marker, sizeof marker);
    field(config, "crash_on", crash_on, sizeof crash_on);
    *instance = out_path;
    return 0;
}

static int t_send(void *instance, const liaison_message *m, liaison_send_done done, void *ctx) {
    (void)instance;
    if (crash_on[0] && strstr(m->idempotency_key, crash_on) && access(marker, F_OK) != 0) {
        FILE *f = fopen(marker, "w");
        if (f) fclose(f);
        abort();
    }
    FILE *f = fopen(out_path, "a");
    if (!f) { done(ctx, LIAISON_TEMPORARY, NULL, "cannot open the output file"); return LIAISON_OK; }
    fprintf(f, "%s\t%s\n", m->idempotency_key, m->body);
    fclose(f);
    done(ctx, LIAISON_OK, m->idempotency_key, NULL);
    return LIAISON_OK;
}

static void t_close(void *instance) { (void)instance; }

static const liaison_channel_descriptor descriptor = {
#ifdef WRONG_ABI
    .abi_version = 99,
#else
    .abi_version = LIAISON_CHANNEL_ABI_VERSION,
#endif
    .struct_size = sizeof(liaison_channel_descriptor),
    .name = "testplugin", .version = "0.1", .capabilities = 0, .max_message_length = 0,
    .open = t_open, .send = t_send, .close = t_close,
};

#ifndef NO_ENTRY
const liaison_channel_descriptor *liaison_channel_entry_v1(void) { return &descriptor; }
#else
const liaison_channel_descriptor *some_other_symbol(void) { return &descriptor; }
#endif
