/*
 * letter_render.c — see include/letter_render.h. Units are PDF points.
 *
 * GB/T 9704-2012 as this renderer applies it (letter format, 信函格式):
 *   A4; text block 156 × 225 mm, 37 mm from the top, 28 mm from the left;
 *   22 lines of 3号 (16 pt) text a page; title 2号 (22 pt) bold, centred;
 *   issuing office's mark in red 30 mm from the top, a red double line
 *   (thick over thin) under it and another (thin over thick) 20 mm from the
 *   bottom of page 1; document number on the first line under the double
 *   line, flush right; addressee flush left; paragraphs indented two
 *   characters; issuing office centred over the date, the date four
 *   characters in from the right; the seal area over both; page numbers
 *   "— N —" in 4号 from page 2 (page 1 of a letter shows none); the record
 *   block (版记) at the foot of the last page, between rules.
 */
#include <ctype.h>
#include "letter_render.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define LEFT (28 * MM)
#define TOP (37 * MM)
#define TEXT_W (156 * MM)
#define TEXT_H (225 * MM)
#define SLOT (TEXT_H / 22)          /* one line of 3号 text */
#define BODY_PT 16.0
#define TITLE_PT 22.0
#define HEAD_PT 26.0
#define SMALL_PT 14.0
#define SMALL_SLOT (7.5 * MM)
#define SEAL_PT 10.5                /* 五号 */

static const char *default_family = "Noto Serif CJK SC";

typedef struct renderer {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pango;
    PangoFontDescription *body, *title, *head, *small, *seal;
    double y;        /* top of the next free line */
    int page;        /* page within the current letter, 1-based */
    int pages;       /* pages written in all */
    int unknown;     /* characters no font could show */
} renderer;

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } align;

static PangoFontDescription *font(const char *family, double pt, PangoWeight weight) {
    PangoFontDescription *d = pango_font_description_new();
    pango_font_description_set_family(d, family);
    pango_font_description_set_absolute_size(d, pt * PANGO_SCALE);
    pango_font_description_set_weight(d, weight);
    return d;
}

static PangoLayout *layout(renderer *r, const char *text, PangoFontDescription *f, double width, align a, double indent) {
    PangoLayout *l = pango_layout_new(r->pango);
    pango_layout_set_font_description(l, f);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, a == ALIGN_CENTER ? PANGO_ALIGN_CENTER : a == ALIGN_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
    pango_layout_set_text(l, text, -1);
    r->unknown += pango_layout_get_unknown_glyphs_count(l);
    return l;
}

static void page_number(renderer *r) {
    if (r->page < 2) return; /* 信函格式: the first page shows none */
    char text[32];
    snprintf(text, sizeof text, "— %d —", r->page);
    PangoLayout *l = layout(r, text, r->small, TEXT_W - 2 * SMALL_PT, r->page % 2 ? ALIGN_RIGHT : ALIGN_LEFT, 0);
    cairo_set_source_rgb(r->cr, 0, 0, 0);
    cairo_move_to(r->cr, LEFT + SMALL_PT, TOP + TEXT_H + 7 * MM);
    pango_cairo_show_layout(r->cr, l);
    g_object_unref(l);
}

static void red(renderer *r) { cairo_set_source_rgb(r->cr, 0.90, 0.0, 0.07); }

/* A red double line across 170 mm, centred; thick_first: thick above thin. */
static void double_line(renderer *r, double y, int thick_first) {
    red(r);
    double x0 = (PAGE_W - 170 * MM) / 2, x1 = x0 + 170 * MM;
    double widths[2] = {thick_first ? 1.0 * MM : 0.35 * MM, thick_first ? 0.35 * MM : 1.0 * MM};
    double ys[2] = {y, y + 1.6 * MM};
    for (int i = 0; i < 2; ++i) {
        cairo_set_line_width(r->cr, widths[i]);
        cairo_move_to(r->cr, x0, ys[i]);
        cairo_line_to(r->cr, x1, ys[i]);
        cairo_stroke(r->cr);
    }
}

static void new_page(renderer *r) {
    page_number(r);
    cairo_show_page(r->cr);
    r->pages++;
    r->page++;
    r->y = TOP;
}

/* Draws a paragraph line by line on the grid, breaking pages between lines. */
static void paragraph(renderer *r, const char *text, PangoFontDescription *f, double pt, align a, double indent,
                      double slot, int color_red) {
    PangoLayout *l = layout(r, text, f, TEXT_W, a, indent);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        if (r->y + slot > TOP + TEXT_H + 0.01) new_page(r);
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double baseline = r->y + (slot - pt) / 2 + 0.88 * pt;
        if (color_red) red(r); else cairo_set_source_rgb(r->cr, 0, 0, 0);
        cairo_move_to(r->cr, LEFT + (double)logical.x / PANGO_SCALE, baseline);
        pango_cairo_show_layout_line(r->cr, line);
        r->y += slot;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
}

