/* v2vboot engine: internal interfaces, one section per file. */
#ifndef V2V_INTERNAL_H
#define V2V_INTERNAL_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "v2v.h"
#include "cleanup.h"

struct guestfs_h;
struct ssh_session_struct;
struct sftp_session_struct;
struct _virConnect;
struct _virStoragePool;
struct _virDomain;

/* Byte ranges (ext4_unused.c, overlay.c). */
struct v2v_range {
  uint64_t off, len;        /* bytes */
};
struct v2v_ranges {
  struct v2v_range *ranges;
  size_t nr;
};

/* One source disk on its way through the pipeline. */
struct disk_state {
  char *path;               /* "[ds] dir/x-flat.vmdk" or /abs/path */
  const char *datacenter;   /* of a datastore path, or NULL */
  const char *label;        /* for messages: the path */
  char *url;                /* HTTPS URL */
  char *remote_path;        /* SSH path on the host */
  uint64_t size;            /* virtual size */
  pid_t nbdkit_pid;
  char *socket;             /* nbdkit's NBD socket */
  char *overlay;            /* qcow2 overlay in the work directory */
  uint64_t data_bytes;      /* data the copy writes (qemu-img measure) */
  uint64_t required;        /* bytes the destination must have free */
  char *out_path, *out_tmp; /* final and temporary output files */
  char *volume;             /* libvirt volume name */
  struct v2v_ranges unused; /* disk bytes that hold nothing (ext4_unused.c) */
  bool out_created, out_final;
};

/* What inspection found. */
struct v2v_guest {
  char *root, *type, *distro, *product, *arch;
  int major, minor;
  enum v2v_firmware firmware;
  char **mountpoints;       /* mounted, parents first */
  uint64_t used_bytes;      /* used bytes in all mounted filesystems */
};

struct v2v_nic {
  char *mac;
  const char *network;
};

/* A static IPv4 address the Windows guest had (inspect_windows.c). */
struct v2v_win_ip {
  char *mac;                /* the VM NIC it goes to, or NULL */
  char *address, *netmask, *gateway, *dns;
};

/* What Windows inspection found and the conversion decided. */
struct v2v_windows {
  char *systemroot;         /* "/Windows" */
  char *ccs;                /* "ControlSet001" */
  char *system_hive, *software_hive;
  int build;
  char *edition;            /* EditionID: "ServerStandard", "Enterprise" */
  bool server;
  bool driver_db;           /* SYSTEM\DriverDatabase: Windows 8 and later */
  char **uninstall;         /* MSI product codes of VMware Tools */
  struct v2v_win_ip *ips;
  size_t nr_ips;
  char *virtio_win;         /* local ISO or directory, or NULL */
  bool virtio_win_is_dir;
  char *iso_device;         /* the ISO as the appliance sees it */
  bool virtio_net;          /* netkvm installed */
};

/* State of one v2v_run. */
struct run {
  const struct v2v_config *cfg;
  v2v_progress_fn progress;
  void *opaque;
  char *workdir;            /* 0700, removed at the end */
  int workdir_lock;         /* flock'ed "lock" in it, while workdir is set */
  char *password;           /* in memory only; zeroed when freed */
  char *password_file;      /* 0600 copy in workdir for nbdkit */
  char *cainfo;             /* CA file for TLS, or NULL for the system's */
  struct _virConnect *conn;         /* libvirt destination */
  struct _virStoragePool *pool;
  uint64_t libvirt_bytes;           /* data sent over the connection */
  struct ssh_session_struct *ssh;   /* during the source stage */
  struct sftp_session_struct *sftp;
  struct disk_state *disks;
  size_t nr_disks;
  struct v2v_nic *nics;
  size_t nr_nics;
  struct guestfs_h *g;
  struct v2v_guest guest;
  struct v2v_windows win;
  char *dest_dir;
  char *xml_path;
  char *dest_text, *next_text;  /* for messages (output.c) */
  /* The VM as it will be: the kickstart's, else the .vmx's, else defaults. */
  char *name;
  unsigned memory_mib, vcpus;
  enum v2v_firmware firmware;   /* V2V_FW_AUTO: as the guest has it */
  enum v2v_block_driver block_driver;  /* the options', or SATA for
                                          Windows without drivers */
  /* output_local.c: the claim on the name in the destination directory
   * (held, with a lock on claim_fd, while claim_path is set).
   */
  char *claim_path;
  int claim_fd;
  /* output_libvirt.c: the claim domain NAME.v2vboot-claim. */
  struct _virDomain *claim_dom;
};

