/* Kickstart files and the kernel command line: Anaconda-style commands
 * into one struct ks_file (one struct v2v_config per VM of the batch).
 *
 * One table of commands and options (ks_commands.c) drives the parser,
 * the range checks, dump-config and the option list that tests check
 * against docs/kickstart.md.
 */
#ifndef V2V_KICKSTART_H
#define V2V_KICKSTART_H

#include <stdio.h>

#include "v2v.h"

#define KS_MAX_FILE (1024 * 1024)
#define KS_MAX_LINE 4096
#define KS_MAX_VMS 1000
#define KS_MAX_INCLUDE_DEPTH 4
#define KS_MAX_INCLUDES 64           /* files included, nested ones too */
#define KS_MAX_INCLUDE_BYTES KS_MAX_FILE  /* all included files together */

enum ks_bootproto { KS_BOOT_NONE = 0, KS_BOOT_DHCP, KS_BOOT_STATIC };

/* network --device=... --bootproto=...: the image's own NIC set-up. */
struct ks_nic {
  char *device;             /* eth0, or a MAC; NULL = every NIC with link */
  enum ks_bootproto bootproto;
  char *ip, *netmask, *gateway, *nameserver;
};

/* One VM of the batch: a vm command and the disks and network maps that
 * follow it.
 */
struct ks_vm {
  struct v2v_vm vm;
  struct v2v_disk *disks;
  size_t nr_disks;
  struct v2v_netmap *netmaps;
  size_t nr_netmaps;
  int line;
  const char *file;         /* of the vm line: the main file's name or an
                               include's URL (in includes[]), valid while
                               both are */
};

struct ks_file {
  /* Shared by every VM: source, destination, options, after.  Its vm,
   * disks and netmaps are unused (the netmaps given before the first vm
   * command are copied into every VM).
   */
  struct v2v_config base;
  struct ks_vm *vms;
  size_t nr_vms;
  unsigned parallel;        /* options --parallel=N; 0 = one at a time */
  struct ks_nic *nics;
  size_t nr_nics;
  char *pre, *post, *onerror;  /* %pre, %post, %onerror bodies, or NULL */
  char *log_file;           /* log --file */
  char *log_remote;         /* log --remote=syslog://HOST[:PORT] */
  char **includes;          /* every include URL, in order */
  size_t nr_includes;
};

/* include URL: fetch the text of URL into *text (malloc'd, *len bytes).
 * Returns 0, or -1 with a message in *error (malloc'd).
 */
typedef int (*ks_fetch_fn) (const char *url, char **text, size_t *len,
                            char **error, void *opaque);

struct ks_parse_opts {
  ks_fetch_fn fetch;        /* NULL: include is refused */
  void *opaque;
  bool partial;             /* source, vm, destination may be missing */
};

/* Parse text (name is used in messages) into ks, which must be zeroed.
 * Every problem is written to errs as "NAME:LINE:COL: message", warnings
 * as "NAME:LINE:COL: warning: message".  Returns 0, or -1 if there was any
 * problem (ks must still be freed with ks_free).
 */
extern int ks_parse_string (const char *name, const char *text, size_t len,
                            const struct ks_parse_opts *opts,
                            struct ks_file *ks, FILE *errs);
extern int ks_parse_file (const char *file, const struct ks_parse_opts *opts,
                          struct ks_file *ks, FILE *errs);
extern void ks_free (struct ks_file *ks);

/* The fields of struct v2v_config that kickstart options set, from the
 * command table: fn is called once for each (an array before the
 * fields of its elements), for v2v_config_fields
 * (agent/pipeline/config.c).
 */
extern void ks_config_fields (v2v_config_field_fn fn, void *opaque);

/* The kickstart's name of a destination type ("local", "libvirt"), as
 * destination --type takes it, or NULL for none.
 */
extern const char *ks_dest_type_name (enum v2v_dest_type type);

/* The configuration of VM i (shares ks's memory: do not free it). */
extern void ks_vm_config (const struct ks_file *ks, size_t i,
                          struct v2v_config *cfg);

/* The parsed file as kickstart commands, every value quoted so that it
 * parses back the same (ks_quote); secrets masked (passwords, a URL's
 * password) and sections shown only by length and SHA-256, so that it
 * can go to a log.  Returns 0, or -1 if some command could not be
 * written (it is there as a "# skipped: ..." comment with the reason).
 */
extern int ks_dump (const struct ks_file *ks, FILE *out);
/* The same as a kickstart to run (the wizard's): quoted the same way,
 * but URLs and sections as they are; --password is still masked (give
 * --password-file).  Returns 0 or -1 as ks_dump.
 */
extern int ks_print_kickstart (const struct ks_file *ks, FILE *out);

/* SCHEME://USER:PASSWORD@HOST... with PASSWORD as ********, for messages
 * and logs; NULL if s is no such URL (or out of memory).  Caller frees.
 */
extern char *ks_mask_url (const char *s);

/* text with the password of every SCHEME://USER:PASSWORD@ in it shown as
 * ********, for any message that may quote a URL.  Returns a malloc'd
 * string (caller frees), or NULL when out of memory.
 */
extern char *ks_mask_urls (const char *text);

/* Quoting (ks_quote.c).  ks_quote: str as one kickstart word that the
 * parser reads back as str (as is, or in "..." with \" and \\).
 * Returns a malloc'd string (caller frees), or NULL with *why set to
 * a static reason when str cannot be written in a kickstart (a line
 * break, a control character, invalid UTF-8, longer than KS_MAX_WORD
 * bytes quoted) or on out of memory.  ks_escape: str on one line for a
 * comment: as is if it is printable (valid UTF-8, no control character,
 * no '"' or '\\') and at most max bytes, else in "..." with \n, \t,
 * \xNN, \" and \\, at most max bytes of it (then "..." follows); never
 * ending in a backslash.  Caller frees; NULL on out of memory.
 */
#define KS_MAX_WORD 2048
extern char *ks_quote (const char *str, const char **why);
extern char *ks_escape (const char *str, size_t max);

/* Every command and option, one "command --option" per line. */
extern void ks_list_options (FILE *out);

/* The kernel command line (kickstart/cmdline.c). */
struct ks_cmdline {
  char *ks_url;             /* v2v.ks= */
  char *ks_cacert;          /* v2v.ks.cacert= */
  char *ks_thumbprint;      /* v2v.ks.thumbprint= */
  unsigned ks_retry;        /* v2v.ks.retry= (default 3) */
  char *text;               /* kickstart made of the v2v.CMD.OPTION keys */
  size_t nr_keys;           /* how many such keys there were */
};

/* Parse a kernel command line.  Unknown v2v.* keys are errors (written to
 * errs); other parameters are the kernel's.  Returns 0 or -1.
 */
extern int ks_cmdline_parse (const char *cmdline, struct ks_cmdline *cl,
                             FILE *errs);
extern void ks_cmdline_free (struct ks_cmdline *cl);

#endif
