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
};
extern char *v2v_domain_xml (const struct v2v_domain *dom);
extern int v2v_drive_name (const char *prefix, size_t i, char *buf,
                           size_t len);
extern char *v2v_random_mac (void);

/* copy.c */
extern int v2v_measure (struct run *run, struct disk_state *d);
extern int v2v_copy_disk (struct run *run, struct disk_state *d, int i);

/* upload_stream.c */
struct nbd_handle;
struct _virStream;
extern int v2v_upload_stream (struct run *run, struct disk_state *d, int i,
                              struct nbd_handle *nbd, struct _virStream *st);

/* output_libvirt.c */
extern char *v2v_libvirt_uri (const struct v2v_destination *dest);
extern int v2v_libvirt_connect (struct run *run);
extern int v2v_libvirt_check_pool (struct run *run);
extern int v2v_libvirt_check_names (struct run *run);
extern int v2v_libvirt_space (struct run *run, uint64_t need,
                              const char *what);
extern int v2v_libvirt_copy_disk (struct run *run, struct disk_state *d,
                                  int i);
extern int v2v_libvirt_define (struct run *run, const char *xml);
extern void v2v_libvirt_abort (struct run *run);
extern void v2v_libvirt_close (struct run *run);

/* output.c */
extern bool v2v_dest_raw (const struct run *run);
extern char *v2v_disk_name (const struct run *run, size_t i);
extern int v2v_dest_check (struct run *run);
extern int v2v_dest_check_names (struct run *run);
extern int v2v_dest_space (struct run *run, uint64_t need, const char *what);
extern int v2v_dest_copy (struct run *run, struct disk_state *d, int i);
extern int v2v_dest_finish (struct run *run);
extern void v2v_dest_abort (struct run *run);
extern void v2v_dest_close (struct run *run);
extern void v2v_cleanup_failed (struct run *run, const char *left,
                                const char *why);
extern const char *v2v_vm_label (const struct run *run);
extern char *v2v_claim_owner (const struct run *run);
extern const char *v2v_claim_field (const char *text, const char *key,
                                    char *buf, size_t len);
extern bool v2v_claim_owner_dead (const char *text);
extern const char *v2v_dest_describe (struct run *run);
extern const char *v2v_dest_next_step (struct run *run);

/* output_local.c */
extern int v2v_local_check_dir (struct run *run);
extern int v2v_local_check_names (struct run *run);
extern int v2v_local_space (struct run *run, uint64_t need, const char *what);
extern int v2v_local_finish (struct run *run, const char *xml);
extern char *v2v_output_domain_xml (struct run *run);
extern void v2v_local_abort (struct run *run);
extern void v2v_local_release (struct run *run);
extern void v2v_local_sweep (const char *dir, v2v_say_fn say, void *opaque);
extern int v2v_rename_noreplace (const char *from, const char *to);
extern int v2v_link_noreplace (const char *from, const char *to);

#endif