static int present(const char *s) { return s && *s; }

/* A postal address as the record block prints it: one line of the address
   a printed line (a roster cell may hold line breaks: LF, CRLF or CR), each
   trimmed of spaces, tabs and ideographic spaces, blank ones dropped, joined
   by U+2028 (a line break inside one paragraph, so the hanging indent
   holds). Every line is printed (issue 12). Returns a malloc'ed string. */
static char *address_lines(const char *addr) {
    size_t n = strlen(addr);
    char *out = malloc(n * 3 + 1), *o = out;
    const char *p = addr;
    int first = 1;
    while (*p) {
        size_t len = strcspn(p, "\r\n");
        const char *s = p, *e = p + len;
        for (;;) { /* trim the line's ends */
            if (s < e && (*s == ' ' || *s == '\t')) ++s;
            else if (e - s >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) s += 3;
            else break;
        }
        for (;;) {
            if (e > s && (e[-1] == ' ' || e[-1] == '\t')) --e;
            else if (e - s >= 3 && memcmp(e - 3, "\xE3\x80\x80", 3) == 0) e -= 3;
            else break;
        }
        if (e > s) {
            if (!first) { memcpy(o, "\xE2\x80\xA8", 3); o += 3; }
            for (const char *c = s; c < e; ++c) *o++ = *c == '\t' ? ' ' : *c;
            first = 0;
        }
        p += len;
        while (*p == '\r' || *p == '\n') ++p;
    }
    *o = 0;
    return out;
}

/* The record block (版记) at the foot of the page: lines between rules. */
static void record_block(renderer *r, const letter *L) {
    char *lines[2] = {NULL, NULL};
    double indents[2] = {0, 0};
    int n = 0;
    if (present(L->recipient_name) || present(L->postal_address)) {
        const char *name = present(L->recipient_name) ? L->recipient_name : "";
        char *addr = address_lines(present(L->postal_address) ? L->postal_address : "");
        size_t len = strlen(name) + strlen(addr) + 32;
        lines[n] = malloc(len);
        snprintf(lines[n], len, "收件：%s%s%s", name, *name && *addr ? "　" : "", addr);
        for (char *p = lines[n]; *p; ++p) if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
        free(addr);
        /* The address's further lines (and wrapped ones) under the name,
           past "收件：". */
        indents[n] = -3 * SMALL_PT;
        n++;
    }
    if (present(L->serial)) {
        size_t len = strlen(L->serial) + 16;
        lines[n] = malloc(len);
        snprintf(lines[n], len, "编号：%s", L->serial);
        n++;
    }
    if (!n) return;
    /* Measure, so that the block fits above the bottom of the text block. */
    PangoLayout *ls[2];
    int count[2];
    double height = 0;
    for (int i = 0; i < n; ++i) {
        ls[i] = layout(r, lines[i], r->small, TEXT_W - 2 * SMALL_PT, ALIGN_LEFT, indents[i]);
        count[i] = pango_layout_get_line_count(ls[i]);
        height += count[i] * SMALL_SLOT;
    }
    if (r->y + height > TOP + TEXT_H) new_page(r);
    double y = TOP + TEXT_H - height;
    cairo_set_source_rgb(r->cr, 0, 0, 0);
    for (int i = 0; i < n; ++i) {
        cairo_set_line_width(r->cr, i == 0 ? 0.35 * MM : 0.25 * MM);
        cairo_move_to(r->cr, LEFT, y);
        cairo_line_to(r->cr, LEFT + TEXT_W, y);
        cairo_stroke(r->cr);
        PangoLayoutIter *it = pango_layout_get_iter(ls[i]);
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            cairo_move_to(r->cr, LEFT + SMALL_PT + (double)logical.x / PANGO_SCALE, y + (SMALL_SLOT - SMALL_PT) / 2 + 0.88 * SMALL_PT);
            pango_cairo_show_layout_line(r->cr, pango_layout_iter_get_line_readonly(it));
            y += SMALL_SLOT;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
        g_object_unref(ls[i]);
        free(lines[i]);
    }
    cairo_set_line_width(r->cr, 0.35 * MM);
    cairo_move_to(r->cr, LEFT, y);
    cairo_line_to(r->cr, LEFT + TEXT_W, y);
    cairo_stroke(r->cr);
    r->y = y;
}

/* The issuing office centred over the date, the date four characters in
   from the right, the seal area over both (GB/T 9704 7.3.5.1). */
