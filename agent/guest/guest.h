/* v2vboot engine, the appliance: launch, LUKS, inspection, mounting,
 * space, firmware, trim, swap, ext4 metadata (agent/guest/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_GUEST_H
#define V2V_GUEST_H

#include "common/vector.h"

/* guestfs_error.c */
extern int v2v_guestfs_error (struct guestfs_h *g, const char *what);

/* appliance.c */
extern int v2v_guest_launch (struct run *run);

/* inspect.c, with mount.c, space.c, firmware.c */
extern int v2v_guest_inspect (struct run *run);
extern int v2v_guest_mount_all (struct run *run, const char *root);
extern int v2v_guest_check_space (struct run *run);
extern enum v2v_firmware v2v_guest_firmware (struct guestfs_h *g);

/* trim.c, with swap.c, unused_metadata.c */
extern int v2v_guest_trim (struct run *run);
extern void v2v_guest_trim_swap (struct run *run, const char *dev);
extern void v2v_guest_unused_metadata (struct run *run, char **fses);

/* luks.c */
#define V2V_DM_NAME_MAX 128
struct v2v_luks_dev {
  char *dev;                /* "/dev/sda2", as the appliance sees it */
  char *uuid;               /* its LUKS UUID, or NULL */
  char *name;               /* opened as /dev/mapper/NAME */
};
DEFINE_VECTOR_TYPE (v2v_luks_devs, struct v2v_luks_dev);
/* Open every LUKS device with the configuration's key (none: an error
 * naming the device), into devs (VECTOR_INIT; free with v2v_luks_free).
 */
extern int v2v_luks_open (struct run *run, struct v2v_luks_devs *devs);
/* Reopen under the names root's /etc/crypttab gives them: returns 1 if
 * any was (device names changed: inspect again), 0 if none, -1.
 */
extern int v2v_luks_use_crypttab_names (struct run *run, const char *root,
                                        struct v2v_luks_devs *devs);
extern void v2v_luks_free (struct v2v_luks_devs *devs);
/* One crypttab line: 1 with its target name and source copied out, 0 for
 * a comment, a blank line or a line that is not a usable entry.
 */
extern int v2v_crypttab_entry (const char *line, char *name, size_t namelen,
                               char *source, size_t sourcelen);
/* Whether a crypttab source (/dev/sdX, UUID=, /dev/disk/by-uuid/) names
 * the device dev with LUKS UUID uuid (may be NULL).
 */
extern bool v2v_crypttab_source_is (const char *source, const char *dev,
                                    const char *uuid);

/* ext4_unused.c */
typedef int (*v2v_read_fn) (void *opaque, void *buf, size_t len,
                            uint64_t off);
extern int v2v_ext4_unused (v2v_read_fn read, void *opaque,
                            struct v2v_ranges *r);

/* xfs_log.c: 0 with *r the empty part of an XFS log, 1 if none, -1 */
extern int v2v_xfs_log_unused (v2v_read_fn read, void *opaque,
                               struct v2v_range *r);

/* inspect_windows.c */
extern int v2v_windows_diagnose (struct run *run);
extern int v2v_windows_inspect (struct run *run);
extern void v2v_windows_free (struct v2v_windows *w);

#endif
