#ifndef LIAISON_CSYSTEMD_SHIM_H
#define LIAISON_CSYSTEMD_SHIM_H
// We pass CODE_FILE/CODE_LINE ourselves (the Swift caller's), so the
// location-adding macros must not wrap sd_journal_sendv.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