static void signature(renderer *r, const letter *L) {
    int lines = present(L->issuer) + present(L->date);
    if (!lines) return;
    if (r->y + (1 + lines) * SLOT > TOP + TEXT_H) new_page(r);
    r->y += SLOT; /* one empty line under the body */
    double right = LEFT + TEXT_W - 4 * BODY_PT;
    double date_w = 0;
    if (present(L->date)) {
        PangoLayout *l = layout(r, L->date, r->body, TEXT_W, ALIGN_LEFT, 0);
        PangoRectangle logical;
        pango_layout_get_extents(l, NULL, &logical);
        date_w = (double)logical.width / PANGO_SCALE;
        g_object_unref(l);
    }
    double centre = right - date_w / 2;
    double top = r->y;
    const char *texts[2] = {L->issuer, L->date};
    for (int i = 0; i < 2; ++i) {
        if (!present(texts[i])) continue;
        PangoLayout *l = layout(r, texts[i], r->body, TEXT_W, ALIGN_LEFT, 0);
        PangoRectangle logical;
        pango_layout_get_extents(l, NULL, &logical);
        double w = (double)logical.width / PANGO_SCALE;
        double x = centre - w / 2;
        if (x + w > LEFT + TEXT_W) x = LEFT + TEXT_W - w;
        cairo_set_source_rgb(r->cr, 0, 0, 0);
        cairo_move_to(r->cr, x, r->y + (SLOT - BODY_PT) / 2 + 0.88 * BODY_PT);
        pango_cairo_show_layout_line(r->cr, pango_layout_get_line_readonly(l, 0));
        g_object_unref(l);
        r->y += SLOT;
    }
    if (present(L->seal)) {
        /* Where the seal is stamped: a dashed circle of 42 mm, pressing on
           the issuing office and the date, with the words inside. */
        double cy = (top + r->y) / 2, radius = 21 * MM;
        double dash[1] = {2 * MM};
        cairo_save(r->cr);
        cairo_set_source_rgba(r->cr, 0.90, 0.0, 0.07, 0.55);
        cairo_set_line_width(r->cr, 0.4 * MM);
        cairo_set_dash(r->cr, dash, 1, 0);
        cairo_new_sub_path(r->cr);
        cairo_arc(r->cr, centre, cy, radius, 0, 2 * G_PI);
        cairo_stroke(r->cr);
        cairo_restore(r->cr);
        PangoLayout *l = layout(r, L->seal, r->seal, 2 * radius - 2 * MM, ALIGN_CENTER, 0);
        cairo_set_source_rgba(r->cr, 0.90, 0.0, 0.07, 0.75);
        cairo_move_to(r->cr, centre - radius + 1 * MM, cy + radius * 0.45);
        pango_cairo_show_layout(r->cr, l);
        g_object_unref(l);
    }
}

static void one_letter(renderer *r, const letter *L) {
    r->page = 1;
    /* The issuing office's mark, 30 mm from the top, and the double line. */
    double rule = 30 * MM;
    if (present(L->letterhead)) {
        PangoLayout *l = layout(r, L->letterhead, r->head, PAGE_W - 40 * MM, ALIGN_CENTER, 0);
        red(r);
        cairo_move_to(r->cr, 20 * MM, 30 * MM);
        pango_cairo_show_layout(r->cr, l);
        PangoRectangle logical;
        pango_layout_get_extents(l, NULL, &logical);
        rule = 30 * MM + (double)logical.height / PANGO_SCALE + 4 * MM;
        g_object_unref(l);
    }
    double_line(r, rule, 1);
    double_line(r, PAGE_H - 20 * MM - 1.6 * MM, 0);
    r->y = rule + 3 * MM;
    if (present(L->doc_number)) paragraph(r, L->doc_number, r->body, BODY_PT, ALIGN_RIGHT, 0, SLOT, 0);
    if (r->y < TOP) r->y = TOP;
    r->y += SLOT; /* the title comes two lines under the rule */
    paragraph(r, L->title, r->title, TITLE_PT, ALIGN_CENTER, 0, SLOT * 1.25, 0);
    r->y += SLOT; /* one empty line, then the addressee */
    if (present(L->addressee)) paragraph(r, L->addressee, r->body, BODY_PT, ALIGN_LEFT, 0, SLOT, 0);
    /* The body, a paragraph a line of its text. */
    const char *p = L->body;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *para = g_strndup(p, len);
        g_strstrip(para);
        if (*para) paragraph(r, para, r->body, BODY_PT, ALIGN_LEFT, 2 * BODY_PT, SLOT, 0);
        g_free(para);
        p = end ? end + 1 : NULL;
    }
    if (present(L->closing)) paragraph(r, L->closing, r->body, BODY_PT, ALIGN_LEFT, 2 * BODY_PT, SLOT, 0);
    signature(r, L);
    record_block(r, L);
    page_number(r);
    cairo_show_page(r->cr);
    r->pages++;
}

