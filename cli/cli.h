/* SPDX-License-Identifier: MIT */
/* Shared declarations of the iommuscope program (not the library). */
#ifndef IMS_CLI_H
#define IMS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "iommuscope/iommuscope.h"

/* Exit codes (documented in --help and README). */
enum {
	IMS_EXIT_OK = 0,       /* decoded; no error-severity diagnostics / findings */
	IMS_EXIT_FINDINGS = 1, /* decoded, with error diagnostics or findings >= threshold */
	IMS_EXIT_USAGE = 2,    /* bad usage, or an input could not be read */
};

/* Commands: argv[0] is the command name. */
int cmd_report(int argc, char **argv);
int cmd_tables(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_codes(int argc, char **argv);

/* Parse an --input-format value ("auto", "acpidump", "table", "log"); -1 if bad. */
int ims_cli_parse_format(const char *s);

/* --input-format for command cmd: set *out and return true, or print
 * "iommuscope CMD: unknown --input-format 'X'" and return false. */
bool ims_cli_format_option(const char *cmd, const char *arg, bool allow_log, ims_format *out);

/*
 * Read PATH ("-" = stdin; a directory = one raw table per regular file, as a
 * copy of /sys/firmware/acpi/tables) into m.  Format auto-detected unless
 * force != IMS_FMT_AUTO.  On failure prints "iommuscope: PATH: reason" to err
 * and returns -1; returns 0 otherwise (bad *content* is diagnostics, not failure).
 */
int ims_cli_load(ims_model *m, const char *path, ims_format force, FILE *err);

/* Load every path into m (ims_cli_load), then ims_model_finish.  Returns 0,
 * or -1 when an input could not be read (message printed to err). */
int ims_cli_load_all(ims_model *m, char *const *paths, int n, ims_format force, FILE *err);

/* Start of every INPUT-taking command: with no inputs print
 * "iommuscope CMD: no INPUT given" and the usage to stderr; on allocation
 * failure say so.  Returns a new model, or NULL (exit with IMS_EXIT_USAGE). */
ims_model *ims_cli_model_for(const char *cmd, int ninputs, void (*usage)(FILE *));

/* Read a whole file (or stdin for "-") into a malloc'd buffer. -1 + errno on failure. */
int ims_cli_read_file(const char *path, unsigned char **buf, size_t *len);

/* Hook for kernel logs: set by the log module (NULL until it is linked in). */
int ims_cli_load_log(ims_model *m, uint32_t input, const char *text, size_t len);

/* JSON rendering of the whole model (tables view + normalized model +
 * diagnostics + kernel view when present).  Caller owns the result. */
json_t *ims_json_model(const ims_model *m);
/* "0x..." hex string helper and BDF helper (jansson values). */
json_t *ims_json_hex(uint64_t v);
json_t *ims_json_bdf(uint16_t segment, uint16_t bdf);
json_t *ims_json_tristate(int state); /* -1 -> null */
json_t *ims_json_diagnostics(const ims_model *m);
/* {"index", "vendor", "segment", "base"} of units[ui]: the keys every unit object starts with. */
json_t *ims_json_unit_identity(const ims_model *m, size_t ui);
/* Print JSON (pretty when pretty) followed by a newline. */
int ims_json_print(FILE *out, json_t *j, bool pretty);

/* Human-readable rendering of the decoded tables, grouped by IOMMU unit. */
void ims_text_tables(FILE *out, const ims_model *m, bool verbose);
void ims_text_diagnostics(FILE *out, const ims_model *m, ims_severity min);

/* Exit code for a model: 1 if it has error-severity diagnostics, else 0. */
int ims_cli_exit_for(const ims_model *m);

#endif
