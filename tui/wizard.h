/* v2vboot-tui: the console wizard.  It asks, screen by screen, what a
 * kickstart says, checks each answer with the engine as soon as it is
 * given (v2v_check_source, v2v_list_vms, v2v_list_destination), then
 * writes the kickstart and runs v2vboot-agent on it, rendering its
 * progress events.  It never calls libguestfs.
 *
 *   main.c            terminal set-up and restore, the screen sequence
 *   ui.c              the terminal, keys, frame, status and error lines
 *   ui_form.c         the form widget: fields and buttons
 *   ui_dialog.c       yes/no and one-line-of-text dialogs
 *   ui_list.c         the scrolling list with a filter
 *   screen_network.c  step 1: this host's network
 *   screen_source.c   step 2: the source, its login and trust dialogs
 *   screen_vm.c       step 3: the VM list and the VM's details
 *   vm_rows.c         step 3: its rows and what choosing a VM does
 *   screen_drivers.c  step 3: the Windows drivers picker
 *   screen_dest.c     step 4: the destination, its pool and networks
 *   screen_review.c   step 5: the answers, saved as a kickstart or run
 *   progress.c        step 6: runs the agent and draws its events
 *   screen_result.c   what was made, or why not and where to fix it
 *   wizard_config.c   the answers as an engine config (v2v_config)
 *   kswrite.c         the answers as a kickstart (and the password file)
 *   host_nics.c       the list of this host's NICs
 *   tcp_probe.c       the network screen's TCP connection test
 *   json.c            reading the agent's JSON events
 *
 * Calls go one way: screens -> kswrite -> wizard_config -> engine.
 */
#ifndef V2V_WIZARD_H
#define V2V_WIZARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "v2v.h"

#define FIELD 256
#define MAX_ITEMS 512
#define MAX_POOLS 64
#define MAX_NETMAPS 8

enum wiz_screen { SCR_NETWORK, SCR_SOURCE, SCR_VM, SCR_DEST, SCR_REVIEW,
                  SCR_PROGRESS, SCR_RESULT, SCR_QUIT };

/* The values of the wizard's choices.  Each is also the index of its
 * text in the choice widget (struct field F_CHOICE stores an int), so
 * the order here is the order on the screen.
 */
enum wiz_net_mode { NET_KEEP = 0, NET_DHCP, NET_STATIC };
enum wiz_src_type { SRC_HTTPS = 0, SRC_SSH, SRC_VSPHERE };
enum wiz_dest_type { DEST_DIR = 0, DEST_LIBVIRT };
/* The Format choice of a directory destination. */
enum wiz_dir_format { DIR_FORMAT_QCOW2 = 0, DIR_FORMAT_RAW };

struct found_vm {
  char vmx[FIELD], name[FIELD], os[64], networks[FIELD], problem[FIELD];
  char inventory[FIELD];    /* vSphere: "/DC/vm/FOLDER/NAME", or "" */
  enum v2v_power power;
  unsigned memory_mib, vcpus;
  size_t disks;
  uint64_t bytes;
};

/* What each screen keeps between its calls: focus, selection, filter,
 * and the row and choice arrays its widgets point into.
 */
struct network_screen {
  int focus;
};

struct source_screen {
  int focus;
};

struct vm_screen {
  char filter[64];
  int sel;
  const char *rows[MAX_ITEMS];
  char text[MAX_ITEMS][100];
};

struct dest_screen {
  int focus;
  int format;               /* enum wiz_dir_format */
  int pool_sel, net_sel[MAX_NETMAPS];
  const char *pool_choices[MAX_POOLS + 1], *net_choices[MAX_POOLS + 1];
};

struct drivers_screen {
  char paths[MAX_ITEMS][FIELD];
  size_t n;
  const char *rows[MAX_ITEMS];
  char filter[64];
};