int letter_render_pdf(const letter *items, size_t n, const letter_options *options, const char *path, char *err, size_t errsize) {
    if (!n) { snprintf(err, errsize, "no letters to render"); return -1; }
    for (size_t i = 0; i < n; ++i) {
        if (!present(items[i].title) || !present(items[i].body)) {
            snprintf(err, errsize, "letter %zu (%s) has no %s", i + 1, present(items[i].serial) ? items[i].serial : "no serial",
                     present(items[i].title) ? "body" : "title");
            return -1;
        }
    }
    const char *family = options && present(options->font_family) ? options->font_family : default_family;
    const char *title_family = options && present(options->title_font_family) ? options->title_font_family : family;
    renderer r = {0};
    r.surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    if (cairo_surface_status(r.surface) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errsize, "cannot write %s: %s", path, cairo_status_to_string(cairo_surface_status(r.surface)));
        cairo_surface_destroy(r.surface);
        return -1;
    }
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_CREATOR, "Liaison letter channel");
    if (n == 1) cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_TITLE, items[0].title);
    r.cr = cairo_create(r.surface);
    r.pango = pango_cairo_create_context(r.cr);
    pango_cairo_context_set_resolution(r.pango, 72); /* 1 pt = 1 unit */
    pango_context_set_language(r.pango, pango_language_from_string("zh-cn")); /* simplified Chinese glyph forms */
    r.body = font(family, BODY_PT, PANGO_WEIGHT_NORMAL);
    r.small = font(family, SMALL_PT, PANGO_WEIGHT_NORMAL);
    r.title = font(title_family, TITLE_PT, PANGO_WEIGHT_BOLD);
    r.head = font(title_family, HEAD_PT, PANGO_WEIGHT_BOLD);
    r.seal = font(family, SEAL_PT, PANGO_WEIGHT_NORMAL);
    for (size_t i = 0; i < n; ++i) {
        int before = r.pages;
        one_letter(&r, &items[i]);
        if (options && options->duplex && (r.pages - before) % 2 && i + 1 < n) {
            cairo_show_page(r.cr); /* a blank back, so the next letter starts on a front */
            r.pages++;
        }
    }
    pango_font_description_free(r.body);
    pango_font_description_free(r.small);
    pango_font_description_free(r.title);
    pango_font_description_free(r.head);
    pango_font_description_free(r.seal);
    g_object_unref(r.pango);
    cairo_destroy(r.cr);
    cairo_surface_finish(r.surface);
    cairo_status_t status = cairo_surface_status(r.surface);
    cairo_surface_destroy(r.surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errsize, "cannot write %s: %s", path, cairo_status_to_string(status));
        return -1;
    }
    if (r.unknown) {
        snprintf(err, errsize, "%d character%s cannot be shown by %s or any installed font (they would print as empty boxes)",
                 r.unknown, r.unknown == 1 ? "" : "s", family);
        return -2;
    }
    return r.pages;
}

int letter_check_font(const char *family, char *err, size_t errsize) {
    if (!present(family)) { snprintf(err, errsize, "no font family given"); return -1; }
    if (!FcInit()) { snprintf(err, errsize, "fontconfig cannot start"); return -1; }
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult result;
    FcPattern *match = FcFontMatch(NULL, pat, &result);
    FcPatternDestroy(pat);
    if (!match) { snprintf(err, errsize, "fontconfig finds no font for \"%s\"", family); return -1; }
    int same = 0;
    FcChar8 *got = NULL, *first = NULL;
    for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &got) == FcResultMatch; ++i) {
        if (!first) first = got;
        if (strcasecmp((const char *)got, family) == 0) same = 1;
    }
    FcCharSet *cs = NULL;
    int chinese = FcPatternGetCharSet(match, FC_CHARSET, 0, &cs) == FcResultMatch && FcCharSetHasChar(cs, 0x4E2D) && FcCharSetHasChar(cs, 0x6587);
    int rc = 0;
    if (!same) {
        snprintf(err, errsize, "font family \"%s\" is not installed (fontconfig would substitute \"%s\"); `fc-list :lang=zh family` lists the Chinese ones",
                 family, first ? (const char *)first : "nothing");
        rc = -1;
    } else if (!chinese) {
        snprintf(err, errsize, "font family \"%s\" does not cover Chinese (中文); `fc-list :lang=zh family` lists the ones that do", family);
        rc = -1;
    }
    FcPatternDestroy(match);
    return rc;
}

int letter_key_name(const char *key, char *out, size_t size) {
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)key;
    for (; *p && n + 4 <= size; ++p) {
        if (isalnum(*p) || *p == '_' || *p == '-') out[n++] = (char)*p;
        else { out[n++] = '%'; out[n++] = hex[*p >> 4]; out[n++] = hex[*p & 15]; }
    }
    if (size > 0) out[n] = 0;
    return *p ? -1 : 0;
}
