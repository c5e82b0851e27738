/*
 * letter_render.h — formal letters to parents as print-ready A4 PDFs
 * (POLICY P2.2.2: good news and the college's formal notice of a sanction or
 * a change of status; P2.2.3: the notice asking parents to come to campus).
 *
 * Laid out after GB/T 9704-2012's letter format (信函格式): the issuing
 * office's mark in red under a red double line, the document number
 * (代字〔年份〕序号号), the title, the addressee, the body, the issuing
 * office, the date and the seal area, page numbers from page 2, and a
 * record block (版记) with the postal address and the serial at the foot of
 * the letter's last page. Fonts are embedded (cairo writes CID subsets).
 *
 * Used by the `letter` channel plugin (one letter a file), by
 * `liaisonctl letter batch` (many letters in one file) and `letter reprint`,
 * and by benchmarks. letter_cups_print (letter_print.c, libcups) submits a
 * PDF to a CUPS queue for the plugin and for `letter reprint --print`.
 * Thread-safe as long as each thread renders its own files.
 */
#ifndef LIAISON_LETTER_RENDER_H
#define LIAISON_LETTER_RENDER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One letter. Every string is UTF-8; NULL or "" leaves that part out
   (title and body are required). */
typedef struct letter {
    const char *serial;          /* "LJ01-2026-000012": printed in the record block */
    const char *doc_number;      /* 发文字号, "丽文旅家〔2026〕12号" */
    const char *letterhead;      /* 发文机关标志, in red at the top of page 1 */
    const char *title;           /* 标题 */
    const char *addressee;       /* 主送, "尊敬的张建国家长：" */
    const char *body;            /* 正文: paragraphs separated by '\n' */
    const char *closing;         /* a last paragraph, "特此通知。" */
    const char *issuer;          /* 发文机关署名 */
    const char *date;            /* 成文日期, "2026年3月5日" */
    const char *seal;            /* words in the seal area, "（此处加盖学院公章）" */
    const char *recipient_name;  /* the record block: who it goes to */
    const char *postal_address;  /*                   and where: lines separated by
                                    '\n' (CRLF, CR too), each printed whole on
                                    a line of its own */
} letter;

typedef struct letter_options {
    const char *font_family;       /* NULL: "Noto Serif CJK SC" */
    const char *title_font_family; /* NULL: font_family (in bold) */
    int duplex;                    /* nonzero: pad each letter to an even page count,
                                      so that every letter starts on a front side */
} letter_options;

/* Writes the n letters into one PDF at path, each starting on a new page.
   Returns the number of pages written, or with a reason in err: -1 if the
   file could not be written, -2 if some character can be shown by no
   installed font (it would print as an empty box; the file is written).
   The file is written in place; callers that need atomicity render to a
   temporary name and rename. */
int letter_render_pdf(const letter *items, size_t n, const letter_options *options, const char *path,
                      char *err, size_t errsize);

/* The file name under SPOOL/.keys/ that records which letter an idempotency
   key got: [A-Za-z0-9_-] as they are, every other byte %XX (a '.' too, so no
   name ends like a temporary file). The plugin writes it, `letter batch`
   reads it: one rule for both. Returns 0, or -1 if the name does not fit
   in size bytes with its NUL (a cut name could be another key's). */
int letter_key_name(const char *key, char *out, size_t size);

/* 0 if fontconfig resolves `family` to a font of that family that covers
   Chinese (中文); else -1 with a reason in err. Pango would otherwise fall
   back silently to another font. */
int letter_check_font(const char *family, char *err, size_t errsize);

/* Submits the PDF at `pdf` to CUPS queue `queue` as one IPP Print-Job (as
   `lp` does; document-format application/pdf). server: "host:port" or a
   socket path, NULL or "": libcups's default ($CUPS_SERVER, client.conf,
   the local socket); options: as `lp -o` takes them ("media=A4
   sides=two-sided-long-edge"), or NULL. Connecting waits at most 3 s.
   Returns the job id (> 0), or with a reason in err
   LETTER_CUPS_UNREACHABLE (no connection) or LETTER_CUPS_REFUSED (CUPS
   answered but took no job: no such queue, the queue refuses jobs, …). */
#define LETTER_CUPS_UNREACHABLE (-1)
#define LETTER_CUPS_REFUSED (-2)
int letter_cups_print(const char *server, const char *queue, const char *options, const char *pdf, const char *job_name,
                      char *err, size_t errsize);

#ifdef __cplusplus
}
#endif
#endif