struct wizard {
  char dir[128];            /* private 0700 directory: password, ks */
  char agent[FIELD];        /* the v2vboot-agent to run */
  /* network of this host */
  int net_mode;             /* enum wiz_net_mode */
  char net_dev[32], net_ip[64], net_mask[64], net_gw[64], net_dns[64];
  char net_test[FIELD];
  /* source */
  int src_type;             /* enum wiz_src_type */
  char server[FIELD], user[FIELD], password[FIELD], identity[FIELD];
  char thumbprint[128];     /* https: the certificate the operator trusted */
  char known_hosts[FIELD];  /* ssh: the wizard's own known_hosts */
  char luks_key[FIELD];     /* the guest's LUKS key, or "" */
  /* VM */
  struct found_vm vms[MAX_ITEMS];
  size_t nr_vms;
  char vmx[FIELD], disk_path[FIELD], vm_name[FIELD];
  char vm_networks[FIELD];  /* the chosen VM's source networks */
  char vm_os[FIELD];        /* the chosen VM's guest OS (.vmx guestOS) */
  char virtio_win[FIELD];   /* Windows: virtio-win ISO, directory or URL */
  bool shutdown_source;     /* the chosen VM is on: the operator said to
                               shut it down first (--shutdown-source) */
  /* destination */
  int dest_type;            /* enum wiz_dest_type */
  char dest_dir[FIELD], uri[FIELD], dest_identity[FIELD], dest_known[FIELD];
  char pool[FIELD];
  char pools[MAX_POOLS][FIELD], networks[MAX_POOLS][FIELD];
  size_t nr_pools, nr_networks;
  char netmap_from[MAX_NETMAPS][FIELD], netmap_to[MAX_NETMAPS][FIELD];
  size_t nr_netmaps;
  enum v2v_format format;
  int verify_boot;          /* review: 1 = options --verify-boot */
  /* result */
  bool ok;
  char result[1024], failed_stage[64];
  char new_name[FIELD], output[FIELD], next[512];
  char verify[512];         /* --verify-boot: what it saw, or "" */
  double seconds;
  char ks_path[FIELD];
  /* the screens' own state */
  struct network_screen network_scr;
  struct source_screen source_scr;
  struct vm_screen vm_scr;
  struct dest_screen dest_scr;
  struct drivers_screen drivers_scr;
};

/* ui.c, ui_form.c, ui_dialog.c, ui_list.c */
enum key_action { ACT_NONE, ACT_NEXT, ACT_BACK, ACT_CANCEL, ACT_OTHER };
enum field_type { F_TEXT, F_SECRET, F_CHOICE, F_BUTTON, F_LABEL };
struct field {
  const char *label;
  enum field_type type;
  char *value;              /* F_TEXT, F_SECRET: buffer of FIELD bytes */
  int *choice;              /* F_CHOICE: index into choices */
  const char *const *choices;
  bool hidden;
  int action;               /* F_BUTTON: returned when pressed */
};
/* The key help of the question screens. */
#define UI_FORM_HELP "Tab/arrows move  Enter next  ^N/F10 Next  " \
                     "^B/F2 Back  Esc Cancel"
extern void ui_init (void);
extern void ui_end (void);
extern void ui_frame (const char *title, int step, const char *help);
extern void ui_status (int row, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void ui_error (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
extern void ui_clear_error (void);
extern int ui_form (struct field *fields, size_t n, int top, int *focus);
extern bool ui_confirm (const char *question, const char *detail);
extern bool ui_confirm_quit (void);
extern bool ui_prompt (const char *question, char *buf, size_t len);
#define UI_LIST_REDRAW (-100)
extern int ui_list (const char *title, const char *const *rows, size_t n,
                    int top, int height, char *filter, int *sel);
struct _win_st;
extern int ui_key (struct _win_st *win);

/* screen_*.c, progress.c: each returns the screen to show next. */
extern enum wiz_screen screen_network (struct wizard *w);
extern enum wiz_screen screen_source (struct wizard *w);
extern enum wiz_screen screen_vm (struct wizard *w);
extern enum wiz_screen screen_dest (struct wizard *w);
extern enum wiz_screen screen_review (struct wizard *w);
extern enum wiz_screen screen_progress (struct wizard *w);
extern enum wiz_screen screen_result (struct wizard *w);

/* vm_rows.c: the VM list's power column ("on", "off", "susp.", "?"),
 * a row of it (buf of len bytes), and what choosing a VM in that state
 * does: go on, offer the shutdown (on: ask, then --shutdown-source), or
 * refuse (suspended: the operator resumes and shuts it down in vSphere).
 */
enum vm_pick { VM_PICK_OK, VM_PICK_OFFER_SHUTDOWN, VM_PICK_REFUSE };
extern const char *vm_power_text (enum v2v_power power);
extern void vm_row (const struct found_vm *v, char *buf, size_t len);
extern enum vm_pick vm_pick_for (enum v2v_power power);

/* screen_drivers.c */
extern bool drivers_pick (struct wizard *w);

/* host_nics.c */
extern void host_nics_show (int top);

/* tcp_probe.c */
extern void tcp_probe (const char *target);

/* wizard_config.c: the answers as an engine config that owns its
 * strings (free it with v2v_config_free); -1 with errno ENOMEM.
 * wizard_strdup copies s into *dst; wizard_strdup_opt leaves *dst NULL
 * when s is empty.  Both return 0 or -1 (ENOMEM).
 */
extern int wizard_config (const struct wizard *w, struct v2v_config *cfg);
extern int wizard_strdup (char **dst, const char *s);
extern int wizard_strdup_opt (char **dst, const char *s);

/* kswrite.c */
extern int ks_write (const struct wizard *w, const char *path,
                     const char *password_file);

/* json.c */
extern bool json_get_string (const char *line, const char *key, char *buf,
                             size_t len);
extern bool json_get_number (const char *line, const char *key, double *v);
extern bool json_get_bool (const char *line, const char *key, bool *v);

#endif
