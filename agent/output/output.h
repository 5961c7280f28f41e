/* v2vboot engine, the destination: directory or libvirt pool, domain XML, copy (agent/output/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_OUTPUT_H
#define V2V_OUTPUT_H

/* domain_xml.c */
struct v2v_domain_disk {
  const char *path;
  enum v2v_format format;
};
struct v2v_domain {
  const char *name;
  unsigned memory_mib, vcpus;
  enum v2v_firmware firmware;
  enum v2v_block_driver block_driver;
  const struct v2v_domain_disk *disks;
  size_t nr_disks;
  const struct v2v_nic *nics;
  size_t nr_nics;
  bool windows;             /* local clock, Hyper-V enlightenments */
  bool legacy_machine;      /* i440fx: Windows 7 / 2008 R2 and older */
  const char *nic_model;    /* "virtio", "e1000e", "e1000" */
  bool guest_agent;         /* has (or installs at first boot) qemu-ga */
  bool rng;                 /* has a virtio RNG driver */
  bool tcg;                 /* emulated (<domain type='qemu'>): a test
                               boot on a host where KVM does not work */
};
extern char *v2v_domain_xml (const struct v2v_domain *dom);
extern int v2v_drive_name (const char *prefix, size_t i, char *buf,
                           size_t len);
extern char *v2v_random_mac (void);

/* The ops of one kind of destination, like nbdkit's struct backend: the
 * pipeline calls them through output.c, which alone knows which kind a
 * destination is.  Adding a destination is one file defining a table and
 * one row in output.c.  Every function but describe and next_step reports
 * its own error and returns -1.
 */
struct v2v_verify_signs;
struct v2v_output_ops {
  const char *name;         /* "local", "libvirt" (the kickstart's type) */
  bool raw_by_default;      /* V2V_FORMAT_DEFAULT means raw here */
  /* Before anything: the destination exists and can be written. */
  int (*check) (struct run *run);
  /* The names of what will be written are free, and claimed by this run. */
  int (*check_names) (struct run *run);
  /* Is there room for need bytes?  what says how the figure was made. */
  int (*space) (struct run *run, uint64_t need, const char *what);
  /* Copy disk i (its overlay, measured) to the destination. */
  int (*copy_disk) (struct run *run, struct disk_state *d, int i);
  /* Every disk is written: make the VM of the domain XML xml. */
  int (*define) (struct run *run, const char *xml);
  /* The VM of dom, defined: boot it once where it will run, isolated and
   * behind throwaway overlays, for up to timeout seconds; fill signs,
   * write a PNG screenshot to shot if the screen could be read
   * (agent/verify/).  -1 only if the test boot could not be made.
   */
  int (*verify) (struct run *run, const struct v2v_domain *dom,
                 unsigned timeout, const char *shot,
                 struct v2v_verify_signs *signs);
  /* After a failure: remove what this run wrote. */
  void (*abort) (struct run *run);
  /* At the end of every run: release the claim, close connections. */
  void (*close) (struct run *run);
  /* "DIR", "pool P on URI", for messages; what the operator does next.
   * Caller frees; NULL if out of memory.
   */
  char *(*describe) (const struct run *run);
  char *(*next_step) (const struct run *run);
  /* For the wizard: check the destination, and give fn each pool and
   * network it has.
   */
  int (*list) (struct run *run, v2v_found_target_fn fn, void *opaque);
  /* Remove what killed runs left in the destination, say each (or NULL:
   * nothing is ever left).
   */
  void (*sweep) (const struct v2v_destination *dest, v2v_say_fn say,
                 void *opaque);
};

/* output.c: the one lookup by type, and the pipeline's calls. */
extern const struct v2v_output_ops *v2v_output_of (enum v2v_dest_type type);
extern int v2v_dest_check (struct run *run);
extern int v2v_dest_check_names (struct run *run);
extern int v2v_dest_space (struct run *run, uint64_t need, const char *what);
extern int v2v_dest_copy (struct run *run, struct disk_state *d, int i);
extern int v2v_dest_finish (struct run *run);
extern int v2v_dest_verify (struct run *run, const struct v2v_domain *dom,
                            unsigned timeout, const char *shot,
                            struct v2v_verify_signs *signs);
extern void v2v_dest_abort (struct run *run);
extern void v2v_dest_close (struct run *run);
extern int v2v_dest_list (struct run *run, v2v_found_target_fn fn,
                          void *opaque);
extern const char *v2v_dest_describe (struct run *run);
extern const char *v2v_dest_next_step (struct run *run);
extern int v2v_output_domain (struct run *run, struct v2v_domain *dom,
                              struct v2v_domain_disk **disks);
extern char *v2v_output_domain_xml (struct run *run);

/* output_local.c: a directory. */
extern const struct v2v_output_ops v2v_output_local;
extern int v2v_local_check_dir (struct run *run);
extern int v2v_rename_noreplace (const char *from, const char *to);
extern int v2v_link_noreplace (const char *from, const char *to);

/* output_local_claim.c: the claim on a name in the directory. */
extern int v2v_local_claim_name (struct run *run);
extern void v2v_local_release (struct run *run);
extern void v2v_local_sweep (const char *dir, v2v_say_fn say, void *opaque);

/* output_local_copy.c: qemu-img convert into the directory. */
extern int v2v_local_copy_disk (struct run *run, struct disk_state *d,
                                int i);

/* output_libvirt.c: a libvirt storage pool. */
extern const struct v2v_output_ops v2v_output_libvirt;
extern int v2v_libvirt_connect (struct run *run);
extern struct _virConnect *v2v_libvirt_open (const struct v2v_destination *dest);

/* output_libvirt_claim.c: the claim on a name on the host. */
extern int v2v_libvirt_claim_name (struct run *run);
extern void v2v_libvirt_release_claim (struct run *run, bool left);

/* upload_stream.c */
struct nbd_handle;
struct _virStream;
extern int v2v_upload_stream (struct run *run, struct disk_state *d, int i,
                              struct nbd_handle *nbd, struct _virStream *st);

/* measure.c: what each disk will write, for every output. */
extern int v2v_measure (struct run *run, struct disk_state *d);

/* disk_names.c */
extern char *v2v_disk_name (const struct run *run, size_t i);

/* claim.c: who claims a name, for the outputs' claims. */
extern const char *v2v_vm_label (const struct run *run);
extern char *v2v_claim_owner (const struct run *run);
extern const char *v2v_claim_field (const char *text, const char *key,
                                    char *buf, size_t len);
extern bool v2v_claim_owner_dead (const char *text);

/* left_behind.c */
extern void v2v_cleanup_failed (struct run *run, const char *left,
                                const char *why);

#endif
