/* v2vboot engine, the source stage: reaching the VM's files over HTTPS or SSH, its .vmx, the overlay (agent/source/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_SOURCE_H
#define V2V_SOURCE_H

/* url.c */
extern int v2v_parse_datastore_path (const char *path, char **ds, char **rel);
extern char *v2v_url_escape (const char *s, bool keep_slash);
extern char *v2v_https_url (const char *server, const struct v2v_disk *disk);
extern char *v2v_ssh_path (const struct v2v_disk *disk);
extern int v2v_split_server (const char *server, char **host,
                             unsigned *port);

/* password.c */
extern char *v2v_read_password_file (struct run *run, const char *file);
extern char *v2v_read_secret_file (struct run *run, const char *what,
                                   const char *file);
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

#endif
