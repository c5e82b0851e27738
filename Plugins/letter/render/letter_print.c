/*
 * letter_print.c — see letter_cups_print in include/letter_render.h.
 * One IPP Print-Job through libcups, as `lp` sends it: the `letter` plugin
 * submits each new letter with it, `liaisonctl letter reprint --print` a
 * reprint (one code path for both).
 */
#include "letter_render.h"

#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int letter_cups_print(const char *server, const char *queue, const char *options, const char *pdf, const char *job_name,
                      char *err, size_t errsize) {
    if (!queue || !*queue) { snprintf(err, errsize, "no CUPS queue given"); return LETTER_CUPS_UNREACHABLE; }
    char host[256];
    int port = ippPort();
    snprintf(host, sizeof host, "%s", server && *server ? server : cupsServer());
    char *colon = strrchr(host, ':');
    if (colon && !strchr(colon, ']')) { *colon = 0; port = atoi(colon + 1); }
    http_t *http = host[0] == '/' ? httpConnect2(host, 0, NULL, AF_LOCAL, HTTP_ENCRYPTION_NEVER, 1, 3000, NULL)
                                  : httpConnect2(host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 3000, NULL);
    if (!http) {
        snprintf(err, errsize, "cannot reach CUPS at %s: %s", server && *server ? server : host, cupsLastErrorString());
        return LETTER_CUPS_UNREACHABLE;
    }
    char uri[1024], resource[512];
    snprintf(resource, sizeof resource, "/printers/%s", queue);
    httpAssembleURI(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, host[0] == '/' ? "localhost" : host, port, resource);
    ipp_t *request = ippNewRequest(IPP_OP_PRINT_JOB);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, job_name ? job_name : "letter");
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL, "application/pdf");
    cups_option_t *opts = NULL;
    int n = cupsParseOptions(options ? options : "", 0, &opts);
    cupsEncodeOptions2(request, n, opts, IPP_TAG_OPERATION);
    cupsEncodeOptions2(request, n, opts, IPP_TAG_JOB);
    cupsFreeOptions(n, opts);
    ipp_t *response = cupsDoFileRequest(http, request, resource, pdf); /* frees the request */
    ipp_attribute_t *id = response ? ippFindAttribute(response, "job-id", IPP_TAG_INTEGER) : NULL;
    int job = cupsLastError() <= IPP_STATUS_OK_CONFLICTING && id ? ippGetInteger(id, 0) : 0;
    ippDelete(response);
    httpClose(http);
    if (job <= 0) {
        snprintf(err, errsize, "CUPS at %s did not take the job: %s", server && *server ? server : host, cupsLastErrorString());
        return LETTER_CUPS_REFUSED;
    }
    return job;
}
