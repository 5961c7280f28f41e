/* v2vboot engine, the appliance: launch, inspection, trim, ext4 metadata (agent/guest/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_GUEST_H
#define V2V_GUEST_H

/* guest.c */
extern int v2v_guestfs_error (struct guestfs_h *g, const char *what);
extern int v2v_guest_launch (struct run *run);
extern int v2v_guest_inspect (struct run *run);
extern int v2v_guest_trim (struct run *run);

/* ext4_unused.c */
typedef int (*v2v_read_fn) (void *opaque, void *buf, size_t len,
                            uint64_t off);
extern int v2v_ext4_unused (v2v_read_fn read, void *opaque,
                            struct v2v_ranges *r);

/* inspect_windows.c */
extern int v2v_windows_diagnose (struct run *run);
extern int v2v_windows_inspect (struct run *run);
extern void v2v_windows_free (struct v2v_windows *w);

#endif
