/* v2vboot-tui: the console wizard.  It asks, screen by screen, what a
 * kickstart says, checks each answer with the engine as soon as it is
 * given (v2v_check_source, v2v_list_vms, v2v_list_destination), then
 * writes the kickstart and runs v2vboot-agent on it, rendering its
 * progress events.  It never calls libguestfs.
 *
 *   main.c      terminal set-up and restore, the screen sequence
 *   ui.c        drawing: frame, fields, lists, dialogs, key handling
 *   screens.c   network, source, VM, destination, review screens
 *   run.c       running the agent and showing its events; the result
 *   kswrite.c   the answers as a kickstart (and the password file)
 *   json.c      reading the agent's JSON events
 */
#ifndef V2V_WIZARD_H
#define V2V_WIZARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "v2v.h"

#define FIELD 256
#define MAX_ITEMS 512

enum wiz_screen { SCR_NETWORK, SCR_SOURCE, SCR_VM, SCR_DEST, SCR_REVIEW,
              SCR_RUN, SCR_DONE, SCR_QUIT };

struct found_vm {
  char vmx[FIELD], name[FIELD], os[64], networks[FIELD], problem[FIELD];
  unsigned memory_mib, vcpus;
  size_t disks;
  uint64_t bytes;
};

struct wizard {
  char dir[128];            /* private 0700 directory: password, ks */
  char agent[FIELD];        /* the v2vboot-agent to run */
  /* network of this host */
  int net_mode;             /* 0 keep, 1 dhcp, 2 static */
  char net_dev[32], net_ip[64], net_mask[64], net_gw[64], net_dns[64];
  char net_test[FIELD];
  /* source */
  int src_type;             /* 0 https, 1 ssh */
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
  /* destination */
  int dest_type;            /* 0 directory, 1 libvirt */
  char dest_dir[FIELD], uri[FIELD], dest_identity[FIELD], dest_known[FIELD];
  char pool[FIELD];
  char pools[64][FIELD], networks[64][FIELD];
  size_t nr_pools, nr_networks;
  char netmap_from[8][FIELD], netmap_to[8][FIELD];
  size_t nr_netmaps;
  int format;               /* 0 default, 1 qcow2, 2 raw */
  /* result */
  bool ok;
  char result[1024], failed_stage[64];
  char new_name[FIELD], output[FIELD], next[512];
  double seconds;
  char ks_path[FIELD];
};

/* ui.c */
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
extern bool ui_prompt (const char *question, char *buf, size_t len);
#define UI_LIST_REDRAW (-100)
extern int ui_list (const char *title, const char *const *rows, size_t n,
                    int top, int height, char *filter, int *sel);
struct _win_st;
extern int ui_key (struct _win_st *win);

/* screens.c */
extern enum wiz_screen screen_network (struct wizard *w);
extern enum wiz_screen screen_source (struct wizard *w);
extern enum wiz_screen screen_vm (struct wizard *w);
extern enum wiz_screen screen_dest (struct wizard *w);
extern enum wiz_screen screen_review (struct wizard *w);
extern void wizard_config (const struct wizard *w, struct v2v_config *cfg);

/* drivers.c */
extern bool drivers_pick (struct wizard *w);

/* run.c */
extern enum wiz_screen screen_run (struct wizard *w);
extern enum wiz_screen screen_done (struct wizard *w);

/* kswrite.c */
extern int ks_write (const struct wizard *w, const char *path,
                     const char *password_file);

/* json.c */
extern bool json_get_string (const char *line, const char *key, char *buf,
                             size_t len);
extern bool json_get_number (const char *line, const char *key, double *v);
extern bool json_get_bool (const char *line, const char *key, bool *v);

#endif
