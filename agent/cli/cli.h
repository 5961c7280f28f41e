/* v2vboot-agent, the kickstart front end of the engine: its modules.
 *
 *   main.c     command line, kickstart loading (file, URL, kernel cmdline)
 *   batch.c    the VMs of a kickstart, one after another or in parallel,
 *              and the summary
 *   scripts.c  %pre, %post and %onerror with the run's facts in the env
 *   print.c    progress events as text or JSON, into the log sinks
 *   logsink.c  log --file and log --remote=syslog://
 *   fetch.c    kickstarts and includes from http(s), tftp, file, media
 *   list.c     list-vms, list-destination
 *   inventory.c  vm --inventory: the VMs of the vSphere inventory
 */
#ifndef V2V_CLI_H
#define V2V_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "v2v.h"
#include "kickstart.h"

/* print.c */
struct cli_output {
  bool machine_readable;
  bool tty;                 /* \r progress lines on stderr */
  const char *vm;           /* label of the VM being converted, or NULL */
  bool reader_gone;         /* the progress channel's reader went away */
  /* Called once when it does (main sets cli_stop), so that print.c
   * calls nothing back in the batch.
   */
  void (*on_reader_gone) (void);
};
extern struct cli_output cli_out;
extern void cli_progress (const struct v2v_event *ev, void *opaque);
extern void cli_json_string (FILE *f, const char *s);
/* The engine's last error, on stderr and (--machine-readable) as an event. */
extern void cli_error (void);
/* A line for the operator: stderr, and the log sinks. */
extern void cli_say (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
/* The fd progress goes to (stdout with --machine-readable, else stderr)
 * if it is a pipe or a socket whose reader can go away, else -1.
 */
extern int cli_progress_fd (void);
/* Poll the progress fd: if its reader is gone, cancel the run (once) and
 * return true.
 */
extern bool cli_check_reader (void);

/* inventory.c: ks with every vm --inventory replaced by the VMs it names
 * (out shares ks's memory but for its vms; free with cli_inventory_free).
 * 0, or -1 with the error printed.
 */
extern int cli_expand_inventory (const struct ks_file *ks,
                                 struct ks_file *out);
extern void cli_inventory_free (struct ks_file *out,
                                const struct ks_file *ks);

/* logsink.c */
extern int cli_log_open (const char *file, const char *remote);
extern void cli_log (const char *line);
extern void cli_log_close (void);

/* fetch.c */
struct cli_trust {
  const char *cacert;       /* PEM file, or NULL for the system CAs */
  const char *thumbprint;   /* pinned SHA-256 of the server certificate */
};
extern int cli_fetch (const char *url, const struct cli_trust *trust,
                      unsigned retries, char **text, size_t *len,
                      char **error);

/* scripts.c */
struct cli_facts {
  const char *kickstart;
  const char *mode;         /* run | check */
  const struct ks_file *ks;
  /* for %post and %onerror */
  int index;                /* 1-based number of the VM, 0 for none */
  const char *vm_name, *vmx, *status, *stage, *error, *output;
};
extern int cli_run_section (const char *section, const char *body,
                            const struct cli_facts *facts);

/* list.c */
extern int cli_list (const char *what, const struct ks_file *ks);

/* batch.c */
extern int cli_run_batch (const struct ks_file *ks, const char *kickstart,
                          enum v2v_mode mode, unsigned parallel,
                          const char *summary_file);
extern void cli_cancel (void);
/* Cancel everything (signal-safe): cli_cancel, and the engine's
 * children of this process (v2v_kill_children).
 */
extern void cli_stop (void);

#endif
