#ifndef LIAISON_CPANGOCAIRO_SHIM_H
#define LIAISON_CPANGOCAIRO_SHIM_H
// The letter renderer's system libraries: pango on cairo (PDF surfaces) and
// fontconfig (to refuse a font family that does not cover Chinese).
#include <pango/pangocairo.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#endif
