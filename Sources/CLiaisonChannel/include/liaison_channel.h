/*
 * liaison_channel.h — the whole contract between Liaison and a channel plugin.
 *
 * A channel plugin is a shared library that exports one function,
 * LIAISON_CHANNEL_ENTRY ("liaison_channel_entry_v1"), returning a pointer to a
 * descriptor that lives as long as the library. The plugin runs inside its
 * own `liaison-channel-host` process, never inside liaisond; one host loads
 * one plugin, opens one instance with the channel's configuration and sends
 * messages through it.
 *
 * Growth rule (as sqlite3ext.h grows): structs start with abi_version (where
 * they have one) and struct_size, and new fields are only ever added at the
 * end. A reader checks struct_size before touching a field added later. The
 * version in the entry symbol's name changes only when a change cannot be
 * made that way; the host then refuses the plugin with a clear reason.
 *
 * Threads: `send` is called from one host thread at a time. It must not
 * block for long: start the work, return LIAISON_OK, and call `done` later
 * from any thread — exactly once per accepted message. Host services may be
 * called from any thread at any time between `open` and the return of `close`.
 *
 * Strings are UTF-8 and NUL-terminated; the plugin copies what it keeps,
 * since the host frees them after `send` returns (message) or `done` (key).
 *
 * docs/PLUGINS.md explains each field with a minimal example.
 */
#ifndef LIAISON_CHANNEL_H
#define LIAISON_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIAISON_CHANNEL_ABI_VERSION 1u
#define LIAISON_CHANNEL_ENTRY "liaison_channel_entry_v1"

/* What `send` and `done` report. */
enum liaison_status {
    LIAISON_OK = 0,          /* accepted (send) / handed to the provider (done) */
    LIAISON_TEMPORARY = 1,   /* try again later: gateway down, busy, rate-limited */
    LIAISON_PERMANENT = 2,   /* this channel will never deliver it: bad address, rejected */
};

/* What a receipt says about a message the provider took. */
enum liaison_receipt {
    LIAISON_RECEIPT_DELIVERED = 0, /* it reached the recipient's device or mailbox */
    LIAISON_RECEIPT_FAILED = 1,    /* the provider gave up delivering it */
    LIAISON_RECEIPT_REJECTED = 2,  /* the provider refused it */
};

enum liaison_log_level {
    LIAISON_LOG_DEBUG = 0, LIAISON_LOG_INFO = 1, LIAISON_LOG_WARNING = 2, LIAISON_LOG_ERROR = 3,
};

/* Capability flags. */
#define LIAISON_CAP_RECEIPTS    (1u << 0) /* reports receipts through the host services */
#define LIAISON_CAP_REPLIES     (1u << 1) /* reports inbound replies */
#define LIAISON_CAP_IDEMPOTENT  (1u << 2) /* a repeated idempotency key is not sent twice */

/* Services the host gives the plugin at `open`. */
typedef struct liaison_host_services {
    uint32_t abi_version;
    uint32_t struct_size;
    void *context; /* pass back as the first argument */
    /* A receipt for a message this plugin sent. provider_id is what `done`
       reported; key is the message's idempotency key (either may be NULL if
       unknown, not both). detail is the provider's words, or NULL. */
    void (*report_receipt)(void *context, const char *provider_id, const char *idempotency_key,
                           int receipt, const char *detail);
    /* A message from outside (a parent's SMS reply). from is the sender's
       address as the channel knows it (a phone number); provider_id may be NULL. */
    void (*report_reply)(void *context, const char *from, const char *text, const char *provider_id);
    void (*log)(void *context, int level, const char *message);
} liaison_host_services;

/* One message to send. */
typedef struct liaison_message {
    uint32_t struct_size;
    uint64_t id;                  /* the host's id of this send; unique per host */
    const char *idempotency_key;  /* the same for every attempt of one message */
    const char *recipient;        /* the address: phone number, WeCom user id, postal address */
    const char *recipient_name;
    const char *topic;            /* template topic, e.g. "incident-notice" */
    const char *subject;          /* a title, for channels that have one */
    const char *body;             /* rendered text, already within max_message_length */
    int32_t urgent;               /* nonzero: an incident message */
    /* Added after version 1's first release (read it only if struct_size
       reaches past it: LIAISON_MESSAGE_HAS(m, sent_at)). The daemon's clock
       when it handed the message over, in the school's time zone with its
       offset, ISO 8601: "2027-03-01T09:30:00+08:00". Under a virtual clock
       (rehearsals) this is the rehearsal's time, not the host's: a plugin
       that dates what it makes (a letter's 成文日期) uses this. "" if the
       daemon did not say. */
    const char *sent_at;
    /* Added after sent_at (LIAISON_MESSAGE_HAS(m, term)): the academic term
       of sent_at as the daemon's calendar has it (school.terms; a day
       between terms counts for the next), e.g. "2026-2027-1" for the first
       term of 2026-2027. A plugin that files by term (the letter plugin's
       campaigns) uses this rather than guessing from the month. "" if the
       daemon did not say. */
    const char *term;
} liaison_message;

/* Whether message m (a liaison_message *) has the field: the host that
   built it knew of it. */
#define LIAISON_MESSAGE_HAS(m, field) \
    ((m)->struct_size >= offsetof(liaison_message, field) + sizeof((m)->field))

/* Completion of one accepted send. provider_id: the provider's id for the
   message (NULL if none); error: why it failed (NULL on LIAISON_OK). */
typedef void (*liaison_send_done)(void *done_context, int status, const char *provider_id, const char *error);

typedef struct liaison_channel_descriptor {
    uint32_t abi_version;        /* LIAISON_CHANNEL_ABI_VERSION */
    uint32_t struct_size;        /* sizeof(liaison_channel_descriptor) as the plugin was built */
    const char *name;            /* e.g. "outbox" */
    const char *version;         /* the plugin's own version, e.g. "1.2.0" */
    uint32_t capabilities;       /* LIAISON_CAP_* */
    uint32_t max_message_length; /* characters; 0: no limit */
    /* Opens an instance with the channel's configuration (a JSON object).
       On failure returns nonzero and writes a reason into error. */
    int (*open)(const char *config_json, const liaison_host_services *host, void **instance,
                char *error, size_t error_size);
    /* Starts sending. LIAISON_OK: `done` will be called exactly once. Any
       other status: refused now, `done` is not called. */
    int (*send)(void *instance, const liaison_message *message, liaison_send_done done, void *done_context);
    /* Finishes or abandons outstanding sends and frees the instance. */
    void (*close)(void *instance);
} liaison_channel_descriptor;

typedef const liaison_channel_descriptor *(*liaison_channel_entry_fn)(void);

/* The one exported symbol. */
const liaison_channel_descriptor *liaison_channel_entry_v1(void);

#ifdef __cplusplus
}
#endif
#endif