/* run.c */
extern int v2v_make_workdir (struct run *run);
extern int v2v_open_source (struct run *run);
extern void v2v_run_cleanup (struct run *run, bool failed);

/* error.c */
extern bool v2v_verbose;
extern void v2v_set_stage (const char *name);
extern const char *v2v_stage (void);
extern void v2v_clear_error (void);
extern void v2v_error (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
extern void v2v_debug (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* events.c */
/* Returns -1 (error set) if the run was cancelled. */
extern int v2v_event_stage (struct run *run, const char *name, int disk);
extern void v2v_event_copy (struct run *run, int disk, uint64_t done,
                            uint64_t total, double rate);
extern void v2v_info (struct run *run, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void v2v_warning (struct run *run, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void v2v_event_error (struct run *run);
extern void v2v_event_done (struct run *run, bool ok, const char *summary);
extern double v2v_now (void);

/* strbuf.c */
struct v2v_strbuf {
  char *buf;
  size_t len, cap;
  bool failed;
};
extern int v2v_sb_add (struct v2v_strbuf *sb, const char *s, size_t n);
extern int v2v_sb_puts (struct v2v_strbuf *sb, const char *s);
extern int v2v_sb_printf (struct v2v_strbuf *sb, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern char *v2v_sb_finish (struct v2v_strbuf *sb);
extern char *v2v_read_file_tail (const char *path, size_t max);
extern char **v2v_strv_append (char **strv, const char *s);

/* command.c */
typedef void (*v2v_line_fn) (const char *line, void *opaque);
extern int v2v_command (const char *const *argv, char **output);
extern int v2v_command_lines (const char *const *argv, char **output,
                              v2v_line_fn line_fn, void *opaque);
extern pid_t v2v_spawn_logged (const char *const *argv, const char *logfile);
extern void v2v_kill_wait (pid_t pid);
extern void v2v_track_child (pid_t pid);
extern void v2v_untrack_child (pid_t pid);
extern bool v2v_child_tracked (pid_t pid);
extern pid_t v2v_reap (pid_t pid, int *status, int options);
extern bool v2v_cancelled (void);
extern char *v2v_chomp (char *s);
extern const char *v2v_last_line (char *s);

/* url.c */
extern int v2v_parse_datastore_path (const char *path, char **ds, char **rel);
extern char *v2v_url_escape (const char *s, bool keep_slash);
extern char *v2v_https_url (const char *server, const struct v2v_disk *disk);
extern char *v2v_ssh_path (const struct v2v_disk *disk);
extern int v2v_split_server (const char *server, char **host,
                             unsigned *port);

/* password.c */
extern char *v2v_read_password_file (struct run *run, const char *file);
extern void v2v_free_password (char *pw);
extern char *v2v_write_secret (const char *workdir, const char *name,
                               const char *secret);

/* tls.c */
extern size_t v2v_curl_discard (char *ptr, size_t size, size_t nmemb,
                                void *opaque);
struct v2v_curl_body {
  char *buf;
  size_t len, max;
  bool too_big;
};
extern size_t v2v_curl_collect (char *ptr, size_t size, size_t nmemb,
                                void *opaque);
extern int v2v_parse_fingerprint (const char *s, unsigned char *md,
                                  size_t mdlen);
extern char *v2v_fetch_server_cert (const char *server);
extern char *v2v_cert_fingerprint (const char *pem);
extern char *v2v_server_fingerprint (const char *server);
extern char *v2v_pin_certificate (const char *workdir, const char *server,
                                  const char *thumbprint);
extern char *v2v_cert_weak_key (const char *pem);
extern char *v2v_server_weak_key (const char *server);
extern int v2v_curl_policy (void *curl, const char *url, bool follow);
extern char *v2v_curl_refused_redirect (void *curl, const char *url, int rc);

/* source_https.c */
extern int v2v_https_probe_disk (struct run *run, struct disk_state *d);
extern int v2v_https_trust (struct run *run);
extern int v2v_https_download (struct run *run, const char *url,
                               const char *label, const char *path);
extern int v2v_https_probe (struct run *run);
extern char *v2v_https_get (struct run *run, const char *url,
                            const char *label, size_t max, size_t *len);

/* source_ssh.c */
extern int v2v_ssh_connect (struct run *run);
extern void v2v_ssh_close (struct run *run);
extern int v2v_ssh_probe (struct run *run);
extern char *v2v_ssh_get (struct run *run, const char *path,
                          const char *label, size_t max, size_t *len);

/* nbdkit.c */
extern int v2v_nbdkit_start (struct run *run, struct disk_state *d, size_t i);
extern void v2v_nbdkit_stop (struct disk_state *d);

/* overlay.c */
#define V2V_OVERLAY_CLUSTER 65536
extern int v2v_overlay_create (struct run *run, struct disk_state *d,
                               size_t i);
extern int v2v_overlay_zero_unused (struct run *run, struct disk_state *d);

/* guest.c */
extern int v2v_guestfs_error (struct guestfs_h *g, const char *what);
extern int v2v_guest_launch (struct run *run);
extern int v2v_guest_inspect (struct run *run);
extern int v2v_guest_trim (struct run *run);

/* devname.c */
struct v2v_devmap {
  char *old;                /* "/dev/sda1" */
  char *new;                /* "UUID=..." or "/dev/vda1" */
};
extern size_t v2v_old_devname_at (const char *s, const char *p);
extern char *v2v_rewrite_devices (const char *text,
                                  const struct v2v_devmap *map, size_t nr,
                                  size_t *changes);
extern const char *v2v_find_old_devname (const char *text, char *buf,
                                         size_t buflen);
extern char *v2v_virtio_name (const char *old,
                               enum v2v_block_driver driver);
extern char *v2v_grub_enable_uuid (const char *text, bool *changed);

/* linux_plan.c */
enum v2v_initrd_tool {
  V2V_INITRD_UNKNOWN, V2V_INITRD_INITRAMFS_TOOLS, V2V_INITRD_DRACUT
};
extern const char *const v2v_virtio_modules[];
extern const char v2v_dracut_conf_path[];
extern enum v2v_initrd_tool v2v_initrd_tool_for (const char *distro,
                                                 bool has_dracut,
                                                 bool has_update_initramfs);
extern char *v2v_initramfs_modules_add (const char *text, bool *changed);
extern char *v2v_dracut_conf (void);
extern char **v2v_initrd_command (enum v2v_initrd_tool tool,
                                  const char *kver, const char *initrd);
extern char **v2v_grub_mkconfig_command (bool has_grub2_mkconfig,
                                         const char *path);
extern int v2v_nic_names_add (const char *text, char ***names, size_t *nr);
extern char *v2v_link_file (const char *mac, const char *name);
extern bool v2v_is_vmware_tools_package (const char *name);
extern char *v2v_parallel_script (char **const *argvs, size_t n,
                                  const char *logprefix);
extern int v2v_parallel_status (const char *output, size_t i);
enum v2v_efi_fallback {
  V2V_EFI_HAS_FALLBACK, V2V_EFI_COPY, V2V_EFI_NO_LOADER, V2V_EFI_OOM
};
extern enum v2v_efi_fallback v2v_efi_fallback_plan (char *const *files,
                                                    const char *distro,
                                                    char ***copies);

/* ext4_unused.c */
typedef int (*v2v_read_fn) (void *opaque, void *buf, size_t len,
                            uint64_t off);
extern int v2v_ext4_unused (v2v_read_fn read, void *opaque,
                            struct v2v_ranges *r);

/* vmx.c */
struct v2v_vmx_disk {
  int ctrl;                 /* 0 scsi, 1 sata, 2 nvme, 3 ide */
  unsigned bus, unit;
  char *file;               /* as written: relative or /vmfs/volumes/... */
};
struct v2v_vmx_nic {
  char *mac;                /* lower case, or NULL if none or malformed */
  char *network;            /* "" if none */
  char *model;
};
struct v2v_vmx {
  char *name, *guest_os;
  unsigned memory_mib, vcpus;   /* 0 if not given */
  enum v2v_firmware firmware;
  struct v2v_vmx_disk *disks;   /* in controller, bus, unit order */
  size_t nr_disks;
  struct v2v_vmx_nic *nics;
  size_t nr_nics;
};
extern int v2v_vmx_parse (const char *text, size_t len, struct v2v_vmx *vmx,
                          char *err, size_t errlen);
extern void v2v_vmx_free (struct v2v_vmx *vmx);
extern char *v2v_vmdk_extent (const char *text, size_t len, char *err,
                              size_t errlen);

/* listing.c */
/* Decodes %XX in place; returns -1 if that gave a NUL byte, else 0. */
extern int v2v_percent_decode (char *s);
/* One entry of a listing page: its decoded name, and whether it is a
 * directory.  Returns 0 to go on, non-zero to stop.
 */
typedef int (*v2v_listing_fn) (const char *name, bool is_dir, void *opaque);
/* Calls fn for each entry page links to (want_ds: a dsName= link gives
 * that datastore's name).  page is modified.
 */
extern void v2v_listing_parse (char *page, bool want_ds, v2v_listing_fn fn,
                               void *opaque);

/* source_vmx.c */
extern int v2v_vm_from_vmx (struct run *run);
extern char *v2v_vmx_resolve (const char *vmx_path, const char *file);
extern char *v2v_source_fetch (struct run *run, const char *path,
                               const char *datacenter, size_t max,
                               size_t *len);
extern int v2v_vm_from_config (struct run *run);

/* registry.c */
extern int v2v_reg_open (struct run *run, const char *hive, bool write);
extern int v2v_reg_close (struct run *run, bool commit);
extern int64_t v2v_reg_path (struct run *run, int64_t node, const char *path,
                             bool create);
extern int v2v_reg_set_string (struct run *run, int64_t node,
                               const char *key, int type, const char *s);
extern int v2v_reg_set_multi (struct run *run, int64_t node, const char *key,
                              const char *const *strs);
extern int v2v_reg_set_dword (struct run *run, int64_t node, const char *key,
                              uint32_t v);
extern int v2v_reg_set_binary (struct run *run, int64_t node,
                               const char *key, const void *data,
                               size_t len);
extern char *v2v_reg_get_string (struct run *run, int64_t node,
                                 const char *key);
extern char **v2v_reg_get_multi (struct run *run, int64_t node,
                                 const char *key);
extern int v2v_reg_get_dword (struct run *run, int64_t node, const char *key,
                              uint32_t *out);

/* windows_plan.c */
struct v2v_win_firstboot {
  const char *driver_dir;   /* under %SystemRoot%, or NULL */
  const char *guest_agent;  /* MSI beside the script, or NULL */
  char **uninstall;         /* MSI product codes to remove */
  const struct v2v_win_ip *ips;
  size_t nr_ips;
};
extern const char *const *v2v_win_os_dirs (int major, int minor, bool server,
                                           int build);
extern bool v2v_win_hiberfil_in_use (const char *hdr, size_t len);
extern bool v2v_win_is_bitlocker (const char *sector, size_t len);
extern bool v2v_win_is_ldm (int mbr_id, const char *gpt_type);
extern char *v2v_win_msi_product (const char *uninstall);
extern char *v2v_win_firstboot_script (const struct v2v_win_firstboot *fb);

/* inspect_windows.c */
extern int v2v_windows_diagnose (struct run *run);
extern int v2v_windows_inspect (struct run *run);
extern void v2v_windows_free (struct v2v_windows *w);

/* virtio_win.c */
extern int v2v_virtio_win_prepare (struct run *run);
extern int v2v_virtio_win_install (struct run *run, const char *driver_dir,
                                   char **boot_driver, char **guest_agent);

/* convert_windows.c */
extern int v2v_convert_windows (struct run *run);

/* convert_linux.c */
extern int v2v_convert_linux (struct run *run);

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

#endif /* V2V_INTERNAL_H */
